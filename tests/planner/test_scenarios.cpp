// Planner scenarios on a drawn network, in the style of a routing engine's feature tests. The
// test world (tests/fixtures/world), every leg a flight of round hours:
//
//     alpha-on --1h-- beta-on --2h-- gamma-on
//        |
//        3h
//        |
//     delta-mb --4h-- nordic-nu
//
// Test policy (tests/fixtures/rules): 1 per hour of travel, 1 per hand-off, 1 per day of wait,
// 2 for a stale entry, 1 for an in-person step in another province, -1 for a partner hand-off,
// -1 per preferred attribute. Each row: a case, then the expected pathways (provider ids in
// order) and total costs. Ids and costs are checked, not display text.
#include "planner_util.hpp"

using namespace nrm;

namespace {

// A provider line: id, community, services, then extra fields.
std::string P(const std::string& id, const std::string& community, const std::string& services,
              const std::string& extra = "") {
  return "  - {id: " + id + ", name: " + id + " (fictitious), community: " + community + ", services: [" +
         services + "], delivery: in_person, serves: [national], languages: [eng], accepts_trafficking_victims: true, " +
         (extra.find("verified:") == std::string::npos ? "verified: 2026-06-01" : "") +
         (extra.empty() ? "" : (extra.find("verified:") == std::string::npos ? ", " : "") + extra) + "}\n";
}

struct Row {
  const char* id;
  std::string providers;
  std::string case_yaml;
  std::vector<std::string> expected;  // each: ids separated by spaces
  std::vector<double> costs;
  int exit_ok = 1;  // 1: complete answer expected; 0: no pathway meets every need
};

void run(const Row& row) {
  INFO("scenario " << row.id);
  test::TempDir dir;
  auto e = test::world_engine(dir, row.providers);
  Case c = e->parse_case(row.case_yaml, "case");
  api::Answer a = e->refer(c, test::test_date());
  CHECK(a.ok() == (row.exit_ok == 1));
  std::vector<std::string> got;
  std::vector<double> costs;
  for (const auto& p : a.plan.pathways) {
    got.push_back(test::joined(test::ids(*e, p)));
    costs.push_back(rules::from_cost(p.cost.total()));
  }
  CHECK(got == row.expected);
  CHECK(costs == row.costs);
}

}  // namespace

TEST_CASE("planner scenarios on the drawn test world", "[planner]") {
  const std::string shelter_a = P("sh-alpha", "alpha-on", "shelter.emergency");
  const std::string shelter_b = P("sh-beta", "beta-on", "shelter.emergency");
  const std::string counsel_g = P("co-gamma", "gamma-on", "counselling.trauma");
  const std::string counsel_b = P("co-beta", "beta-on", "counselling.trauma");
  const std::vector<Row> rows = {
      {"nearest-shelter", shelter_a + shelter_b, "location: beta-on\nneeds: [shelter.emergency]",
       {"sh-beta", "sh-alpha"}, {1, 2}},
      {"top-1", shelter_a + shelter_b, "location: beta-on\nneeds: [shelter.emergency]\ntop: 1",
       {"sh-beta"}, {1}},
      // Two needs in two places: go to gamma for counselling (2h) after the shelter in beta.
      {"chain", shelter_b + counsel_g, "location: alpha-on\nneeds: [shelter.emergency, counselling.trauma]",
       {"sh-beta co-gamma"}, {1 + 1 + 2 + 1}},
      // Immediate needs first: the shelter comes before counselling even though counselling is nearer.
      {"immediate-first", shelter_b + P("co-alpha", "alpha-on", "counselling.trauma"),
       "location: alpha-on\nneeds: [counselling.trauma, shelter.emergency]\ntop: 1",
       {"sh-beta co-alpha"}, {1 + 1 + 1 + 1}},
      // One provider covering both needs beats two providers (one hand-off fewer).
      {"one-stop", shelter_b + counsel_b + P("both-gamma", "gamma-on", "shelter.emergency, counselling.trauma"),
       "location: beta-on\nneeds: [shelter.emergency, counselling.trauma]",
       {"sh-beta co-beta", "both-gamma", "sh-beta both-gamma"}, {2, 3, 4}},
      // A full shelter cannot meet the shelter need; its other service still can.
      {"full-shelter",
       P("full-beta", "beta-on", "shelter.emergency, counselling.trauma", "capacity: {beds: 5, available: 0}") + shelter_a,
       "location: beta-on\nneeds: [shelter.emergency, counselling.trauma]",
       {"sh-alpha full-beta"}, {1 + 1 + 1 + 1}},
      // The trafficker operates in beta: no in-person step there.
      {"avoid", shelter_a + shelter_b, "location: beta-on\nneeds: [shelter.emergency]\navoid: [beta-on]",
       {"sh-alpha"}, {2}},
      // A travel cap filters; it never changes a cost.
      {"max-travel", shelter_a + P("sh-gamma", "gamma-on", "shelter.emergency"),
       "location: beta-on\nneeds: [shelter.emergency]\nmax_travel_hours: 1.5", {"sh-alpha"}, {2}},
      // Partners: a warm hand-off earns the reward.
      {"partner", P("sh-p", "beta-on", "shelter.emergency", "partners: [co-p]") + P("co-p", "beta-on", "counselling.trauma") +
                      P("co-q", "beta-on", "counselling.trauma"),
       "location: beta-on\nneeds: [shelter.emergency, counselling.trauma]",
       {"sh-p co-p", "sh-p co-q"}, {1, 2}},
      // Preferences lower cost: the trauma-informed shelter an hour away costs what the one here
      // does; the tie goes to less travel, the one here.
      {"prefer", shelter_b + P("sh-ti", "alpha-on", "shelter.emergency", "attributes: [trauma_informed]"),
       "location: beta-on\nneeds: [shelter.emergency]\nprefer: [trauma_informed]", {"sh-beta", "sh-ti"}, {1, 1}},
      // Ties go to less travel before provider ids: the shelter here wins though its id sorts last.
      {"tie-less-travel",
       P("sh-a-far", "alpha-on", "shelter.emergency", "attributes: [trauma_informed]") + P("sh-z-near", "beta-on", "shelter.emergency"),
       "location: beta-on\nneeds: [shelter.emergency]\nprefer: [trauma_informed]", {"sh-z-near", "sh-a-far"}, {1, 1}},
      // Require is hard for in-person steps.
      {"require", shelter_b + P("sh-ti", "gamma-on", "shelter.emergency", "attributes: [trauma_informed]"),
       "location: beta-on\nneeds: [shelter.emergency]\nrequire: [trauma_informed]", {"sh-ti"}, {3}},
      // A remote step costs no travel and does not move the person.
      {"remote", shelter_b + "  - {id: line, name: Line (fictitious), community: nordic-nu, services: [legal.immigration], "
                             "delivery: remote, serves: [national], languages: [eng], accepts_trafficking_victims: true, verified: 2026-06-01}\n",
       "location: beta-on\nstatus: temporary_resident\nneeds: [shelter.emergency]", {"sh-beta line"}, {2}},
      // Language: nobody at the shelter speaks Hungarian, so interpretation joins the pathway.
      {"interpretation",
       shelter_b + "  - {id: interp, name: Interp (fictitious), community: nordic-nu, services: [interpretation], "
                   "delivery: remote, serves: [national], languages: [hun, eng], accepts_trafficking_victims: true, verified: 2026-06-01}\n",
       "location: beta-on\nlanguages: [hun]\nneeds: [shelter.emergency]", {"sh-beta interp"}, {2}},
      // A minor derives child protection; a provider for adults only is out.
      {"minor", P("cp", "beta-on", "child.protection") + P("adult", "beta-on", "shelter.emergency", "ages: {min: 18}") +
                    P("youth", "alpha-on", "shelter.emergency", "ages: {min: 12, max: 17}"),
       // The same two visits in the other order is the same option for the person: shown once.
       "location: beta-on\nage: 15\nneeds: [shelter.emergency]", {"cp youth"}, {3}},
      // Stale entries cost their penalty.
      {"stale", P("old", "beta-on", "shelter.emergency", "verified: 2024-01-01") + shelter_a,
       "location: beta-on\nneeds: [shelter.emergency]", {"sh-alpha", "old"}, {2, 3}},
      // Nothing offers the need: no pathway, exit 3.
      {"unmet", shelter_b, "location: beta-on\nneeds: [shelter.emergency, legal.labour]", {"sh-beta"}, {1}, 0},
  };
  for (const auto& row : rows) run(row);
}

TEST_CASE("an honest no-pathway answer names the nearest relaxation", "[planner]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, P("far", "nordic-nu", "shelter.emergency"));
  Case c = e->parse_case("location: alpha-on\nneeds: [shelter.emergency]\nmax_travel_hours: 5", "case");
  api::Answer a = e->refer(c, test::test_date());
  CHECK_FALSE(a.ok());
  REQUIRE(a.plan.unmet.size() == 1);
  const auto& u = a.plan.unmet[0];
  CHECK(u.blocked_by == "max_travel_hours");
  CHECK(u.nearest_travel_hours == 7.0);
  CHECK_THAT(u.reason, Catch::Contains("within 5 h") && Catch::Contains("7.0 h away in Nordic"));
  auto j = e->answer_json(a);
  CHECK(j["unmet"][0]["nearest"]["provider"] == "far");
  CHECK(j["unmet"][0]["nearest"]["blocked_by"] == "max_travel_hours");
  // The relaxation a worker can act on: without the travel cap, that shelter, 7 h away.
  REQUIRE(u.relaxations.size() == 1);
  CHECK(u.relaxations[0].constraint == "max_travel_hours");
  CHECK(j["unmet"][0]["relaxations"][0]["provider"] == "far");
  CHECK(j["unmet"][0]["relaxations"][0]["travel_hours"] == 7.0);
  CHECK_THAT(e->answer_text(a), Catch::Contains("-> without the travel cap: far (fictitious) [far] would meet it"));
  // The text gives what the worker can change first, then what keeps the nearest provider out.
  const std::string text = e->answer_text(a);
  const auto relax = text.find("-> without the travel cap"), why = text.find("why: the nearest is far");
  REQUIRE(relax != std::string::npos);
  REQUIRE(why != std::string::npos);
  CHECK(relax < why);
  CHECK(e->answer_json_text(a, 2) == j.dump(2));
}

TEST_CASE("a phone/video provider named as the nearest is by phone, not 0.0 h away", "[planner]") {
  test::TempDir dir;
  std::string line = P("line", "nordic-nu", "counselling.trauma", "ages: {min: 18}");
  line.replace(line.find("delivery: in_person"), 19, "delivery: remote");
  auto e = test::world_engine(dir, line);
  Case c = e->parse_case("location: alpha-on\nage: 15\nneeds: [counselling.trauma]", "case");
  api::Answer a = e->refer(c, test::test_date());
  CHECK_FALSE(a.ok());
  const auto need = *e->directory().taxonomy.needs.find("counselling.trauma");
  auto u = std::find_if(a.plan.unmet.begin(), a.plan.unmet.end(), [&](const auto& x) { return x.need == need; });
  REQUIRE(u != a.plan.unmet.end());
  CHECK(u->nearest_remote);
  CHECK_THAT(u->reason, Catch::Contains("the nearest is line (fictitious) [line], by phone/video from Nordic"));
  CHECK_THAT(u->reason, !Catch::Contains("h away"));
}

TEST_CASE("answers are deterministic and every need is covered by exactly the steps that list it", "[planner]") {
  test::TempDir dir;
  std::string dirs;
  for (int i = 0; i < 6; ++i)
    dirs += P("s" + std::to_string(i), i % 2 ? "alpha-on" : "beta-on", "shelter.emergency, counselling.trauma");
  auto e = test::world_engine(dir, dirs);
  Case c = e->parse_case("location: beta-on\nneeds: [shelter.emergency, counselling.trauma]\ntop: 5", "case");
  auto first = e->answer_json(e->refer(c, test::test_date())).dump();
  for (int i = 0; i < 3; ++i) CHECK(e->answer_json(e->refer(c, test::test_date())).dump() == first);
  auto j = nlohmann::json::parse(first);
  REQUIRE(j["pathways"].size() == 5);
  // Ties are broken by provider id: s0, s2, s4 are in beta (cost 1), then s1, s3 in alpha (cost 2).
  std::vector<std::string> order;
  for (const auto& p : j["pathways"]) order.push_back(p["steps"][0]["provider"]);
  CHECK(order == std::vector<std::string>{"s0", "s2", "s4", "s1", "s3"});
  for (const auto& p : j["pathways"]) {
    double sum = 0;
    for (const auto& [k, v] : p["cost"].items()) sum += v.get<double>();
    CHECK(sum == Approx(p["total_cost"].get<double>()));
  }
}
