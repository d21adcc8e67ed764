// Lower bounds (P3). Each function says what it bounds and why it never overestimates.
#include "planner/bounds.hpp"

#include <algorithm>

namespace nrm::planner::detail {

Bounds::Bounds(const Problem& p, Vec<Cost> reward, std::pmr::memory_resource* mr)
    : p_(p), mr_(mr), reward_(std::move(reward)), bytes_(mr), rows_(mr), cover_(mr), useful_(mr), unpack_(mr),
      packed_rows_(mr), needs_(mr), share_cache_(mr) {
  needs_.reserve(kMaxNeeds);
  for (int n = 0; n < kMaxNeeds; ++n) needs_.emplace_back(mr);
  const NeedSet relevant = p.target | p.interpretation;
  for (NeedSet r = relevant; r; r &= r - 1)
    needs_[static_cast<std::size_t>(std::countr_zero(r))].base_at.assign(p.travel->size(), kInfinite);
  // A step's cost without travel is at least its base less the reward it could earn and less any
  // in-person bonus: min_base_ and the per-need tables take that least, so they bound it below.
  for (std::size_t i = 0; i < p.candidates.size(); ++i) {
    const Candidate& k = p.candidates[i];
    const Cost base = k.base - reward_[i] + std::min<Cost>(0, k.in_person_penalties);
    min_base_ = std::min(min_base_, base);
    for (NeedSet r = (k.useful_remote | k.useful_in_person) & relevant; r; r &= r - 1) {
      const int n = std::countr_zero(r);
      auto& nb = needs_[static_cast<std::size_t>(n)];
      if (k.useful_remote & need_bit(n)) {
        nb.remote = std::min(nb.remote, base);
      } else {
        const Cost b = base + k.in_person_penalties;
        nb.base_at[k.community] = std::min(nb.base_at[k.community], b);
        nb.least_in_person = std::min(nb.least_in_person, b);
      }
    }
  }
  universe_ = relevant;
  assert(p.pack_needs <= kPackNeeds);  // packed keys must fit the widths of P14
  if (std::popcount(universe_) <= p.pack_needs) build_cover();
}

// Bound (c): the cheapest set of steps, travel aside, whose usefulness covers the needs left:
// exact minimum-cost set cover by dynamic programming over subsets of the case's needs. Every
// pathway's steps are such a set (each covers something new), so none costs less (P3c).
void Bounds::build_cover() {
  const int m = std::popcount(universe_);
  int pos = 0;
  for (NeedSet r = universe_; r; r &= r - 1) index_[static_cast<std::size_t>(std::countr_zero(r))] = pos++;
  Vec<std::uint32_t> bytes(sizeof(NeedSet) * 256, mr_);
  for (std::size_t j = 0; j < sizeof(NeedSet); ++j)
    for (NeedSet b = 0; b < 256; ++b) bytes[j * 256 + b] = compress(b << (8 * j));
  bytes_ = std::move(bytes);
  unpack_.assign(std::size_t{1} << m, 0);
  for (std::size_t k = 0; k < unpack_.size(); ++k) {
    int i = 0;
    for (NeedSet r = universe_; r; r &= r - 1, ++i)
      if (k & (std::size_t{1} << i)) unpack_[k] |= r & ~(r - 1);
  }
  packed_rows_.resize(unpack_.size());
  Vec<Cost> cheapest(std::size_t{1} << m, kInfinite, mr_);  // by usefulness
  for (std::size_t i = 0; i < p_.candidates.size(); ++i) {
    const Candidate& k = p_.candidates[i];
    const std::uint32_t u = compress(k.useful_in_person | k.useful_remote);
    const Cost base = k.base - reward_[i] + std::min<Cost>(0, k.in_person_penalties);
    if (u) cheapest[u] = std::min(cheapest[u], base);
  }
  Vec<std::uint32_t> sets(mr_);
  for (std::uint32_t u = 1; u < cheapest.size(); ++u)
    if (cheapest[u] < kInfinite) sets.push_back(u), useful_.push_back({u, cheapest[u]});
  cover_.assign(cheapest.size(), kInfinite);
  cover_[0] = 0;
  for (std::uint32_t mask = 1; mask < cover_.size(); ++mask)
    for (std::uint32_t u : sets)
      if ((u & mask) && cover_[mask & ~u] < kInfinite)
        cover_[mask] = std::min(cover_[mask], cheapest[u] + cover_[mask & ~u]);
}

// The cheapest single step meeting need `n` from `loc`, travel included. Places are walked
// nearest first, up to where the travel alone, plus the cheapest step there is anywhere, reaches
// the best found. Never overestimates: the direct travel is at most any route's (triangle
// inequality, P10) and each place's least step is at most any step there.
Cost Bounds::need(int n, CommunityIndex loc) {
  auto& nb = needs_[static_cast<std::size_t>(n)];
  if (nb.cost.empty()) nb.cost.assign(p_.travel->size(), kUnknown);
  Cost& v = nb.cost[loc];
  if (v != kUnknown) return v;
  Cost best = nb.remote;
  if (nb.least_in_person < kInfinite) {
    const float* seconds = p_.travel->seconds_from(loc);
    for (const CommunityIndex c : p_.travel->nearest_first(loc)) {
      const Cost t = p_.travel_cost_seconds(seconds[c]);
      if (t + nb.least_in_person >= best) break;
      if (nb.base_at[c] < kInfinite) best = std::min(best, nb.base_at[c] + t);
    }
  }
  return v = best;
}

// Travel alone: the nearest place an in-person-only need can be met, reached directly. Any
// pathway meeting it travels at least that far from `loc` (P10).
Cost Bounds::travel_need(int n, CommunityIndex loc) {
  auto& nb = needs_[static_cast<std::size_t>(n)];
  if (nb.travel.empty()) nb.travel.assign(p_.travel->size(), kUnknown);
  Cost& v = nb.travel[loc];
  if (v != kUnknown) return v;
  v = kInfinite;
  if (nb.least_in_person < kInfinite)
    for (const CommunityIndex c : p_.travel->nearest_first(loc))
      if (nb.base_at[c] < kInfinite) {
        v = p_.travel_cost_seconds(p_.travel->seconds_from(loc)[c]);
        break;
      }
  return v;
}

// Hand-offs and the other per-step terms of every remaining need: each step's cost (without
// travel) shared among the remaining needs it can cover; a negative cost is not shared (a step
// may cover a single need), so each need's cheapest share is a lower bound of its part, and
// their sum never overestimates (P3b). When sets are packed, the candidates of one usefulness are
// taken at once, by their least cost (`useful_`): a share never decreases as the cost grows (a
// negative cost is its own share, below every other), so the least share among them is the least
// cost's, and the bound is the same as candidate by candidate.
Cost Bounds::shares(NeedSet rem) {
  auto it = share_cache_.find(rem);
  if (it != share_cache_.end()) return it->second;
  Cost best[kMaxNeeds];
  std::fill(std::begin(best), std::end(best), kInfinite);
  if (packed()) {
    const std::uint32_t k = compress(rem);
    Cost packed_best[kMaxNeeds];  // by position among the case's needs
    std::fill(std::begin(packed_best), std::end(packed_best), kInfinite);
    for (const auto& [useful, base] : useful_) {
      const std::uint32_t u = useful & k;
      if (!u) continue;
      const Cost share = base < 0 ? base : base / std::popcount(u);
      for (std::uint32_t r = u; r; r &= r - 1) {
        Cost& b = packed_best[std::countr_zero(r)];
        b = std::min(b, share);
      }
    }
    for (NeedSet r = rem; r; r &= r - 1) {
      const int n = std::countr_zero(r);
      best[n] = packed_best[index_[static_cast<std::size_t>(n)]];
    }
  } else {
    shares_by_candidate(rem, best);
  }
  Cost sum = 0;
  for (NeedSet r = rem; r; r &= r - 1) {
    Cost b = best[std::countr_zero(r)];
    if (b >= kInfinite) {
      sum = kInfinite;
      break;
    }
    sum += b;
  }
  share_cache_.emplace(rem, sum);
  return sum;
}

// Each need's least share, candidate by candidate (into `best`, by need).
void Bounds::shares_by_candidate(NeedSet rem, Cost* best) const {
  for (std::size_t i = 0; i < p_.candidates.size(); ++i) {
    const Candidate& k = p_.candidates[i];
    NeedSet u = (k.useful_in_person | k.useful_remote) & rem;
    if (!u) continue;
    Cost base = k.base - reward_[i] + std::min<Cost>(0, k.in_person_penalties);
    Cost share = base < 0 ? base : base / std::popcount(u);
    for (NeedSet r = u; r; r &= r - 1) {
      int n = std::countr_zero(r);
      best[n] = std::min(best[n], share);
    }
  }
}

// (b) and (c) with travel left out: at most compute() from any place, so never above a
// completion's cost from anywhere.
Cost Bounds::anywhere(NeedSet k) {
  if (!k) return 0;
  const NeedSet rem = unkey(k);
  const int count = std::popcount(rem);
  Cost v;
  if (packed()) {
    v = cover_[k];
    if (v >= kInfinite) return kInfinite;
    v += (count - 1) * min_base_;  // as in compute(), (c)
  } else {
    v = shares(rem);
    if (v >= kInfinite) return kInfinite;
  }
  return v - (p_.exact_travel() ? 0 : 2 * (count + 1));
}

// The larger of three bounds, each never above a completion's cost: (a) the dearest single
// remaining need reached directly, plus the most negative cost the other steps could add; (b)
// every remaining need's share of its cheapest step, plus the travel to the farthest
// in-person-only need; (c) the cheapest cover (build_cover), plus that same travel.
Cost Bounds::compute(NeedSet rem, CommunityIndex location) {
  Cost worst = std::numeric_limits<Cost>::min();  // step costs can be negative (rewards)
  Cost farthest = 0;
  int count = 0;
  for (NeedSet r = rem; r; r &= r - 1) {
    int n = std::countr_zero(r);
    Cost c = need(n, location);
    if (c >= kInfinite) return kInfinite;
    worst = std::max(worst, c);
    if (p_.in_person_only & need_bit(n)) farthest = std::max(farthest, travel_need(n, location));
    ++count;
  }
  Cost a = worst + (count - 1) * std::min<Cost>(0, min_base_);
  // (c): a pathway's steps, in order, are a cover of the needs left, each step covering something
  // new; a step whose need another already met is left out of that cover, which can only raise
  // its cost, except by a negative step cost: at most one per need, and at least one step is in
  // the cover.
  Cost c = a;
  bool covered = false;
  if (!cover_.empty()) {
    const Cost cv = cover_[compress(rem)];
    if (cv < kInfinite) c = cv + (count - 1) * min_base_ + farthest, covered = true;
  }
  // (b) is the fractional version of (c): with no negative step cost, (c) is never below it.
  Cost b = a;
  if (!covered || min_base_ < 0) {
    const Cost sh = shares(rem);
    if (sh < kInfinite) b = sh + farthest;
  }
  // Travel costs add up exactly unless travel_hour is an odd weight (Problem::travel_cost); then
  // per-leg rounding can make a route's sum differ from the direct leg by one per leg, and the
  // slack keeps the bound a bound. Shares round down: that only lowers the bound.
  return std::max({a, b, c}) - (p_.exact_travel() ? 0 : 2 * (count + 1));
}

}  // namespace nrm::planner::detail
