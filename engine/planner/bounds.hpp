// Lower bounds of what a pathway still costs from a state (P3): the heuristic that orders the
// search and stops it. Every bound here NEVER OVERESTIMATES the cost of any completion; the
// search's exactness rests on that alone, and each is stated where it is computed (bounds.cpp).
// Sets of needs are handled as keys: packed onto the case's needs when it has few (P14).
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <limits>
#include <unordered_map>

#include "planner/detail/scratch.hpp"
#include "planner/problem.hpp"

namespace nrm::planner::detail {

class Bounds {
 public:
  static constexpr Cost kInfinite = std::numeric_limits<Cost>::max() / 4;

  // `reward[i]`: the most a step to candidate i can earn as a formal partner of the step before
  // (0 if no candidate lists it as a partner).
  Bounds(const Problem& p, Vec<Cost> reward, std::pmr::memory_resource* mr);

  // Lower bound of the cost still to pay from a state; kInfinite if some need cannot be met.
  Cost operator()(const Problem::State& s) {
    NeedSet rem = p_.target & ~s.covered;
    if (s.owed && !(s.covered & p_.interpretation)) rem |= p_.interpretation;
    return of(rem, s.location);
  }
  // The same for the needs `rem` still to meet from `location`.
  Cost of(NeedSet rem, CommunityIndex location) { return of_key(key(rem), location); }

  // Sets of needs as the search's inner loop handles them (P14): packed onto the case's needs
  // (bit i for its i-th need) when the case has few enough, so a bound is two array reads; the
  // sets themselves otherwise. Packing keeps every set operation (it only moves bits).
  NeedSet key(NeedSet s) const { return packed() ? compress(s) : s; }
  NeedSet unkey(NeedSet k) const { return packed() ? unpack_[k] : k; }
  bool packed() const { return !unpack_.empty(); }
  std::size_t key_space() const { return unpack_.size(); }  // packed keys are below this

  // of() for a set given as key. Memoised by (needs left, place).
  Cost of_key(NeedSet k, CommunityIndex location) {
    if (!k) return 0;
    assert(!packed() || k < unpack_.size());
    Vec<Cost>& row = packed() ? packed_rows_[k] : rows_[k];
    if (row.empty()) row.assign(p_.travel->size(), kUnknown);
    Cost& v = row[location];
    if (v == kUnknown) v = compute(unkey(k), location);
    return v;
  }
  // A bound of the needs `k` (as key) left, from any place: (b) and (c) without travel.
  Cost anywhere(NeedSet k);
  // No bound of a state with at most the needs `rem` (plus interpretation) left is below this.
  Cost floor(NeedSet rem) const {
    const int n = std::popcount(rem | p_.interpretation);
    return n * min_base_ - 2 * (n + 1);
  }

 private:
  Cost compute(NeedSet rem, CommunityIndex location);
  Cost need(int n, CommunityIndex loc);
  Cost travel_need(int n, CommunityIndex loc);
  Cost shares(NeedSet rem);
  void shares_by_candidate(NeedSet rem, Cost* best) const;
  void build_cover();

  // `s` on the case's needs, as a bit mask of their positions (for cover_): by table, a byte of
  // `s` at a time, once the tables are filled.
  std::uint32_t compress(NeedSet s) const {
    if (bytes_.empty()) {
      std::uint32_t out = 0;
      for (NeedSet r = s & universe_; r; r &= r - 1) out |= 1u << index_[static_cast<std::size_t>(std::countr_zero(r))];
      return out;
    }
    std::uint32_t out = 0;
    for (std::size_t j = 0; j < sizeof(NeedSet); ++j, s >>= 8) out |= bytes_[j * 256 + (s & 0xff)];
    return out;
  }

  static constexpr Cost kUnknown = std::numeric_limits<Cost>::min();
  struct NeedBounds {
    explicit NeedBounds(std::pmr::memory_resource* mr) : base_at(mr), cost(mr), travel(mr) {}
    Cost remote = kInfinite;
    Vec<Cost> base_at;                 // by place: the cheapest in-person step there, or kInfinite
    Cost least_in_person = kInfinite;  // the least of base_at
    Vec<Cost> cost, travel;            // by place, on first use: need() and travel_need()
  };
  const Problem& p_;
  std::pmr::memory_resource* mr_;
  Vec<Cost> reward_;  // by candidate
  Vec<std::uint32_t> bytes_;  // compress() of each byte value at each byte position
  std::pmr::unordered_map<NeedSet, Vec<Cost>> rows_;  // unpacked: bound by needs left, then place
  NeedSet universe_ = 0;
  std::array<int, kMaxNeeds> index_{};
  Vec<Cost> cover_;            // by compressed set of needs: cheapest cover, travel aside
  // Packed: each usefulness (compressed) some candidate has, with the least cost of a step by one
  // of them, travel aside (as cover_ takes it).
  Vec<std::pair<std::uint32_t, Cost>> useful_;
  Vec<NeedSet> unpack_;        // packed key -> set of needs (empty: not packed)
  Vec<Vec<Cost>> packed_rows_;  // bound by packed needs left, then by place
  Cost min_base_ = 0;
  Vec<NeedBounds> needs_;  // by need
  std::pmr::unordered_map<NeedSet, Cost> share_cache_;
};

}  // namespace nrm::planner::detail
