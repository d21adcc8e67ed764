// The service-gap audit for coordinators: every community x every profile, each cell exactly what
// Engine::refer answers for that profile placed in that community; per province and territory the
// population within 2, 8 and 24 hours of a pathway, the communities with none, the ten worst and
// the need most often binding; what-if runs (providers added or removed) and greedy suggestions.
// Renderers (table, csv, json, html) are in render.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/engine.hpp"

namespace nrm::audit {

// How many travel-time bands the audit reports (the values are in the profiles file).
inline constexpr int kThresholdCount = 3;
// Travel hours are whole seconds: they are compared with the thresholds with this margin.
inline constexpr double kHoursEps = 1e-9;

// One way of putting a gap's cause in plain words: the `blocked_by` values (rule ids of rules/,
// or the planner's `directory`, `max_travel_hours`, `combination`) it stands for.
struct ReasonKind {
  std::string id;                       // e.g. "gender"
  std::string text;                     // e.g. "providers exist but refuse this gender"
  std::string text_fr;                  // the same in French (text_fr; empty: none given)
  std::vector<std::string> blocked_by;  // e.g. ["gender-accepted"]
  // The text in the current language (i18n::current()); the English text when no French is given.
  const std::string& words() const;
};

// The audit's own policy, from the top of the profiles file: the travel-time bands coverage is
// reported in and how gap causes are worded. Shared by every profile of the file.
struct Settings {
  std::array<double, kThresholdCount> thresholds{};  // hours, ascending (thresholds_hours)
  std::vector<ReasonKind> reasons;                    // in file order
  // The kind `blocked_by` belongs to, or nullptr when no kind lists it.
  const ReasonKind* reason_of(const std::string& blocked_by) const;
};

// A kind of person the network must serve: a case without a location (data/profiles.yaml).
struct Profile {
  std::string id;
  std::string label;
  std::string description;
  std::string label_fr;        // label_fr and description_fr of the file (empty: none given)
  std::string description_fr;
  std::string case_yaml;  // the case fields, YAML; add `location: X` and it is a valid case
  Case base;              // case_yaml parsed with a stand-in location
  std::shared_ptr<const Settings> settings;  // the file's (the same object for every profile of it)
  // The label and description in the current language (i18n::current()); English when the
  // file gives no French.
  const std::string& label_text() const;
  const std::string& description_text() const;
};

// Loads data/profiles.yaml: `thresholds_hours` (three ascending hours), `reasons` (a list of
// {id, text, text_fr, blocked_by}; text_fr optional) and `profiles:` a list of {id, label,
// description, label_fr, description_fr, <case fields>} (label_fr and description_fr optional:
// French reports show the English ones without them).
// Every profile is checked as a case (placed in the first community), every blocked_by against
// the rules. Throws LoadError with every problem, file:line and field.
std::vector<Profile> load_profiles(const std::string& path, const api::Engine& engine);

// The case of `profile` placed in `community`: what `nrm refer` would be given.
Case place(const Profile& profile, CommunityIndex community);
std::string case_text(const Profile& profile, const std::string& community_id);

// One community x one profile: what refer answers, reduced to what the audit uses.
struct Cell {
  CommunityIndex community = 0;
  int profile = 0;                 // index into Audit::profiles
  int province = 0;                // the community's (taxonomy index)
  bool feasible = false;           // refer found a pathway meeting every need
  rules::Cost total_cost = 0;      // the best pathway's, when feasible
  double travel_hours = 0;         // the best pathway's, when feasible
  std::vector<planner::UnmetNeed> unmet;  // when not feasible (refer's `unmet`); [0] is the binding gap
  // The best pathway's providers whose entries are stale (not verified within the ranking's
  // stale_after_days of the audit's date: what `nrm refer` marks STALE), in step order, each
  // once; empty when not feasible. The cell relies on them.
  std::vector<ProviderIndex> stale;
  bool relies_on_stale() const { return !stale.empty(); }
};

struct Options {
  std::optional<int> province;           // restrict to one province/territory (taxonomy index)
  std::vector<std::string> profile_ids;  // empty = every profile
  Date as_of;
  int threads = 2;                       // workers over communities; results merged by index
};

// Why one need is missing in some communities of a province for one profile: the planner's
// blocked_by for it (a rule id, `directory`, `max_travel_hours`, `combination`) and how many
// communities, and people, it keeps without a pathway.
struct Cause {
  NeedId need = -1;
  std::string blocked_by;
  int communities = 0;
  std::int64_t population = 0;   // of those with a known population
  int unknown_population = 0;    // communities among them whose population is unknown
};

// Figures for one province (or territory) and one profile. Populations count only communities
// whose population is known (data/communities.csv leaves some empty): an unknown population is
// never taken as 0 people, it is counted in the *_unknown fields instead.
struct ProvinceProfile {
  int profile = 0;
  std::int64_t population = 0;                       // known populations of the province
  std::int64_t within[kThresholdCount] = {0, 0, 0};  // population with a pathway within each threshold
  std::int64_t served = 0;                           // population with any pathway
  std::vector<CommunityIndex> none;       // communities with no pathway, by population desc, id
  std::vector<std::size_t> worst;         // up to ten cells (indices into Audit::cells), worst first
  NeedId binding_need = -1;               // the need most often missing (-1: never)
  int binding_count = 0;                  // communities where it is missing
  // Every missing need of every community with no pathway (not only the binding one), by need
  // in taxonomy order, then most communities first, then blocked_by.
  std::vector<Cause> causes;
  int beyond_communities = 0;             // a pathway, but only beyond the last threshold
  std::int64_t beyond_population = 0;
  int unknown_communities = 0;            // communities whose population is unknown
  int unknown_within[kThresholdCount] = {0, 0, 0};  // of those, within each threshold
  int unknown_none = 0;                   // communities of unknown population with no pathway
  int stale_cells = 0;                    // communities whose best pathway relies on a stale entry
  std::vector<ProviderIndex> stale_providers;  // the stale entries they rely on, by provider id
  double share(int t) const { return population ? static_cast<double>(within[t]) / population : 0.0; }
  // People (known populations) not within the last threshold, and their share.
  std::int64_t outside() const { return population - within[kThresholdCount - 1]; }
};

struct ProvinceFigures {
  int province = 0;  // taxonomy index
  int communities = 0;
  std::int64_t population = 0;            // known populations only
  int unknown_population = 0;             // communities whose population is unknown
  std::vector<ProvinceProfile> profiles;  // in Audit::profiles order
  int stale_cells = 0;                    // cells (community x profile) relying on a stale entry
  std::vector<ProviderIndex> stale_providers;  // the stale entries they rely on, by provider id
};

struct Audit {
  Date as_of;
  std::shared_ptr<const Settings> settings;  // the profiles' (thresholds, reason wording)
  std::vector<Profile> profiles;              // those audited, in file order
  std::vector<CommunityIndex> communities;    // those audited, in id order
  std::vector<Cell> cells;                    // community-major: cells[c * profiles + p]
  std::vector<ProvinceFigures> provinces;     // in province code order, only those audited
  double seconds = 0;                         // wall time of the cell computation

  double threshold(int t) const { return settings->thresholds[static_cast<std::size_t>(t)]; }
  const Cell& cell(std::size_t community_pos, std::size_t profile) const {
    return cells[community_pos * profiles.size() + profile];
  }
};

// The figures of every audited province together (Canada, when the audit is national): sums,
// and causes merged; `worst` is left empty, `none` and `stale_providers` (each once) in province
// order.
ProvinceProfile national(const Audit& a, std::size_t profile);

// Over every audited province: the cells relying on a stale entry, and those entries (province
// order, then provider id; each once).
int stale_cells(const Audit& a);
std::vector<ProviderIndex> stale_providers(const Audit& a);

// A cell's travel band: t (0 .. kThresholdCount - 1) for the first threshold its best pathway's
// travel is within, kThresholdCount beyond the last, -1 when there is no pathway.
int band(const Audit& a, const Cell& c);

// Per provider of the engine's directory: whether its entry is stale on the audit's date (not
// verified within the ranking's stale_after_days: Policy::assess's `stale`, what refer marks STALE).
std::vector<char> stale_entries(const api::Engine& engine, const Audit& a);

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

// What one proposed provider does for people, compared lexicographically: population newly
// within each threshold, smallest first (2 h, then 8 h, then 24 h), then person-hours of travel
// saved where a pathway existed already. Each is exact: the audit re-run with the proposal.
struct Gain {
  std::int64_t within[kThresholdCount] = {0, 0, 0};  // newly within (minus any no longer within)
  double person_hours_saved = 0;                      // sum of population x hours saved
  bool positive() const;
  // Lexicographic order; travel compared to 0.001 person-hours.
  friend int compare(const Gain& a, const Gain& b);
};

// One proposed provider: where, what it offers, and what it gains.
struct Suggestion {
  CommunityIndex community = 0;
  NeedSet services = 0;
  int province = 0;
  Gain gain;
  std::vector<CommunityIndex> newly_served;  // newly within the largest threshold
  std::string provider_yaml;                 // the entry, ready for --with
};

// Greedily proposes `n` providers for one profile, each the one with the greatest Gain given the
// earlier proposals. Candidates are the audited communities with a known, non-zero population
// that the travel model connects to somewhere (by road, ferry or air). They are tried in order
// of an upper bound of their Gain (unserved population within each threshold of travel of the
// candidate, same province; person-hours by the triangle inequality); each tried one is
// re-audited exactly; the search stops when no untried bound can beat the best exact gain, or
// after kMaxExactPerRound re-audits. Equal gains go to the candidate with more people, never to
// an id. Stops early when nothing gains.
inline constexpr int kMaxExactPerRound = 12;
std::vector<Suggestion> suggest(const api::Engine& engine, const Profile& profile, int n,
                                const Options& options);

}  // namespace nrm::audit
