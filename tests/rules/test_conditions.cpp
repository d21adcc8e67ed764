// The condition language, row by row: every operator and field, and three-valued logic (an absent
// value makes a comparison unknown, and a rule fires only on true). Each row compiles its
// condition into a one-rule policy on the hand-built world; ids appear in failures.
#include <catch2/catch.hpp>
#include <functional>

#include "../test_util.hpp"
#include "rules/policy.hpp"
#include "rules_world.hpp"

using namespace nrm;
using namespace nrm::test;

namespace {

struct World {
  Directory d = rules_world();
  ProviderIndex basic, full, remote;
  World() {
    basic = add_provider(d, "p-basic");
    full = add_provider(d, "p-full", [](Provider& p, const Taxonomy& t) {
      p.community = 1;  // beta-on
      p.attributes = attr_bit(*t.attributes.find("trauma_informed")) |
                     attr_bit(*t.attributes.find("indigenous_led"));
      p.genders = code_bit(*t.genders.find("female")) | code_bit(*t.genders.find("nonbinary"));
      p.age_min = 16;
      p.age_max = 24;
      p.capacity = Capacity{8, 0};
      p.services |= need_bit(*t.needs.find("shelter.emergency"));
      p.languages = {*t.languages.find("ike"), *t.languages.find("fra")};
      p.delivery = Delivery::kBoth;
      p.national = true;
      p.serves = 0;
      p.law_enforcement = true;
      p.accepts_without_status = true;
      p.confidential = true;
      p.wait_days = 5;
    });
    remote = add_provider(d, "p-remote", [](Provider& p, const Taxonomy& t) {
      p.community = 2;  // delta-mb
      p.delivery = Delivery::kRemote;
      p.serves = code_bit(*t.provinces.find("MB")) | code_bit(*t.provinces.find("ON"));
      p.languages = {*t.languages.find("cre")};
      p.accepts_trafficking_victims = false;
      p.verified.reset();
    });
  }
};

// 'T' true, 'F' false, 'U' unknown (neither the condition nor its negation fires).
char truth(const World& w, const std::string& expr, const Case& c, ProviderIndex p) {
  TempDir t;
  auto file = [&](const std::string& name, const std::string& cond) {
    return t.write(name, "schema: 1\nrules:\n  - id: r\n    reason: r\n    when: >-\n      " +
                             cond + "\n    effect: exclude\n");
  };
  auto as_of = day("2026-01-31");
  auto yes = rules::Policy::load_files({file("yes.yaml", expr)}, w.d);
  auto no = rules::Policy::load_files({file("no.yaml", "not (" + expr + ")")}, w.d);
  bool fires = !yes.assess(c, w.d, p, as_of).eligible;
  bool negation_fires = !no.assess(c, w.d, p, as_of).eligible;
  // The same condition folded for the case (Policy::prepare) must agree.
  CHECK(fires == !yes.prepare(c, w.d, as_of).assess(p).eligible);
  CHECK(negation_fires == !no.prepare(c, w.d, as_of).assess(p).eligible);
  REQUIRE(!(fires && negation_fires));
  return fires ? 'T' : negation_fires ? 'F' : 'U';
}

struct ConditionRow {
  const char* id;
  const char* expr;
  std::function<void(Case&, const Taxonomy&)> edit;
  int provider;  // 0 basic, 1 full, 2 remote
  char expected;
};

auto none = [](Case&, const Taxonomy&) {};
auto age = [](int a) { return [a](Case& c, const Taxonomy&) { c.age = a; }; };

}  // namespace

TEST_CASE("conditions evaluate with three-valued logic", "[rules][conditions]") {
  World w;
  const std::vector<ConditionRow> rows = {
      // numbers and absent values
      {"num-1", "case.age < 18", age(16), 0, 'T'},
      {"num-2", "case.age < 18", age(18), 0, 'F'},
      {"num-3", "case.age < 18", none, 0, 'U'},
      {"num-4", "case.age <= 18 and case.age >= 18 and case.age == 18", age(18), 0, 'T'},
      {"num-5", "case.age != 18", age(18), 0, 'F'},
      {"num-6", "case.age > provider.ages.max", age(30), 1, 'T'},
      {"num-7", "case.age > provider.ages.max", age(30), 0, 'U'},
      {"num-8", "provider.ages.min == 16 and provider.ages.max == 24", none, 1, 'T'},
      {"num-9", "provider.capacity.available == 0", none, 1, 'T'},
      {"num-10", "provider.capacity.available == 0", none, 0, 'U'},
      {"num-11", "provider.capacity.beds > 7.5", none, 1, 'T'},
      {"num-12", "provider.wait_days == 5", none, 1, 'T'},
      {"num-13", "provider.verified_days_ago == 30", none, 0, 'T'},
      {"num-14", "provider.verified_days_ago > 0", none, 2, 'U'},
      {"num-15", "case.max_travel_hours < 10", none, 0, 'U'},
      {"num-16", "case.max_travel_hours < 10",
       [](Case& c, const Taxonomy&) { c.max_travel_hours = 9.5; }, 0, 'T'},
      {"num-17", "case.age > -1", age(0), 0, 'T'},
      // is known / is unknown never give unknown
      {"known-1", "case.age is unknown", none, 0, 'T'},
      {"known-2", "case.age is known", none, 0, 'F'},
      {"known-3", "case.age is not unknown", age(3), 0, 'T'},
      {"known-4", "provider.genders is known", none, 1, 'T'},
      {"known-5", "provider.genders is known", none, 0, 'F'},
      {"known-6", "provider.verified_days_ago is unknown", none, 2, 'T'},
      // Kleene and / or / not
      {"logic-1", "case.age < 18 or true", none, 0, 'T'},
      {"logic-2", "case.age < 18 and false", none, 0, 'F'},
      {"logic-3", "case.age < 18 and true", none, 0, 'U'},
      {"logic-4", "case.age < 18 or false", none, 0, 'U'},
      {"logic-5", "not not (case.age < 18)", age(10), 0, 'T'},
      {"logic-6", "true and (false or true) and not false", none, 0, 'T'},
      // codes
      {"code-1", "case.gender == female",
       [](Case& c, const Taxonomy& t) { c.gender = *t.genders.find("female"); }, 0, 'T'},
      {"code-2", "case.gender != 'female'", none, 0, 'T'},
      {"code-3", "case.status in [temporary_resident, no_status]",
       [](Case& c, const Taxonomy& t) { c.status = *t.statuses.find("no_status"); }, 0, 'T'},
      {"code-4", "case.status not in [temporary_resident, no_status]", none, 0, 'T'},
      {"code-5", "case.exploitation == unknown", none, 0, 'T'},
      {"code-6", "case.province == ON and provider.province == MB", none, 2, 'T'},
      {"code-7", "provider.province != case.province", none, 0, 'F'},
      {"code-8", "provider.delivery == remote", none, 2, 'T'},
      {"code-9", "provider.delivery in [both, remote]", none, 0, 'F'},
      {"code-10", "provider.id == p-full", none, 1, 'T'},
      {"code-11", "provider.id == 'p-full'", none, 0, 'F'},
      {"code-12", "provider.community == beta-on and case.location == alpha-on", none, 1, 'T'},
      // small-code sets (bit masks)
      {"set-1", "indigenous_led in provider.attributes", none, 1, 'T'},
      {"set-2", "provider.attributes contains indigenous_led", none, 0, 'F'},
      {"set-3", "provider.attributes contains_all case.require", none, 0, 'T'},
      {"set-4", "provider.attributes contains_all case.require",
       [](Case& c, const Taxonomy& t) {
         c.require = attr_bit(*t.attributes.find("trauma_informed"));
       },
       0, 'F'},
      {"set-5", "provider.attributes contains_all [trauma_informed, indigenous_led]", none, 1, 'T'},
      {"set-6", "provider.attributes contains_any [youth_serving, indigenous_led]", none, 1, 'T'},
      {"set-7", "case.identity contains_any [first_nations, inuit, metis]",
       [](Case& c, const Taxonomy& t) { c.identity = code_bit(*t.identities.find("metis")); }, 0,
       'T'},
      {"set-8", "case.gender in provider.genders", none, 0, 'U'},
      {"set-9", "case.gender not in provider.genders", none, 0, 'U'},
      {"set-10", "case.gender not in provider.genders", none, 1, 'T'},
      {"set-11", "count(case.prefer & provider.attributes) == 2",
       [](Case& c, const Taxonomy& t) {
         c.prefer = attr_bit(*t.attributes.find("trauma_informed")) |
                    attr_bit(*t.attributes.find("indigenous_led")) |
                    attr_bit(*t.attributes.find("youth_serving"));
       },
       1, 'T'},
      {"set-12", "count(case.require | case.prefer) == 2",
       [](Case& c, const Taxonomy&) {
         c.require = attr_bit(0);
         c.prefer = attr_bit(0) | attr_bit(1);
       },
       0, 'T'},
      {"set-13", "count(provider.genders) == 2", none, 1, 'T'},
      {"set-14", "count(provider.genders) == 2", none, 0, 'U'},
      {"set-15", "ON in provider.serves and not provider.national", none, 0, 'T'},
      {"set-16", "provider.national and count(provider.serves) == 0", none, 1, 'T'},
      {"set-17", "shelter.emergency in provider.services and counselling.trauma in case.needs",
       none, 1, 'T'},
      {"set-18", "case.management in provider.services", none, 0, 'F'},
      {"set-19", "police.liaison in case.needs",
       [](Case& c, const Taxonomy& t) { c.needs.push_back(*t.needs.find("police.liaison")); }, 0,
       'T'},
      {"set-20", "case.status in no_status", none, 0, 'F'},
      // languages: macrolanguages match their members both ways
      {"lang-1", "iku in provider.languages", none, 1, 'T'},
      {"lang-2", "ike in provider.languages", none, 1, 'T'},
      {"lang-3", "case.languages contains_any provider.languages",
       [](Case& c, const Taxonomy& t) { c.languages = {*t.languages.find("crk")}; }, 2, 'T'},
      {"lang-4", "case.languages contains_any provider.languages", none, 1, 'F'},
      {"lang-5", "provider.languages contains_all [fra, iku]", none, 1, 'T'},
      {"lang-6", "count(case.languages) == 1 and eng in case.languages", none, 0, 'T'},
      // communities
      {"comm-1", "provider.community in case.avoid",
       [](Case& c, const Taxonomy&) { c.avoid = {1}; }, 1, 'T'},
      {"comm-2", "provider.community in case.avoid", none, 1, 'F'},
      {"comm-3", "case.avoid contains_any [beta-on, delta-mb]",
       [](Case& c, const Taxonomy&) { c.avoid = {2}; }, 0, 'T'},
      // booleans
      {"bool-1", "provider.law_enforcement and provider.confidential", none, 1, 'T'},
      {"bool-2", "provider.accepts_trafficking_victims == false", none, 2, 'T'},
      {"bool-3", "provider.accepts_without_status != true", none, 0, 'T'},
      {"bool-4", "case.police_consent", none, 0, 'F'},
      {"bool-5", "provider.stale", none, 2, 'T'},
      {"bool-6", "provider.stale", none, 0, 'F'},
  };
  for (const auto& row : rows) {
    INFO(row.id << ": " << row.expr);
    Case c = base_case(w.d);
    row.edit(c, w.d.taxonomy);
    ProviderIndex p = row.provider == 0 ? w.basic : row.provider == 1 ? w.full : w.remote;
    CHECK(truth(w, row.expr, c, p) == row.expected);
  }
}
