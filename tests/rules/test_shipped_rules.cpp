// Tests of the SHIPPED policy (rules/*.yaml) on the shipped taxonomy and communities: one row per
// rule case of issue 3's twelve rules, each with a stable id (minor-1, gender-2, ...) that names
// the row in a failure. Providers are built by hand so the rows do not depend on the generated
// directory. When a shipped weight changes on purpose, change the row that says so.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "../test_util.hpp"
#include "directory/loader.hpp"
#include "rules/expr.hpp"
#include "rules/policy.hpp"

using namespace nrm;
using namespace nrm::test;
using rules::Policy;

namespace {

const Date kShippedAsOf = *Date::parse("2026-06-01");

struct Shipped {
  Directory d;
  Policy policy;
  Shipped() : d(make()), policy(Policy::load(source_root() + "/rules", d)) {}
  static Directory make() {
    Directory d;
    DataPaths paths = shipped_data_paths(source_root());
    d.taxonomy = load_taxonomy(paths.taxonomy);
    d.geography = load_geography(paths.communities, paths.routes, d.taxonomy);
    return d;
  }
  int need(const std::string& c) const { return *d.taxonomy.needs.find(c); }
  int attr(const std::string& c) const { return *d.taxonomy.attributes.find(c); }
  int code(const CodeList<Code>& l, const std::string& c) const { return *l.find(c); }
  CommunityIndex at(const std::string& id) const { return *d.geography.find(id); }
  LangId lang(const std::string& c) const { return *d.taxonomy.languages.find(c); }
};

using CaseEdit = std::function<void(Case&, const Shipped&)>;
using ProviderEdit = std::function<void(Provider&, const Shipped&)>;

struct Expect {
  bool eligible = true;
  bool in_person = true;
  bool remote = false;
  std::vector<std::string> withheld;
  double preferences = 0;
  double penalties = 0;
  double in_person_penalties = 0;
  bool stale = false;
  std::vector<std::string> fired;  // rule ids, in rule order
};

struct ProviderRow {
  const char* id;
  CaseEdit kase;
  ProviderEdit provider;
  Expect expect;
};

// A 30-year-old woman in Thunder Bay, citizen, sex trafficking, English, asking for counselling.
Case base_case(const Shipped& s) {
  Case c;
  c.location = s.at("thunder-bay-on");
  c.age = 30;
  c.gender = s.code(s.d.taxonomy.genders, "female");
  c.languages = {s.lang("eng")};
  c.status = s.code(s.d.taxonomy.statuses, "citizen");
  c.exploitation = s.code(s.d.taxonomy.exploitation, "sex");
  c.needs = {s.need("counselling.trauma")};
  return c;
}

// An in-person shelter and counselling provider in Thunder Bay serving ON, recently verified.
Provider base_provider(const Shipped& s) {
  Provider p;
  p.id = "row-provider";
  p.name = p.id;
  p.community = s.at("thunder-bay-on");
  p.services = need_bit(s.need("counselling.trauma")) | need_bit(s.need("shelter.emergency"));
  p.delivery = Delivery::kInPerson;
  p.serves = code_bit(s.code(s.d.taxonomy.provinces, "ON"));
  p.languages = {s.lang("eng")};
  p.accepts_trafficking_victims = true;
  p.verified = Date{kShippedAsOf.days - 30};
  return p;
}

std::vector<std::string> need_codes(const Shipped& s, NeedSet set) {
  return s.d.taxonomy.need_codes(set);
}

auto no_case = [](Case&, const Shipped&) {};
auto no_provider = [](Provider&, const Shipped&) {};

Expect excluded(std::vector<std::string> fired) {
  Expect e;
  e.eligible = e.in_person = e.remote = false;
  e.fired = std::move(fired);
  return e;
}
Expect fine(std::vector<std::string> fired = {}) {
  Expect e;
  e.fired = std::move(fired);
  return e;
}

}  // namespace

TEST_CASE("shipped policy: how each provider may be used", "[rules][shipped]") {
  Shipped s;
  auto age = [](int a) -> CaseEdit { return [a](Case& c, const Shipped&) { c.age = a; }; };
  auto ages = [](std::optional<int> lo, std::optional<int> hi) -> ProviderEdit {
    return [lo, hi](Provider& p, const Shipped&) {
      p.age_min = lo;
      p.age_max = hi;
    };
  };
  auto gender = [](const char* g) -> CaseEdit {
    return [g](Case& c, const Shipped& sh) { c.gender = sh.code(sh.d.taxonomy.genders, g); };
  };
  auto women_only = [](Provider& p, const Shipped& sh) {
    p.genders = code_bit(sh.code(sh.d.taxonomy.genders, "female")) |
                code_bit(sh.code(sh.d.taxonomy.genders, "nonbinary"));
  };
  auto status = [](const char* st) -> CaseEdit {
    return [st](Case& c, const Shipped& sh) { c.status = sh.code(sh.d.taxonomy.statuses, st); };
  };
  auto with_attrs = [](std::vector<const char*> attrs) -> ProviderEdit {
    return [attrs](Provider& p, const Shipped& sh) {
      for (auto a : attrs) p.attributes |= attr_bit(sh.attr(a));
    };
  };
  auto identity = [](std::vector<const char*> ids) -> CaseEdit {
    return [ids](Case& c, const Shipped& sh) {
      for (auto i : ids) c.identity |= code_bit(sh.code(sh.d.taxonomy.identities, i));
    };
  };
  auto offers = [](std::vector<const char*> needs, std::vector<const char*> catchment) -> ProviderEdit {
    return [needs, catchment](Provider& p, const Shipped& sh) {
      for (auto n : needs) p.services |= need_bit(sh.need(n));
      for (auto c : catchment) p.catchment.push_back(sh.at(c));
    };
  };
  auto for_peoples = [](std::vector<const char*> peoples) -> ProviderEdit {
    return [peoples](Provider& p, const Shipped& sh) {
      p.services |= need_bit(sh.need("cultural.support"));
      p.peoples = CodeSet{0};
      for (auto x : peoples) *p.peoples |= code_bit(sh.code(sh.d.taxonomy.identities, x));
    };
  };
  auto withholds = [](std::vector<std::string> fired, std::vector<std::string> needs) {
    Expect e = fine(std::move(fired));
    e.withheld = std::move(needs);
    return e;
  };
  auto pen = [](double p, std::vector<std::string> fired) {
    Expect e = fine(std::move(fired));
    e.penalties = p;
    return e;
  };
  auto pref = [](double p, std::vector<std::string> fired) {
    Expect e = fine(std::move(fired));
    e.preferences = p;
    return e;
  };

  const std::vector<ProviderRow> rows = {
      // Rule 1: age bounds; unknown age is never excluded, only penalised and flagged.
      {"minor-1", age(16), ages(18, std::nullopt), excluded({"age-bounds"})},
      {"minor-2", age(16), ages(16, 24), fine()},
      {"minor-3", age(30), ages(std::nullopt, 24), excluded({"age-bounds"})},
      {"minor-4", age(17), ages(12, 17), fine()},
      {"minor-5", [](Case& c, const Shipped&) { c.age.reset(); }, ages(18, std::nullopt),
       pen(0.5, {"age-unknown-bounds"})},
      {"minor-6", [](Case& c, const Shipped&) { c.age.reset(); }, no_provider, fine()},
      // Rule 2: gender; unknown gender is penalised at a gender-restricted provider, not excluded.
      {"gender-1", gender("male"), women_only, excluded({"gender-accepted"})},
      {"gender-2", gender("nonbinary"), women_only, fine()},
      {"gender-3", gender("male"), no_provider, fine()},
      {"gender-4", gender("unknown"), women_only, pen(0.5, {"gender-unknown-restricted"})},
      {"gender-5", gender("unknown"), no_provider, fine()},
      // Rule 3: shelters (and others) that refuse trafficking victims.
      {"victims-1", no_case,
       [](Provider& p, const Shipped&) { p.accepts_trafficking_victims = false; },
       excluded({"trafficking-victims"})},
      // Unknown (an HSDS import): never excluded on a guess, penalised and flagged instead.
      {"victims-2", no_case, [](Provider& p, const Shipped&) { p.accepts_trafficking_victims.reset(); },
       pen(0.5, {"trafficking-victims-unknown"})},
      // Rule 4: no status.
      {"status-1", status("no_status"), no_provider, excluded({"no-status-accepted"})},
      {"status-2", status("no_status"),
       [](Provider& p, const Shipped&) { p.accepts_without_status = true; }, fine()},
      {"status-3", status("temporary_resident"), no_provider, fine()},
      {"status-4", status("unknown"), no_provider, fine()},
      // Rule 6: province served (remote delivery too); national providers serve everyone.
      {"province-1", no_case,
       [](Provider& p, const Shipped& sh) {
         p.serves = code_bit(sh.code(sh.d.taxonomy.provinces, "MB"));
       },
       excluded({"province-served"})},
      {"province-2", no_case,
       [](Provider& p, const Shipped&) {
         p.serves = 0;
         p.national = true;
       },
       fine()},
      {"province-3", no_case,
       [](Provider& p, const Shipped& sh) {
         p.serves = code_bit(sh.code(sh.d.taxonomy.provinces, "MB"));
         p.delivery = Delivery::kRemote;
       },
       excluded({"province-served"})},
      // Rule 7: avoided communities; remote delivery excepted.
      {"avoid-1", [](Case& c, const Shipped& sh) { c.avoid = {sh.at("thunder-bay-on")}; },
       no_provider,
       [] {
         Expect e = fine({"avoid-community"});
         e.in_person = false;
         return e;
       }()},
      {"avoid-2", [](Case& c, const Shipped& sh) { c.avoid = {sh.at("thunder-bay-on")}; },
       [](Provider& p, const Shipped&) { p.delivery = Delivery::kBoth; },
       [] {
         Expect e = fine({"avoid-community"});
         e.in_person = false;
         e.remote = true;
         return e;
       }()},
      {"avoid-3", [](Case& c, const Shipped& sh) { c.avoid = {sh.at("kenora-on")}; }, no_provider,
       fine()},
      // Rule 8: police only with consent.
      {"police-1", no_case, [](Provider& p, const Shipped&) { p.law_enforcement = true; },
       excluded({"police-consent"})},
      {"police-2", [](Case& c, const Shipped&) { c.police_consent = true; },
       [](Provider& p, const Shipped&) { p.law_enforcement = true; }, fine()},
      // Rule 9: require is hard in person; prefer and identity preferences lower the cost.
      {"require-1",
       [](Case& c, const Shipped& sh) { c.require = attr_bit(sh.attr("trauma_informed")); },
       [](Provider& p, const Shipped&) { p.delivery = Delivery::kBoth; },
       [] {
         Expect e = fine({"require-attributes"});
         e.in_person = false;
         e.remote = true;
         return e;
       }()},
      {"require-2",
       [](Case& c, const Shipped& sh) { c.require = attr_bit(sh.attr("trauma_informed")); },
       with_attrs({"trauma_informed", "open_24_7"}), fine()},
      {"prefer-1",
       [](Case& c, const Shipped& sh) {
         c.prefer = attr_bit(sh.attr("survivor_led")) | attr_bit(sh.attr("open_24_7"));
       },
       with_attrs({"survivor_led", "open_24_7", "accessible"}), pref(-0.5, {"prefer-asked"})},
      {"prefer-2", identity({"first_nations"}), with_attrs({"indigenous_led"}),
       pref(-1.0, {"prefer-indigenous-led"})},
      {"prefer-3", identity({"inuit"}), with_attrs({"indigenous_led", "inuit_specific"}),
       pref(-2.0, {"prefer-indigenous-led", "prefer-inuit-specific"})},
      {"prefer-4", age(16), with_attrs({"youth_serving"}), pref(-0.25, {"prefer-youth-serving"})},
      {"prefer-5", age(30), with_attrs({"youth_serving"}), fine()},
      {"prefer-6", identity({"lgbtq2s"}), with_attrs({"lgbtq2s_affirming"}),
       pref(-0.25, {"prefer-lgbtq2s-affirming"})},
      {"prefer-7",
       [](Case& c, const Shipped& sh) {
         c.identity = code_bit(sh.code(sh.d.taxonomy.identities, "metis"));
         c.prefer = attr_bit(sh.attr("indigenous_led"));
       },
       with_attrs({"indigenous_led"}), pref(-0.25, {"prefer-asked"})},  // never counted twice
      {"prefer-8", identity({"metis"}), no_provider, fine()},
      // Catchments: child protection and police only from the agency whose area holds the case.
      {"catchment-1", no_case, offers({"child.protection"}, {}),
       withholds({"catchment"}, {"child.protection"})},
      {"catchment-2", no_case, offers({"child.protection"}, {"thunder-bay-on"}), fine()},
      {"catchment-3", no_case, offers({"police.liaison"}, {"kenora-on"}),
       withholds({"catchment"}, {"police.liaison"})},
      {"catchment-4", no_case, no_provider, fine()},  // offers neither: the rule does not fire
      // Services for specific peoples: cultural support and child protection for those peoples.
      {"peoples-1", identity({"inuit"}), for_peoples({"first_nations"}),
       withholds({"peoples-served"}, {"cultural.support"})},
      {"peoples-2", identity({"first_nations"}), for_peoples({"first_nations", "metis"}),
       pref(-0.5, {"prefer-own-people"})},
      {"peoples-3", no_case, for_peoples({"inuit"}), withholds({"peoples-served"}, {"cultural.support"})},
      {"peoples-4", identity({"inuit"}), no_provider, fine()},  // for everyone
      // Rule 11: a full shelter cannot meet shelter needs; its other services stay.
      {"shelter-1", no_case,
       [](Provider& p, const Shipped&) {
         p.capacity = Capacity{8, 0};
       },
       [] {
         Expect e = fine({"shelter-full"});
         e.withheld = {"shelter.emergency"};
         return e;
       }()},
      {"shelter-2", no_case,
       [](Provider& p, const Shipped&) {
         p.capacity = Capacity{8, 1};
       },
       fine()},
      {"shelter-3", no_case, no_provider, fine()},  // no capacity given: nothing withheld
      // Rule 12: stale entries are penalised and flagged.
      {"stale-1", no_case, [](Provider& p, const Shipped&) { p.verified = Date{kShippedAsOf.days - 366}; },
       [] {
         Expect e = fine({"stale-entry"});
         e.penalties = 1.0;
         e.stale = true;
         return e;
       }()},
      {"stale-2", no_case, [](Provider& p, const Shipped&) { p.verified = Date{kShippedAsOf.days - 365}; },
       fine()},
      {"stale-3", no_case, [](Provider& p, const Shipped&) { p.verified.reset(); },
       [] {
         Expect e = fine({"stale-entry"});
         e.penalties = 1.0;
         e.stale = true;
         return e;
       }()},
      // Another province, in person only.
      {"province-4", no_case,
       [](Provider& p, const Shipped& sh) {
         p.community = sh.at("winnipeg-mb");
         p.delivery = Delivery::kBoth;
       },
       [] {
         Expect e = fine({"cross-province"});
         e.remote = true;
         e.in_person_penalties = 0.5;
         return e;
       }()},
      {"province-5", no_case,
       [](Provider& p, const Shipped& sh) {
         p.community = sh.at("winnipeg-mb");
         p.delivery = Delivery::kRemote;
       },
       [] {
         Expect e = fine();
         e.in_person = false;
         e.remote = true;
         return e;
       }()},
  };

  for (const auto& row : rows) {
    INFO("row " << row.id);
    Case c = base_case(s);
    row.kase(c, s);
    Directory& d = s.d;
    d.providers = {base_provider(s)};
    row.provider(d.providers[0], s);
    d.reindex();
    rules::Assessment a = s.policy.assess(c, d, 0, kShippedAsOf);
    std::vector<rules::RuleHit> hits;
    rules::Assessment e = s.policy.explain(c, d, 0, kShippedAsOf, hits);
    const Expect& x = row.expect;
    CHECK(a.eligible == x.eligible);
    CHECK(a.in_person == x.in_person);
    CHECK(a.remote == x.remote);
    CHECK(need_codes(s, a.withheld) == x.withheld);
    CHECK(rules::from_cost(a.preferences) == Approx(x.preferences));
    CHECK(rules::from_cost(a.penalties) == Approx(x.penalties));
    CHECK(rules::from_cost(a.in_person_penalties) == Approx(x.in_person_penalties));
    CHECK(a.stale == x.stale);
    std::vector<std::string> fired;
    for (const auto& h : hits) fired.push_back(h.rule_id);
    CHECK(fired == x.fired);
    auto prepared = s.policy.prepare(c, d, kShippedAsOf);
    rules::Assessment f = prepared.assess(0);
    std::vector<rules::RuleHit> folded_hits;
    prepared.explain(0, folded_hits);
    for (const rules::Assessment* y : {&e, &f}) {
      CHECK((y->eligible == a.eligible && y->in_person == a.in_person && y->remote == a.remote &&
             y->withheld == a.withheld && y->preferences == a.preferences &&
             y->penalties == a.penalties && y->in_person_penalties == a.in_person_penalties &&
             y->stale == a.stale));
    }
    std::vector<std::string> folded_fired;
    for (const auto& h : folded_hits) folded_fired.push_back(h.rule_id);
    CHECK(folded_fired == fired);
  }
}

TEST_CASE("shipped policy: derived needs and case errors", "[rules][shipped]") {
  Shipped s;
  struct Row {
    const char* id;
    CaseEdit kase;
    std::vector<std::string> derived;  // need codes, in order
    std::vector<std::string> rule_ids;
  };
  auto status = [](const char* st) -> CaseEdit {
    return [st](Case& c, const Shipped& sh) { c.status = sh.code(sh.d.taxonomy.statuses, st); };
  };
  auto exploitation = [](const char* x) -> CaseEdit {
    return [x](Case& c, const Shipped& sh) {
      c.exploitation = sh.code(sh.d.taxonomy.exploitation, x);
    };
  };
  const std::vector<Row> rows = {
      {"minor-derive-1",
       [](Case& c, const Shipped&) { c.age = 16; },
       {"child.protection"},
       {"minor-child-protection"}},
      {"minor-derive-2", [](Case& c, const Shipped&) { c.age = 18; }, {}, {}},
      {"minor-derive-3", [](Case& c, const Shipped&) { c.age.reset(); }, {}, {}},
      {"minor-derive-4",
       [](Case& c, const Shipped& sh) {
         c.age = 12;
         c.needs.push_back(sh.need("child.protection"));
       },
       {},
       {}},  // asked already: not derived again
      {"status-derive-1",
       status("temporary_resident"),
       {"legal.immigration"},
       {"status-immigration-help"}},
      {"status-derive-2", status("no_status"), {"legal.immigration"}, {"status-immigration-help"}},
      {"status-derive-3", status("refugee_claimant"), {"legal.immigration"}, {"refugee-claimant-counsel"}},
      {"status-derive-4", status("permanent_resident"), {}, {}},
      {"labour-1", exploitation("labour"), {"legal.labour"}, {"labour-legal-help"}},
      {"labour-2", exploitation("both"), {"legal.labour"}, {"labour-legal-help"}},
      {"labour-3", exploitation("sex"), {}, {}},
      {"labour-4", exploitation("unknown"), {}, {}},
      {"derive-all-1",
       [](Case& c, const Shipped& sh) {
         c.age = 15;
         c.status = sh.code(sh.d.taxonomy.statuses, "temporary_resident");
         c.exploitation = sh.code(sh.d.taxonomy.exploitation, "labour");
       },
       {"child.protection", "legal.immigration", "legal.labour"},
       {"minor-child-protection", "status-immigration-help", "labour-legal-help"}},
  };
  for (const auto& row : rows) {
    INFO("row " << row.id);
    Case c = base_case(s);
    row.kase(c, s);
    auto needs = s.policy.derive_needs(c, s.d);
    std::vector<std::string> derived, ids;
    NeedSet expected_set = c.need_set();
    for (const auto& dn : needs.derived) {
      derived.push_back(s.d.taxonomy.needs.code(dn.need));
      ids.push_back(dn.rule_id);
      expected_set |= need_bit(dn.need);
    }
    CHECK(derived == row.derived);
    CHECK(ids == row.rule_ids);
    CHECK(needs.needs == expected_set);
  }

  // Rule 8: police.liaison without consent is an input error naming police_consent.
  Case c = base_case(s);
  CHECK(s.policy.check_case(c, s.d).empty());
  c.needs.push_back(s.need("police.liaison"));
  auto errors = s.policy.check_case(c, s.d);
  REQUIRE(errors.size() == 1);  // police-1 (case)
  CHECK(errors[0].field == "police_consent");
  CHECK_THAT(errors[0].message,
             Catch::Contains("police_consent") && Catch::Contains("police-liaison-consent"));
  c.police_consent = true;
  CHECK(s.policy.check_case(c, s.d).empty());
}

TEST_CASE("shipped policy: weights, travel and language", "[rules][shipped]") {
  Shipped s;
  const auto& w = s.policy.weights();
  CHECK(w.travel_hour == 1.0);
  CHECK(w.handoff == 1.0);
  CHECK(w.wait_day == 0.5);
  CHECK(w.stale == 1.0);
  CHECK(w.cross_province == 0.5);
  CHECK(w.partner_reward == 0.5);
  CHECK(w.stale_after_days == 365);
  CHECK(s.policy.travel().two_lane_kmh == 82);
  // Rule 10 is applied by the planner with this policy.
  const auto& lang = s.policy.language();
  CHECK(lang.enabled);
  CHECK(lang.interpretation_need == s.need("interpretation"));
  CHECK(lang.rule_id == "language-interpretation");
  CHECK(!lang.reason.empty());
  // Every rule id is unique and every rule has a reason.
  std::set<std::string> ids;
  for (const auto& r : s.policy.rules()) {
    CHECK(ids.insert(r.id).second);
    CHECK(!r.reason.empty());
  }
  CHECK(s.policy.rule_count() == 28);  // 28th: trafficking-victims-unknown (HSDS imports)
  // Urgency (rules/ranking.yaml): travel before emergency care weighs three times an hour.
  std::map<std::string, double> urgency;
  for (const auto& [need, weight] : w.urgency) urgency[s.d.taxonomy.needs.code(need)] = weight;
  CHECK(urgency == std::map<std::string, double>{{"medical.emergency", 2.0}, {"shelter.emergency", 1.0}});
  CHECK(lang.later_language == 0.25);
}

TEST_CASE("docs/rules.md: every field and effect is documented, the worked example loads",
          "[rules][shipped][docs]") {
  std::ifstream in(source_root() + "/docs/rules.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!doc.empty());
  for (const auto& f : rules::detail::fields()) {
    INFO("field " << f.name);
    CHECK_THAT(doc, Catch::Contains(std::string("| `") + f.name + "` |"));
  }
  for (const char* effect : {"exclude", "exclude_in_person", "exclude_remote", "withhold", "prefer",
                             "reward", "penalise", "penalise_in_person", "derive", "error"}) {
    INFO("effect " << effect);
    CHECK_THAT(doc, Catch::Contains(std::string("| `") + effect + "` |"));
  }
  // The worked example, copied with the shipped rules into one folder, loads and fires.
  auto at = doc.find("## Worked example");
  REQUIRE(at != std::string::npos);
  auto begin = doc.find("```yaml\n", at);
  REQUIRE(begin != std::string::npos);
  begin += 8;
  auto end = doc.find("```", begin);
  std::string example = doc.substr(begin, end - begin);
  TempDir t;
  for (const auto& entry : std::filesystem::directory_iterator(source_root() + "/rules")) {
    std::ifstream f(entry.path());
    t.write(entry.path().filename().string(),
            std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>()));
  }
  t.write("local-ontario.yaml", example);
  Shipped s;
  Policy local = Policy::load(t.path(), s.d);
  CHECK(local.rule_count() == s.policy.rule_count() + 2);
  Case c = base_case(s);
  c.needs.push_back(s.need("shelter.emergency"));
  Provider p = base_provider(s);
  p.attributes = attr_bit(s.attr("survivor_led"));
  s.d.providers = {p};
  s.d.reindex();
  std::vector<rules::RuleHit> hits;
  rules::Assessment a = local.explain(c, s.d, 0, kShippedAsOf, hits);
  CHECK(rules::from_cost(a.preferences) == Approx(-1.5));
  CHECK(a.withheld == need_bit(s.need("shelter.emergency")));
  std::vector<std::string> fired;
  for (const auto& h : hits) fired.push_back(h.rule_id);
  CHECK(fired == std::vector<std::string>{"on-prefer-survivor-led", "on-shelter-open-at-night"});
}

TEST_CASE("shipped policy: assess, explain and prepare agree on random cases and providers",
          "[rules][shipped]") {
  Shipped s;
  const Taxonomy& t = s.d.taxonomy;
  std::mt19937 rng(2018);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto chance = [&](int percent) { return pick(100) < percent; };
  const char* places[] = {"thunder-bay-on", "toronto-on", "winnipeg-mb",
                          "iqaluit-nu",     "kenora-on",  "gatineau-qc"};
  s.d.providers.clear();
  for (int i = 0; i < 300; ++i) {
    Provider p = base_provider(s);
    p.id = "random-" + std::to_string(i);
    p.community = s.at(places[pick(6)]);
    p.services = 0;
    for (int k = 1 + pick(3); k > 0; --k) p.services |= need_bit(pick(t.needs.size()));
    p.delivery = static_cast<Delivery>(pick(3));
    p.national = chance(10);
    p.serves = p.national ? 0
                          : code_bit(s.d.geography[p.community].province) |
                                (chance(20) ? code_bit(pick(t.provinces.size())) : 0);
    for (int a = 0; a < t.attributes.size(); ++a)
      if (chance(25)) p.attributes |= attr_bit(a);
    if (chance(30)) p.genders = code_bit(pick(t.genders.size())) | code_bit(pick(t.genders.size()));
    if (chance(30)) p.age_min = pick(25);
    if (chance(30)) p.age_max = 12 + pick(60);
    p.accepts_trafficking_victims = chance(85);
    p.accepts_without_status = chance(50);
    p.law_enforcement = chance(5);
    if (chance(40)) p.capacity = Capacity{10, pick(3)};
    p.wait_days = pick(15);
    if (chance(90))
      p.verified = Date{kShippedAsOf.days - pick(800)};
    else
      p.verified.reset();
    s.d.providers.push_back(p);
  }
  s.d.reindex();
  std::map<int, std::vector<char>> excluded;  // Policy::excluded_in_province, per province
  std::size_t flagged = 0;
  for (int k = 0; k < 60; ++k) {
    Case c = base_case(s);
    c.location = s.at(places[pick(6)]);
    if (chance(30))
      c.age.reset();
    else
      c.age = pick(70);
    c.gender = pick(t.genders.size());
    c.identity = chance(50) ? code_bit(pick(t.identities.size())) : 0;
    c.languages = {s.lang(chance(50) ? "eng" : "crk")};
    c.status = pick(t.statuses.size());
    c.exploitation = pick(t.exploitation.size());
    for (int a = 0; a < t.attributes.size(); ++a) {
      if (chance(10)) c.require |= attr_bit(a);
      if (chance(15)) c.prefer |= attr_bit(a);
    }
    if (chance(30)) c.avoid = {c.location};
    c.police_consent = chance(50);
    auto prepared = s.policy.prepare(c, s.d, kShippedAsOf);
    const int province = s.d.geography[c.location].province;
    if (!excluded.count(province)) excluded[province] = s.policy.excluded_in_province(s.d, province);
    for (ProviderIndex p = 0; p < s.d.providers.size(); ++p) {
      INFO("case " << k << ", provider " << s.d.providers[p].id);
      rules::Assessment a = s.policy.assess(c, s.d, p, kShippedAsOf);
      // The planner's first filter never drops a provider the assessment would keep.
      if (excluded[province][p]) {
        REQUIRE(!a.eligible);
        ++flagged;
      }
      std::vector<rules::RuleHit> h1, h2;
      rules::Assessment e = s.policy.explain(c, s.d, p, kShippedAsOf, h1);
      rules::Assessment f = prepared.assess(p);
      rules::Assessment g = prepared.explain(p, h2);
      // For a provider the filter keeps, the planner skips the exclusions the filter decided.
      rules::Assessment kept = excluded[province][p] ? a : prepared.assess_kept(p);
      for (const rules::Assessment* y : {&e, &f, &g, &kept}) {
        REQUIRE((y->eligible == a.eligible && y->in_person == a.in_person &&
                 y->remote == a.remote && y->withheld == a.withheld &&
                 y->preferences == a.preferences && y->penalties == a.penalties &&
                 y->in_person_penalties == a.in_person_penalties && y->stale == a.stale));
      }
      REQUIRE(h1.size() == h2.size());
      for (std::size_t i = 0; i < h1.size(); ++i)
        REQUIRE((h1[i].rule_id == h2[i].rule_id && h1[i].cost == h2[i].cost));
      // Invariants of an assessment.
      if (!a.eligible)
        REQUIRE((!a.in_person && !a.remote && a.withheld == 0 && a.preferences == 0 &&
                 a.penalties == 0));
      if (a.in_person) REQUIRE(s.d.providers[p].offers_in_person());
      if (a.remote) REQUIRE(s.d.providers[p].offers_remote());
      REQUIRE(a.preferences <= 0);
      REQUIRE(a.penalties >= 0);
    }
  }
  // The serving-province rule reads only the provider and case.province: the filter has work.
  CHECK(flagged > 0);
}

TEST_CASE("shipped policy: the province filter and whether rules read case.location", "[rules][shipped]") {
  Shipped s;
  Provider local = base_provider(s);
  local.id = "local";
  local.community = s.at("winnipeg-mb");
  local.national = false;
  local.serves = code_bit(s.d.geography[local.community].province);
  Provider national = local;
  national.id = "national";
  national.national = true;
  national.serves = 0;
  s.d.providers = {local, national};
  s.d.reindex();
  const int mb = s.d.geography[s.at("winnipeg-mb")].province, on = s.d.geography[s.at("toronto-on")].province;
  CHECK(s.policy.excluded_in_province(s.d, mb) == std::vector<char>{0, 0});
  CHECK(s.policy.excluded_in_province(s.d, on) == std::vector<char>{1, 0});
  // The shipped rules read case.location only to ask whether it is in provider.catchment: the
  // audit may prepare a case once per province and set of catchments (Planner::location_class).
  CHECK(s.policy.reads_case_location());
  CHECK(s.policy.reads_location_only_by_catchment());
  auto dir = std::filesystem::temp_directory_path() / "nrm-test-reads-location";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "r.yaml") << "schema: 1\nrules:\n  - id: not-here\n    reason: r\n"
                                     "    when: provider.community == case.location\n    effect: exclude_in_person\n";
  }
  CHECK(Policy::load(dir.string(), s.d).reads_case_location());
  std::filesystem::remove_all(dir);
}
