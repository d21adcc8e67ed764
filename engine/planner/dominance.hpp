// Dominance (P2): when a label kept by the search makes a new one useless. This file holds the one
// rule, `dominates`; the fast tests the search runs before it (Threshold) are derived from it here,
// and each says why it implies the rule.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory_resource>
#include <vector>

#include "planner/problem.hpp"

namespace nrm::planner::detail {

// A label kept at a state, with what dominance reads of it, in the state's list (lists are sorted
// by g, P12).
struct Kept {
  Cost g = 0;
  double travel_hours = 0;
  Travelled travelled;
  std::int32_t label = 0;
  std::int32_t last = -1;
  std::uint32_t last_rank = 0;
  CommunityIndex location = 0;
  bool tail = false;
  std::uint64_t sig = 0;  // P15: its in-person providers
};

// How many labels that dominate a new one make it useless (P2): `top`; with distinct options
// (P15), one of its signature or `top` of different signatures. Signatures that differ are
// different sets; equal ones are checked (`same`) only where that decides.
class Dominators {
 public:
  Dominators(std::size_t top, bool distinct, std::uint64_t sig) : top_(top), distinct_(distinct), sig_(sig) {}
  // One more dominating label, of signature `sig`; whether there are now enough.
  template <class Same>
  bool add(std::uint64_t sig, Same same) {
    if (!distinct_) return ++n_ >= top_;
    if (sig == sig_ && same()) return same_ = true;
    for (std::size_t i = 0; i < n_; ++i)
      if (seen_[i] == sig) return false;  // at worst counted once too few
    if (n_ < kMaxSeen) seen_[n_] = sig;
    return ++n_ >= top_;
  }
  bool same() const { return same_; }  // enough because one has the same signature

 private:
  static constexpr std::size_t kMaxSeen = 64;  // top is at most 20 (case files)
  std::size_t top_;
  bool distinct_;
  std::uint64_t sig_;
  std::uint64_t seen_[kMaxSeen];
  std::size_t n_ = 0;
  bool same_ = false;
};

// What the rule reads of the new label B (same needs covered and interpretation owed as A).
struct Challenger {
  Cost g = 0;
  CommunityIndex location = 0;
  double travel_hours = 0;
  Travelled travelled;
  bool tail = false;
  std::uint32_t last_rank = 0;
  std::int32_t last = -1;  // candidate of B's last step (-1: the root)
  Cost reward = 0;         // R_B: the most the step after B's last could earn as a partner
};

// The way from A's place to B's, as the rule needs it.
struct Way {
  bool moved = false;  // A is elsewhere and B is not in the remote tail
  Cost cost = 0;       // travel cost of that way (plus one of rounding unless costs are exact)
  double hours = 0;
  Travelled travelled;  // that way as a leg of A's, taken with the needs both have met
};

// P2. Kept label A dominates B (same needs covered, same interpretation owed) when
//  (i)   A allows every next step B allows: A is out of the remote tail, or B is in it and A is
//        no further along (A.last_rank <= B.last_rank);
//  (ii)  under a travel cap, A's hours plus the way to B's place are no more than B's;
//  (iii) A.g + R_B + T < B.g, or equal and A has travelled less (what A has travelled plus the way
//        to B's place, as a leg taken with the needs both have met, sorts before what B has), or
//        that too is equal and A's provider ranks sort first (`a_first`), where R_B is the reward
//        B's next step could earn that A's could not (0 when they end with the same provider), and
//        T the travel cost from A's place to B's: by the triangle inequality (P10) A's first
//        in-person leg is at most T (and the way's seconds) longer than B's, and every later leg
//        is the same, taken with the same needs met.
// Then for every completion c, A+c comes before B+c in the total order; a label dominated by `top`
// others cannot be in the answer (P1).
template <class AFirst>
bool dominates(const Problem& p, const Kept& A, const Challenger& B, const Way& way, AFirst a_first) {
  if (A.tail && (!B.tail || A.last_rank > B.last_rank)) return false;            // (i)
  if (p.max_travel_hours && A.travel_hours + way.hours > B.travel_hours) return false;  // (ii)
  const Cost r = (A.last == B.last || B.last < 0) ? 0 : B.reward;               // (iii)
  const Cost lhs = A.g + r + way.cost;
  if (lhs != B.g) return lhs < B.g;
  const Travelled a{A.travelled.urgent + way.travelled.urgent, A.travelled.total + way.travelled.total};
  if (a != B.travelled) return a < B.travelled;
  return a_first();
}

// The way from A to B, or nothing when A's place cannot reach B's. `row`: travel seconds from B's
// place (symmetric, P10, so it serves every A). `covered`: the needs both have met, which price
// the way as the next leg would be priced (urgency, Problem::travel_cost_at): every later leg of
// a completion is priced at most so, as it has met at least as much.
inline bool way_from(const Problem& p, const Kept& A, const Challenger& B, const float* row, NeedSet covered,
                     Way& way) {
  way = {};
  if (A.location == B.location || B.tail) return true;
  const float seconds = row[A.location];
  if (!std::isfinite(seconds)) return false;
  way.moved = true;
  way.cost = p.travel_cost_seconds_at(seconds, covered) + (p.exact_travel() ? 0 : 1);
  way.hours = seconds / 3600.0;  // travel->hours(B.location, A.location), read from the row
  way.travelled = p.after_leg({}, covered, static_cast<std::int32_t>(seconds));
  return true;
}

// Conditions of the rule that hold for every child a group makes at one place, whatever its rank
// or cost: A is out of the remote tail (so (i) holds for any B) and within the cap at no travel
// ((ii) with way.hours = 0). Used by Threshold.
inline bool may_dominate_any(const Problem& p, const Kept& A, double hours) {
  return !A.tail && !(p.max_travel_hours && A.travel_hours > hours);
}

// P7a, a shortcut of P2 for the children one group makes at one place (same state, same place, no
// travel between them and the labels kept there): let `top_cost` be the cost of the top-th kept
// label there that may dominate any child (may_dominate_any); with distinct options (P15), the
// label where `top` different signatures have been seen. A child costing more than
// top_cost + bonus, where bonus bounds R_B for every member, is dominated by those `top` labels by
// (iii) strictly, so it is not made; members come by cost (P11), so neither is the rest of the
// group. Kept labels stay kept (P12), so a dominated child stays dominated. We would get the same
// answers if this were never done: such children would be made and dominated in `consider`.
class Threshold {
 public:
  Threshold(const Problem& p, std::size_t top, bool distinct, double hours)
      : p_(p), top_(top), distinct_(distinct), hours_(hours) {}

  // The labels kept at the children's state and place, once there are some.
  bool bound() const { return kept_ != nullptr; }
  void bind(const std::pmr::vector<Kept>* kept) {
    kept_ = kept;
    seen_ = static_cast<std::size_t>(-1);
  }
  // top_cost, recomputed when the list has grown (kInfinite while fewer than `top` qualify).
  Cost top_cost(Cost infinite) {
    if (kept_->size() == seen_) return top_cost_;
    seen_ = kept_->size();
    top_cost_ = infinite;
    Dominators n(top_, distinct_, 0);
    for (const Kept& a : *kept_) {
      if (!may_dominate_any(p_, a, hours_)) continue;
      if (n.add(a.sig, [] { return false; })) {  // signatures counted, none taken for the child's
        top_cost_ = a.g;
        break;
      }
    }
    return top_cost_;
  }
  Cost last() const { return top_cost_; }  // top_cost as last computed

  // Near the threshold, one child B of signature `sig`: the rule itself, against the kept labels
  // that qualify. Returns 0 (not dominated), 1 (dominated) or 2 (only by one of its signature).
  template <class AFirst, class Same>
  int dominated(const Challenger& B, std::uint64_t sig, AFirst a_first, Same same) const {
    Dominators n(top_, distinct_, sig);
    for (const Kept& a : *kept_) {
      if (a.g > B.g) break;  // P12: the rest cost more, and cannot dominate
      if (!may_dominate_any(p_, a, hours_)) continue;
      if (dominates(p_, a, B, Way{}, [&] { return a_first(a); }) && n.add(a.sig, [&] { return same(a); }))
        return n.same() ? 2 : 1;
    }
    return 0;
  }

 private:
  const Problem& p_;
  std::size_t top_;
  bool distinct_;
  double hours_;  // the children's travel hours
  const std::pmr::vector<Kept>* kept_ = nullptr;
  std::size_t seen_ = static_cast<std::size_t>(-1);
  Cost top_cost_ = std::numeric_limits<Cost>::max();
};

}  // namespace nrm::planner::detail
