// The planner: the k best referral pathways for a case. A pathway is an ordered list of steps;
// each step hands the person to one provider, which covers every still-unmet need it can. See
// docs/ranking.md for the objective and planner/search.hpp for the search and why it is exact.
#pragma once

#include <memory>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/clock.hpp"
#include "planner/problem.hpp"

namespace nrm::planner::detail {
class Tables;
}

namespace nrm::planner {

struct PlannedPathway {
  std::vector<PlannedStep> steps;
  CostBreakdown cost;
  double travel_hours = 0;
};

// A phone/video provider that could take a remote step's place: it meets the same needs from the
// same point of the pathway, and the pathway then costs `extra` more (never more than the
// ranking's alternate_within).
struct Alternate {
  ProviderIndex provider = 0;
  Cost extra = 0;
};

// A pathway with what a worker needs when a provider says no (planner/options.cpp).
struct Option {
  PlannedPathway pathway;
  // Per step: the best pathway without that step's provider that keeps the steps before it
  // (whole, from the first step), or nothing when there is none.
  std::vector<std::optional<PlannedPathway>> fallbacks;
  std::vector<std::vector<Alternate>> alternates;  // per step; empty for in-person steps
};

// What plan() adds to the bare k-best pathways (the CLI and the API ask for all of it; the audit
// for none).
struct PlanExtras {
  bool distinct = false;    // pathways that differ in more than their phone/video providers
  bool fallbacks = false;   // Option::fallbacks
  bool alternates = false;  // Option::alternates
};

// A case constraint that, relaxed, would give a pathway meeting every need.
struct Relaxation {
  std::string constraint;  // "max_travel_hours", "avoid" or "require"
  ProviderIndex provider = 0;  // the provider meeting the unmet need in that pathway
  Cost cost = 0;               // that pathway's cost
  double travel_hours = 0;     // and its travel
};

// Why a need could not be met, and the nearest thing that would meet it.
struct UnmetNeed {
  NeedId need = -1;
  std::string reason;  // headline + "; " + blocker (or the headline alone)
  std::string headline, blocker;  // what is missing; the nearest provider and what keeps it out
  std::optional<ProviderIndex> nearest;
  double nearest_travel_hours = 0;
  std::string blocked_by;  // a rule id, "max_travel_hours", "require", "capacity", "language", ...
  bool nearest_remote = false;  // the nearest works by phone/video (no travel to it)
  std::vector<Relaxation> relaxations;  // with PlanExtras: what the worker could relax, in order
};

struct PlanResult {
  rules::CaseNeeds needs;
  std::vector<PlannedPathway> pathways;  // best first; empty or partial when !complete
  // With PlanExtras: pathways again (the same, in order) with fallbacks and alternates.
  std::vector<Option> options;
  bool complete = false;                 // pathways meet every need
  std::vector<UnmetNeed> unmet;
  std::size_t labels = 0;                // search effort, for benchmarks
};

class Planner {
 public:
  Planner(const Directory& directory, const rules::Policy& policy, const geo::TravelModel& travel);
  const geo::Clock& clock() const { return clock_; }

  Problem prepare(const Case& c, Date as_of) const;
  PlanResult plan(const Case& c, Date as_of, const PlanExtras& extras = {}) const;
  // The same with the case prepared already: `prepared` is prepare(c', as_of) for a case c' that
  // differs from c at most in location, with can_move(c', c.location). Saves the pass over the
  // whole directory when one case is placed in many communities (the audit).
  PlanResult plan(const Case& c, Date as_of, Problem prepared, const PlanExtras& extras = {}) const;
  // Whether prepare() of case `c` moved to `to` differs from prepare(c) only in its start: `to`
  // is in the same location class.
  bool can_move(const Case& c, CommunityIndex to) const {
    return location_class_[c.location] == location_class_[to];
  }
  // Communities whose cases prepare alike: the same province and, when rules read case.location
  // only through provider.catchment, the same providers whose catchments hold them; when rules
  // read it otherwise, every community alone. Numbered 0..location_classes()-1.
  int location_class(CommunityIndex c) const { return location_class_[c]; }
  int location_classes() const { return location_classes_; }
  // The exact k-best search on a prepared problem (top = problem.top).
  std::vector<PlannedPathway> search(const Problem& problem, std::size_t* labels = nullptr) const;
  // When a provider's intake takes a call for a case with `when` (nothing without): open now, or
  // the time it opens in the case's local time (nothing when only by appointment).
  struct Intake {
    bool open_now = true;
    std::optional<LocalTime> opens;
  };
  std::optional<Intake> intake_at(const Case& c, ProviderIndex p) const;
  // Prices a sequence of steps (recomputes every component from the steps).
  PlannedPathway price(const Problem& problem, const std::vector<std::int32_t>& candidates) const;
  // The k best pathways as candidate sequences (see search.hpp), with a prefix when given.
  std::vector<std::vector<std::int32_t>> search_sequences(const Problem& problem, std::size_t* labels = nullptr,
                                                          std::span<const std::int32_t> prefix = {},
                                                          std::size_t top = 0) const;
  // The `top` best pathways that differ in their in-person steps (each the best of its in-person
  // steps, in the total order), with fallbacks and alternates as asked (planner/options.cpp).
  std::vector<Option> options(const Problem& problem, const PlanExtras& extras, std::size_t* labels = nullptr) const;

 private:
  void classify_locations();
  std::vector<UnmetNeed> explain_unmet(const Case& c, Date as_of, const Problem& p,
                                       NeedSet unmet) const;
  std::vector<Relaxation> relaxations(const Case& c, Date as_of, NeedId need) const;
  std::vector<Alternate> alternates_of(const Problem& p, const std::vector<std::int32_t>& seq, std::size_t at) const;

  const Directory& directory_;
  const rules::Policy& policy_;
  const geo::TravelModel& travel_;
  geo::Clock clock_;
  std::vector<std::uint32_t> id_rank_;  // provider index -> rank of its id in sorted order
  std::vector<ProviderIndex> by_id_;    // providers in id order
  std::vector<char> linked_;  // provider index -> has partners or is someone's partner
  std::vector<int> location_class_;  // community -> its location class
  int location_classes_ = 0;
  // Per province, computed on first use. The tie-break order of providers for a case there
  // (`rank`): the province's own providers first, then the others, each in id order; each
  // provider's formal partners by that rank; and the providers not every case there excludes
  // (a first filter, Policy::excluded_in_province), by rank, with their services for a second
  // one and their languages (read for every candidate: kept here, they are read in order).
  struct Roster {
    std::vector<ProviderIndex> by_rank;        // rank -> provider index
    std::vector<std::uint32_t> rank_of;        // provider index -> rank
    std::vector<std::uint32_t> partners_begin, partner_ranks;
    std::vector<std::uint32_t> rank;
    std::vector<NeedSet> services;
    std::vector<LangId> languages;             // each provider's, one after the other
    std::vector<std::uint32_t> languages_end;  // where each provider's end in `languages`
  };
  void add_hours(const Case& c, Problem& p) const;
  const Roster& roster_in(int province) const;
  friend class Batch;
  mutable std::unique_ptr<std::once_flag[]> roster_once_;
  mutable std::vector<Roster> rosters_;
};

// One prepared problem planned from many starts (the audit: one per profile and location class).
// The search's tables (bounds, groups, partner links) do not depend on where the case starts, so
// they are built once and shared by every plan, instead of once per plan. Each plan equals
// Planner::plan(c, as_of, prepared) (tests/planner). Not for several threads: one per thread.
class Batch {
 public:
  // `prepared` is Planner::prepare(c', as_of) for a case c' of the location class of every case
  // this batch will plan.
  Batch(const Planner& planner, Problem prepared);
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Planner::plan(c, as_of, prepared) (no extras) for a case differing from c' at most in its
  // location, with planner.can_move(c', c.location).
  PlanResult plan(const Case& c, Date as_of);

 private:
  const Planner& planner_;
  Problem problem_;                                    // its start changes from plan to plan
  std::unique_ptr<std::pmr::memory_resource> memory_;  // the tables' (they outlive each search)
  std::unique_ptr<detail::Tables> tables_;
};

}  // namespace nrm::planner
