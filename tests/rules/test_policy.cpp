// The rules engine on the round-number test policy (fixtures/policy, not the shipped rules/):
// loading, every effect, derived needs, case errors, explain = assess, and rule order.
#include <catch2/catch.hpp>

#include "../test_util.hpp"
#include "rules/policy.hpp"
#include "rules_world.hpp"

using namespace nrm;
using namespace nrm::test;
using rules::Assessment;
using rules::Policy;
using rules::to_cost;

namespace {

std::string policy_dir() {
  return test_dir() + "/rules/fixtures/policy";
}

int need(const Directory& d, const char* code) {
  return *d.taxonomy.needs.find(code);
}
int attr(const Directory& d, const char* code) {
  return *d.taxonomy.attributes.find(code);
}

const Date kAsOf = day("2026-02-01");

// assess() and explain() must agree on every provider; returns assess().
Assessment both(const Policy& policy, const Case& c, const Directory& d, ProviderIndex p,
                std::vector<rules::RuleHit>* hits_out = nullptr) {
  Assessment a = policy.assess(c, d, p, kAsOf);
  std::vector<rules::RuleHit> hits;
  Assessment e = policy.explain(c, d, p, kAsOf, hits);
  CHECK(a.eligible == e.eligible);
  CHECK(a.in_person == e.in_person);
  CHECK(a.remote == e.remote);
  CHECK(a.withheld == e.withheld);
  CHECK(a.preferences == e.preferences);
  CHECK(a.penalties == e.penalties);
  CHECK(a.in_person_penalties == e.in_person_penalties);
  CHECK(a.stale == e.stale);
  // Specialised to the case: the same verdict and the same hits.
  rules::CaseRules prepared = policy.prepare(c, d, kAsOf);
  Assessment f = prepared.assess(p);
  std::vector<rules::RuleHit> folded_hits;
  Assessment g = prepared.explain(p, folded_hits);
  for (const Assessment* x : {&f, &g}) {
    CHECK(a.eligible == x->eligible);
    CHECK(a.in_person == x->in_person);
    CHECK(a.remote == x->remote);
    CHECK(a.withheld == x->withheld);
    CHECK(a.preferences == x->preferences);
    CHECK(a.penalties == x->penalties);
    CHECK(a.in_person_penalties == x->in_person_penalties);
    CHECK(a.stale == x->stale);
  }
  REQUIRE(folded_hits.size() == hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i) {
    CHECK(folded_hits[i].rule_id == hits[i].rule_id);
    CHECK(folded_hits[i].cost == hits[i].cost);
  }
  if (hits_out) *hits_out = hits;
  return a;
}

std::vector<std::string> ids(const std::vector<rules::RuleHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.rule_id);
  return out;
}

}  // namespace

TEST_CASE("the test policy loads with its round weights, in file order", "[rules][policy]") {
  Directory d = rules_world();
  Policy p = Policy::load(policy_dir(), d);
  CHECK(p.rule_count() == 18);
  CHECK(p.weights().travel_hour == 1);
  CHECK(p.weights().handoff == 2);
  CHECK(p.weights().wait_day == 1);
  CHECK(p.weights().stale == 10);
  CHECK(p.weights().cross_province == 5);
  CHECK(p.weights().partner_reward == 1);
  CHECK(p.weights().stale_after_days == 100);
  CHECK(p.travel().two_lane_kmh == 100);
  CHECK(p.travel().local_detour == 1);
  CHECK(p.travel().local_links == 3);
  CHECK(p.travel().local_max_km == 500);
  CHECK(p.travel().air_departure_hours == 0);
  CHECK(p.language().enabled);
  CHECK(p.language().interpretation_need == need(d, "interpretation"));
  CHECK(p.language().rule_id == "t-language");
  auto rules = p.rules();
  REQUIRE(rules.size() == 18);
  CHECK(rules.front().id == "t-age");
  CHECK(rules.front().effect == rules::Effect::kExclude);
  CHECK(std::string(rules::effect_name(rules.front().effect)) == "exclude");
  CHECK(rules.front().line == 4);
  CHECK(rules.front().file == policy_dir() + "/a-eligibility.yaml");
  CHECK(rules[7].id == "t-minor");
  CHECK(rules.back().id == "t-wait");
}

TEST_CASE("sections left out keep their documented defaults", "[rules][policy]") {
  Directory d = rules_world();
  TempDir t;
  t.write("only.yaml", "schema: 1\nrules: []\n");
  Policy p = Policy::load(t.path(), d);
  CHECK(p.rule_count() == 0);
  CHECK(p.weights().travel_hour == 1.0);
  CHECK(p.weights().stale_after_days == 365);
  CHECK(p.travel().two_lane_kmh == 82);
  CHECK(p.language().enabled);
  CHECK(p.language().interpretation_need == need(d, "interpretation"));
  CHECK(p.language().rule_id == "language");
}

TEST_CASE("delivery modes follow the provider and the exclude effects", "[rules][policy]") {
  Directory d = rules_world();
  auto in_person = add_provider(d, "in-person");
  auto remote = add_provider(d, "remote",
                             [](Provider& p, const Taxonomy&) { p.delivery = Delivery::kRemote; });
  auto both_modes = add_provider(d, "both", [](Provider& p, const Taxonomy&) {
    p.delivery = Delivery::kBoth;
    p.community = 1;  // beta-on
  });
  auto refuses = add_provider(d, "refuses", [](Provider& p, const Taxonomy&) {
    p.delivery = Delivery::kBoth;
    p.accepts_trafficking_victims = false;
  });
  auto adults = add_provider(d, "adults", [](Provider& p, const Taxonomy&) { p.age_min = 18; });
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);

  SECTION("eligible providers may be used the ways they offer") {
    Assessment a = both(policy, c, d, in_person);
    CHECK((a.eligible && a.in_person && !a.remote));
    a = both(policy, c, d, remote);
    CHECK((a.eligible && !a.in_person && a.remote));
    a = both(policy, c, d, both_modes);
    CHECK((a.eligible && a.in_person && a.remote));
  }
  SECTION("exclude: nothing at all, whatever else fires") {
    std::vector<rules::RuleHit> hits;
    Assessment a = both(policy, c, d, refuses, &hits);
    CHECK((!a.eligible && !a.in_person && !a.remote));
    CHECK(a.withheld == 0);
    CHECK(a.preferences == 0);
    CHECK(a.penalties == 0);
    CHECK(ids(hits) == std::vector<std::string>{"t-victims"});
    CHECK(hits[0].effect == rules::Effect::kExclude);
    CHECK(hits[0].reason == "Does not take trafficking victims.");
  }
  SECTION("unknown age is not outside the bounds; a known one is") {
    CHECK(both(policy, c, d, adults).eligible);
    c.age = 17;
    CHECK(!both(policy, c, d, adults).eligible);
    c.age = 18;
    CHECK(both(policy, c, d, adults).eligible);
  }
  SECTION("exclude_in_person: an avoided community keeps phone and video") {
    c.avoid = {1};
    std::vector<rules::RuleHit> hits;
    Assessment a = both(policy, c, d, both_modes, &hits);
    CHECK((a.eligible && !a.in_person && a.remote));
    CHECK(ids(hits) == std::vector<std::string>{"t-avoid"});
    a = both(policy, c, d, in_person);
    CHECK((a.eligible && a.in_person));
  }
  SECTION("exclude_in_person: require is hard only in person") {
    c.require = attr_bit(attr(d, "trauma_informed"));
    Assessment a = both(policy, c, d, both_modes);
    CHECK((a.eligible && !a.in_person && a.remote));
    a = both(policy, c, d, in_person);
    CHECK((a.eligible && !a.in_person && !a.remote));
  }
  SECTION("exclude_remote") {
    c.age = 10;
    Assessment a = both(policy, c, d, both_modes);
    CHECK((a.eligible && a.in_person && !a.remote));
  }
}

TEST_CASE("withhold removes services but keeps the provider", "[rules][policy]") {
  Directory d = rules_world();
  auto full = add_provider(d, "full", [](Provider& p, const Taxonomy& t) {
    p.services |=
        need_bit(*t.needs.find("shelter.emergency")) | need_bit(*t.needs.find("police.liaison"));
    p.capacity = Capacity{10, 0};
  });
  auto free_beds = add_provider(d, "free", [](Provider& p, const Taxonomy& t) {
    p.services |= need_bit(*t.needs.find("shelter.emergency"));
    p.capacity = Capacity{10, 1};
  });
  auto police = add_provider(d, "police", [](Provider& p, const Taxonomy& t) {
    p.services = need_bit(*t.needs.find("police.liaison"));
    p.law_enforcement = true;
  });
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);
  std::vector<rules::RuleHit> hits;
  Assessment a = both(policy, c, d, full, &hits);
  CHECK(a.eligible);
  CHECK(a.withheld == need_bit(need(d, "shelter.emergency")));  // only services it offers
  CHECK(ids(hits) == std::vector<std::string>{"t-full"});
  CHECK(hits[0].effect == rules::Effect::kWithhold);
  CHECK(both(policy, c, d, free_beds).withheld == 0);
  CHECK(both(policy, c, d, police).withheld == need_bit(need(d, "police.liaison")));
}

TEST_CASE("costs: prefer, reward, penalise with numbers and named weights", "[rules][policy]") {
  Directory d = rules_world();
  auto plain = add_provider(d, "plain");
  auto rich = add_provider(d, "rich", [](Provider& p, const Taxonomy& t) {
    p.attributes = attr_bit(*t.attributes.find("trauma_informed")) |
                   attr_bit(*t.attributes.find("indigenous_led")) |
                   attr_bit(*t.attributes.find("youth_serving"));
    p.wait_days = 10;
  });
  auto stale = add_provider(d, "stale",
                            [](Provider& p, const Taxonomy&) { p.verified = day("2025-10-01"); });
  auto never = add_provider(d, "never", [](Provider& p, const Taxonomy&) { p.verified.reset(); });
  auto border = add_provider(d, "at-the-border", [](Provider& p, const Taxonomy& t) {
    p.verified = day("2025-10-24");  // exactly 100 days before kAsOf: not stale yet
    p.community = 2;                 // delta-mb
    p.delivery = Delivery::kBoth;
    p.serves = code_bit(*t.provinces.find("ON"));
  });
  auto far_remote = add_provider(d, "far-remote", [](Provider& p, const Taxonomy&) {
    p.community = 2;
    p.delivery = Delivery::kRemote;
  });
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);

  Assessment a = both(policy, c, d, plain);
  CHECK(a.preferences == 0);
  CHECK(a.penalties == 0);
  CHECK(!a.stale);

  c.prefer = attr_bit(attr(d, "trauma_informed")) | attr_bit(attr(d, "youth_serving")) |
             attr_bit(attr(d, "inuit_specific"));
  c.identity = code_bit(*d.taxonomy.identities.find("inuit"));
  std::vector<rules::RuleHit> hits;
  a = both(policy, c, d, rich, &hits);
  CHECK(a.preferences == to_cost(-2 - 2));  // two preferred attributes, one reward of 2
  CHECK(a.penalties == to_cost(3));
  CHECK(ids(hits) == std::vector<std::string>{"t-prefer", "t-indigenous", "t-wait"});
  CHECK(hits[0].cost == to_cost(-2));
  CHECK(hits[0].effect == rules::Effect::kPrefer);
  CHECK(hits[1].cost == to_cost(-2));
  CHECK(hits[1].effect == rules::Effect::kReward);
  CHECK(hits[2].cost == to_cost(3));
  // for_each with nothing in common: the rule does not count as fired.
  hits.clear();
  both(policy, c, d, plain, &hits);
  CHECK(hits.empty());

  a = both(policy, c, d, stale);
  CHECK(a.stale);
  CHECK(a.penalties == to_cost(10));  // weight: stale names the global weight
  a = both(policy, c, d, never);
  CHECK(a.stale);
  CHECK(a.penalties == to_cost(10));

  hits.clear();
  a = both(policy, c, d, border, &hits);
  CHECK(!a.stale);
  CHECK(a.penalties == 0);
  CHECK(a.in_person_penalties == to_cost(5));  // weight: cross_province
  CHECK(ids(hits) == std::vector<std::string>{"t-cross"});
  CHECK(hits[0].effect == rules::Effect::kPenaliseInPerson);
  // A remote-only provider elsewhere is not charged for crossing a border it never makes you cross.
  a = both(policy, c, d, far_remote);
  CHECK(a.in_person_penalties == 0);
  // Neither is one whose in-person use is excluded.
  c.avoid = {2};
  a = both(policy, c, d, border);
  CHECK((!a.in_person && a.remote));
  CHECK(a.in_person_penalties == 0);
}

TEST_CASE("prepare drops the rules a case cannot fire", "[rules][policy]") {
  Directory d = rules_world();
  auto p0 = add_provider(d, "p0");
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);
  // Of the 12 provider rules, 5 cannot fire for the base case: t-no-remote-for-minors (case.age
  // < 12 is unknown), t-indigenous (no identity), t-avoid (nothing avoided), t-require (nothing
  // required) and t-prefer (nothing preferred). t-age stays: its truth depends on the provider.
  auto prepared = policy.prepare(c, d, kAsOf);
  CHECK(prepared.rule_count() == 7);
  c.age = 10;
  CHECK(policy.prepare(c, d, kAsOf).rule_count() == 8);
  CHECK(!policy.prepare(c, d, kAsOf).assess(p0).remote);
  // The prepared rules keep their own copy of the case.
  Case temporary = base_case(d);
  temporary.age = 10;
  auto kept = policy.prepare(temporary, d, kAsOf);
  temporary.age = 40;
  CHECK(kept.assess(p0).eligible);
}

TEST_CASE("as_of decides staleness, so an old answer can be reproduced", "[rules][policy]") {
  Directory d = rules_world();
  auto p =
      add_provider(d, "p", [](Provider& pr, const Taxonomy&) { pr.verified = day("2026-01-01"); });
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);
  CHECK(!policy.assess(c, d, p, day("2026-04-11")).stale);  // 100 days
  CHECK(policy.assess(c, d, p, day("2026-04-12")).stale);   // 101 days
  CHECK(!policy.assess(c, d, p, day("2025-06-01")).stale);  // verified after the query's date
  CHECK(policy.prepare(c, d, day("2026-04-12")).assess(p).stale);
  CHECK(!policy.prepare(c, d, day("2026-04-11")).assess(p).stale);
}

TEST_CASE("derived needs come in rule order, once, never an asked need", "[rules][policy]") {
  Directory d = rules_world();
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);
  auto n = policy.derive_needs(c, d);
  CHECK(n.derived.empty());
  CHECK(n.needs == need_bit(need(d, "counselling.trauma")));

  c.age = 15;
  c.exploitation = *d.taxonomy.exploitation.find("both");
  n = policy.derive_needs(c, d);
  REQUIRE(n.derived.size() == 2);
  CHECK(n.derived[0].need == need(d, "child.protection"));
  CHECK(n.derived[0].rule_id == "t-minor");
  CHECK(n.derived[0].reason == "Minors get child protection.");
  CHECK(n.derived[1].need == need(d, "legal.labour"));
  CHECK(n.derived[1].rule_id == "t-labour");
  CHECK(n.needs == (need_bit(need(d, "counselling.trauma")) |
                    need_bit(need(d, "child.protection")) | need_bit(need(d, "legal.labour"))));

  c.needs = {need(d, "legal.labour")};  // asked: not derived again
  n = policy.derive_needs(c, d);
  REQUIRE(n.derived.size() == 2);
  CHECK(n.derived[0].need == need(d, "child.protection"));
  CHECK(n.derived[1].need == need(d, "counselling.trauma"));
}

TEST_CASE("case errors name the field", "[rules][policy]") {
  Directory d = rules_world();
  Policy policy = Policy::load(policy_dir(), d);
  Case c = base_case(d);
  CHECK(policy.check_case(c, d).empty());
  c.needs.push_back(need(d, "police.liaison"));
  auto errors = policy.check_case(c, d);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "police_consent");
  CHECK(errors[0].message == "Police liaison needs consent. (rule t-consent)");
  c.max_travel_hours = 200;
  errors = policy.check_case(c, d);
  REQUIRE(errors.size() == 2);
  CHECK(errors[1].field == "max_travel_hours");
  CHECK(errors[1].message == "max_travel_hours above 100 is not accepted (rule t-far)");
  c.police_consent = true;
  CHECK(policy.check_case(c, d).size() == 1);
}

TEST_CASE("loading is deterministic and independent of directory listing order",
          "[rules][policy]") {
  Directory d = rules_world();
  TempDir t;
  // Written in reverse order; read in name order.
  t.write("z.yaml", "schema: 1\nrules:\n  - {id: z, reason: z, effect: penalise, weight: 1}\n");
  t.write("a.yaml",
          "schema: 1\nrules:\n  - {id: a, reason: a, effect: penalise, weight: 2}\n"
          "  - {id: b, reason: b, effect: prefer, weight: 1}\n");
  t.write("notes.txt", "not a rules file");
  Policy p = Policy::load(t.path(), d);
  auto p0 = add_provider(d, "p0");
  std::vector<rules::RuleHit> hits;
  Assessment a = p.explain(base_case(d), d, p0, kAsOf, hits);
  CHECK(ids(hits) == std::vector<std::string>{"a", "b", "z"});
  CHECK(a.penalties == to_cost(3));
  CHECK(a.preferences == to_cost(-1));
}
