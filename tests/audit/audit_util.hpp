// Audit test helpers: an engine on the test world (tests/fixtures/world, round hours) with the test
// policy (tests/fixtures/rules) and a small directory, plus the test profiles.
//
//     alpha-on (100000) --1h-- beta-on (50000) --2h-- gamma-on (20000)
//        |
//        3h
//        |
//     delta-mb (30000) --4h-- nordic-nu (5000)
//
// Providers: a shelter in alpha serving ON only, a counselling service in alpha (in person or by
// phone, national) and a women-only shelter in gamma serving ON.
#pragma once

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "audit/audit.hpp"
#include "test_util.hpp"

namespace nrm::test {

inline const char* kAuditWorldProviders = R"(schema: 1
synthetic: true
providers:
  - {id: sh-alpha, name: Alpha Shelter (fictitious), community: alpha-on, services: [shelter.emergency], delivery: in_person, serves: [ON], languages: [eng], accepts_trafficking_victims: true, capacity: {beds: 10, available: 3}, verified: 2026-06-01}
  - {id: co-alpha, name: Alpha Counselling (fictitious), community: alpha-on, services: [counselling.trauma], delivery: both, serves: [national], languages: [eng], accepts_trafficking_victims: true, verified: 2026-06-01}
  - {id: sh-gamma, name: Gamma Women's Shelter (fictitious), community: gamma-on, services: [shelter.emergency], delivery: in_person, serves: [ON], genders: [female], languages: [eng], accepts_trafficking_victims: true, capacity: {beds: 5, available: 1}, verified: 2026-06-01}
)";

// The same directory with Alpha Shelter's entry stale: last verified 2025-06-01, more than 365 days
// (the test ranking's stale_after_days) before audit_date().
inline std::string audit_world_providers_stale_alpha() {
  std::string text = kAuditWorldProviders;
  const std::string from = "capacity: {beds: 10, available: 3}, verified: 2026-06-01";
  text.replace(text.find(from), from.size(), "capacity: {beds: 10, available: 3}, verified: 2025-06-01");
  return text;
}

inline api::EnginePaths audit_world_paths(const TempDir& dir, const std::string& providers = kAuditWorldProviders) {
  api::EnginePaths p;
  p.data = world_paths();
  p.data.providers = dir.write("providers.yaml", providers);
  p.rules_dir = test_dir() + "/fixtures/rules";
  return p;
}

inline std::string audit_profiles_path() { return test_dir() + "/audit/fixtures/profiles.yaml"; }
// Outlines of the test world's provinces (rectangles, not real geography) for the HTML map.
inline std::string audit_outlines_path() { return test_dir() + "/audit/fixtures/outlines.geojson"; }

inline Date audit_date() { return *Date::parse("2026-11-27"); }

inline audit::Options audit_options(int threads = 2) {
  audit::Options o;
  o.as_of = audit_date();
  o.threads = threads;
  return o;
}

// The cell and refer agree: the check every exactness test makes.
inline void check_cell_is_refer(const api::Engine& e, const audit::Profile& p, const audit::Cell& cell, Date as_of) {
  const std::string community = e.directory().geography[cell.community].id;
  INFO("profile " << p.id << " at " << community);
  Case c = e.parse_case(audit::case_text(p, community), "case");
  api::Answer a = e.refer(c, as_of);
  REQUIRE(cell.feasible == a.ok());
  if (a.ok()) {
    CHECK(cell.total_cost == a.plan.pathways[0].cost.total());
    CHECK(cell.travel_hours == a.plan.pathways[0].travel_hours);
    CHECK(cell.unmet.empty());
    // The stale entries the cell relies on are the steps `nrm refer` marks STALE, in step order.
    std::vector<std::string> stale, shown;
    for (ProviderIndex i : cell.stale) stale.push_back(e.directory().providers[i].id);
    const nlohmann::json shown_answer = e.answer_json(a);  // kept: the loop below reads into it
    for (const auto& st : shown_answer["pathways"][0]["steps"])
      if (st["stale"].get<bool>() &&
          std::find(shown.begin(), shown.end(), st["provider"].get<std::string>()) == shown.end())
        shown.push_back(st["provider"].get<std::string>());
    CHECK(stale == shown);
  } else {
    CHECK(cell.stale.empty());
    REQUIRE(cell.unmet.size() == a.plan.unmet.size());
    for (std::size_t i = 0; i < cell.unmet.size(); ++i) {
      CHECK(cell.unmet[i].need == a.plan.unmet[i].need);
      CHECK(cell.unmet[i].reason == a.plan.unmet[i].reason);
      CHECK(cell.unmet[i].blocked_by == a.plan.unmet[i].blocked_by);
      CHECK(cell.unmet[i].nearest == a.plan.unmet[i].nearest);
    }
  }
}

// Re-audits with the first k proposals added and checks each proposal's claimed gain against the
// change it makes, tier by tier: the gain shown is the gain a re-run gives.
inline void check_gains_are_reruns(const api::Engine& e, const audit::Profile& p, const std::vector<audit::Suggestion>& s,
                            const audit::Options& o) {
  const std::vector<audit::Profile> one = {p};
  std::string extra = "providers:\n";
  auto before = audit::run(e, one, o);
  for (std::size_t k = 0; k < s.size(); ++k) {
    INFO("suggestion " << k + 1 << " at " << e.directory().geography[s[k].community].id);
    extra += s[k].provider_yaml;
    auto with = audit::with_changes_text(e, extra, "suggestion", {});
    auto after = audit::run(*with, one, o);
    for (int t = 0; t < audit::kThresholdCount; ++t) {
      std::int64_t b = 0, a = 0;
      for (const auto& f : before.provinces) b += f.profiles[0].within[t];
      for (const auto& f : after.provinces) a += f.profiles[0].within[t];
      CHECK(s[k].gain.within[t] == a - b);
    }
    before = std::move(after);
  }
}

}  // namespace nrm::test
