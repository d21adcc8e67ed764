// Loading the data files: the test world loads; every kind of bad data is reported with
// file:line, field and what was expected, all at once, and nothing half-loaded is returned.
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"
#include "test_util.hpp"

using namespace nrm;
using nrm::test::TempDir;

namespace {

// A providers file with a header, then the given entries.
std::string providers(const std::string& entries) {
  return "schema: 1\nsynthetic: true\nproviders:\n" + entries;
}

const char* kGood = R"(  - id: ok-1
    name: Good (fictitious)
    community: alpha-on
    services: [shelter.emergency]
    delivery: in_person
    serves: [ON]
    accepts_trafficking_victims: true
)";

std::string load_providers(const std::string& text) {
  TempDir dir;
  auto paths = test::world_paths();
  paths.providers = dir.write("providers.yaml", text);
  return test::load_error([&] { load_directory(paths); });
}

}  // namespace

TEST_CASE("the test world loads", "[directory]") {
  Directory d = load_directory(test::world_paths());
  CHECK(d.providers.size() == 2);
  CHECK(d.geography.size() == 5);
  CHECK(d.geography.routes.size() == 4);
  auto shelter = d.find("a-shelter");
  REQUIRE(shelter);
  const Provider& p = d.providers[*shelter];
  CHECK(p.capacity->available == 3);
  CHECK(p.confidential);
  CHECK_FALSE(p.address);
  REQUIRE(p.partners.size() == 1);
  CHECK(d.providers[p.partners[0]].id == "a-counsel");
  CHECK(d.taxonomy.languages_match(*d.taxonomy.languages.find("iku"), *d.taxonomy.languages.find("ike")));
  CHECK(d.taxonomy.languages_match(*d.taxonomy.languages.find("ike"), *d.taxonomy.languages.find("iku")));
  CHECK_FALSE(d.taxonomy.languages_match(*d.taxonomy.languages.find("eng"), *d.taxonomy.languages.find("iku")));
}

TEST_CASE("bad provider entries: each kind of error, with line and field", "[directory]") {
  struct Row {
    const char* id;
    std::string entry;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"dup-id", std::string(kGood) + kGood, "providers.yaml:11:9: provider ok-1.id: duplicate provider id 'ok-1' (first at line 4)"},
      {"unknown-community",
       "  - {id: x, name: X, community: alfa-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n",
       "providers.yaml:4:33: provider x.community: unknown community 'alfa-on' (did you mean 'alpha-on'?)"},
      {"unknown-need",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergncy], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n",
       "provider x.services[0]: unknown need 'shelter.emergncy' (did you mean 'shelter.emergency'?)"},
      {"bad-language",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, languages: [english]}\n",
       "provider x.languages[0]: unknown language (ISO 639-3) 'english'"},
      {"ages-inverted",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, ages: {min: 18, max: 17}}\n",
       "provider x.ages.max: 17 is below ages.min 18"},
      {"negative-capacity",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, capacity: {beds: 4, available: -1}}\n",
       "provider x.capacity.available: -1 is out of range; expected 0 to 100000"},
      {"fractional-capacity",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, capacity: {beds: 2.5, available: 1}}\n",
       "provider x.capacity.beds: expected a whole number, found '2.5'"},
      {"unknown-partner",
       std::string(kGood).substr(0, std::string(kGood).size()) + "    partners: [ok-2]\n",
       "providers.yaml:11:16: provider ok-1.partners: no provider with id 'ok-2' (did you mean 'ok-1'?)"},
      {"wrong-type",
       "  - {id: x, name: X, community: alpha-on, services: shelter.emergency, delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n",
       "provider x.services: expected a list, found 'shelter.emergency'"},
      {"typo-field",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, wait_day: 3}\n",
       "unknown field 'wait_day' (did you mean 'wait_days'?)"},
      {"missing-field",
       "  - {id: x, name: X, community: alpha-on, delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n",
       "provider x.services: missing required field"},
      {"bad-bool",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: maybe}\n",
       "provider x.accepts_trafficking_victims: expected true or false, found 'maybe'"},
      {"confidential-address",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, confidential: true, address: 1 Road}\n",
       "provider x.address: a confidential provider must not have an address"},
      {"bad-date",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, verified: 2026-02-30}\n",
       "provider x.verified: expected a date YYYY-MM-DD, found '2026-02-30'"},
      {"bad-delivery",
       "  - {id: x, name: X, community: alpha-on, services: [shelter.emergency], delivery: online, serves: [ON], accepts_trafficking_victims: true}\n",
       "provider x.delivery: 'online' is not a delivery; expected in_person, remote or both"},
  };
  for (const auto& row : rows) {
    INFO("case " << row.id);
    std::string report = load_providers(providers(row.entry));
    CHECK_THAT(report, Catch::Contains(row.expected));
  }
}

TEST_CASE("every problem is reported at once", "[directory]") {
  std::string report = load_providers(providers(
      "  - {id: x, name: X, community: nowhere-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n"
      "  - {id: y, name: Y, community: alpha-on, services: [bogus], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n"
      "  - {id: z, name: Z, community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [XX], accepts_trafficking_victims: true}\n"));
  CHECK_THAT(report, Catch::Contains(":4:") && Catch::Contains("nowhere-on"));
  CHECK_THAT(report, Catch::Contains(":5:") && Catch::Contains("bogus"));
  CHECK_THAT(report, Catch::Contains(":6:") && Catch::Contains("XX"));
}

TEST_CASE("empty, garbage, binary and missing files are clear errors, never a crash", "[directory]") {
  CHECK_THAT(load_providers(""), Catch::Contains("expected a mapping"));
  CHECK_THAT(load_providers("providers: [\n  {id: "), Catch::Contains("not valid YAML"));
  CHECK_THAT(load_providers(std::string("\x7f" "ELF\0\0\x01", 7)), Catch::Contains("binary data"));
  CHECK_THAT(load_providers(std::string(200000, '[')), Catch::Contains("providers.yaml"));
  CHECK_THAT(load_providers("- 1\n- 2\n"), Catch::Contains("providers[0]: expected a mapping"));
  auto paths = test::world_paths();
  paths.providers = "/nonexistent/providers.yaml";
  CHECK_THAT(test::load_error([&] { load_directory(paths); }),
             Catch::Contains("/nonexistent/providers.yaml: cannot open file"));
}

TEST_CASE("the taxonomy's identifying_fields: field names, each once", "[directory]") {
  test::TempDir dir;
  std::ifstream in(test::world("taxonomy.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text = text.substr(0, text.find("identifying_fields:"));
  auto paths = test::world_paths();
  paths.taxonomy = dir.write("t.yaml", text + "identifying_fields: [name, First Name, name, 3]\n");
  std::string report = test::load_error([&] { load_directory(paths); });
  CHECK_THAT(report, Catch::Contains("identifying_fields[1]: 'First Name' is not a field name"));
  CHECK_THAT(report, Catch::Contains("identifying_fields[2]: 'name' given twice"));
  CHECK_THAT(report, Catch::Contains("identifying_fields[3]: '3' is not a field name"));
  paths.taxonomy = dir.write("u.yaml", text);  // optional: none listed
  CHECK(load_directory(paths).taxonomy.identifying_fields.empty());
}

TEST_CASE("bad communities and routes", "[directory]") {
  TempDir dir;
  auto paths = test::world_paths();
  paths.communities = dir.write("c.csv",
      "id,name,province,latitude,longitude,population,road_access,source\n"
      "alpha-on,Alpha,ON,44.0,-79.0,100000,false,test\n"
      "alpha-on,Alpha again,ON,44.0,-79.0,1,true,test\n"
      "Bad Id,Bad,ON,44.0,-79.0,1,true,test\n"
      "far-on,Far,ON,10.0,-79.0,1,maybe,test\n"
      "short-on,Short,ON\n");
  paths.routes = dir.write("r.csv", "from,to,hours,source\nalpha-on,beta-on,1,test\n");
  std::string report = test::load_error([&] { load_directory(paths); });
  CHECK_THAT(report, Catch::Contains("c.csv:3: id: duplicate community id 'alpha-on'"));
  CHECK_THAT(report, Catch::Contains("c.csv:4: id: 'Bad Id' is not a community id"));
  CHECK_THAT(report, Catch::Contains("c.csv:5: latitude: '10.0' is not a latitude in Canada"));
  CHECK_THAT(report, Catch::Contains("c.csv:5: road_access: expected true or false, found 'maybe'"));
  CHECK_THAT(report, Catch::Contains("c.csv:6: 3 fields; expected 8"));
  CHECK_THAT(report, Catch::Contains("r.csv:2: to: unknown community 'beta-on'"));
}

TEST_CASE("dangling partner ids: every one reported, in time linear in the directory", "[directory]") {
  // 3,000 providers each naming a partner that does not exist: one error each (the report keeps
  // the first thousand and says how many more), a suggestion for the first few only.
  std::string entries;
  const std::string good = kGood;
  for (int i = 0; i < 3000; ++i)
    entries += std::string(good).replace(good.find("ok-1"), 4, "p-" + std::to_string(i)) +
               "    partners: [nobody-" + std::to_string(i) + "]\n";
  std::string report = load_providers(providers(entries));
  CHECK_THAT(report, Catch::Contains("no provider with id 'nobody-0'"));
  CHECK_THAT(report, Catch::Contains("and 2000 more problems not shown"));
}

TEST_CASE("a YAML file is bounded in nodes and depth before it is built", "[directory]") {
  Diagnostics diags;
  std::string list;
  for (int i = 0; i < 5000; ++i) list += "- a\n";
  CHECK_FALSE(detail::parse_yaml(list, "big.yaml", diags, 1000));
  REQUIRE(diags.size() == 1);
  CHECK_THAT(diags.items()[0].str(), Catch::Contains("big.yaml:") && Catch::Contains("too many YAML nodes"));
  Diagnostics deep;
  std::string nested = std::string(100, '[') + std::string(100, ']');  // short texts are bounded too
  CHECK_FALSE(detail::parse_yaml(nested, "deep.yaml", deep, 1000));
  REQUIRE(deep.size() == 1);
  CHECK_THAT(deep.items()[0].str(), Catch::Contains("nested deeper than 64"));
  Diagnostics fine;
  CHECK(detail::parse_yaml(list, "big.yaml", fine));  // the default bound allows it
}

namespace {

// A fallbacks file with a header, then the given entries; load_directory's report.
std::string load_fallbacks_text(const std::string& entries) {
  TempDir dir;
  auto paths = test::world_paths();
  paths.fallbacks = dir.write("fallbacks.yaml", "schema: 1\nfallbacks:\n" + entries);
  return test::load_error([&] { load_directory(paths); });
}

const char* kLine = R"(  - id: line
    name_en: A Line
    name_fr: Une ligne
    slip_name_en: Line
    slip_name_fr: Ligne
    phone: 1-800-555-0199
    hours_en: 24/7
    hours_fr: 24 h sur 24
    when_en: Any time
    when_fr: En tout temps
)";

// kLine with `field`'s line replaced by `with` (or removed when `with` is empty).
std::string line_with(const std::string& field, const std::string& with) {
  std::string s = kLine;
  const auto at = s.find("    " + field + ":");
  const auto end = s.find('\n', at) + 1;
  return s.replace(at, end - at, with.empty() ? "" : "    " + with + "\n");
}

}  // namespace

TEST_CASE("the test world's fallbacks load, in file order", "[directory]") {
  Directory d = load_directory(test::world_paths());
  REQUIRE(d.fallbacks.size() == 2);
  CHECK(d.fallbacks[0].id == "test-line");
  CHECK(d.fallbacks[0].phone == "1-800-555-0199");
  CHECK(d.fallbacks[0].slip_name_fr == "Ligne d'essai");
  CHECK(d.fallbacks[0].web.empty());
  CHECK(d.fallbacks[1].when_en == "Immediate danger");
}

TEST_CASE("bad fallbacks: each kind of error with file:line and field, and nothing loaded", "[directory]") {
  struct Row {
    const char* id;
    std::string entries;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"missing-phone", line_with("phone", ""), "fallbacks.yaml:3:5: fallbacks[0].phone: missing required field"},
      {"missing-when-fr", line_with("when_fr", ""), "fallbacks.yaml:3:5: fallbacks[0].when_fr: missing required field"},
      {"bad-phone", line_with("phone", "phone: call us"),
       "fallbacks.yaml:8:12: fallbacks[0].phone: 'call us' is not a phone number"},
      {"empty-name", line_with("name_en", "name_en: \"\""), "fallbacks.yaml:4:14: fallbacks[0].name_en: empty"},
      {"list-name", line_with("name_fr", "name_fr: [a, b]"),
       "fallbacks.yaml:5:14: fallbacks[0].name_fr: expected text, found a list"},
      {"typo-field", line_with("hours_fr", "hour_fr: 24 h sur 24"), "unknown field 'hour_fr' (did you mean 'hours_fr'?)"},
      {"bad-id", "  - id: The Line" + std::string(kLine).substr(12), "fallbacks[0].id: 'The Line' is not an id"},
      {"duplicate-id", std::string(kLine) + kLine, "fallbacks.yaml:13:9: fallbacks[1].id: duplicate id 'line'"},
  };
  for (const auto& row : rows) {
    INFO("case " << row.id);
    CHECK_THAT(load_fallbacks_text(row.entries), Catch::Contains(row.expected));
  }
  TempDir dir;
  auto paths = test::world_paths();
  paths.fallbacks = dir.write("fallbacks.yaml", "schema: 1\nfallbacks: []\n");
  CHECK_THAT(test::load_error([&] { load_directory(paths); }),
             Catch::Contains("fallbacks.yaml:2:12: fallbacks: empty; every answer must end with at least one number"));
  paths.fallbacks = dir.write("fallbacks.yaml", "fallbacks:\n" + std::string(kLine));
  CHECK_THAT(test::load_error([&] { load_directory(paths); }),
             Catch::Contains("fallbacks.yaml:1:1: schema: missing schema version"));
  paths.fallbacks = "/nonexistent/fallbacks.yaml";
  CHECK_THAT(test::load_error([&] { load_directory(paths); }), Catch::Contains("/nonexistent/fallbacks.yaml"));
  // A good file loads: what the rows break is what each row says.
  paths.fallbacks = dir.write("fallbacks.yaml", "schema: 1\nfallbacks:\n" + std::string(kLine));
  CHECK(load_directory(paths).fallbacks.size() == 1);
}

TEST_CASE("what to bring, on needs: both languages or neither", "[directory]") {
  Taxonomy t = load_taxonomy(test::world("taxonomy.yaml"));
  const NeedCode& immigration = t.needs[*t.needs.find("legal.immigration")];
  CHECK(immigration.bring_en == "any papers you have, even expired; it is OK if you have none");
  CHECK_THAT(immigration.bring_fr, Catch::StartsWith("tous vos papiers"));
  CHECK(t.needs[*t.needs.find("counselling.trauma")].bring_en.empty());
  TempDir dir;
  std::string text = read_text(test::world("taxonomy.yaml"));
  const std::string fr = ", bring_fr: \"des vêtements de rechange, si vous le pouvez\"";
  REQUIRE(text.find(fr) != std::string::npos);
  std::string half = text;
  half.erase(half.find(fr), fr.size());
  CHECK_THAT(test::load_error([&] { load_taxonomy(dir.write("taxonomy.yaml", half)); }),
             Catch::Contains("taxonomy.yaml:4:5: needs[0].bring_fr: missing; bring_en and bring_fr go together"));
}
