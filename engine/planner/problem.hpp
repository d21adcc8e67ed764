// The problem a search solves: the candidates usable for one case, what a step is, and what it
// costs. Problem::step is the one definition of a step, shared by the search and the brute-force
// reference in tests; the search's invariants (P1-P14) are listed in planner/search.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "geo/travel.hpp"
#include "model/case.hpp"
#include "model/directory.hpp"
#include "rules/policy.hpp"

namespace nrm::planner {

using rules::Cost;

// Cases with at most this many needs (asked, derived and interpretation) have their sets of needs
// packed onto the case's needs, and the exact cover bound (P3c); see Problem::pack_needs.
inline constexpr int kPackNeeds = 10;
// Slack when travel hours are compared with a cap (hours are whole seconds over 3600).
inline constexpr double kHoursEps = 1e-9;

// The objective's components, in micro-units. total() is their exact sum.
struct CostBreakdown {
  Cost travel = 0;
  Cost handoffs = 0;
  Cost wait = 0;
  Cost preferences = 0;
  Cost penalties = 0;
  Cost partners = 0;  // <= 0: reward for formal partner hand-offs
  Cost total() const { return travel + handoffs + wait + preferences + penalties + partners; }
};

// What a pathway has travelled, the total order's keys after its cost (search.hpp): the seconds
// of travel taken while an urgent need of the case is unmet (Problem::urgent), then all its
// travel, in seconds; compared in that order.
struct Travelled {
  std::int32_t urgent = 0;
  std::int32_t total = 0;
  auto operator<=>(const Travelled&) const = default;
};

struct PlannedStep {
  ProviderIndex provider = 0;
  NeedSet covers = 0;
  bool in_person = false;
  CommunityIndex from = 0;     // where the person is before this step
  double travel_hours = 0;     // 0 for remote steps
  std::int32_t travel_seconds = 0;  // the same in whole seconds
  bool partner = false;        // formal partner of the previous step's provider
  bool owes_interpretation = false;  // nobody at this step speaks the person's languages
};

// One provider as usable for one case (eligible, covering at least one of the case's needs).
struct Candidate {
  ProviderIndex provider = 0;
  CommunityIndex community = 0;
  NeedSet useful_in_person = 0;  // needs it can cover in person (0 if in person is not allowed)
  NeedSet useful_remote = 0;     // needs it can cover remotely (never in-person-only needs)
  Cost base = 0;                 // hand-off + wait + preferences + penalties
  Cost preferences = 0;
  Cost penalties = 0;
  Cost in_person_penalties = 0;  // added only when the step is in person (e.g. another province)
  Cost wait = 0;
  bool speaks = true;            // speaks one of the person's languages
  bool stale = false;
  std::uint32_t rank = 0;        // rank of the provider id in id order: the tie-break
  bool linked = false;           // has formal partners or is someone's
};

// Everything the search needs about one case, computed once.
struct Problem {
  const Directory* directory = nullptr;
  const geo::TravelModel* travel = nullptr;
  rules::Weights weights;
  CommunityIndex start = 0;
  NeedSet target = 0;           // asked + derived
  NeedSet interpretation = 0;   // the interpretation need's bit (0 if the language policy is off)
  NeedSet immediate = 0;        // immediate needs among target (+ interpretation)
  NeedSet in_person_only = 0;
  NeedSet urgent = 0;           // needs of the case with an urgency weight (rules/ranking.yaml)
  std::optional<double> max_travel_hours;
  int top = 3;
  rules::CaseNeeds needs;
  std::vector<Candidate> candidates;  // sorted by rank

  // The step a candidate makes from a state, or nothing if it may not be taken there. This is
  // the one definition of a step, shared by the search and the brute-force reference in tests.
  struct State {
    CommunityIndex location = 0;
    NeedSet covered = 0;
    bool owed = false;   // interpretation is owed (a step did not speak the person's languages)
    std::int32_t last = -1;  // candidate index of the previous step
    double travel_hours = 0;
    Travelled travelled;  // the same in whole seconds, and how much of it came before the urgent needs
    // Phone/video steps that meet no immediate need come last, in provider-id order (their
    // order changes nothing for the person): once one is taken, only such steps follow, each
    // with a higher id rank than the one before.
    bool tail = false;
    std::uint32_t last_rank = 0;
  };
  std::optional<PlannedStep> step(const State& s, std::int32_t candidate, Cost& cost,
                                  CostBreakdown* parts = nullptr) const;
  State after(const State& s, std::int32_t candidate, const PlannedStep& st) const;
  // A leg of `seconds` taken with `covered` met, added to what a pathway has travelled.
  Travelled after_leg(Travelled t, NeedSet covered, std::int32_t seconds) const {
    if (urgent & ~covered) t.urgent += seconds;
    t.total += seconds;
    return t;
  }
  bool complete(const State& s) const {
    return (s.covered & target) == target && (!s.owed || (s.covered & interpretation));
  }
  // Travel times are whole seconds (geo::TravelModel). When a second costs a whole number of
  // cost units (travel_hour and the urgency weights with at most three decimals), travel costs
  // add up exactly along a route; otherwise each leg is rounded.
  //
  // Urgency: travel before an urgent need is met costs its weight more per hour, so a leg's cost
  // depends on the needs met before it (in the label's state, P1). The *_at functions price a
  // leg taken with `covered` met; the others price it at travel_hour alone, which is never more
  // (a lower bound for P3).
  Cost travel_cost(double hours) const { return travel_cost_at(hours, ~NeedSet{0}); }
  Cost travel_cost_seconds(float seconds) const { return travel_cost_seconds_at(seconds, ~NeedSet{0}); }
  Cost travel_cost_at(double hours, NeedSet covered) const {
    // hours is a whole number of seconds over 3600 and never negative: adding a half and
    // truncating rounds it back to that number, without a call into libm.
    if (whole_seconds) return static_cast<Cost>(hours * 3600.0 + 0.5) * per_second_at(covered);
    return rules::to_cost(hours * travel_weight_at(covered));
  }
  // The same for a leg of `seconds` (a whole number: geo::TravelModel::seconds_from), which is
  // travel_cost_at(seconds / 3600, covered) without the round trip through hours.
  Cost travel_cost_seconds_at(float seconds, NeedSet covered) const {
    if (whole_seconds) return static_cast<Cost>(seconds) * per_second_at(covered);
    return travel_cost_at(seconds / 3600.0, covered);
  }
  Cost per_second_at(NeedSet covered) const {
    Cost v = per_second;
    for (const Urgency& u : urgency)
      if (!(covered & u.need)) v += u.per_second;
    return v;
  }
  double travel_weight_at(NeedSet covered) const {
    double w = weights.travel_hour;
    for (const Urgency& u : urgency)
      if (!(covered & u.need)) w += u.weight;
    return w;
  }
  bool exact_travel() const { return whole_seconds || (weights.travel_hour == 0 && urgency.empty()); }
  struct Urgency {
    NeedSet need;      // one of the case's needs
    double weight;     // extra cost units per hour of travel before it is met
    Cost per_second;   // the same per second, when a whole number
  };
  std::vector<Urgency> urgency;  // the case's needs with an urgency weight (rules/ranking.yaml)
  Cost per_second = 0;           // cost of a second of travel at travel_hour, when whole
  bool whole_seconds = false;    // every per-second cost is a whole number
  // Sets of needs are packed (P14) when the case has at most this many; tests lower it to run the
  // unpacked tables and bounds on small cases. Answers are the same either way.
  int pack_needs = kPackNeeds;
};

}  // namespace nrm::planner
