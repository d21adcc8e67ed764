// Tracked cases, the engine's half (api/cases.hpp), on the test world and test policy: a table of
// pathway checks (valid with these covers, or these failures by step and rule), answers' pathways
// accepted as they stand, and replacements after a decline that keep what was accepted.

//   alpha-on --1h-- beta-on --2h-- gamma-on        alpha-on --3h-- delta-mb
//   alpha: sh-alpha (shelter, 2 free), sh-full (shelter + counselling, 0 free), sh-closed (shelter,
//          not for trafficking victims), co-alpha (counselling), le-alpha (family law),
//          cp-alpha (child protection), po-alpha (police)
//   beta:  sh-beta (shelter, 1 free), le-fra (family law, French only)
//   gamma: co-phone (counselling by phone), in-phone (interpretation by phone, English)
#include <nlohmann/json.hpp>

#include "api/cases.hpp"
#include "planner/planner_util.hpp"

using namespace nrm;

namespace {

const char* kCaseWorld = R"yaml(  - id: sh-alpha
    name: Alpha Shelter (fictitious)
    community: alpha-on
    services: [shelter.emergency]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    capacity: {beds: 4, available: 2}
    intake: {phone: "+1-416-555-0101", hours: "24/7"}
    verified: 2026-06-01
  - id: sh-full
    name: Full House (fictitious)
    community: alpha-on
    services: [shelter.emergency, counselling.trauma]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    capacity: {beds: 4, available: 0}
    intake: {phone: "+1-416-555-0102", hours: "24/7"}
    verified: 2026-06-01
  - id: sh-closed
    name: Closed Door Shelter (fictitious)
    community: alpha-on
    services: [shelter.emergency]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: false
    capacity: {beds: 4, available: 4}
    intake: {phone: "+1-416-555-0103", hours: "24/7"}
    verified: 2026-06-01
  - id: sh-beta
    name: Beta Shelter (fictitious)
    community: beta-on
    services: [shelter.emergency]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    capacity: {beds: 2, available: 1}
    intake: {phone: "+1-416-555-0104", hours: "24/7"}
    verified: 2026-06-01
  - id: co-alpha
    name: Alpha Counselling (fictitious)
    community: alpha-on
    services: [counselling.trauma]
    delivery: both
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    intake: {phone: "+1-416-555-0105", hours: "24/7"}
    verified: 2026-06-01
  - id: co-phone
    name: Counselling Line (fictitious)
    community: gamma-on
    services: [counselling.trauma]
    delivery: remote
    serves: [national]
    languages: [eng]
    accepts_trafficking_victims: true
    wait_days: 4
    intake: {phone: "+1-416-555-0106", hours: "24/7"}
    verified: 2026-06-01
  - id: le-alpha
    name: Alpha Legal Clinic (fictitious)
    community: alpha-on
    services: [legal.family]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    intake: {phone: "+1-416-555-0107", hours: "24/7"}
    verified: 2026-06-01
  - id: le-fra
    name: Clinique juridique Beta (fictitious)
    community: beta-on
    services: [legal.family]
    delivery: in_person
    serves: [ON]
    languages: [fra]
    accepts_trafficking_victims: true
    intake: {phone: "+1-416-555-0108", hours: "24/7"}
    verified: 2026-06-01
  - id: in-phone
    name: Interpretation Line (fictitious)
    community: gamma-on
    services: [interpretation]
    delivery: remote
    serves: [national]
    languages: [eng, fra]
    accepts_trafficking_victims: true
    intake: {phone: "+1-416-555-0109", hours: "24/7"}
    verified: 2026-06-01
  - id: cp-alpha
    name: Alpha Children's Aid (fictitious)
    community: alpha-on
    services: [child.protection]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    intake: {phone: "+1-416-555-0110", hours: "24/7"}
    verified: 2026-06-01
  - id: po-alpha
    name: Alpha Police Service (fictitious)
    community: alpha-on
    services: [police.liaison]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    law_enforcement: true
    intake: {phone: "+1-416-555-0111", hours: "24/7"}
    verified: 2026-06-01
)yaml";

const std::string kCaseAdult = R"("location": "alpha-on", "age": 30, "gender": "female", "languages": ["eng"])";

struct Row {
  const char* id;
  std::string c;                      // the case's fields after location, age, gender, languages
  std::vector<std::string> steps;
  bool share = true;
  // Expected: each step's covers ("" = not checked) when valid; otherwise "step:rule" failures.
  std::vector<std::string> covers;
  std::vector<std::string> failures;
};

std::string codes(const Taxonomy& t, NeedSet s) {
  std::string out;
  for (const auto& c : t.need_codes(s)) out += (out.empty() ? "" : "+") + c;
  return out;
}

}  // namespace

TEST_CASE("the pathway check: each row valid with its covers, or refused naming step and rule", "[api][cases]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kCaseWorld);
  const std::vector<Row> rows = {
      {"valid", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"sh-alpha", "co-alpha"}, true,
       {"shelter.emergency", "counselling.trauma"}, {}},
      {"any-order", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"co-alpha", "sh-alpha"}, true,
       {"counselling.trauma", "shelter.emergency"}, {}},
      {"not-eligible", R"("needs": ["shelter.emergency"])", {"sh-closed"}, true, {},
       {"0:trafficking-victims", "-1:covers-every-need"}},
      {"full", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"sh-full", "co-alpha"}, true, {},
       {"0:shelter-full"}},
      {"need-missing", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"sh-alpha"}, true, {},
       {"-1:covers-every-need"}},
      {"nothing-new", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"sh-alpha", "co-alpha", "co-phone"},
       true, {}, {"1:covers-nothing-new", "2:covers-nothing-new"}},
      {"no-need-of-the-case", R"("needs": ["shelter.emergency"])", {"sh-alpha", "le-alpha"}, true, {},
       {"1:covers-no-need"}},
      {"twice", R"("needs": ["shelter.emergency", "counselling.trauma"])", {"sh-alpha", "co-alpha", "sh-alpha"}, true, {},
       {"2:one-step-per-provider"}},
      {"police-without-consent", R"("needs": ["shelter.emergency"])", {"sh-alpha", "po-alpha"}, true, {},
       {"1:police-consent"}},
      {"no-consent-adult", R"("needs": ["shelter.emergency"])", {"sh-alpha"}, false, {}, {"-1:consent-share"}},
      {"interpretation-owed", R"("needs": ["legal.family"])", {"le-fra"}, true, {}, {"0:language-interpretation"}},
      {"interpretation-given", R"("needs": ["legal.family"])", {"le-fra", "in-phone"}, true,
       {"legal.family", "interpretation"}, {}},
      {"travel-cap", R"("needs": ["shelter.emergency"], "max_travel_hours": 0.5)", {"sh-beta"}, true, {},
       {"-1:max_travel_hours"}},
      {"excluded", R"("needs": ["shelter.emergency"], "exclude": ["sh-alpha"])", {"sh-alpha"}, true, {},
       {"0:exclude", "-1:covers-every-need"}},
  };
  for (const auto& row : rows) {
    INFO("row " << row.id);
    Case c = e->parse_case("{" + kCaseAdult + ", " + row.c + "}", row.id);
    api::PathwayRequest rq;
    rq.steps = api::provider_indices(*e, row.steps, "steps");
    rq.consent.share = row.share;
    api::PathwayCheck check = api::check_pathway(*e, c, rq, test::test_date());
    std::vector<std::string> failures;
    for (const auto& f : check.failures) {
      failures.push_back(std::to_string(f.step) + ":" + f.rule);
      CHECK_FALSE(f.reason.empty());
      CHECK(f.provider == (f.step >= 0 ? row.steps[static_cast<std::size_t>(f.step)] : std::string()));
    }
    CHECK(failures == row.failures);
    if (row.failures.empty()) {
      REQUIRE(check.ok());
      REQUIRE(check.steps.size() == row.covers.size());
      for (std::size_t i = 0; i < row.covers.size(); ++i) {
        CHECK(e->directory().providers[check.steps[i].provider].id == row.steps[i]);
        CHECK(codes(e->directory().taxonomy, check.steps[i].covers) == row.covers[i]);
      }
    }
  }
}

TEST_CASE("consent: a minor's child-protection step is opened whatever the consent, and says so", "[api][cases]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kCaseWorld);
  Case minor = e->parse_case(R"({"location": "alpha-on", "age": 16, "needs": ["shelter.emergency"]})", "minor");
  const Date d = test::test_date();
  api::PathwayRequest rq;
  rq.steps = api::provider_indices(*e, {"cp-alpha"}, "steps");
  rq.consent.share = false;
  auto only_cp = api::check_pathway(*e, minor, rq, d);
  REQUIRE(only_cp.ok());
  CHECK(only_cp.duty_to_report);
  CHECK(only_cp.steps[0].duty);

  rq.steps = api::provider_indices(*e, {"sh-alpha", "cp-alpha"}, "steps");
  auto more = api::check_pathway(*e, minor, rq, d);
  REQUIRE(more.failures.size() == 1);
  CHECK(more.failures[0].step == 0);
  CHECK(more.failures[0].rule == "consent-share");

  rq.consent.share = true;
  auto both = api::check_pathway(*e, minor, rq, d);
  REQUIRE(both.ok());
  CHECK_FALSE(both.steps[0].duty);
  CHECK(both.steps[1].duty);
  rq.steps = api::provider_indices(*e, {"sh-alpha"}, "steps");
  auto without_cp = api::check_pathway(*e, minor, rq, d);
  REQUIRE(without_cp.failures.size() == 1);
  CHECK(without_cp.failures[0].rule == "covers-every-need");
  CHECK_THAT(without_cp.failures[0].reason, Catch::Contains("child.protection"));

  CHECK_THAT(test::load_error([&] { api::provider_indices(*e, {"sh-alpah"}, "steps"); }),
             Catch::Contains("unknown provider 'sh-alpah'"));
  try {
    api::provider_indices(*e, {"sh-alpha", "sh-alpah"}, "steps");
  } catch (const LoadError& err) {
    REQUIRE(err.diagnostics().size() == 1);
    CHECK(err.diagnostics()[0].field == "steps[1]");
    CHECK_THAT(err.diagnostics()[0].message, Catch::Contains("did you mean 'sh-alpha'?"));
  }
}

TEST_CASE("every pathway an answer proposes is accepted as it stands, with the covers it shows", "[api][cases]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kCaseWorld);
  const std::vector<std::string> cases = {
      R"("needs": ["shelter.emergency", "counselling.trauma"])",
      R"("needs": ["shelter.emergency", "counselling.trauma", "legal.family"])",
      R"("needs": ["legal.family", "counselling.trauma"], "languages": ["fra"])",
      R"("needs": ["shelter.emergency", "legal.family"], "age": 15)",
  };
  for (const auto& fields : cases) {
    INFO(fields);
    Case c = e->parse_case(R"({"location": "alpha-on", "gender": "female", )" + fields + "}", "case");
    const nlohmann::json answer = e->answer_json(e->refer(c, test::test_date()));
    REQUIRE_FALSE(answer["pathways"].empty());
    for (const auto& p : answer["pathways"]) {
      std::vector<std::string> ids;
      for (const auto& s : p["steps"]) ids.push_back(s["provider"]);
      api::PathwayRequest rq;
      rq.steps = api::provider_indices(*e, ids, "steps");
      rq.consent.share = true;
      auto check = api::check_pathway(*e, c, rq, test::test_date());
      INFO(test::joined(ids));
      REQUIRE(check.ok());
      for (std::size_t i = 0; i < ids.size(); ++i)
        CHECK(e->directory().taxonomy.need_codes(check.steps[i].covers) == p["steps"][i]["covers"].get<std::vector<std::string>>());
    }
  }
}

TEST_CASE("a replacement keeps what was accepted and asks no provider that declined", "[api][cases]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kCaseWorld);
  const Date d = test::test_date();
  Case c = e->parse_case("{" + kCaseAdult + R"(, "needs": ["shelter.emergency", "counselling.trauma"]})", "case");
  const Taxonomy& t = e->directory().taxonomy;
  const auto id = [&](const char* s) { return *e->directory().find(s); };
  const NeedSet counselling = need_bit(*t.needs.find("counselling.trauma"));
  api::Consent consent{true, false};

  // The counsellor accepted, the nearest shelter declined: the counsellor stays first, and the
  // next shelter with a bed comes after (the full one and the one refusing victims never do).
  std::vector<api::KeptStep> kept = {{id("co-alpha"), counselling, false}};
  auto r = api::replacement(*e, c, kept, {id("sh-alpha")}, consent, d);
  REQUIRE(r);
  CHECK(test::ids(*e, *r) == std::vector<std::string>{"co-alpha", "sh-beta"});
  CHECK(r->steps[0].covers == counselling);
  CHECK(r->steps[1].in_person);
  CHECK(r->travel_hours == Approx(1.0));
  // The worker confirms it: valid as it stands.
  api::PathwayRequest rq{{id("co-alpha"), id("sh-beta")}, kept, {id("sh-alpha")}, consent};
  CHECK(api::check_pathway(*e, c, rq, d).ok());
  // Its JSON is an answer's pathway.
  const nlohmann::json j = api::pathway_json(*e, c, *r, d);
  CHECK(j["steps"][1]["provider"] == "sh-beta");
  CHECK(j["steps"][1]["beds_available"] == 1);
  for (const char* key : {"rank", "total_cost", "cost", "travel_hours", "warnings"}) CHECK(j.contains(key));

  // Every shelter with a bed declined: no replacement.
  CHECK_FALSE(api::replacement(*e, c, kept, {id("sh-alpha"), id("sh-beta")}, consent, d));
  // Accepted steps that meet every need are the whole replacement.
  const NeedSet shelter = need_bit(*t.needs.find("shelter.emergency"));
  kept.push_back({id("sh-alpha"), shelter, true});
  auto whole = api::replacement(*e, c, kept, {id("co-phone")}, consent, d);
  REQUIRE(whole);
  CHECK(test::ids(*e, *whole) == std::vector<std::string>{"co-alpha", "sh-alpha"});
  // No consent to share, an adult: nothing to propose.
  CHECK_FALSE(api::replacement(*e, c, {}, {}, api::Consent{false, false}, d));
}

TEST_CASE("beds, bands and codes", "[api][cases]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kCaseWorld);
  const Taxonomy& t = e->directory().taxonomy;
  const auto id = [&](const char* s) { return *e->directory().find(s); };
  CHECK(api::takes_bed(*e, id("sh-alpha"), api::need_set(t, {"shelter.emergency"})));
  CHECK_FALSE(api::takes_bed(*e, id("sh-full"), api::need_set(t, {"counselling.trauma"})));
  CHECK_FALSE(api::takes_bed(*e, id("co-alpha"), api::need_set(t, {"counselling.trauma"})));
  CHECK(api::need_set(t, {"shelter.emergency", "no.such"}) == need_bit(*t.needs.find("shelter.emergency")));
  CHECK(api::age_band(std::nullopt) == "unknown");
  CHECK(api::age_band(15) == "under 16");
  CHECK(api::age_band(17) == "16-17");
  CHECK(api::age_band(18) == "18-24");
  CHECK(api::age_band(64) == "25-64");
  CHECK(api::age_band(65) == "65 and over");
}
