// The service-gap audit for coordinators: every community x every profile, each cell exactly what
// Engine::refer answers for that profile placed in that community; per province and territory the
// population within 2, 8 and 24 hours of a pathway, the communities with none, the ten worst and
// the need most often binding; what-if runs (providers added or removed) and greedy suggestions.
// Renderers (table, csv, json, html) are in render.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/engine.hpp"

namespace nrm::audit {

// A kind of person the network must serve: a case without a location (data/profiles.yaml).
struct Profile {
  std::string id;
  std::string label;
  std::string description;
  std::string case_yaml;  // the case fields, YAML; add `location: X` and it is a valid case
  Case base;              // case_yaml parsed with a stand-in location
};

// Loads data/profiles.yaml: `profiles:` a list of {id, label, description, <case fields>}. Every
// profile is checked as a case (placed in the first community). Throws LoadError with every
// problem, file:line and field.
std::vector<Profile> load_profiles(const std::string& path, const api::Engine& engine);

// The case of `profile` placed in `community`: what `nrm refer` would be given.
Case place(const Profile& profile, CommunityIndex community);
std::string case_text(const Profile& profile, const std::string& community_id);

// The audit thresholds, in hours of travel of the best pathway.
inline constexpr double kThresholds[] = {2.0, 8.0, 24.0};
inline constexpr int kThresholdCount = 3;

// One community x one profile: what refer answers, reduced to what the audit uses.
struct Cell {
  CommunityIndex community = 0;
  int profile = 0;                 // index into Audit::profiles
  int province = 0;                // the community's (taxonomy index)
  bool feasible = false;           // refer found a pathway meeting every need
  rules::Cost total_cost = 0;      // the best pathway's, when feasible
  double travel_hours = 0;         // the best pathway's, when feasible
  std::vector<planner::UnmetNeed> unmet;  // when not feasible (refer's `unmet`); [0] is the binding gap
};

struct Options {
  std::optional<int> province;           // restrict to one province/territory (taxonomy index)
  std::vector<std::string> profile_ids;  // empty = every profile
  Date as_of;
  int threads = 2;                       // workers over communities; results merged by index
};

// Figures for one province (or territory) and one profile.
struct ProvinceProfile {
  int profile = 0;
  std::int64_t population = 0;
  std::int64_t within[kThresholdCount] = {0, 0, 0};  // population with a pathway within 2/8/24 h
  std::int64_t served = 0;                           // population with any pathway
  std::vector<CommunityIndex> none;       // communities with no pathway, by population desc, id
  std::vector<std::size_t> worst;         // up to ten cells (indices into Audit::cells), worst first
  NeedId binding_need = -1;               // most often the binding gap (-1: never)
  int binding_count = 0;                  // communities where it binds
  double share(int t) const { return population ? static_cast<double>(within[t]) / population : 0.0; }
};

struct ProvinceFigures {
  int province = 0;  // taxonomy index
  int communities = 0;
  std::int64_t population = 0;
  std::vector<ProvinceProfile> profiles;  // in Audit::profiles order
};

struct Audit {
  Date as_of;
  std::vector<Profile> profiles;              // those audited, in file order
  std::vector<CommunityIndex> communities;    // those audited, in id order
  std::vector<Cell> cells;                    // community-major: cells[c * profiles + p]
  std::vector<ProvinceFigures> provinces;     // in province code order, only those audited
  double seconds = 0;                         // wall time of the cell computation

  const Cell& cell(std::size_t community_pos, std::size_t profile) const {
    return cells[community_pos * profiles.size() + profile];
  }
};

// Runs the audit. Each cell is Engine::refer on place(profile, community) with top = 1 (the best
// pathway of the k-best search does not depend on k: the order is total).
Audit run(const api::Engine& engine, const std::vector<Profile>& profiles, const Options& options);

// The one cell, computed alone (tests, spot checks).
Cell compute_cell(const api::Engine& engine, const Profile& profile, CommunityIndex community,
                  Date as_of);

// --- What-if -------------------------------------------------------------------------------

// An engine on the same data and rules but for providers added (a providers file, same schema;
// partners may name existing providers) and providers removed (ids; partner links to them are
// dropped). Throws LoadError for unknown ids or bad entries (file:line of the added file).
std::shared_ptr<const api::Engine> with_changes(const api::Engine& engine,
                                                const std::string& extra_providers_file,
                                                const std::vector<std::string>& without_ids);

// The same from YAML text for the added providers (a list, or a map with `providers:`).
std::shared_ptr<const api::Engine> with_changes_text(const api::Engine& engine,
                                                     const std::string& extra_yaml,
                                                     const std::string& origin,
                                                     const std::vector<std::string>& without_ids);

// Coverage change of one province x profile between two audits of the same communities.
struct Change {
  int province = 0;
  int profile = 0;
  std::int64_t population = 0;
  std::int64_t before[kThresholdCount] = {0, 0, 0};
  std::int64_t after[kThresholdCount] = {0, 0, 0};
  std::int64_t served_before = 0, served_after = 0;
  std::vector<CommunityIndex> gained;  // no pathway before, one after
  std::vector<CommunityIndex> lost;    // a pathway before, none after
};
std::vector<Change> compare(const Audit& before, const Audit& after);

// --- Suggestions ---------------------------------------------------------------------------

// One proposed provider: where, what it offers, and what it gains.
struct Suggestion {
  CommunityIndex community = 0;
  NeedSet services = 0;
  int province = 0;
  std::int64_t gain = 0;             // population newly within 24 h (exact: re-audited)
  std::vector<CommunityIndex> newly_served;
  std::string provider_yaml;         // the entry, ready for --with
};

// Greedily proposes `n` providers for one profile that bring the most population that has no
// pathway within 24 h to one within 24 h. Candidates are scored by an upper bound (unserved
// population within 24 h of travel, same province), the best few are re-audited exactly, and the
// best exact gain is taken; later rounds see the earlier proposals. Stops early when nothing gains.
std::vector<Suggestion> suggest(const api::Engine& engine, const Profile& profile, int n,
                                const Options& options);

}  // namespace nrm::audit
