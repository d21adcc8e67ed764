// Reading cases: defaults filled in, every bad field named with the accepted values.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "directory/loader.hpp"
#include "test_util.hpp"

using namespace nrm;

namespace {
const Directory& world() {
  static Directory d = load_directory(test::world_paths());
  return d;
}
std::string case_error(const std::string& text) {
  return test::load_error([&] { parse_case(text, "case.yaml", world()); });
}
}  // namespace

TEST_CASE("a minimal case gets its defaults", "[case]") {
  Case c = parse_case("location: beta-on\nneeds: [shelter.emergency]\n", "case.yaml", world());
  const Taxonomy& t = world().taxonomy;
  CHECK(world().geography[c.location].id == "beta-on");
  CHECK_FALSE(c.age);
  CHECK(t.genders.code(c.gender) == "unknown");
  CHECK(t.statuses.code(c.status) == "unknown");
  REQUIRE(c.languages.size() == 1);
  CHECK(t.languages.code(c.languages[0]) == "eng");
  CHECK(c.top == 3);
  CHECK_FALSE(c.police_consent);
}

TEST_CASE("JSON cases read like YAML ones", "[case]") {
  Case c = parse_case(R"({"location": "alpha-on", "age": 15, "gender": "female", "needs": ["counselling.trauma"],
                         "languages": ["fra", "eng"], "avoid": ["gamma-on", "beta-on"], "top": 5})",
                      "case.json", world());
  CHECK(*c.age == 15);
  CHECK(c.top == 5);
  CHECK(c.languages.size() == 2);
  CHECK(c.avoid.size() == 2);
}

TEST_CASE("bad cases: the field and the accepted values", "[case]") {
  struct Row {
    const char* id;
    const char* text;
    const char* expected;
  };
  const Row rows[] = {
      {"no-location", "needs: [shelter.emergency]", "location: missing"},
      {"bad-location", "location: alpa-on\nneeds: [shelter.emergency]", "location: unknown community 'alpa-on' (did you mean 'alpha-on'?)"},
      {"negative-age", "location: alpha-on\nage: -4\nneeds: [shelter.emergency]", "case.yaml:2:6: age: -4 is out of range; expected 0 to 120"},
      {"huge-age", "location: alpha-on\nage: 300\nneeds: [shelter.emergency]", "age: 300 is out of range; expected 0 to 120"},
      {"text-age", "location: alpha-on\nage: fifteen\nneeds: [shelter.emergency]", "age: expected a whole number, found 'fifteen'"},
      {"bad-gender", "location: alpha-on\ngender: woman\nneeds: [shelter.emergency]", "gender: 'woman' is not accepted; expected one of female, male, nonbinary, unknown"},
      {"unknown-field", "location: alpha-on\ncolour: red\nneeds: [shelter.emergency]", "unknown field 'colour'"},
      {"identifying-field", "location: alpha-on\nname: Jane\nneeds: [shelter.emergency]",
       "case.yaml:2:1: name: cases never hold identifying details: remove 'name'"},
      {"bad-exclude", "location: alpha-on\nneeds: [shelter.emergency]\nexclude: [a-shelterr]",
       "case.yaml:3:11: exclude: unknown provider 'a-shelterr' (did you mean 'a-shelter'?)"},
      {"exclude-not-list", "location: alpha-on\nneeds: [shelter.emergency]\nexclude: a-shelter", "exclude: expected a list"},
      {"typo-field", "location: alpha-on\nneed: [shelter.emergency]", "unknown field 'need' (did you mean 'needs'?)"},
      {"bad-need", "location: alpha-on\nneeds: [shelter]", "needs: unknown need 'shelter'"},
      {"empty-needs", "location: alpha-on\nneeds: []", "needs: empty"},
      {"bad-language", "location: alpha-on\nlanguages: [hungarian]\nneeds: [shelter.emergency]", "languages: unknown language (ISO 639-3) 'hungarian'"},
      {"bad-status", "location: alpha-on\nstatus: illegal\nneeds: [shelter.emergency]", "status: 'illegal' is not accepted; expected one of citizen, temporary_resident, no_status, unknown"},
      {"bad-top", "location: alpha-on\nneeds: [shelter.emergency]\ntop: 0", "top: 0 is out of range; expected 1 to 20"},
      {"bad-consent", "location: alpha-on\nneeds: [shelter.emergency]\npolice_consent: yes", "police_consent: expected true or false, found 'yes'"},
      {"bad-hours", "location: alpha-on\nneeds: [shelter.emergency]\nmax_travel_hours: -1", "max_travel_hours: -1 is out of range"},
      {"not-a-map", "[1, 2]", "case: expected a mapping"},
      {"garbage", "{{{{", "not valid YAML"},
  };
  for (const auto& row : rows) {
    INFO("case " << row.id);
    CHECK_THAT(case_error(row.text), Catch::Contains(row.expected));
  }
}

TEST_CASE("all of a case's problems at once", "[case]") {
  std::string report = case_error("location: nowhere-on\nage: 300\ngender: woman\nneeds: [bogus]\n");
  CHECK_THAT(report, Catch::Contains("location:") && Catch::Contains("age:") && Catch::Contains("gender:") &&
                         Catch::Contains("needs:"));
}

namespace {
std::string json_case_error(const nlohmann::json& doc) {
  return test::load_error([&] { case_from_json(doc, "case", world()); });
}
}  // namespace

TEST_CASE("a parsed JSON document reads like the same text", "[case]") {
  const char* text = R"({"location": "alpha-on", "age": 15, "gender": "female", "needs": ["counselling.trauma"],
                         "languages": ["fra", "eng"], "avoid": ["gamma-on", "beta-on"], "top": 5,
                         "police_consent": true, "max_travel_hours": 7.5})";
  Case a = parse_case(text, "case", world());
  Case b = case_from_json(nlohmann::json::parse(text), "case", world());
  CHECK(*a.age == *b.age);
  CHECK(a.location == b.location);
  CHECK(a.gender == b.gender);
  CHECK(a.needs == b.needs);
  CHECK(a.languages == b.languages);
  CHECK(a.avoid == b.avoid);
  CHECK(a.top == b.top);
  CHECK(a.police_consent == b.police_consent);
  CHECK(*a.max_travel_hours == *b.max_travel_hours);
  // The same checks and messages.
  CHECK_THAT(json_case_error({{"location", "alpa-on"}, {"needs", {"shelter.emergency"}}}),
             Catch::Contains("location: unknown community 'alpa-on' (did you mean 'alpha-on'?)"));
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"age", 300}, {"needs", {"shelter.emergency"}}}),
             Catch::Contains("age: 300 is out of range; expected 0 to 120"));
  // A JSON string is text, never a number or a boolean, as when the text is read.
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"age", "15"}, {"needs", {"shelter.emergency"}}}),
             Catch::Contains("age: expected a whole number"));
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"police_consent", "true"}, {"needs", {"shelter.emergency"}}}),
             Catch::Contains("police_consent: expected true or false"));
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"age", nullptr}, {"needs", nlohmann::json::array()}}),
             Catch::Contains("needs: empty"));
}

TEST_CASE("ids, codes and lists longer than any real one are refused at once", "[case]") {
  std::string huge(60000, 'q');
  std::string report = json_case_error({{"location", huge}, {"needs", {huge}}, {"avoid", {huge}}});
  CHECK_THAT(report, Catch::Contains("location: unknown community 'qqqq"));
  CHECK_THAT(report, Catch::Contains("(60000 characters)"));
  CHECK_THAT(report, Catch::Contains("needs: unknown need 'qqqq"));
  CHECK_THAT(report, Catch::Contains("avoid: unknown community"));
  CHECK(report.size() < 1000);
  nlohmann::json needs = nlohmann::json::array();
  for (int i = 0; i < 500; ++i) needs.push_back("shelter.emergency");
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"needs", needs}}),
             Catch::Contains("needs: 500 items; a case lists at most 64"));
  CHECK_THAT(case_error("location: alpha-on\nneeds: [shelter.emergency]\n" + std::string(1100000, '#')),
             Catch::Contains("the limit is"));
}

TEST_CASE("a field given twice is refused, not silently resolved", "[case]") {
  CHECK_THAT(case_error("location: alpha-on\nlocation: beta-on\nneeds: [shelter.emergency]\n"),
             Catch::Contains("case.yaml:2:1: location: given twice"));
}

TEST_CASE("exclude: provider ids, kept sorted and once each; none by default", "[case]") {
  CHECK(parse_case("location: alpha-on\nneeds: [shelter.emergency]\n", "case.yaml", world()).exclude.empty());
  Case c = parse_case("location: alpha-on\nneeds: [shelter.emergency]\nexclude: [a-shelter, a-counsel, a-shelter]\n",
                      "case.yaml", world());
  const std::vector<ProviderIndex> both = {*world().find("a-shelter"), *world().find("a-counsel")};
  std::vector<ProviderIndex> sorted = both;
  std::sort(sorted.begin(), sorted.end());
  CHECK(c.exclude == sorted);
  Case j = case_from_json({{"location", "alpha-on"}, {"needs", {"shelter.emergency"}}, {"exclude", {"a-counsel", "a-shelter"}}},
                          "case", world());
  CHECK(j.exclude == sorted);
  // Every unknown id named, with the closest; an id longer than any real one gets no search.
  std::string report = json_case_error({{"location", "alpha-on"}, {"needs", {"shelter.emergency"}},
                                        {"exclude", {"a-counsl", std::string(60000, 'q')}}});
  CHECK_THAT(report, Catch::Contains("exclude: unknown provider 'a-counsl' (did you mean 'a-counsel'?)"));
  CHECK_THAT(report, Catch::Contains("exclude: unknown provider 'qqqq") && Catch::Contains("(60000 characters)"));
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) many.push_back("a-shelter");
  CHECK_THAT(json_case_error({{"location", "alpha-on"}, {"needs", {"shelter.emergency"}}, {"exclude", many}}),
             Catch::Contains("exclude: 100 items; a case lists at most 64"));
}

namespace {
std::size_t lines(const std::string& report) { return static_cast<std::size_t>(std::count(report.begin(), report.end(), '\n')); }
}  // namespace

TEST_CASE("a misspelled need is one error, not two", "[case]") {
  std::string report = case_error("location: alpha-on\nneeds: [shelter.emergncy]\n");
  CHECK(report == "case.yaml:2:9: needs: unknown need 'shelter.emergncy' (did you mean 'shelter.emergency'?)\n");
  CHECK(lines(json_case_error({{"location", "alpha-on"}, {"needs", {"shelterr", "counseling.trauma"}}})) == 2);
}

TEST_CASE("a case with an identifying field is refused by the field's name, never echoing it", "[case][privacy]") {
  // The list is data (the taxonomy's identifying_fields), matched without regard to case or '-'.
  for (const char* key : {"name", "first_name", "Last-Name", "DATE_OF_BIRTH", "phone", "email"}) {
    INFO("field " << key);
    std::string report = json_case_error({{"location", "alpha-on"}, {"needs", {"shelter.emergency"}}, {key, "Jane Doe 1990"}});
    CHECK(report == "case: " + std::string(key) + ": cases never hold identifying details: remove '" + key + "'\n");
  }
  std::string both = case_error("location: alpha-on\nname: Jane\nphone: 555-0100\nneeds: [shelter.emergency]\n");
  CHECK(lines(both) == 2);
  CHECK_THAT(both, !Catch::Contains("Jane") && !Catch::Contains("555"));
  // Not a field of the list: the usual unknown-field message.
  CHECK_THAT(case_error("location: alpha-on\nnam: x\nneeds: [shelter.emergency]\n"), Catch::Contains("unknown field 'nam'"));
}
