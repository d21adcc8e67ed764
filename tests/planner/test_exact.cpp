// The search is exact: on small random directories, the planner's k best pathways equal those of
// a brute-force enumeration of every pathway (same providers in the same order, same costs), on
// hundreds of random cases with random needs, constraints, locations and k.
//
// Both sides share the definition of a step (Problem::step); what is tested is the search: its
// pruning, dominance, heuristic, equivalence classes and tie-breaking. Every case is searched
// twice: with sets of needs packed (P14, cases of up to kPackNeeds needs) and unpacked (the tables
// and bounds of larger cases); a world of 13 needs runs cases larger than kPackNeeds.
#include <algorithm>
#include <bit>
#include <fstream>
#include <limits>
#include <random>
#include <set>

#include "planner_util.hpp"

using namespace nrm;

namespace {

struct Found {
  rules::Cost cost;
  planner::Travelled travelled;  // the total order's keys after cost
  std::vector<std::uint32_t> ranks;
  std::vector<std::int32_t> seq;
};

void enumerate(const planner::Problem& p, const planner::Problem::State& s, rules::Cost g,
               std::vector<std::int32_t>& seq, std::vector<Found>& out) {
  if (p.complete(s)) {
    Found f{g, s.travelled, {}, seq};
    for (auto ci : seq) f.ranks.push_back(p.candidates[static_cast<std::size_t>(ci)].rank);
    out.push_back(std::move(f));
    return;
  }
  for (std::int32_t ci = 0; ci < static_cast<std::int32_t>(p.candidates.size()); ++ci) {
    rules::Cost c = 0;
    auto st = p.step(s, ci, c);
    if (!st) continue;
    seq.push_back(ci);
    enumerate(p, p.after(s, ci, *st), g + c, seq, out);
    seq.pop_back();
  }
}

std::vector<Found> brute_force(const planner::Problem& p) {
  std::vector<Found> all;
  std::vector<std::int32_t> seq;
  planner::Problem::State s;
  s.location = p.start;
  enumerate(p, s, 0, seq, all);
  std::sort(all.begin(), all.end(), [](const Found& a, const Found& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.travelled != b.travelled) return a.travelled < b.travelled;
    return a.ranks < b.ranks;
  });
  if (all.size() > static_cast<std::size_t>(p.top)) all.resize(static_cast<std::size_t>(p.top));
  return all;
}

const char* const kCommunities[] = {"alpha-on", "beta-on", "gamma-on", "delta-mb", "nordic-nu"};
const char* const kNeeds[] = {"shelter.emergency", "medical.emergency", "safety.planning", "counselling.trauma",
                              "legal.immigration", "legal.labour", "interpretation"};
const char* const kAttrs[] = {"trauma_informed", "youth_serving", "indigenous_led"};
const char* const kLangs[] = {"eng", "fra", "hun", "ike"};

template <typename T, std::size_t N>
const T& pick(std::mt19937& rng, const T (&a)[N]) {
  return a[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}
bool chance(std::mt19937& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

template <std::size_t N>
std::string subset(std::mt19937& rng, const char* const (&a)[N], int min, int max) {
  std::vector<std::string> items(a, a + N);
  std::shuffle(items.begin(), items.end(), rng);
  int n = std::uniform_int_distribution<int>(min, max)(rng);
  std::string out;
  for (int i = 0; i < n && i < static_cast<int>(N); ++i) out += (out.empty() ? "" : ", ") + items[static_cast<std::size_t>(i)];
  return out;
}

std::string random_directory(std::mt19937& rng, int providers) {
  std::string y;
  for (int i = 0; i < providers; ++i) {
    std::string id = "p" + std::to_string(10 + i);
    y += "  - id: " + id + "\n    name: " + id + " (fictitious)\n    community: " + pick(rng, kCommunities) + "\n";
    y += "    services: [" + subset(rng, kNeeds, 1, 3) + "]\n";
    y += std::string("    delivery: ") + (chance(rng, 0.6) ? "in_person" : chance(rng, 0.5) ? "both" : "remote") + "\n";
    y += std::string("    serves: ") + (chance(rng, 0.6) ? "[national]" : chance(rng, 0.5) ? "[ON]" : "[ON, MB, NU]") + "\n";
    y += "    attributes: [" + subset(rng, kAttrs, 0, 2) + "]\n";
    y += "    languages: [" + subset(rng, kLangs, 1, 2) + "]\n";
    if (chance(rng, 0.1)) y += "    genders: [female]\n";
    if (chance(rng, 0.2)) y += "    ages: {min: 18}\n";
    y += std::string("    accepts_trafficking_victims: ") + (chance(rng, 0.9) ? "true" : "false") + "\n";
    y += std::string("    accepts_without_status: ") + (chance(rng, 0.7) ? "true" : "false") + "\n";
    if (chance(rng, 0.3)) y += std::string("    capacity: {beds: 4, available: ") + (chance(rng, 0.3) ? "0" : "2") + "}\n";
    y += "    wait_days: " + std::to_string(std::uniform_int_distribution<int>(0, 2)(rng)) + "\n";
    if (chance(rng, 0.3)) y += "    partners: [p" + std::to_string(10 + std::uniform_int_distribution<int>(0, providers - 1)(rng)) + "]\n";
    y += std::string("    verified: ") + (chance(rng, 0.2) ? "2024-05-01" : "2026-05-01") + "\n";
  }
  // A provider may not be its own partner: drop such lines.
  for (int i = 0; i < providers; ++i) {
    std::string id = "p" + std::to_string(10 + i);
    std::string self = "  - id: " + id + "\n";
    auto at = y.find(self);
    auto next = y.find("  - id: ", at + 1);
    auto line = y.find("    partners: [" + id + "]\n", at);
    if (line != std::string::npos && (next == std::string::npos || line < next)) y.erase(line, 15 + id.size() + 2);
  }
  return y;
}

// Crowded: many phone/video providers in two places with few kinds of service, so that groups
// of interchangeable steps are large and costs tie often (classes, the rank tie rule, members
// skipped after a dominated one, groups made on first visit).
const char* const kCrowdedNeeds[] = {"counselling.trauma", "legal.immigration", "legal.labour", "safety.planning"};

std::string crowded_directory(std::mt19937& rng, int providers) {
  std::string y;
  for (int i = 0; i < providers; ++i) {
    std::string id = "p" + std::to_string(10 + i);
    y += "  - id: " + id + "\n    name: " + id + " (fictitious)\n    community: " + (chance(rng, 0.5) ? "alpha-on" : "beta-on") + "\n";
    y += "    services: [" + subset(rng, kCrowdedNeeds, 1, 2) + "]\n";
    y += std::string("    delivery: ") + (chance(rng, 0.7) ? "remote" : chance(rng, 0.6) ? "both" : "in_person") + "\n";
    y += "    serves: [national]\n    accepts_trafficking_victims: true\n    accepts_without_status: true\n";
    y += "    attributes: [" + subset(rng, kAttrs, 0, 1) + "]\n";
    y += std::string("    languages: [") + (chance(rng, 0.8) ? "eng" : "eng, fra") + "]\n";
    y += "    wait_days: " + std::to_string(std::uniform_int_distribution<int>(0, 1)(rng)) + "\n";
    if (chance(rng, 0.15)) y += "    partners: [p" + std::to_string(10 + (i + 1) % providers) + "]\n";
    y += std::string("    verified: ") + (chance(rng, 0.1) ? "2024-05-01" : "2026-05-01") + "\n";
  }
  return y;
}

std::string crowded_case(std::mt19937& rng) {
  std::string y = std::string("location: ") + (chance(rng, 0.5) ? "alpha-on" : "beta-on") + "\n";
  y += "needs: [" + subset(rng, kCrowdedNeeds, 1, 3) + "]\n";
  y += "age: 30\ngender: female\nlanguages: [eng]\nstatus: citizen\nexploitation: sex\n";
  if (chance(rng, 0.4)) y += "prefer: [" + subset(rng, kAttrs, 1, 1) + "]\n";
  y += "top: " + std::to_string(std::uniform_int_distribution<int>(1, 5)(rng)) + "\n";
  return y;
}

std::string random_case(std::mt19937& rng) {
  std::string y = std::string("location: ") + pick(rng, kCommunities) + "\n";
  y += "needs: [" + subset(rng, kNeeds, 1, 3) + "]\n";
  if (chance(rng, 0.7)) y += "age: " + std::to_string(std::uniform_int_distribution<int>(14, 50)(rng)) + "\n";
  y += std::string("gender: ") + (chance(rng, 0.5) ? "female" : chance(rng, 0.5) ? "male" : "unknown") + "\n";
  y += std::string("languages: [") + (chance(rng, 0.6) ? "eng" : chance(rng, 0.5) ? "hun" : "iku") + "]\n";
  y += std::string("status: ") + (chance(rng, 0.6) ? "citizen" : chance(rng, 0.5) ? "temporary_resident" : "no_status") + "\n";
  y += std::string("exploitation: ") + (chance(rng, 0.6) ? "sex" : "labour") + "\n";
  if (chance(rng, 0.3)) y += "identity: [first_nations]\n";
  if (chance(rng, 0.15)) y += "require: [" + subset(rng, kAttrs, 1, 1) + "]\n";
  if (chance(rng, 0.4)) y += "prefer: [" + subset(rng, kAttrs, 1, 2) + "]\n";
  if (chance(rng, 0.2)) y += std::string("avoid: [") + pick(rng, kCommunities) + "]\n";
  if (chance(rng, 0.3)) y += "max_travel_hours: " + std::to_string(std::uniform_int_distribution<int>(1, 8)(rng)) + "\n";
  y += "top: " + std::to_string(std::uniform_int_distribution<int>(1, 5)(rng)) + "\n";
  return y;
}

// The search's answer is brute force's: as many pathways, each with the same cost and the same
// providers in the same order (brute force's sequences priced by the planner cost the same).
void require_same(const api::Engine& e, const planner::Problem& p, const std::vector<planner::PlannedPathway>& got,
                  const std::vector<Found>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("pathway " << i);
    CHECK(got[i].cost.total() == expected[i].cost);
    auto priced = e.planner().price(p, expected[i].seq);
    CHECK(priced.cost.total() == expected[i].cost);
    std::vector<ProviderIndex> got_ids, want_ids;
    for (const auto& s : got[i].steps) got_ids.push_back(s.provider);
    for (const auto& s : priced.steps) want_ids.push_back(s.provider);
    CHECK(got_ids == want_ids);
  }
}

}  // namespace

TEST_CASE("the search equals brute force on 600 random cases", "[planner][exact]") {
  std::mt19937 rng(20181);
  int cases = 0, with_answers = 0, multi = 0;
  for (int d = 0; d < 60; ++d) {
    test::TempDir dir;
    std::string yaml = random_directory(rng, std::uniform_int_distribution<int>(8, 14)(rng));
    auto e = test::world_engine(dir, yaml);
    for (int k = 0; k < 10; ++k) {
      std::string text = random_case(rng);
      INFO("directory " << d << "\n" << yaml << "\ncase:\n" << text);
      Case c = e->parse_case(text, "case");
      auto prepared = e->planner().prepare(c, test::test_date());
      REQUIRE(prepared.exact_travel());  // round weights: travel costs add up exactly
      // Twice: with the policy's travel weight, and with one whose second of travel is not a
      // whole number of cost units (legs rounded one by one; the bounds keep a slack).
      for (bool odd_weight : {false, true}) {
        INFO((odd_weight ? "odd travel weight" : "policy travel weight"));
        auto p = prepared;
        if (odd_weight) {
          p.weights.travel_hour = 1.2345678;
          p.per_second = 0;
          p.whole_seconds = false;
          REQUIRE_FALSE(p.exact_travel());
        }
        auto expected = brute_force(p);
        if (!odd_weight) {
          ++cases;
          if (!expected.empty()) ++with_answers;
          if (expected.size() > 1) ++multi;
        }
        require_same(*e, p, e->planner().search(p), expected);
        auto unpacked = p;
        unpacked.pack_needs = 0;
        INFO("sets of needs unpacked");
        require_same(*e, unpacked, e->planner().search(unpacked), expected);
      }
    }
  }
  // The random cases must exercise the search, not just fail: many have answers (238 of 600 with
  // seed 20181, since a phone step in a language the person does not speak owes interpretation
  // too), many of those several.
  CHECK(cases == 600);
  CHECK(with_answers > 220);
  CHECK(multi > 120);
}

TEST_CASE("the search equals brute force in crowded directories", "[planner][exact]") {
  std::mt19937 rng(20182);
  int cases = 0, with_answers = 0, full = 0;
  for (int d = 0; d < 30; ++d) {
    test::TempDir dir;
    std::string yaml = crowded_directory(rng, std::uniform_int_distribution<int>(14, 20)(rng));
    auto e = test::world_engine(dir, yaml);
    for (int k = 0; k < 8; ++k) {
      std::string text = crowded_case(rng);
      INFO("directory " << d << "\n" << yaml << "\ncase:\n" << text);
      Case c = e->parse_case(text, "case");
      auto p = e->planner().prepare(c, test::test_date());
      auto expected = brute_force(p);
      ++cases;
      if (!expected.empty()) ++with_answers;
      if (expected.size() == static_cast<std::size_t>(p.top)) ++full;
      require_same(*e, p, e->planner().search(p), expected);
      auto unpacked = p;
      unpacked.pack_needs = 0;
      INFO("sets of needs unpacked");
      require_same(*e, unpacked, e->planner().search(unpacked), expected);
    }
  }
  // Nearly every case has answers in such a directory, most of them a full list of `top`.
  CHECK(cases == 240);
  CHECK(with_answers > 200);
  CHECK(full > 150);
}

// More needs than the planner packs (kPackNeeds): the hashed state tables, the shares-only bound
// and the phone/video groups sorted at once, on cases of 11 to 13 needs, in person and remote.
namespace {

const char* const kManyNeeds[] = {"shelter.emergency", "medical.emergency", "safety.planning",  "counselling.trauma",
                                  "legal.immigration", "legal.labour",      "interpretation",   "case.management",
                                  "income.support",    "legal.family",      "education",        "police.liaison",
                                  "child.protection"};

std::string many_needs_directory(std::mt19937& rng, int providers) {
  std::string y;
  for (int i = 0; i < providers; ++i) {
    std::string id = "p" + std::to_string(10 + i);
    y += "  - id: " + id + "\n    name: " + id + " (fictitious)\n    community: " + pick(rng, kCommunities) + "\n";
    y += "    services: [" + subset(rng, kManyNeeds, 3, 6) + "]\n";
    y += std::string("    delivery: ") + (chance(rng, 0.5) ? "in_person" : chance(rng, 0.5) ? "both" : "remote") + "\n";
    y += "    serves: [national]\n    accepts_trafficking_victims: true\n    accepts_without_status: true\n";
    y += "    attributes: [" + subset(rng, kAttrs, 0, 1) + "]\n";
    y += "    languages: [" + subset(rng, kLangs, 1, 2) + "]\n";
    y += "    wait_days: " + std::to_string(std::uniform_int_distribution<int>(0, 2)(rng)) + "\n";
    if (chance(rng, 0.3)) y += "    partners: [p" + std::to_string(10 + (i + 1) % providers) + "]\n";
    y += "    verified: 2026-05-01\n";
  }
  return y;
}

}  // namespace

TEST_CASE("the search equals brute force on cases of more needs than are packed", "[planner][exact]") {
  std::mt19937 rng(20183);
  int cases = 0, with_answers = 0, large = 0;
  for (int d = 0; d < 12; ++d) {
    test::TempDir dir;
    std::string yaml = many_needs_directory(rng, std::uniform_int_distribution<int>(9, 12)(rng));
    auto e = test::world_engine(dir, yaml);
    for (int k = 0; k < 4; ++k) {
      std::string text = std::string("location: ") + pick(rng, kCommunities) + "\n";
      text += "needs: [" + subset(rng, kManyNeeds, 11, 12) + "]\n";
      text += "age: 30\ngender: female\nstatus: temporary_resident\nexploitation: labour\npolice_consent: true\n";
      text += std::string("languages: [") + (chance(rng, 0.7) ? "eng" : "hun") + "]\n";
      text += "top: " + std::to_string(std::uniform_int_distribution<int>(1, 3)(rng)) + "\n";
      INFO("directory " << d << "\n" << yaml << "\ncase:\n" << text);
      Case c = e->parse_case(text, "case");
      auto p = e->planner().prepare(c, test::test_date());
      ++cases;
      if (std::popcount(p.target | p.interpretation) > planner::kPackNeeds) ++large;
      auto expected = brute_force(p);
      if (!expected.empty()) ++with_answers;
      require_same(*e, p, e->planner().search(p), expected);
    }
  }
  // Every case has more needs than are packed, and most of them have answers.
  CHECK(cases == 48);
  CHECK(large == 48);
  CHECK(with_answers > 24);
}

// Urgency, catchments and open hours: the policy gains the catchment rule and urgency weights
// (rules/ranking.yaml's form), providers carry catchments and intake hours, cases a time of day.
// Urgency makes a step's cost depend on the needs met before it; hours set steps aside or add a
// wait; catchments withhold child protection and police. The search must still equal brute force.
namespace {

const char* const kUrgentNeeds[] = {"shelter.emergency", "medical.emergency", "child.protection", "police.liaison",
                                    "counselling.trauma", "legal.immigration", "interpretation"};
const char* const kHours[] = {"24/7", "Mon-Fri 09:00-17:00", "Mon-Sat 08:00-20:00", "by appointment",
                              "Tue-Thu 10:00-16:00, Sat 10:00-14:00"};
const char* const kWhen[] = {"2026-11-27T03:00", "2026-11-27T14:00", "2026-11-29T11:00", "2026-11-30T08:30"};

std::string urgent_directory(std::mt19937& rng, int providers) {
  std::string y;
  for (int i = 0; i < providers; ++i) {
    std::string id = "p" + std::to_string(10 + i);
    y += "  - id: " + id + "\n    name: " + id + " (fictitious)\n    community: " + pick(rng, kCommunities) + "\n";
    y += "    services: [" + subset(rng, kUrgentNeeds, 1, 3) + "]\n";
    y += std::string("    delivery: ") + (chance(rng, 0.6) ? "in_person" : chance(rng, 0.5) ? "both" : "remote") + "\n";
    y += "    serves: [national]\n    attributes: [" + subset(rng, kAttrs, 0, 1) + "]\n";
    y += "    languages: [" + subset(rng, kLangs, 1, 2) + "]\n";
    y += "    accepts_trafficking_victims: true\n    accepts_without_status: true\n";
    y += "    wait_days: " + std::to_string(std::uniform_int_distribution<int>(0, 2)(rng)) + "\n";
    if (chance(rng, 0.6)) y += "    catchment: [" + subset(rng, kCommunities, 1, 3) + "]\n";
    y += std::string("    intake: {phone: \"+1-555-0100\", hours: \"") + pick(rng, kHours) + "\"}\n";
    y += "    verified: 2026-05-01\n";
  }
  return y;
}

}  // namespace

TEST_CASE("the search equals brute force with urgency, catchments and open hours", "[planner][exact]") {
  std::mt19937 rng(20184);
  test::TempDir rules;
  for (const char* f : {"derived-needs.yaml", "eligibility.yaml", "language.yaml", "preferences.yaml",
                        "ranking.yaml", "travel.yaml"}) {
    std::ifstream in(test::test_dir() + "/fixtures/rules/" + f);
    rules.write(f, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  rules.write("zz-issue-20.yaml",
              "schema: 1\nurgency:\n  medical.emergency: 2\n  shelter.emergency: 1\nrules:\n"
              "  - id: catchment\n    reason: territorial\n"
              "    when: provider.services contains_any [child.protection, police.liaison] and case.location not in provider.catchment\n"
              "    effect: withhold\n    needs: [child.protection, police.liaison]\n");
  int cases = 0, with_answers = 0, urgent = 0, waiting = 0, set_aside = 0;
  for (int d = 0; d < 40; ++d) {
    test::TempDir dir;
    std::string yaml = urgent_directory(rng, std::uniform_int_distribution<int>(8, 13)(rng));
    api::EnginePaths paths;
    paths.data = test::world_paths();
    paths.data.providers = dir.write("providers.yaml", "schema: 1\nsynthetic: true\nproviders:\n" + yaml);
    paths.rules_dir = rules.path();
    auto e = api::Engine::load(paths);
    for (int k = 0; k < 8; ++k) {
      std::string text = std::string("location: ") + pick(rng, kCommunities) + "\n";
      text += "needs: [" + subset(rng, kUrgentNeeds, 1, 3) + "]\n";
      text += "age: 30\ngender: female\nstatus: citizen\nexploitation: sex\npolice_consent: true\n";
      text += std::string("languages: [") + (chance(rng, 0.7) ? "eng" : "hun, eng") + "]\n";
      text += std::string("when: ") + pick(rng, kWhen) + "\n";
      text += "top: " + std::to_string(std::uniform_int_distribution<int>(1, 4)(rng)) + "\n";
      INFO("directory " << d << "\n" << yaml << "\ncase:\n" << text);
      Case c = e->parse_case(text, "case");
      const auto prepared = e->planner().prepare(c, test::test_date());
      // The time of day matters: closed intakes set aside for an immediate need, or a wait added.
      Case anytime = c;
      anytime.when.reset();
      const auto timeless = e->planner().prepare(anytime, test::test_date());
      set_aside += prepared.candidates.size() < timeless.candidates.size() ? 1 : 0;
      rules::Cost waits = 0, timeless_waits = 0;
      for (const auto& cand : prepared.candidates) waits += cand.wait;
      for (const auto& cand : timeless.candidates) timeless_waits += cand.wait;
      waiting += waits > timeless_waits ? 1 : 0;
      for (bool odd_weight : {false, true}) {
        INFO((odd_weight ? "odd weights" : "policy weights"));
        auto p = prepared;
        if (odd_weight) {
          p.weights.travel_hour = 0.7654321;
          for (auto& u : p.urgency) u.weight *= 1.2345678, u.per_second = 0;
          p.per_second = 0;
          p.whole_seconds = false;
        }
        auto expected = brute_force(p);
        if (!odd_weight) {
          ++cases;
          if (!expected.empty()) ++with_answers;
          if (!p.urgency.empty()) ++urgent;
        }
        require_same(*e, p, e->planner().search(p), expected);
        auto unpacked = p;
        unpacked.pack_needs = 0;
        INFO("sets of needs unpacked");
        require_same(*e, unpacked, e->planner().search(unpacked), expected);
      }
    }
  }
  CHECK(cases == 320);
  CHECK(with_answers > 120);
  CHECK(urgent > 100);
  CHECK(waiting > 60);
  CHECK(set_aside > 60);
}

namespace {

std::vector<Found> brute_force_all(const planner::Problem& p) {
  auto q = p;
  q.top = std::numeric_limits<int>::max();
  return brute_force(q);
}

std::vector<ProviderIndex> providers_of(const planner::Problem& p, const std::vector<std::int32_t>& seq) {
  std::vector<ProviderIndex> out;
  for (auto ci : seq) out.push_back(p.candidates[static_cast<std::size_t>(ci)].provider);
  return out;
}

std::vector<ProviderIndex> providers_of(const planner::PlannedPathway& w) {
  std::vector<ProviderIndex> out;
  for (const auto& s : w.steps) out.push_back(s.provider);
  return out;
}

}  // namespace

// Distinct options: the first `top` pathways, in the total order, whose sets of in-person
// providers differ (each the best of its set). A step's fallback: the first pathway in the total
// order with the same steps before it in which its provider takes no further step.
TEST_CASE("distinct options and every step's fallback equal brute force", "[planner][exact]") {
  std::mt19937 rng(14014);
  int options = 0, fallbacks = 0, none = 0, collapsed = 0;
  for (int d = 0; d < 40; ++d) {
    test::TempDir dir;
    std::string yaml = random_directory(rng, std::uniform_int_distribution<int>(8, 14)(rng));
    auto e = test::world_engine(dir, yaml);
    for (int k = 0; k < 10; ++k) {
      std::string text = random_case(rng);
      INFO("directory " << d << "\n" << yaml << "\ncase:\n" << text);
      Case c = e->parse_case(text, "case");
      auto p = e->planner().prepare(c, test::test_date());
      const auto all = brute_force_all(p);
      std::vector<const Found*> want;
      std::set<std::vector<ProviderIndex>> seen;
      for (const Found& f : all) {
        auto priced = e->planner().price(p, f.seq);
        std::vector<ProviderIndex> visits;
        for (const auto& st : priced.steps)
          if (st.in_person) visits.push_back(st.provider);
        std::sort(visits.begin(), visits.end());
        if (want.size() < static_cast<std::size_t>(p.top) && seen.insert(visits).second) want.push_back(&f);
      }
      if (all.size() > std::min<std::size_t>(all.size(), static_cast<std::size_t>(p.top)) &&
          want.size() < std::min<std::size_t>(all.size(), static_cast<std::size_t>(p.top)))
        ++collapsed;
      const auto got = e->planner().options(p, planner::PlanExtras{true, true, false});
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("option " << i);
        ++options;
        CHECK(got[i].pathway.cost.total() == want[i]->cost);
        CHECK(providers_of(got[i].pathway) == providers_of(p, want[i]->seq));
        REQUIRE(got[i].fallbacks.size() == want[i]->seq.size());
        for (std::size_t at = 0; at < want[i]->seq.size(); ++at) {
          INFO("fallback of step " << at);
          const Found* expected = nullptr;
          for (const Found& f : all)
            if (f.seq.size() >= at && std::equal(f.seq.begin(), f.seq.begin() + static_cast<long>(at), want[i]->seq.begin()) &&
                std::find(f.seq.begin() + static_cast<long>(at), f.seq.end(), want[i]->seq[at]) == f.seq.end()) {
              expected = &f;
              break;
            }
          const auto& fb = got[i].fallbacks[at];
          if (fb && !expected) {
            std::string ids;
            for (auto q : providers_of(*fb)) ids += e->directory().providers[q].id + " ";
            std::string mine;
            for (auto q : providers_of(got[i].pathway)) mine += e->directory().providers[q].id + " ";
            UNSCOPED_INFO("fallback " << ids << " of " << mine << " top " << p.top);
          }
          REQUIRE(fb.has_value() == (expected != nullptr));
          if (!fb) {
            ++none;
            continue;
          }
          ++fallbacks;
          CHECK(fb->cost.total() == expected->cost);
          CHECK(providers_of(*fb) == providers_of(p, expected->seq));
        }
      }
    }
  }
  // The cases exercise both rules: options collapsed, fallbacks found and fallbacks absent.
  CHECK(options > 300);
  CHECK(collapsed > 20);
  CHECK(fallbacks > 200);
  CHECK(none > 50);
  WARN("options " << options << ", collapsed cases " << collapsed << ", fallbacks " << fallbacks << ", none " << none);
}
