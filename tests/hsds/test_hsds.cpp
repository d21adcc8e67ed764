// HSDS 3.1 import and export (engine/hsds): hand-written HSDS services (JSON and a CSV
// datapackage) imported on the test world, bad ones reported whole with each object's id and
// field; the export checked against the 3.1 schema's required properties, types, uuid-shaped ids
// and enums (as read from the specification, written here by hand); the round trip export ->
// import on a hand-written set and on the SHIPPED directory; and the CLI end to end.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "../run_nrm.hpp"
#include "../test_util.hpp"
#include "directory/loader.hpp"
#include "hsds/detail.hpp"
#include "hsds/hsds.hpp"
#include "hsds/schedule.hpp"

using namespace nrm;
using namespace nrm::test;
using nlohmann::json;

namespace {

const Directory& world_dir() {
  static const Directory d = load_directory(world_paths());
  return d;
}

const Directory& shipped_dir() {
  static const Directory d = load_directory(shipped_data_paths(source_root()));
  return d;
}

// A map for publishers' own taxonomies, on the test world.
constexpr const char* kWorldMap = R"(schema: 1
needs:
  - {taxonomy: demo, code: shelter, need: shelter.emergency}
  - {term_id: 11111111-2222-4333-8444-555555555555, need: counselling.trauma}
attributes:
  - {taxonomy: demo, code: trauma-informed, attribute: trauma_informed}
ignore:
  - {taxonomy: other}
confidential: {taxonomy: demo, code: confidential}
max_km: 50
languages: {en: eng, fr: fra}
defaults: {serves: province, languages: [eng]}
)";

// nrm's own taxonomies, on the test world (data/hsds-map.yaml names languages the world lacks).
constexpr const char* kWorldRoundTripMap = R"(schema: 1
need_taxonomies: [nrm-needs]
attribute_taxonomies: [nrm-attributes]
confidential: {taxonomy: nrm, code: confidential}
)";

json term(const std::string& taxonomy, const std::string& code) {
  return {{"id", hsds::detail::stable_uuid("t:" + taxonomy + code)}, {"code", code}, {"name", code},
          {"description", code}, {"taxonomy", taxonomy}};
}

json attr(const std::string& id, const json& t) {
  return {{"id", id}, {"taxonomy_term_id", t["id"]}, {"taxonomy_term", t}};
}

// A women's shelter near Alpha (a confidential physical location and a phone line).
json shelter_service() {
  return json::parse(R"J({
    "id": "a0000000-0000-4000-8000-000000000001",
    "name": "Alpha Women's Shelter (fictitious)",
    "status": "active",
    "minimum_age": 16,
    "assured_date": "2026-05-01",
    "organization": {"id": "a0000000-0000-4000-8000-0000000000aa", "name": "Alpha House", "description": "d"},
    "phones": [{"id": "a0000000-0000-4000-8000-0000000000b1", "number": "+1-416-555-0199"}],
    "schedules": [{"id": "a0000000-0000-4000-8000-0000000000c1", "description": "24/7"}],
    "capacities": [{"id": "a0000000-0000-4000-8000-0000000000d1", "unit": {"id": "u1", "name": "Beds"},
                    "available": 2, "maximum": 12, "updated": "2026-05-01T10:00:00Z"}],
    "languages": [{"id": "a0000000-0000-4000-8000-0000000000e1", "code": "en"},
                  {"id": "a0000000-0000-4000-8000-0000000000e2", "code": "fr"}],
    "service_at_locations": [{"id": "a0000000-0000-4000-8000-0000000000f1", "location": {
      "id": "a0000000-0000-4000-8000-000000000101", "location_type": "physical",
      "latitude": 44.02, "longitude": -79.01,
      "addresses": [{"id": "x", "address_1": "9 Hidden Lane", "city": "Alpha", "state_province": "ON",
                     "postal_code": "A1A 1A1", "country": "CA", "address_type": "physical"}],
      "attributes": [{"id": "a0000000-0000-4000-8000-000000000102",
                      "taxonomy_term": {"id": "c", "code": "confidential", "name": "c", "description": "c", "taxonomy": "demo"}}]
    }}]
  })J");
}

// A counselling service by phone/video and in person at Beta, placed by its address only.
json counselling_service() {
  json s = json::parse(R"J({
    "id": "b0000000-0000-4000-8000-000000000001",
    "name": "Beta Counselling (fictitious)",
    "status": "active",
    "service_at_locations": [
      {"id": "b0000000-0000-4000-8000-0000000000f1", "location": {
        "id": "b0000000-0000-4000-8000-000000000101", "location_type": "physical",
        "addresses": [{"id": "y", "address_1": "2 Main Street", "city": "Beta", "state_province": "Ontario",
                       "postal_code": "B2B 2B2", "country": "CA", "address_type": "physical"}]}},
      {"id": "b0000000-0000-4000-8000-0000000000f2", "location": {
        "id": "b0000000-0000-4000-8000-000000000102", "location_type": "virtual", "url": "https://example.org"}}
    ]
  })J");
  s["attributes"] = json::array({
      {{"id", "b1"}, {"taxonomy_term_id", "11111111-2222-4333-8444-555555555555"}},
      attr("b2", term("demo", "trauma-informed")),
      attr("b3", term("other", "whatever")),
  });
  return s;
}

json with_shelter_terms(json s) {
  s["attributes"] = json::array({attr("a1", term("demo", "shelter"))});
  return s;
}

hsds::ImportResult import_world(const json& input) {
  const hsds::Map m = hsds::parse_map(kWorldMap, "map.yaml", world_dir());
  return hsds::import_services(input, m, world_dir(), "input.json");
}

// The imported providers, loaded as `nrm validate` loads them.
Directory load_imported(const Directory& base, const std::string& yaml) {
  Directory empty;
  empty.taxonomy = base.taxonomy;
  empty.geography = base.geography;
  empty.reindex();
  return with_providers(empty, yaml, "imported.yaml", {});
}

}  // namespace

TEST_CASE("hsds: a JSON service and a list import, placed by coordinates and by address", "[hsds]") {
  const json input = json::array({with_shelter_terms(shelter_service()), counselling_service()});
  const auto r = import_world(input);
  CHECK(r.imported == 2);
  const Directory d = load_imported(world_dir(), r.yaml);
  REQUIRE(d.providers.size() == 2);
  const Provider& sh = d.providers[0];
  CHECK(sh.id == "a0000000-0000-4000-8000-000000000001");
  CHECK(d.geography[sh.community].id == "alpha-on");
  CHECK(d.taxonomy.need_codes(sh.services) == std::vector<std::string>{"shelter.emergency"});
  CHECK(sh.delivery == Delivery::kInPerson);
  CHECK(sh.confidential);
  CHECK_FALSE(sh.address);  // confidential: the address is never written
  CHECK(r.yaml.find("Hidden Lane") == std::string::npos);
  CHECK_FALSE(sh.accepts_trafficking_victims);  // HSDS does not say: unknown, not true
  CHECK(r.yaml.find("accepts_trafficking_victims:") == std::string::npos);
  REQUIRE(sh.capacity);
  CHECK(sh.capacity->beds == 12);
  CHECK(sh.capacity->available == 2);
  CHECK(sh.age_min == 16);
  CHECK_FALSE(sh.age_max);
  CHECK(sh.intake_phone == "+1-416-555-0199");
  CHECK(sh.intake_hours == "24/7");
  CHECK(sh.verified == Date::parse("2026-05-01"));
  CHECK(sh.languages.size() == 2);
  CHECK(sh.serves == code_bit(*d.taxonomy.provinces.find("ON")));

  const Provider& co = d.providers[1];
  CHECK(d.geography[co.community].id == "beta-on");
  CHECK(co.delivery == Delivery::kBoth);
  CHECK(co.address == std::optional<std::string>("2 Main Street"));
  CHECK(d.taxonomy.need_codes(co.services) == std::vector<std::string>{"counselling.trauma"});
  CHECK(co.attributes == attr_bit(*d.taxonomy.attributes.find("trauma_informed")));
  CHECK(co.languages == std::vector<LangId>{*d.taxonomy.languages.find("eng")});  // the map's default
}

TEST_CASE("hsds: read_input takes one service, a list, a paginated response and skips inactive", "[hsds]") {
  TempDir t;
  json one = with_shelter_terms(shelter_service());
  json closed = counselling_service();
  closed["status"] = "defunct";
  const std::string a = t.write("one.json", one.dump());
  const std::string b = t.write("page.json", json{{"total_items", 2}, {"page_number", 1}, {"contents", {one, closed}}}.dump());
  CHECK(hsds::read_input(a).size() == 1);
  const json page = hsds::read_input(b);
  REQUIRE(page.size() == 2);
  const auto r = import_world(page);
  CHECK(r.imported == 1);
  CHECK(r.skipped == 1);
  const std::string bad = t.write("bad.json", "{\"id\": ");
  CHECK_THAT(load_error([&] { hsds::read_input(bad); }), Catch::Contains("not valid JSON"));
}

TEST_CASE("hsds: every problem of a bad input at once, each naming the object's id and field", "[hsds]") {
  json far = with_shelter_terms(shelter_service());
  far["service_at_locations"][0]["location"]["latitude"] = 51.5;  // London, England
  far["service_at_locations"][0]["location"]["longitude"] = -0.12;
  json unmapped = counselling_service();
  unmapped["attributes"].push_back(attr("b9", term("demo", "karaoke")));
  json broken = with_shelter_terms(shelter_service());
  broken["id"] = "c0000000-0000-4000-8000-000000000001";
  broken.erase("name");
  broken["minimum_age"] = "sixteen";
  broken["status"] = "open";
  broken["languages"][0]["code"] = "xx";
  broken["service_at_locations"][0]["location"]["location_type"] = "house";
  const std::string report = load_error([&] { import_world(json::array({far, unmapped, broken})); });
  INFO(report);
  for (const char* expected : {
           "location a0000000-0000-4000-8000-000000000101.latitude: 51.5000, -0.1200 is ",
           "service b0000000-0000-4000-8000-000000000001.attributes[b9].taxonomy_term: unmapped term 'karaoke' of taxonomy 'demo'",
           "service c0000000-0000-4000-8000-000000000001.name: missing required field",
           "service c0000000-0000-4000-8000-000000000001.minimum_age: expected a number, found 'sixteen'",
           "service c0000000-0000-4000-8000-000000000001.status: 'open' is not a status",
           "service c0000000-0000-4000-8000-000000000001.languages[a0000000-0000-4000-8000-0000000000e1].code: unknown language 'xx'",
           "location a0000000-0000-4000-8000-000000000101.location_type: 'house' is not a location type",
       })
    CHECK_THAT(report, Catch::Contains(expected));
  // Partners must be imported too; a map never defaults accepts_trafficking_victims.
  json lonely = with_shelter_terms(shelter_service());
  lonely["attributes"].push_back({{"id", "p"}, {"taxonomy_term", term("nrm", "partners")}, {"value", "nobody"}});
  CHECK_THAT(load_error([&] { import_world(json::array({lonely})); }), Catch::Contains("no imported provider has id 'nobody'"));
  CHECK_THAT(load_error([&] {
               hsds::parse_map("schema: 1\ndefaults: {accepts_trafficking_victims: true}\n", "m.yaml", world_dir());
             }),
             Catch::Contains("defaults.accepts_trafficking_victims: never defaulted"));
  CHECK_THAT(load_error([&] { hsds::parse_map("schema: 1\nneeds: [{taxonomy: a, code: b, need: shelter}]\n", "m.yaml", world_dir()); }),
             Catch::Contains("needs[0].need: unknown need 'shelter'"));
}

TEST_CASE("hsds: a temporarily closed service takes no referrals: skipped and counted", "[hsds]") {
  json closed = counselling_service();
  closed["status"] = "temporarily closed";
  const auto r = import_world(json::array({with_shelter_terms(shelter_service()), closed}));
  CHECK(r.imported == 1);
  CHECK(r.skipped == 1);
  CHECK_THAT(r.yaml, !Catch::Contains("Beta Counselling"));
}

TEST_CASE("hsds: weekly schedules (byday, opens_at, closes_at) become intake hours", "[hsds]") {
  auto hours_of = [](const json& schedules) {
    json s = with_shelter_terms(shelter_service());
    s["schedules"] = schedules;
    const auto r = import_world(json::array({s}));
    const Directory d = load_imported(world_dir(), r.yaml);
    REQUIRE(d.providers.size() == 1);
    return d.providers[0].intake_hours;
  };
  // weekdays and a shorter Saturday, in two schedules, seconds and the local offset as written
  CHECK(hours_of(json::parse(R"J([
      {"id": "s1", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00:00", "closes_at": "17:00:00-05:00"},
      {"id": "s2", "byday": "SA", "opens_at": "10:00", "closes_at": "14:00"}])J")) ==
        "Mon-Fri 09:00-17:00, Sat 10:00-14:00");
  // a lunch break: two openings the same days
  CHECK(hours_of(json::parse(R"J([
      {"id": "s1", "freq": "WEEKLY", "byday": "MO, WE", "opens_at": "08:30", "closes_at": "12:00"},
      {"id": "s2", "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "13:00", "closes_at": "16:30"}])J")) ==
        "Mon 08:30-12:00, Mon 13:00-16:30, Wed 08:30-12:00, Wed 13:00-16:30");
  // overnight: Friday 22:00 to Saturday 06:00
  CHECK(hours_of(json::parse(R"J([{"id": "s1", "byday": "FR", "opens_at": "22:00", "closes_at": "06:00"}])J")) ==
        "Fri 22:00-24:00, Sat 00:00-06:00");
  // every day, all day
  CHECK(hours_of(json::parse(R"J([{"id": "s1", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU",
      "opens_at": "00:00", "closes_at": "23:59"}])J")) == "24/7");
  // a description in nrm's hours wins over the structured form; a monthly schedule is left out
  CHECK(hours_of(json::parse(R"J([
      {"id": "s1", "freq": "MONTHLY", "byday": "1MO", "opens_at": "09:00", "closes_at": "12:00"},
      {"id": "s2", "description": "by appointment", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}])J")) ==
        "by appointment");
  CHECK(hours_of(json::parse(R"J([{"id": "s1", "freq": "MONTHLY", "byday": "1MO", "opens_at": "09:00", "closes_at": "12:00"}])J")).empty());
}

TEST_CASE("hsds: a bad weekly schedule names the schedule and the field, every problem at once", "[hsds]") {
  json s = with_shelter_terms(shelter_service());
  s["schedules"] = json::parse(R"J([
      {"id": "s1", "freq": "WEEKLY", "byday": "MO,XX", "opens_at": "9am", "closes_at": "17:00Z"},
      {"id": "s2", "freq": "DAILY", "byday": "MO", "opens_at": "09:00", "closes_at": "17:00"},
      {"id": "s3", "byday": "TU", "opens_at": "09:00"},
      {"id": "s4", "byday": "WE", "opens_at": "09:00", "closes_at": "09:00"}])J");
  const std::string e = load_error([&] { import_world(json::array({s})); });
  CHECK_THAT(e, Catch::Contains("schedules[s1].byday: 'XX' is not a day"));
  CHECK_THAT(e, Catch::Contains("schedules[s1].opens_at: '9am' is not a time"));
  CHECK_THAT(e, Catch::Contains("schedules[s1].closes_at: '17:00Z' is in UTC"));
  CHECK_THAT(e, Catch::Contains("schedules[s2].freq: 'DAILY' is not a frequency"));
  CHECK_THAT(e, Catch::Contains("schedules[s3].closes_at: missing"));
  CHECK_THAT(e, Catch::Contains("schedules[s4].closes_at: '09:00' is when it opens"));
  CHECK_THAT(e, Catch::Contains("service a0000000-0000-4000-8000-000000000001"));
}

TEST_CASE("hsds: the export writes weekly hours as structured schedules other tools can read", "[hsds]") {
  std::string why;
  auto groups = [&](const char* text) {
    auto h = IntakeHours::parse(text, why);
    REQUIRE(h);
    return hsds::detail::weekly_groups(*h);
  };
  auto g = groups("Mon-Fri 09:00-17:00, Sat 10:00-14:00");
  REQUIRE(g.size() == 2);
  CHECK(hsds::detail::byday_text(g[0].days) == "MO,TU,WE,TH,FR");
  CHECK(hsds::detail::hsds_clock(g[0].opens) == "09:00");
  CHECK(hsds::detail::hsds_clock(g[0].closes) == "17:00");
  CHECK(hsds::detail::byday_text(g[1].days) == "SA");
  g = groups("24/7");
  REQUIRE(g.size() == 1);
  CHECK(hsds::detail::byday_text(g[0].days) == "MO,TU,WE,TH,FR,SA,SU");
  CHECK(hsds::detail::hsds_clock(g[0].closes) == "23:59");
  CHECK(groups("by appointment").empty());

  // Each shipped provider's structured schedules alone (descriptions dropped) give back its hours.
  const Directory& d = shipped_dir();
  json services = hsds::export_services(d);
  int weekly = 0;
  for (std::size_t i = 0; i < d.providers.size(); ++i) {
    const Provider& p = d.providers[i];
    if (p.hours.kind != IntakeHours::Kind::kWeekly && p.hours.kind != IntakeHours::Kind::kAlways) continue;
    std::vector<hsds::detail::Opening> open;
    for (const auto& x : services[i]["schedules"]) {
      std::string err;
      auto days = hsds::detail::byday_days(x["byday"].get<std::string>(), err);
      auto from = hsds::detail::hsds_time(x["opens_at"].get<std::string>(), err);
      auto to = hsds::detail::hsds_time(x["closes_at"].get<std::string>(), err);
      REQUIRE((days && from && to));
      for (const auto& o : hsds::detail::openings(*days, *from, *to)) open.push_back(o);
    }
    auto back = IntakeHours::parse(hsds::detail::hours_text(open), why);
    REQUIRE(back);
    CHECK(back->kind == p.hours.kind);
    CHECK(back->open == p.hours.open);
    ++weekly;
  }
  CHECK(weekly > 500);
}

TEST_CASE("hsds: a CSV datapackage imports like the JSON form; a bad row names its file and line", "[hsds]") {
  TempDir t;
  t.write("pkg/services.csv",
          "id,organization_id,name,status,minimum_age,maximum_age,assured_date\n"
          "s1,o1,Delta Shelter (fictitious),active,18,,2026-04-02\n"
          "s2,o1,Nordic Line (fictitious),active,,24,\n");
  t.write("pkg/organizations.csv", "id,name,description\no1,Org,d\n");
  t.write("pkg/locations.csv",
          "id,location_type,name,latitude,longitude\n"
          "l1,physical,Delta,50.01,-97.02\n"
          "l2,virtual,Line,,\n"
          "l3,physical,Nordic,63.0,-68.0\n");
  t.write("pkg/service_at_locations.csv", "id,service_id,location_id\nsl1,s1,l1\nsl2,s2,l2\nsl3,s2,l3\n");
  t.write("pkg/phones.csv", "id,service_id,number\nph1,s1,+1-204-555-0100\n");
  t.write("pkg/taxonomy_terms.csv",
          "id,code,name,description,taxonomy\n"
          "t1,shelter,Shelter,d,demo\n"
          "11111111-2222-4333-8444-555555555555,c,Counselling,d,demo\n"
          "t3,confidential,Confidential,d,demo\n");
  t.write("pkg/attributes.csv",
          "id,link_id,link_entity,taxonomy_term_id,value\n"
          "a1,s1,service,t1,\n"
          "a2,s2,service,11111111-2222-4333-8444-555555555555,\n"
          "a3,l1,location,t3,\n");
  t.write("pkg/units.csv", "id,name\nu1,bed\n");
  t.write("pkg/service_capacity.csv", "id,service_id,unit_id,available,maximum,updated\nc1,s1,u1,0,6,2026-04-02T00:00:00Z\n");
  t.write("pkg/languages.csv", "id,service_id,code\nla1,s2,fr\n");
  const json input = hsds::read_input(t.path("pkg"));
  REQUIRE(input.size() == 2);
  const auto r = import_world(input);
  const Directory d = load_imported(world_dir(), r.yaml);
  REQUIRE(d.providers.size() == 2);
  CHECK(d.geography[d.providers[0].community].id == "delta-mb");
  CHECK(d.providers[0].confidential);
  REQUIRE(d.providers[0].capacity);
  CHECK(d.providers[0].capacity->beds == 6);
  CHECK(d.providers[0].capacity->available == 0);
  CHECK(d.providers[0].age_min == 18);
  CHECK(d.geography[d.providers[1].community].id == "nordic-nu");
  CHECK(d.providers[1].delivery == Delivery::kBoth);
  CHECK(d.providers[1].age_max == 24);
  CHECK(d.providers[1].languages == std::vector<LangId>{*d.taxonomy.languages.find("fra")});

  t.write("pkg/services.csv", "id,organization_id,name,status,minimum_age\ns1,o1,,active,200\n");
  const std::string report = load_error([&] { import_world(hsds::read_input(t.path("pkg"))); });
  CHECK_THAT(report, Catch::Contains("services.csv:2: service s1.name: missing required field"));
  CHECK_THAT(report, Catch::Contains("services.csv:2: service s1.minimum_age: 200 is not a whole number from 0 to 120"));
}

namespace {

// The HSDS 3.1 schema's rules for the objects the export writes, checked by hand: required
// properties, JSON types, uuid-shaped ids, enums.
struct SchemaCheck {
  std::vector<std::string> problems;
  std::set<std::string> ids;

  void fail(const std::string& at, const std::string& what) { problems.push_back(at + ": " + what); }
  void required(const json& o, const std::string& at, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (!o.contains(k)) fail(at, std::string("missing required ") + k);
  }
  void strings(const json& o, const std::string& at, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (o.contains(k) && !o[k].is_string()) fail(at, std::string(k) + " is not a string");
  }
  void numbers(const json& o, const std::string& at, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (o.contains(k) && !o[k].is_number()) fail(at, std::string(k) + " is not a number");
  }
  void arrays(const json& o, const std::string& at, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (o.contains(k) && !o[k].is_array()) fail(at, std::string(k) + " is not an array");
  }
  void uuid(const json& o, const std::string& at, const char* key, bool unique = true) {
    if (!o.contains(key)) return;
    if (!o[key].is_string() || !hsds::detail::uuid_shaped(o[key].get<std::string>())) fail(at, std::string(key) + " is not a uuid");
    else if (unique && std::string(key) == "id" && !ids.insert(o[key].get<std::string>()).second) fail(at, "id used twice");
  }
  void one_of(const json& o, const std::string& at, const char* key, std::initializer_list<const char*> values) {
    if (!o.contains(key) || !o[key].is_string()) return;
    for (const char* v : values)
      if (o[key] == v) return;
    fail(at, std::string(key) + " '" + o[key].get<std::string>() + "' is not in its enum");
  }

  void attribute(const json& a, const std::string& at) {
    required(a, at, {"id", "taxonomy_term_id"});
    uuid(a, at, "id");
    uuid(a, at, "taxonomy_term_id", false);
    uuid(a, at, "link_id", false);
    strings(a, at, {"link_type", "link_entity", "value", "label"});
    if (a.contains("taxonomy_term")) {
      const json& t = a["taxonomy_term"];
      required(t, at + ".taxonomy_term", {"id", "name", "description"});
      uuid(t, at + ".taxonomy_term", "id", false);
      strings(t, at + ".taxonomy_term", {"code", "name", "description", "taxonomy", "language"});
      if (t.contains("id") && a.contains("taxonomy_term_id") && t["id"] != a["taxonomy_term_id"]) fail(at, "term ids differ");
    }
  }

  void location(const json& l, const std::string& at) {
    required(l, at, {"id", "location_type"});
    uuid(l, at, "id");
    one_of(l, at, "location_type", {"physical", "postal", "virtual"});
    strings(l, at, {"name", "description", "url"});
    numbers(l, at, {"latitude", "longitude"});
    arrays(l, at, {"addresses", "attributes", "phones", "schedules", "languages"});
    for (const auto& a : l.value("addresses", json::array())) {
      required(a, at + ".address", {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"});
      uuid(a, at + ".address", "id");
      uuid(a, at + ".address", "location_id", false);
      strings(a, at + ".address", {"address_1", "address_2", "city", "state_province", "postal_code", "country"});
      one_of(a, at + ".address", "address_type", {"physical", "postal", "virtual"});
    }
    for (const auto& a : l.value("attributes", json::array())) attribute(a, at + ".attribute");
  }

  void service(const json& s) {
    const std::string at = "service " + s.value("id", std::string("?"));
    required(s, at, {"id", "name", "status"});
    uuid(s, at, "id");
    uuid(s, at, "organization_id", false);
    strings(s, at, {"name", "description", "assured_date", "url", "email"});
    numbers(s, at, {"minimum_age", "maximum_age"});
    one_of(s, at, "status", {"active", "inactive", "defunct", "temporarily closed"});
    arrays(s, at, {"phones", "schedules", "service_areas", "service_at_locations", "languages", "capacities",
                   "attributes", "metadata", "contacts", "funding", "cost_options", "required_documents"});
    if (s.contains("assured_date") && !Date::parse(s["assured_date"].get<std::string>())) fail(at, "assured_date is not a date");
    if (s.contains("organization")) {
      const json& o = s["organization"];
      required(o, at + ".organization", {"id", "name", "description"});
      uuid(o, at + ".organization", "id");
    }
    for (const auto& p : s.value("phones", json::array())) {
      required(p, at + ".phone", {"id", "number"});
      uuid(p, at + ".phone", "id");
      strings(p, at + ".phone", {"number", "type", "description"});
    }
    for (const auto& x : s.value("schedules", json::array())) {
      required(x, at + ".schedule", {"id"});
      uuid(x, at + ".schedule", "id");
      one_of(x, at + ".schedule", "freq", {"WEEKLY", "MONTHLY"});
    }
    for (const auto& c : s.value("capacities", json::array())) {
      required(c, at + ".capacity", {"id", "unit", "available", "updated"});
      uuid(c, at + ".capacity", "id");
      numbers(c, at + ".capacity", {"available", "maximum"});
      strings(c, at + ".capacity", {"updated", "description"});
      if (c.contains("unit")) required(c["unit"], at + ".capacity.unit", {"id", "name"});
    }
    for (const auto& l : s.value("languages", json::array())) {
      required(l, at + ".language", {"id"});
      uuid(l, at + ".language", "id");
      strings(l, at + ".language", {"name", "code", "note"});
    }
    for (const auto& sal : s.value("service_at_locations", json::array())) {
      required(sal, at + ".service_at_location", {"id"});
      uuid(sal, at + ".service_at_location", "id");
      uuid(sal, at + ".service_at_location", "location_id", false);
      if (sal.contains("location")) location(sal["location"], at + ".location");
    }
    for (const auto& a : s.value("attributes", json::array())) attribute(a, at + ".attribute");
  }
};

// Every field of every provider, as the directory holds it (ids for indices).
std::string describe(const Directory& d, const Provider& p) {
  const Taxonomy& t = d.taxonomy;
  std::string partners, catchment, langs;
  for (ProviderIndex q : p.partners) partners += d.providers[q].id + ",";
  for (CommunityIndex c : p.catchment) catchment += d.geography[c].id + ",";
  for (LangId l : p.languages) langs += t.languages.code(l) + ",";
  json j = {{"id", p.id}, {"name", p.name}, {"community", d.geography[p.community].id},
            {"services", t.need_codes(p.services)}, {"delivery", delivery_name(p.delivery)},
            {"national", p.national}, {"serves", p.serves}, {"attributes", p.attributes}, {"languages", langs},
            {"genders", p.genders ? json(*p.genders) : json()}, {"ages", {p.age_min ? json(*p.age_min) : json(), p.age_max ? json(*p.age_max) : json()}},
            {"atv", p.accepts_trafficking_victims ? json(*p.accepts_trafficking_victims) : json()},
            {"without_status", p.accepts_without_status}, {"police", p.law_enforcement},
            {"capacity", p.capacity ? json{p.capacity->beds, p.capacity->available} : json()},
            {"wait", p.wait_days}, {"partners", partners}, {"phone", p.intake_phone}, {"hours", p.intake_hours},
            {"catchment", catchment}, {"peoples", p.peoples ? json(*p.peoples) : json()},
            {"address", p.address ? json(*p.address) : json()}, {"confidential", p.confidential},
            {"verified", p.verified ? json(p.verified->str()) : json()}};
  return j.dump();
}

void check_round_trip(const Directory& original, const std::string& map_text) {
  const json exported = hsds::export_services(original);
  SchemaCheck schema;
  for (const auto& s : exported) schema.service(s);
  INFO((schema.problems.empty() ? std::string() : schema.problems.front()));
  CHECK(schema.problems.empty());
  // Through text, as a file would be.
  const json reread = json::parse(exported.dump(2));
  const hsds::Map m = hsds::parse_map(map_text, "map.yaml", original);
  const auto r = hsds::import_services(reread, m, original, "export.json");
  const Directory back = load_imported(original, r.yaml);
  REQUIRE(back.providers.size() == original.providers.size());
  for (std::size_t i = 0; i < original.providers.size(); ++i) {
    const std::string a = describe(original, original.providers[i]), b = describe(back, back.providers[i]);
    if (a != b) FAIL_CHECK("provider " << original.providers[i].id << " differs:\n  " << a << "\n  " << b);
  }
}

}  // namespace

TEST_CASE("hsds: export meets the 3.1 schema and round-trips a hand-written set", "[hsds]") {
  // The test world's providers, plus one that has not said whether it takes trafficking victims.
  const std::string extra = R"Y(providers:
  - id: unsure
    name: Unsure Drop-in (fictitious)
    community: gamma-on
    services: [safety.planning]
    delivery: remote
    serves: [national]
    genders: [female, nonbinary]
    peoples: [inuit]
    languages: [eng, fra]
    ages: {min: 12, max: 25}
    wait_days: 3
    address: "5 Open Road"
    verified: 2025-01-02
)Y";
  const Directory d = with_providers(world_dir(), extra, "extra.yaml", {});
  REQUIRE_FALSE(d.providers.back().accepts_trafficking_victims);
  check_round_trip(d, kWorldRoundTripMap);
  const json j = hsds::export_services(d);
  CHECK(j.dump() == hsds::export_services(d).dump());  // deterministic
}

TEST_CASE("hsds: the SHIPPED directory (every provider) exports and imports back unchanged", "[hsds][shipped]") {
  const Directory& d = shipped_dir();
  REQUIRE(d.providers.size() > 1000);
  check_round_trip(d, read_text(source_root() + "/data/hsds-map.yaml"));
}

TEST_CASE("hsds: nrm import hsds and nrm export hsds end to end; nothing written on error", "[hsds][cli]") {
  // On the test world and its rules (fast under sanitizers); the shipped directory's round trip is
  // the engine-level test above.
  TempDir t;
  const std::string world_data = " --taxonomy " + world("taxonomy.yaml") + " --communities " + world("communities.csv") +
                                 " --routes " + world("routes.csv") + " --fallbacks " + world("fallbacks.yaml") +
                                 " --rules " + test_dir() + "/fixtures/rules";
  const std::string map = t.write("map.yaml", kWorldRoundTripMap);
  const std::string exported = t.path("export.json");
  auto r = run_nrm("export hsds --out " + exported + world_data + " --providers " + world("providers.yaml"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("services written to"));
  const std::string out = t.path("providers.yaml");
  r = run_nrm("import hsds " + exported + " --map " + map + " --out " + out + world_data);
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK(std::filesystem::exists(out));
  r = run_nrm("validate --providers " + out + world_data);
  INFO(r.out);
  CHECK(r.status == 0);

  // A service far from every community: exit 2, the object and field named, nothing written.
  json bad = json::parse(read_text(exported))[0];
  bad["attributes"] = json::array({bad["attributes"][0]});  // a need only: placed by coordinates
  bad["service_at_locations"][0]["location"]["latitude"] = 51.5;
  bad["service_at_locations"][0]["location"]["longitude"] = -0.12;
  const std::string in = t.write("bad.json", bad.dump());
  const std::string nowhere = t.path("never.yaml");
  r = run_nrm("import hsds " + in + " --map " + map + " --out " + nowhere + world_data);
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains(".latitude: 51.5000, -0.1200 is"));
  CHECK_FALSE(std::filesystem::exists(nowhere));
  for (const auto& e : std::filesystem::directory_iterator(t.path())) CHECK(e.path().filename().string().find(".tmp") == std::string::npos);

  r = run_nrm("import hsds --help");
  CHECK_THAT(r.out, Catch::Contains("--map"));
  r = run_nrm("export hsds --lang fr --help");
  CHECK_THAT(r.out, Catch::Contains("le fichier JSON à écrire"));
}
