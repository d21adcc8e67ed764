// The planner: exact k-best referral pathways by best-first label search.
//
// Definitions (docs/ranking.md has the user-facing version):
//  * A step hands the person to one candidate provider and covers every still-unmet need that
//    provider can meet (Problem::step). A step must cover something new, so no provider repeats.
//  * Immediate needs first: while an immediate need is unmet, every step covers an immediate need.
//  * A step is in person when it covers an in-person-only need or the provider cannot work
//    remotely; in-person steps move the person (travel from the previous in-person place).
//  * Remote steps that meet no immediate need come last, in provider-id order: their order
//    changes nothing for the person, and listing every permutation as another pathway would
//    fill the answer with the same referrals (State::tail).
//  * Step cost = travel + hand-off + wait + preferences + penalties - partner reward; all
//    integers (rules::kCostScale to a unit), so sums are exact and ties are real ties.
//  * Pathways are totally ordered by (cost, provider-id ranks lexicographically); the answer is
//    the first `top` pathways in that order.
//
// The search and why it is exact:
//  1. A label is a partial pathway; its state is (location, covered needs, interpretation owed).
//     Every future of a label depends only on its state, except the partner reward of the very
//     next step, worth at most R (0 if the label's last provider has no partner candidates).
//     Only a step to a provider that another candidate lists as a partner can earn a reward, so
//     the bounds below take a step's cost less its own reward, if any.
//  2. Label A dominates B with the same covered needs and owed interpretation when A allows
//     every next step B allows (remote tail, above), A's travel hours plus the way to B's place
//     are no more than B's (only with a travel cap), and A.cost + R_B + T < B.cost, or equal and
//     A's id ranks come first, where T is the travel cost from A's place to B's (0 at the same
//     place or in the remote tail: by the triangle inequality A's first in-person leg is at most
//     T longer than B's). Then for every completion c, A+c comes before B+c in the total order.
//     A label dominated by `top` others cannot be in the answer, so it is dropped.
//  3. h(state) is a lower bound of any completion's cost: the largest of (a) the dearest single
//     remaining need reached directly (the triangle inequality makes the direct travel a lower
//     bound of any route to it) plus the most negative cost the other steps could add, (b)
//     every remaining need's share of its cheapest step plus the travel to the farthest
//     in-person-only need, and (c) the cheapest cover of the remaining needs by candidates'
//     usefulness, travel aside (exact, by dynamic programming over subsets of the case's
//     needs), plus that same farthest travel. Labels are expanded in order of g + h; the search stops
//     when the smallest g + h left is above the cost of the k-th best complete pathway found.
//  4. Providers interchangeable for the case (same community, same coverage, same cost terms,
//     no partner links) form a class; only the `top` lowest-ranked of a class can appear in an
//     answer (swapping in a lower-ranked one gives an equal-cost pathway that sorts first), so
//     the others are never expanded.
//  5. Children are made lazily, in rounds. Candidates with the same usefulness (and, in person, the
//     same place) form a group; from a label, a group's members make the same kind of step to the
//     same state, so g + travel + the member's own step cost + h(that state) - R is a lower bound
//     of every pathway through that child. In-person groups are visited place by place, nearest
//     first, and the visit stops at the first place where g + travel + the cheapest in-person
//     step + the least h any state can have is beyond the round's limit. A round makes exactly
//     the children whose bound is in (previous limit, this limit]; the label then goes back into
//     the queue keyed by the least bound of the children it has not made. So every child whose
//     bound is at most the k-th pathway's cost is made, as if all were made at once, and none
//     twice.
//  6. A label whose lower bound equals the k-th pathway's cost can at best tie with it, and ties
//     go by provider ranks: if its ranks so far already sort after the k-th pathway's, no
//     completion can enter the answer, and it is neither kept nor expanded. (Travel costs add
//     up exactly, so the bound of a tying pathway's prefix is that cost exactly.)
//  7. Two shortcuts of invariants 2 and 5, both exact. (a) A child is dominated by `top` labels
//     kept at its own place when its cost exceeds the top-th of theirs plus the reward R of
//     invariant 2 (at one place there is no travel between them); members of a group come by
//     cost, so once one is, the rest of the group is too, and they are not made. Kept labels stay
//     kept, so a dominated child stays dominated. (b) Per set of needs covered (and interpretation
//     owed), each place keeps the least member cost plus bound over its in-person groups, and the
//     whole map keeps the least over every kind of in-person step with travel left out (from
//     every candidate, before invariant 4: a lower bound); a round skips a place
//     whose least, plus the travel there, is beyond its limit, and stops at the first place where
//     the map's least is. So a place's groups are only made when the search first looks there.
//     With its least, a place keeps (per set covered) the groups that can make a step from that
//     set, what the step covers and the bound of the state it leads to; phone/video groups are
//     listed the same way per set. Whether a group can step, and where to, depends on nothing
//     else (Problem::step's other conditions are checked child by child), so rounds read these
//     lists instead of asking again for every group.
//  8. Only a step to a formal partner of the label's last provider earns the partner reward, so
//     those few steps are made in the label's first round, whatever their bound, and left out of
//     the groups; the groups' bounds (invariants 5 and 7) then need not allow for the reward.
//  9. Members of a group come by cost (invariant 5) and make steps to one state. Once a member's
//     child is dominated by `top` kept labels, a later member's child is dominated by the same
//     labels, and is not made, when no step after it can earn a reward (R = 0 in invariant 2)
//     and it costs more or sorts after by rank (in the remote tail: sorts after by rank, whatever
//     its cost): the same labels dominate it, at the same place and travel, by at least as much.
// tests/planner/test_exact.cpp compares this search with brute-force enumeration.
#include "planner/planner.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <memory_resource>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>

namespace nrm::planner {
namespace {
constexpr double kHoursEps = 1e-9;

// The search's tables live in scratch memory kept by each thread between searches: a search
// carves them from one buffer and drops them together, with no call into malloc on the way
// (allocation had been a tenth of a referral's time). A search that needs more than the buffer
// takes the rest from the heap, and the thread's next search gets a buffer that large (up to
// kMaxScratch). Under AddressSanitizer every table comes from the heap, so overruns are caught.
// A search started while another runs on the same thread (none is, today) takes the heap too.
template <class T>
using Vec = std::pmr::vector<T>;

class Scratch {
 public:
  Scratch() {
    if (busy()) {
      arena_.emplace(&upstream_);
      return;
    }
    busy() = owner_ = true;
    arena_.emplace(buffer().data(), buffer().size(), &upstream_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    arena_.reset();
    if (!owner_) return;
    busy() = false;
    if (upstream_.bytes)
      buffer().resize(std::min(kMaxScratch, buffer().size() + upstream_.bytes + upstream_.bytes / 4));
  }
  std::pmr::memory_resource* resource() {
#if defined(__SANITIZE_ADDRESS__)
    return std::pmr::new_delete_resource();
#else
    return &*arena_;
#endif
  }

 private:
  static constexpr std::size_t kMaxScratch = std::size_t{256} << 20;
  struct Counting final : std::pmr::memory_resource {
    std::size_t bytes = 0;
    void* do_allocate(std::size_t n, std::size_t align) override {
      bytes += n;
      return std::pmr::new_delete_resource()->allocate(n, align);
    }
    void do_deallocate(void* at, std::size_t n, std::size_t align) override {
      std::pmr::new_delete_resource()->deallocate(at, n, align);
    }
    bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
  };
  static std::vector<std::byte>& buffer() {
    thread_local std::vector<std::byte> b(std::size_t{4} << 20);
    return b;
  }
  static bool& busy() {
    thread_local bool b = false;
    return b;
  }
  bool owner_ = false;
  Counting upstream_;
  std::optional<std::pmr::monotonic_buffer_resource> arena_;
};

}

Planner::Planner(const Directory& d, const rules::Policy& policy, const geo::TravelModel& travel)
    : directory_(d), policy_(policy), travel_(travel) {
  std::vector<ProviderIndex> order(d.providers.size());
  for (ProviderIndex i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](ProviderIndex a, ProviderIndex b) { return d.providers[a].id < d.providers[b].id; });
  id_rank_.resize(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) id_rank_[order[r]] = r;
  by_rank_ = std::move(order);
  const auto provinces = static_cast<std::size_t>(d.taxonomy.provinces.size());
  roster_once_ = std::make_unique<std::once_flag[]>(provinces);
  rosters_.resize(provinces);
  linked_.assign(d.providers.size(), 0);
  partners_begin_.assign(d.providers.size() + 1, 0);
  for (ProviderIndex i = 0; i < d.providers.size(); ++i) {
    for (ProviderIndex q : d.providers[i].partners) {
      linked_[i] = linked_[q] = 1;
      partner_ranks_.push_back(id_rank_[q]);
    }
    partners_begin_[i + 1] = static_cast<std::uint32_t>(partner_ranks_.size());
  }
}

const Planner::Roster& Planner::roster_in(int province) const {
  const auto i = static_cast<std::size_t>(province);
  std::call_once(roster_once_[i], [&] {
    const std::vector<char> excluded = policy_.excluded_in_province(directory_, province);
    Roster& r = rosters_[i];
    for (std::uint32_t rank = 0; rank < by_rank_.size(); ++rank)
      if (!excluded[by_rank_[rank]]) {
        const Provider& prov = directory_.providers[by_rank_[rank]];
        r.rank.push_back(rank);
        r.services.push_back(prov.services);
        r.languages.insert(r.languages.end(), prov.languages.begin(), prov.languages.end());
        r.languages_end.push_back(static_cast<std::uint32_t>(r.languages.size()));
      }
  });
  return rosters_[i];
}

Problem Planner::prepare(const Case& c, Date as_of) const {
  const Directory& d = directory_;
  const Taxonomy& tax = d.taxonomy;
  Problem p;
  p.directory = &d;
  p.travel = &travel_;
  p.weights = policy_.weights();
  {
    const double per_second = p.weights.travel_hour * static_cast<double>(rules::kCostScale) / 3600.0;
    if (per_second > 0 && per_second == std::round(per_second)) p.per_second = static_cast<Cost>(per_second);
  }
  p.start = c.location;
  p.needs = policy_.derive_needs(c, d);
  p.target = p.needs.needs;
  const auto& lang = policy_.language();
  if (lang.enabled && lang.interpretation_need >= 0) p.interpretation = need_bit(lang.interpretation_need);
  p.in_person_only = tax.in_person_needs();
  p.immediate = tax.immediate_needs() & p.target;
  p.max_travel_hours = c.max_travel_hours;
  p.top = c.top;
  const NeedSet relevant = p.target | p.interpretation;
  const Cost handoff = rules::to_cost(p.weights.handoff);
  const rules::CaseRules case_rules = policy_.prepare(c, d, as_of);  // the case folded in once
  std::vector<char> understood(tax.languages.size(), 0);  // languages the person understands
  for (LangId l = 0; l < static_cast<LangId>(understood.size()); ++l)
    for (LangId cl : c.languages)
      if (tax.languages_match(l, cl)) understood[l] = 1;
  // In id order, so that candidates come out sorted by rank; providers every case in the province
  // excludes are not in its roster (the assessment would say so, at a higher price).
  const Roster& roster = roster_in(d.geography[c.location].province);
  p.candidates.reserve(roster.rank.size());  // at most; only the used part is ever copied
  // The rules read a provider's entry from three of its cache lines, which a pass in id order
  // does not bring in by itself: they are asked for a few providers ahead.
  constexpr std::size_t kAhead = 8;
  auto fetch = [&](std::size_t at) {
    const Provider& e = d.providers[by_rank_[roster.rank[at]]];
    __builtin_prefetch(&e.community);
    __builtin_prefetch(&e.genders);
    __builtin_prefetch(&e.verified);
  };
  for (std::size_t at = 0; at < std::min(kAhead, roster.rank.size()); ++at)
    if (roster.services[at] & relevant) fetch(at);
  for (std::size_t at = 0; at < roster.rank.size(); ++at) {
    if (at + kAhead < roster.rank.size() && (roster.services[at + kAhead] & relevant)) fetch(at + kAhead);
    if (!(roster.services[at] & relevant)) continue;
    const std::uint32_t r = roster.rank[at];
    const ProviderIndex i = by_rank_[r];
    const Provider& prov = d.providers[i];
    rules::Assessment a = case_rules.assess_kept(i);  // in the roster: the province filter kept it
    if (!a.eligible) continue;
    const bool speaks = std::any_of(roster.languages.begin() + (at ? roster.languages_end[at - 1] : 0),
                                    roster.languages.begin() + roster.languages_end[at],
                                    [&](LangId l) { return understood[static_cast<std::size_t>(l)] != 0; });
    NeedSet useful = prov.services & ~a.withheld & relevant;
    if (!speaks) useful &= ~p.interpretation;  // interpretation only into the person's language
    const NeedSet in_person = a.in_person ? useful : 0, remote = a.remote ? useful & ~p.in_person_only : 0;
    if (!in_person && !remote) continue;
    Candidate& k = p.candidates.emplace_back();  // filled in place: a copy stalls on every field
    k.provider = i;
    k.community = prov.community;
    k.speaks = speaks;
    k.useful_in_person = in_person;
    k.useful_remote = remote;
    k.wait = rules::to_cost(prov.wait_days * p.weights.wait_day);
    k.preferences = a.preferences;
    k.penalties = a.penalties;
    k.in_person_penalties = a.in_person_penalties;
    k.base = handoff + k.wait + a.preferences + a.penalties;
    k.stale = a.stale;
    k.rank = r;
    k.linked = linked_[i] != 0;
  }
  return p;
}

std::optional<PlannedStep> Problem::step(const State& s, std::int32_t ci, Cost& cost,
                                         CostBreakdown* parts) const {
  const Candidate& k = candidates[static_cast<std::size_t>(ci)];
  const NeedSet rem = (target | (s.owed ? interpretation : 0)) & ~s.covered;
  const NeedSet ip = k.useful_in_person & rem, rm = k.useful_remote & rem;
  PlannedStep st;
  st.provider = k.provider;
  st.from = s.location;
  if (ip & in_person_only) {
    st.in_person = true;
    st.covers = ip;
  } else if (rm) {
    st.in_person = false;
    st.covers = rm;
  } else if (ip) {
    st.in_person = true;
    st.covers = ip;
  } else {
    return std::nullopt;
  }
  const NeedSet immediate_left = immediate & ~s.covered;
  if (immediate_left && !(st.covers & immediate_left)) return std::nullopt;
  if (s.tail && (st.in_person || (st.covers & immediate) || k.rank <= s.last_rank)) return std::nullopt;
  if (st.in_person) {
    st.travel_hours = travel->hours(s.location, k.community);
    if (!std::isfinite(st.travel_hours)) return std::nullopt;
    if (max_travel_hours && s.travel_hours + st.travel_hours > *max_travel_hours + kHoursEps)
      return std::nullopt;
    st.owes_interpretation = !k.speaks && interpretation != 0;
  }
  if (s.last >= 0) {
    const auto& partners =
        directory->providers[candidates[static_cast<std::size_t>(s.last)].provider].partners;
    st.partner = std::binary_search(partners.begin(), partners.end(), k.provider);
  }
  const Cost travel_c = st.in_person ? travel_cost(st.travel_hours) : 0;
  const Cost partner_c = st.partner ? -rules::to_cost(weights.partner_reward) : 0;
  const Cost in_person_c = st.in_person ? k.in_person_penalties : 0;
  cost = travel_c + k.base + in_person_c + partner_c;
  if (parts) {
    parts->travel += travel_c;
    parts->handoffs += k.base - k.wait - k.preferences - k.penalties;
    parts->wait += k.wait;
    parts->preferences += k.preferences;
    parts->penalties += k.penalties + in_person_c;
    parts->partners += partner_c;
  }
  return st;
}

Problem::State Problem::after(const State& s, std::int32_t ci, const PlannedStep& st) const {
  State n = s;
  if (st.in_person) n.location = candidates[static_cast<std::size_t>(ci)].community;
  n.covered |= st.covers;
  n.owed = s.owed || st.owes_interpretation;
  n.last = ci;
  n.travel_hours = s.travel_hours + st.travel_hours;
  n.tail = s.tail || (!st.in_person && !(st.covers & immediate));
  n.last_rank = candidates[static_cast<std::size_t>(ci)].rank;
  return n;
}

PlannedPathway Planner::price(const Problem& p, const std::vector<std::int32_t>& seq) const {
  PlannedPathway out;
  Problem::State s;
  s.location = p.start;
  for (std::int32_t ci : seq) {
    Cost c = 0;
    auto st = p.step(s, ci, c, &out.cost);
    if (!st) break;  // callers only price sequences the search produced
    out.steps.push_back(*st);
    s = p.after(s, ci, *st);
  }
  out.travel_hours = s.travel_hours;
  return out;
}

namespace {

constexpr Cost kNothingMade = std::numeric_limits<Cost>::min();

struct Label {
  Problem::State state;
  Cost g = 0;
  Cost f = 0;
  std::int32_t parent = -1;
  std::int32_t candidate = -1;
  std::uint8_t depth = 0;
  // Expansion progress (invariant 5): children with a lower bound up to this are made.
  Cost made_up_to = kNothingMade;
};

// A label kept at a state, with what dominance reads of it, in the state's list.
struct Kept {
  Cost g = 0;
  double travel_hours = 0;
  std::int32_t label = 0;
  std::int32_t last = -1;
  std::uint32_t last_rank = 0;
  CommunityIndex location = 0;
  bool tail = false;
};

// Dense numbers, from 0 up, for the few distinct 64-bit keys of thousands of candidates (kinds
// of step, groups): open addressing with linear probing, which the search's fixed work per case
// can afford where a node-based map could not.
class DenseIds {
 public:
  explicit DenseIds(std::pmr::memory_resource* mr) : slots_(256, Slot{}, mr) {}
  // The key's number, and whether the key is new.
  std::pair<std::uint32_t, bool> id(std::uint64_t key) {
    for (std::size_t i = hash(key) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.key == key && s.id != kEmpty) return {s.id, false};
      if (s.id != kEmpty) continue;
      if (2 * (count_ + 1) > slots_.size()) {
        grow();
        return id(key);
      }
      s = {key, count_++};
      return {s.id, true};
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = ~0u;
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t id = kEmpty;
  };
  static std::size_t hash(std::uint64_t k) {  // MurmurHash3's finaliser
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDull;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }
  void grow() {
    Vec<Slot> bigger(2 * slots_.size(), Slot{}, slots_.get_allocator());
    for (const Slot& s : slots_) {
      if (s.id == kEmpty) continue;
      std::size_t i = hash(s.key) & (bigger.size() - 1);
      while (bigger[i].id != kEmpty) i = (i + 1) & (bigger.size() - 1);
      bigger[i] = s;
    }
    slots_.swap(bigger);
  }
  Vec<Slot> slots_;  // a power of two, at most half full
  std::uint32_t count_ = 0;
};

struct StateKey {
  NeedSet covered;
  std::uint32_t location;
  bool owed;
  bool operator==(const StateKey&) const = default;
};
struct StateKeyHash {
  std::size_t operator()(const StateKey& k) const {
    std::uint64_t h = k.covered * 0x9E3779B97F4A7C15ull;
    h ^= (static_cast<std::uint64_t>(k.location) << 1 | k.owed) + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

// Lower bounds for the heuristic, computed lazily per (need, location).
class Bounds {
 public:
  // `reward[i]`: the most a step to candidate i can earn as a formal partner of the step before
  // (0 if no candidate lists it as a partner).
  Bounds(const Problem& p, Vec<Cost> reward, std::pmr::memory_resource* mr)
      : bytes_(mr), p_(p), reward_(std::move(reward)), rows_(mr), cover_(mr), unpack_(mr), packed_rows_(mr),
        needs_(mr), share_cache_(mr) {
    needs_.reserve(kMaxNeeds);
    for (int n = 0; n < kMaxNeeds; ++n) needs_.emplace_back(mr);
    min_base_ = 0;
    const NeedSet relevant = p.target | p.interpretation;
    for (NeedSet r = relevant; r; r &= r - 1) needs_[static_cast<std::size_t>(std::countr_zero(r))].base_at.assign(p.travel->size(), kInfinite);
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
    // Bound (c): the cheapest set of steps, travel aside, whose usefulness covers the needs left:
    // exact minimum-cost set cover by dynamic programming over subsets of the case's needs.
    universe_ = p.target | p.interpretation;
    const int m = std::popcount(universe_);
    if (m <= kCoverNeeds) {
      int pos = 0;
      for (NeedSet r = universe_; r; r &= r - 1) index_[static_cast<std::size_t>(std::countr_zero(r))] = pos++;
      Vec<std::uint32_t> bytes(sizeof(NeedSet) * 256, mr);
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
      Vec<Cost> cheapest(std::size_t{1} << m, kInfinite, mr);  // by usefulness
      for (std::size_t i = 0; i < p.candidates.size(); ++i) {
        const Candidate& k = p.candidates[i];
        const std::uint32_t u = compress(k.useful_in_person | k.useful_remote);
        const Cost base = k.base - reward_[i] + std::min<Cost>(0, k.in_person_penalties);
        if (u) cheapest[u] = std::min(cheapest[u], base);
      }
      Vec<std::uint32_t> sets(mr);
      for (std::uint32_t u = 1; u < cheapest.size(); ++u)
        if (cheapest[u] < kInfinite) sets.push_back(u);
      cover_.assign(cheapest.size(), kInfinite);
      cover_[0] = 0;
      for (std::uint32_t mask = 1; mask < cover_.size(); ++mask)
        for (std::uint32_t u : sets)
          if ((u & mask) && cover_[mask & ~u] < kInfinite)
            cover_[mask] = std::min(cover_[mask], cheapest[u] + cover_[mask & ~u]);
    }
  }

  // The cheapest single step meeting need `n` from `loc`, travel included. Places are walked
  // nearest first, up to where the travel alone, plus the cheapest step there is anywhere,
  // reaches the best found.
  Cost need(int n, CommunityIndex loc) {
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

  // Travel alone: the nearest place an in-person-only need can be met, reached directly.
  Cost travel_need(int n, CommunityIndex loc) {
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
  // travel) shared among the remaining needs it can cover; a negative cost is not shared (a
  // step may cover a single need), so each need's cheapest share is a lower bound of its part.
  Cost shares(NeedSet rem) {
    auto it = share_cache_.find(rem);
    if (it != share_cache_.end()) return it->second;
    Cost best[kMaxNeeds];
    std::fill(std::begin(best), std::end(best), kInfinite);
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

  // Lower bound of the cost still to pay from a state; kInfinite if some need cannot be met.
  // The larger of two bounds: (a) the dearest single remaining need reached directly, plus the
  // most negative cost the other steps could add; (b) every remaining need's share of its
  // cheapest step, plus the travel to the farthest in-person-only need.
  Cost operator()(const Problem::State& s) {
    NeedSet rem = p_.target & ~s.covered;
    if (s.owed && !(s.covered & p_.interpretation)) rem |= p_.interpretation;
    return of(rem, s.location);
  }
  // The same for the needs `rem` still to meet from `location`.
  Cost of(NeedSet rem, CommunityIndex location) { return of_key(key(rem), location); }
  // Sets of needs as the search's inner loop handles them: packed onto the case's needs (bit i
  // for its i-th need) when the case has few enough, so a bound is two array reads; the sets
  // themselves otherwise. Packing keeps every set operation (it only moves bits).
  NeedSet key(NeedSet s) const { return packed() ? compress(s) : s; }
  Cost of_key(NeedSet k, CommunityIndex location) {
    if (!k) return 0;
    Vec<Cost>& row = packed() ? packed_rows_[k] : rows_[k];
    if (row.empty()) row.assign(p_.travel->size(), kUnknown);
    Cost& v = row[location];
    if (v == kUnknown) v = compute(packed() ? unpack_[k] : k, location);
    return v;
  }
  bool packed() const { return !unpack_.empty(); }
  std::size_t key_space() const { return unpack_.size(); }  // packed keys are below this
  NeedSet unkey(NeedSet k) const { return packed() ? unpack_[k] : k; }
  // A bound of the needs `k` (as key) left, from any place: (b) and (c) without travel.
  Cost anywhere(NeedSet k) {
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
  // No bound of a state with at most the needs `rem` (plus interpretation) left is below this.
  Cost floor(NeedSet rem) const {
    const int n = std::popcount(rem | p_.interpretation);
    return n * min_base_ - 2 * (n + 1);
  }

 private:
  Cost compute(NeedSet rem, CommunityIndex location) {
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
    // (c): a pathway's steps, in order, are a cover of the needs left, each step covering
    // something new; a step whose need another already met is left out of that cover, which
    // can only raise its cost, except by a negative step cost: at most one per need, and at
    // least one step is in the cover.
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
    // Travel costs add up exactly unless travel_hour is an odd weight (Problem::travel_cost);
    // then per-leg rounding can make a route's sum differ from the direct leg by one per leg,
    // and the slack keeps the bound a bound. Shares round down: that only lowers the bound.
    return std::max({a, b, c}) - (p_.exact_travel() ? 0 : 2 * (count + 1));
  }

  // `s` on the case's needs, as a bit mask of their positions (for cover_).
  // By table, a byte of `s` at a time, once the tables are filled.
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
  Vec<std::uint32_t> bytes_;  // compress() of each byte value at each byte position


 public:
  static constexpr Cost kInfinite = std::numeric_limits<Cost>::max() / 4;

 private:
  static constexpr Cost kUnknown = std::numeric_limits<Cost>::min();
  struct NeedBounds {
    explicit NeedBounds(std::pmr::memory_resource* mr) : base_at(mr), cost(mr), travel(mr) {}
    Cost remote = kInfinite;
    Vec<Cost> base_at;                   // by place: the cheapest in-person step there, or kInfinite
    Cost least_in_person = kInfinite;    // the least of base_at
    Vec<Cost> cost, travel;              // by place, on first use: need() and travel_need()
  };
  const Problem& p_;
  Vec<Cost> reward_;  // by candidate
  std::pmr::unordered_map<NeedSet, Vec<Cost>> rows_;  // bound by needs left, then by place
  static constexpr int kCoverNeeds = 10;  // exact cover bound for cases of up to this many needs
  NeedSet universe_ = 0;
  std::array<int, kMaxNeeds> index_{};
  Vec<Cost> cover_;  // by compressed set of needs: cheapest cover, travel aside
  Vec<NeedSet> unpack_;                  // packed key -> set of needs (empty: not packed)
  Vec<Vec<Cost>> packed_rows_;           // bound by packed needs left, then by place
  Cost min_base_ = 0;
  Vec<NeedBounds> needs_;  // by need
  std::pmr::unordered_map<NeedSet, Cost> share_cache_;
};

}  // namespace

std::vector<PlannedPathway> Planner::search(const Problem& p, std::size_t* labels_out) const {
  const std::size_t top = static_cast<std::size_t>(std::max(1, p.top));
  const auto& cands = p.candidates;
  Scratch scratch;  // declared first: every table below is dropped before it
  std::pmr::memory_resource* const mr = scratch.resource();

  // The candidate of a provider rank, or -1: candidates are sorted by rank, and their ranks are
  // searched in a flat copy (four bytes a candidate instead of a whole record).
  Vec<std::uint32_t> ranks_in_order(cands.size(), mr);
  for (std::size_t i = 0; i < cands.size(); ++i) ranks_in_order[i] = cands[i].rank;
  auto candidate_of = [&](std::uint32_t r) -> std::int32_t {
    auto it = std::lower_bound(ranks_in_order.begin(), ranks_in_order.end(), r);
    return it != ranks_in_order.end() && *it == r ? static_cast<std::int32_t>(it - ranks_in_order.begin()) : -1;
  };
  // The bonus the next step could earn after each candidate (R in invariant 2), and the most a
  // step to each candidate could earn: only a partner of another candidate earns.
  const Cost partner_bonus = rules::to_cost(p.weights.partner_reward);
  Vec<Cost> bonus_after(cands.size(), 0, mr), reward_into(cands.size(), 0, mr);
  for (std::size_t i = 0; i < cands.size(); ++i)
    if (cands[i].linked)
      for (std::uint32_t e = partners_begin_[cands[i].provider]; e < partners_begin_[cands[i].provider + 1]; ++e)
        if (const std::int32_t k = candidate_of(partner_ranks_[e]); k >= 0) {
          bonus_after[i] = partner_bonus;
          reward_into[static_cast<std::size_t>(k)] = partner_bonus;
        }

  // Children are generated lazily, cheapest first (invariant 5). Candidates with the same
  // usefulness (and, in person, the same place) form a group: from a given label they make the
  // same kind of step to the same state, so one bound of the state serves the whole group.
  Bounds h(p, std::move(reward_into), mr);
  struct Group {
    NeedSet in_person, remote;  // usefulness, as Bounds::key
    bool speaks;
    std::uint32_t begin, end;  // members[begin, end): by step cost without travel, then rank
    Cost bonus = 0;            // the largest partner reward a step after a member could earn
  };
  Vec<std::int32_t> members(mr);
  Vec<Cost> member_cost(mr);
  Vec<Group> remote_groups(mr), place_groups(mr);
  const std::size_t places = directory_.geography.size();
  Cost min_in_person = Bounds::kInfinite;  // cheapest in-person step without travel
  // What a class (invariant 4) is made of, laid out flat so that sorting reads memory in order.
  struct Key {
    NeedSet in_person, remote;  // usefulness, as Bounds::key
    Cost cost, base, preferences, penalties;  // cost: the step in person, without travel
    CommunityIndex community;
    std::int32_t ci;
    bool speaks, stale, linked;
    auto tie() const { return std::tie(in_person, remote, speaks, cost, base, preferences, penalties, stale); }
  };
  // Members of one class differ only in rank; sorted so that each class is a run in rank order,
  // only the `top` lowest ranks of a run are kept (providers with partner links always).
  auto keep = [&](auto first, auto last, auto add) {
    std::size_t run = 0;
    for (auto it = first; it != last; ++it) {
      const bool same_class = it != first && !it->linked && !(it - 1)->linked && (it - 1)->tie() == it->tie() &&
                              (it - 1)->community == it->community;
      run = same_class ? run + 1 : 1;
      if (run <= top || it->linked) add(*it);
    }
  };
  // Appends a kept member to `groups`, opening a group when its kind differs from the last one's
  // (groups before `from` belong to another run and are never extended).
  auto add_member = [&](Vec<Group>& groups, std::size_t from, const Key& k, Cost cost) {
    const Group* open = groups.size() > from ? &groups.back() : nullptr;
    if (!open || open->in_person != k.in_person || open->remote != k.remote || open->speaks != k.speaks)
      groups.push_back({k.in_person, k.remote, k.speaks, static_cast<std::uint32_t>(members.size()), 0, 0});
    members.push_back(k.ci);
    member_cost.push_back(cost);
    groups.back().end = static_cast<std::uint32_t>(members.size());
    groups.back().bonus = std::max(groups.back().bonus, bonus_after[static_cast<std::size_t>(k.ci)]);
  };
  // In-person candidates by place (a counting sort: rank order within a place); a place's groups
  // are made the first time the search looks there (most places it never looks at).
  Vec<std::uint32_t> at(places + 1, 0, mr);
  Vec<Key> at_place_keys(mr);
  // Per kind of in-person step (usefulness and language), its least cost anywhere: what the
  // search knows of places it has not looked at yet (invariant 7).
  struct Kind {
    NeedSet in_person, remote;
    bool speaks;
    Cost cost;
  };
  Vec<Kind> kinds(mr);
  Vec<Key> keys(cands.size(), mr);
  Vec<std::uint32_t> remote_at(mr);  // candidates that can work by phone or video, in rank order
  // Phone/video members as compact records for their sort (below).
  struct Order {
    std::uint64_t prefix;  // usefulness, language and cost (base)
    Cost cost, preferences, penalties;
    std::uint32_t stale, place;
    std::uint32_t at;  // into remote_at, which is in rank order
    auto tie() const { return std::tie(prefix, cost, preferences, penalties, stale, place, at); }
  };
  // When phone/video groups are sorted lazily: each group's records, remote_order[remote_order_at[g],
  // remote_order_at[g + 1]), sorted and cut to its kept members the first time the search visits it.
  bool lazy_remote = false;
  Vec<Order> remote_order(mr);
  Vec<std::uint32_t> remote_order_at(mr);
  Vec<char> remote_ready(mr);
  {
    DenseIds kind_of(mr);  // (in_person, remote, speaks) packed: index into kinds
    // When sets are packed, usefulness, language and cost fit in one number that orders phone and
    // video members by group, then cost: one comparison settles most pairs.
    auto prefix = [&](const Key& k) -> std::uint64_t {
      if (!h.packed()) return 0;
      const auto biased = static_cast<std::uint64_t>(std::clamp<Cost>(k.base, -(Cost{1} << 38), (Cost{1} << 38) - 1) + (Cost{1} << 38));
      return (((k.in_person << 11) | (k.remote << 1) | (k.speaks ? 1 : 0)) << 39) | biased;
    };
    Vec<std::uint64_t> remote_prefix(mr);
    for (std::size_t i = 0; i < cands.size(); ++i) {
      const Candidate& k = cands[i];
      Key& key = keys[i];
      key = {h.key(k.useful_in_person), h.key(k.useful_remote), k.base + k.in_person_penalties, k.base,
             k.preferences, k.penalties, k.community, static_cast<std::int32_t>(i), k.speaks, k.stale, k.linked};
      if (key.remote) {
        remote_prefix.push_back(prefix(key));
        remote_at.push_back(static_cast<std::uint32_t>(i));
      }
      if (!key.in_person) continue;
      ++at[k.community + 1];
      min_in_person = std::min(min_in_person, key.cost);
      if (h.packed()) {  // packed sets are small: one number names the kind
        const NeedSet id = (key.in_person << 32) | (key.remote << 1) | (key.speaks ? 1 : 0);
        const auto [kind, fresh] = kind_of.id(id);
        if (fresh) kinds.push_back({key.in_person, key.remote, key.speaks, key.cost});
        else kinds[kind].cost = std::min(kinds[kind].cost, key.cost);
      } else {
        kinds.push_back({key.in_person, key.remote, key.speaks, key.cost});
      }
    }
    for (std::size_t c = 1; c <= places; ++c) at[c] += at[c - 1];
    at_place_keys.resize(at[places]);
    Vec<std::uint32_t> fill(at.begin(), at.end() - 1, mr);
    for (const Key& key : keys)
      if (key.in_person) at_place_keys[fill[key.community]++] = key;
    // Phone and video: groups by usefulness alone, members by cost, the rest of their class,
    // place, then rank (classes are per place, as in person). When the prefix holds every
    // member's cost (it is clamped), each group is sorted on its first visit, from compact
    // copies of the fields; otherwise every member is sorted now.
    const bool prefix_holds_cost = h.packed() && std::all_of(remote_at.begin(), remote_at.end(), [&](std::uint32_t i) {
      return keys[i].base > -(Cost{1} << 38) && keys[i].base < (Cost{1} << 38) - 1;
    });
    members.reserve(remote_at.size() + at_place_keys.size());
    member_cost.reserve(remote_at.size() + at_place_keys.size());
    if (prefix_holds_cost) {
      // By group first (the prefix's bits above the cost: usefulness and language), a counting
      // sort in the groups' order, then each group on its own: the same order as one sort.
      DenseIds group_of(mr);
      Vec<std::uint32_t> gid(remote_at.size(), mr);
      Vec<std::uint64_t> group_key(mr);
      for (std::size_t i = 0; i < remote_at.size(); ++i) {
        const auto [g, fresh] = group_of.id(remote_prefix[i] >> 39);
        if (fresh) group_key.push_back(remote_prefix[i] >> 39);
        gid[i] = g;
      }
      Vec<std::uint32_t> by_key(group_key.size(), mr), start(group_key.size() + 1, 0, mr);
      for (std::uint32_t g = 0; g < by_key.size(); ++g) by_key[g] = g;
      std::sort(by_key.begin(), by_key.end(), [&](std::uint32_t a, std::uint32_t b) { return group_key[a] < group_key[b]; });
      Vec<std::uint32_t> position(group_key.size(), mr);  // group -> its place in key order
      for (std::uint32_t q = 0; q < by_key.size(); ++q) position[by_key[q]] = q;
      for (std::uint32_t g : gid) ++start[position[g] + 1];
      for (std::size_t q = 1; q < start.size(); ++q) start[q] += start[q - 1];
      Vec<Order> order(remote_at.size(), mr);
      {
        Vec<std::uint32_t> next(start.begin(), start.end() - 1, mr);
        for (std::uint32_t i = 0; i < order.size(); ++i) {
          const Key& k = keys[remote_at[i]];
          order[next[position[gid[i]]]++] = {remote_prefix[i], k.cost, k.preferences, k.penalties, k.stale ? 1u : 0u,
                                             k.community, i};
        }
      }
      // One group per kind, in key order, its members made on first visit (ready(), below): the
      // same groups and members as sorting everything now, but most groups are never visited.
      lazy_remote = true;
      members.resize(remote_at.size());
      member_cost.resize(remote_at.size());
      for (std::size_t q = 0; q + 1 < start.size(); ++q) {
        const Key& k = keys[remote_at[order[start[q]].at]];
        remote_groups.push_back({k.in_person, k.remote, k.speaks, start[q], start[q], 0});
      }
      remote_ready.assign(remote_groups.size(), 0);
      remote_order = std::move(order);
      remote_order_at = std::move(start);
    } else {
      Vec<std::uint32_t> by_group(remote_at.size(), mr);
      for (std::uint32_t i = 0; i < by_group.size(); ++i) by_group[i] = i;
      std::sort(by_group.begin(), by_group.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (remote_prefix[a] != remote_prefix[b]) return remote_prefix[a] < remote_prefix[b];
        const Key &x = keys[remote_at[a]], &y = keys[remote_at[b]];
        const auto cmp = std::tie(x.in_person, x.remote, x.speaks, x.base, x.cost, x.preferences, x.penalties,
                                  x.stale, x.community, x.ci) <=>
                         std::tie(y.in_person, y.remote, y.speaks, y.base, y.cost, y.preferences, y.penalties,
                                  y.stale, y.community, y.ci);
        return cmp < 0;
      });
      Vec<Key> remote_keys(by_group.size(), mr);
      for (std::size_t i = 0; i < by_group.size(); ++i) remote_keys[i] = keys[remote_at[by_group[i]]];
      keep(remote_keys.begin(), remote_keys.end(), [&](const Key& k) { add_member(remote_groups, 0, k, k.base); });
    }
  }
  // A lazily sorted phone/video group's members, made on its first visit: its records sorted,
  // then only the `top` lowest ranks of each class kept (as keep() does).
  auto ready = [&](std::uint32_t g) {
    if (!lazy_remote || remote_ready[g]) return;
    remote_ready[g] = 1;
    const auto first = remote_order.begin() + remote_order_at[g], last = remote_order.begin() + remote_order_at[g + 1];
    std::sort(first, last, [](const Order& a, const Order& b) { return a.tie() < b.tie(); });
    Group& gr = remote_groups[g];
    std::size_t run = 0;
    const Key* prev = nullptr;
    for (auto it = first; it != last; ++it) {
      const Key& k = keys[remote_at[it->at]];
      const bool same_class = prev && !k.linked && !prev->linked && prev->tie() == k.tie() && prev->community == k.community;
      run = same_class ? run + 1 : 1;
      prev = &k;
      if (run > top && !k.linked) continue;
      members[gr.end] = k.ci;
      member_cost[gr.end] = k.base;
      ++gr.end;
      gr.bonus = std::max(gr.bonus, bonus_after[static_cast<std::size_t>(k.ci)]);
    }
  };
  // A place's groups, made on first use: place_groups[groups_at[c], groups_at[c] + groups_in[c]).
  Vec<std::uint32_t> groups_at(places, 0, mr), groups_in(places, 0, mr);
  Vec<char> made_at(places, 0, mr);
  auto groups_of = [&](CommunityIndex c) {
    if (made_at[c]) return;
    made_at[c] = 1;
    groups_at[c] = static_cast<std::uint32_t>(place_groups.size());
    auto first = at_place_keys.begin() + at[c], last = at_place_keys.begin() + at[c + 1];
    std::sort(first, last, [](const Key& x, const Key& y) {
      const auto order = x.tie() <=> y.tie();
      return order != 0 ? order < 0 : x.ci < y.ci;
    });
    keep(first, last, [&](const Key& k) { add_member(place_groups, groups_at[c], k, k.cost); });
    groups_in[c] = static_cast<std::uint32_t>(place_groups.size()) - groups_at[c];
  };

  Vec<Label> labels(mr);
  labels.reserve(1024);
  std::pmr::unordered_map<StateKey, Vec<Kept>, StateKeyHash> at_state(mr), at_place(mr);
  // Per set of needs covered (as Bounds::key) and interpretation owed, then per place: the least
  // member cost plus bound over the in-person groups there (invariant 7).
  // With it, the place's groups whose members can make a step from that state, in group order,
  // each with the needs its step covers and the bound of the state it leads to: passing[begin, end).
  constexpr Cost kUnknownLeast = std::numeric_limits<Cost>::min();
  struct PlaceLeast {
    Cost least = kUnknownLeast;
    std::uint32_t begin = 0, end = 0;
  };
  struct Passing {
    std::uint32_t group;
    NeedSet covers;
    Cost hv;     // bound of the state the step leads to
    Cost least;  // hv plus the group's cheapest member
  };
  Vec<Passing> passing(mr);
  std::pmr::unordered_map<NeedSet, Vec<PlaceLeast>> place_least(mr);
  // The same for phone/video groups, per set of needs covered and interpretation owed: the groups
  // that can make a step from it, each with what the step covers and the needs it leaves (the
  // bound depends on where the person is). remote_passing[begin, end).
  struct RemotePassing {
    std::uint32_t group;
    NeedSet covers, left;
  };
  struct Range {
    std::uint32_t begin = 0, end = 0;
    bool made = false;
  };
  Vec<RemotePassing> remote_passing(mr);
  std::pmr::unordered_map<NeedSet, Range> remote_range(mr);
  // When sets of needs are packed, both tables by set covered are flat: no hashing.
  const std::size_t flat = h.packed() ? 2 * h.key_space() : 0;
  Vec<Vec<Kept>> at_state_flat(flat, mr);
  Vec<Vec<PlaceLeast>> place_least_flat(flat, mr);
  Vec<Range> remote_range_flat(flat, mr);
  auto kept_at_state = [&](NeedSet covered, bool owed) -> Vec<Kept>& {
    if (flat) return at_state_flat[h.key(covered) << 1 | (owed ? 1 : 0)];
    return at_state[StateKey{covered, 0, owed}];
  };
  using Entry = std::pair<Cost, std::int32_t>;  // (key, label): label index breaks ties (FIFO)
  std::priority_queue<Entry, Vec<Entry>, std::greater<>> open{std::greater<>{}, Vec<Entry>(mr)};

  // Each label's provider ranks, step by step, `stride` to a label (a pathway has at most one
  // step per need): the tie rule reads them often, and walking parents for them was dear.
  const auto stride = static_cast<std::size_t>(std::max(1, std::popcount(p.target | p.interpretation)));
  Vec<std::uint32_t> path(stride, 0, mr);
  auto ranks = [&](std::int32_t l) { return path.data() + static_cast<std::size_t>(l) * stride; };
  auto depth = [&](std::int32_t l) -> int { return labels[static_cast<std::size_t>(l)].depth; };
  auto ranks_of = [&](std::int32_t l, std::uint32_t* out) {
    std::copy(ranks(l), ranks(l) + depth(l), out);
    return depth(l);
  };
  auto lex_less = [&](std::int32_t a, std::int32_t b) {
    return std::lexicographical_compare(ranks(a), ranks(a) + depth(a), ranks(b), ranks(b) + depth(b));
  };
  // Whether kept label A dominates the new label `b` (invariant 2). A is read from its compact
  // copy in the state's list, so a scan stays within one array.
  // `row`: shortest travel times in seconds from B's place (symmetric, so it serves the scan).
  auto dominates = [&](const Kept& A, std::int32_t b, const float* row) {
    const Label& B = labels[static_cast<std::size_t>(b)];
    // A must allow every step B allows: out of the remote tail, or in it no further along.
    if (A.tail && (!B.state.tail || A.last_rank > B.state.last_rank)) return false;
    // From another place, A's first in-person leg is at most the way to B's place longer
    // (triangle inequality; plus one for rounding unless travel costs are exact); in the remote
    // tail there is none.
    Cost extra = 0;
    const bool moved = A.location != B.state.location && !B.state.tail;
    if (moved) {
      const float seconds = row[A.location];
      if (!std::isfinite(seconds)) return false;
      extra = p.travel_cost_seconds(seconds) + (p.exact_travel() ? 0 : 1);
    }
    if (p.max_travel_hours &&
        A.travel_hours + (moved ? travel_.hours(B.state.location, A.location) : 0.0) > B.state.travel_hours)
      return false;
    Cost r = (A.last == B.state.last || B.state.last < 0) ? 0 : bonus_after[static_cast<std::size_t>(B.state.last)];
    Cost lhs = A.g + r + extra;
    if (lhs != B.g) return lhs < B.g;
    return lex_less(A.label, b);
  };

  // The least travel cost from `c` to any other place (Bounds::kInfinite if none is reachable).
  Vec<Cost> nearest_other_at(places, kNothingMade, mr);
  auto nearest_other = [&](CommunityIndex c) {
    Cost& v = nearest_other_at[c];
    if (v != kNothingMade) return v;
    v = Bounds::kInfinite;
    for (const CommunityIndex o : travel_.nearest_first(c))
      if (o != c) {
        v = p.travel_cost_seconds(travel_.seconds_from(c)[o]);
        break;
      }
    return v;
  };

  // Complete pathways found, kept sorted in the total order and cut to `top`.
  Vec<std::int32_t> results(mr);
  auto result_less = [&](std::int32_t a, std::int32_t b) {
    const Label& A = labels[static_cast<std::size_t>(a)];
    const Label& B = labels[static_cast<std::size_t>(b)];
    if (A.g != B.g) return A.g < B.g;
    return lex_less(a, b);
  };
  auto bound = [&]() {
    return results.size() < top ? Bounds::kInfinite : labels[static_cast<std::size_t>(results.back())].g;
  };
  // Invariant 6: whether no pathway through label `l`, whose lower bound is `f`, can enter the
  // answer: it costs more than the k-th found, or as much and its provider ranks so far already
  // sort after that pathway's.
  auto beyond = [&](Cost f, std::int32_t l) {
    const Cost b = bound();
    if (f != b) return f > b;
    const std::uint32_t *rl = ranks(l), *rk = ranks(results.back());
    const int nl = depth(l), nk = depth(results.back());
    for (int i = 0; i < std::min(nl, nk); ++i)
      if (rl[i] != rk[i]) return rl[i] > rk[i];
    return nl > nk;
  };

  // A new label for the step from label `li` to candidate `ci`, unless it cannot be in the answer.
  enum class Made { kNone, kKept, kDominated };
  auto consider = [&](std::int32_t li, std::int32_t ci) -> Made {
    const Label& cur = labels[static_cast<std::size_t>(li)];
    Cost sc = 0;
    auto st = p.step(cur.state, ci, sc);
    if (!st) return Made::kNone;
    const Problem::State next = p.after(cur.state, ci, *st);
    const bool done = p.complete(next);
    const Cost hv = done ? 0 : h(next);
    if (hv >= Bounds::kInfinite) return Made::kNone;
    const Cost cost = cur.g + sc;
    if (cost + hv > bound()) return Made::kNone;
    // Made in place: a label built aside and copied in costs stalls on every field.
    const auto idx = static_cast<std::int32_t>(labels.size());
    Label& nl = labels.emplace_back();
    nl.state = next;
    nl.g = cost;
    nl.f = cost + hv;
    nl.parent = li;
    nl.candidate = ci;
    nl.depth = static_cast<std::uint8_t>(labels[static_cast<std::size_t>(li)].depth + 1);
    if (path.size() < labels.size() * stride) path.resize(labels.size() * stride);
    std::copy(ranks(li), ranks(li) + nl.depth - 1, ranks(idx));
    ranks(idx)[nl.depth - 1] = cands[static_cast<std::size_t>(ci)].rank;
    if (!done && beyond(nl.f, idx)) {
      labels.pop_back();
      return Made::kNone;
    }
    if (done) {
      if (results.size() < top || result_less(idx, results.back())) {
        results.insert(std::upper_bound(results.begin(), results.end(), idx, result_less), idx);
        if (results.size() > top) results.pop_back();
      }
      return Made::kNone;
    }
    // Labels are compared across places (invariant 2): the key has no location. Labels at the
    // same place, the likeliest to dominate, are tried first. Both lists are sorted by cost: a
    // label dearer than the new one cannot dominate it.
    auto& same = at_place[StateKey{nl.state.covered, nl.state.location, nl.state.owed}];
    auto& here = kept_at_state(nl.state.covered, nl.state.owed);
    std::size_t dominators = 0;
    const float* row = travel_.seconds_from(nl.state.location);
    for (const Kept& other : same) {
      if (other.g > nl.g) break;
      if (dominates(other, idx, row) && ++dominators >= top) break;
    }
    // A label elsewhere is at least the way from the nearest other place dearer, so the scan of
    // the list (by cost) stops where even that is too much.
    const Cost reach = nl.state.tail || dominators >= top ? 0 : nearest_other(nl.state.location);
    if (dominators < top)
      for (const Kept& other : here) {
        if (other.g + reach > nl.g) break;
        if (other.location == nl.state.location) continue;  // tried above
        if (dominates(other, idx, row) && ++dominators >= top) break;
      }
    if (dominators >= top) {
      labels.pop_back();
      return Made::kDominated;
    }
    const Kept kept{nl.g, nl.state.travel_hours, idx, nl.state.last, nl.state.last_rank, nl.state.location, nl.state.tail};
    auto by_cost = [](Cost g, const Kept& k) { return g < k.g; };
    same.insert(std::upper_bound(same.begin(), same.end(), nl.g, by_cost), kept);
    here.insert(std::upper_bound(here.begin(), here.end(), nl.g, by_cost), kept);
    open.emplace(nl.f, idx);
    return Made::kKept;
  };

  Label root;
  root.state.location = p.start;
  labels.push_back(root);
  Cost h0 = h(root.state);
  if (h0 < Bounds::kInfinite) {
    labels[0].f = h0;
    open.emplace(h0, 0);
  }

  // A label is expanded in several rounds (invariant 5): each round makes the children whose
  // lower bound lies in (the previous round's limit, this round's limit], where the limit is the
  // round's key plus `batch` (or the cost of the k-th pathway found, if lower); then the label
  // goes back into the queue keyed by the least lower bound of the children still to make.
  // A search setting, not policy: a quarter of a cost unit measured best with bench_refer at
  // 50,000 providers (0.1 to 0.25 alike; 0 and 1 and more were slower), on 2026-11-28.
  const Cost batch = rules::to_cost(0.25);
  const NeedSet target_k = h.key(p.target), interpretation_k = h.key(p.interpretation),
                in_person_only_k = h.key(p.in_person_only);
  while (!open.empty()) {
    auto [f, li] = open.top();
    open.pop();
    if (f > bound()) break;
    if (beyond(f, li)) continue;  // a tie that sorts after the k-th pathway (invariant 6)
    const Label cur = labels[static_cast<std::size_t>(li)];
    const NeedSet rem = (p.target | (cur.state.owed ? p.interpretation : 0)) & ~cur.state.covered;
    const NeedSet immediate_left = p.immediate & ~cur.state.covered;
    const NeedSet wanted = immediate_left ? immediate_left : rem;
    const Cost bonus = cur.state.last >= 0 ? bonus_after[static_cast<std::size_t>(cur.state.last)] : 0;
    const Cost done = cur.made_up_to, limit = std::min(f + batch, bound());
    Cost next = Bounds::kInfinite;
    // Steps to a formal partner of the last provider, the only ones that can earn the partner
    // reward, are all made in the first round; the groups' bounds below leave them out, and
    // so need not allow for the reward.
    const auto* partners_of_last =
        bonus ? &directory_.providers[cands[static_cast<std::size_t>(cur.state.last)].provider].partners : nullptr;
    auto is_partner = [&](std::int32_t ci) {
      return partners_of_last && std::binary_search(partners_of_last->begin(), partners_of_last->end(),
                                                    cands[static_cast<std::size_t>(ci)].provider);
    };
    // Whether a child of this label through candidate `ci` sorts after the k-th pathway found,
    // by provider ranks (invariant 6). The k-th pathway's ranks are read again when it changes.
    std::uint32_t own[kMaxNeeds + 2], kth[kMaxNeeds + 2];
    const int n_own = ranks_of(li, own);
    std::int32_t kth_label = -1;
    int n_kth = 0;
    // Whether label `l`'s ranks sort before those of this label's child whose last rank is `last`
    // (the child's are this label's, then `last`).
    auto before_child = [&](std::int32_t l, std::uint32_t last) {
      const std::uint32_t* a = ranks(l);
      const int na = depth(l);
      for (int i = 0; i < std::min(na, n_own); ++i)
        if (a[i] != own[i]) return a[i] < own[i];
      return na <= n_own || a[n_own] < last;
    };
    auto child_after_kth = [&](std::int32_t ci) {
      if (results.size() < top) return false;
      if (results.back() != kth_label) n_kth = ranks_of(kth_label = results.back(), kth);
      for (int i = 0; i < std::min(n_own, n_kth); ++i)
        if (own[i] != kth[i]) return own[i] > kth[i];
      if (n_own >= n_kth) return true;  // the k-th pathway is a prefix of every child
      return cands[static_cast<std::size_t>(ci)].rank > kth[n_own];
    };
    // The members of a group whose lower bound falls in (done, limit]: every one of them makes
    // the same kind of step, covering the same needs, to the same state.
    const NeedSet rem_k = h.key(rem), wanted_k = h.key(wanted), covered_k = h.key(cur.state.covered);
    // Whether a group's members make a step of this kind (in person or not) from this label, as
    // Problem::step decides; if so, the needs it covers and the needs left after it, as keys.
    auto step_of = [&](const Group& gr, bool in_person, NeedSet& covers, NeedSet& left) {
      const NeedSet ip = gr.in_person & rem_k, rm = gr.remote & rem_k;
      if (in_person != static_cast<bool>((ip & in_person_only_k) || (!rm && ip))) return false;
      covers = in_person ? ip : rm;
      if (!(covers & wanted_k)) return false;
      const bool owes = cur.state.owed || (in_person && !gr.speaks);
      left = (target_k | (owes ? interpretation_k : 0)) & ~(covered_k | covers);
      return true;
    };
    // The children of a group whose step (covering `covers`) leads to a state bounded by `hv`.
    auto make = [&](const Group& gr, bool in_person, Cost travel_c, double travel_h, CommunityIndex place,
                    NeedSet covers, Cost hv) {
      const Cost base = cur.g + travel_c + hv;
      // Children kept at the same place dominate (invariant 2, with no travel between them) a
      // child whose cost is beyond the top-th of theirs plus the partner reward its step could
      // earn next; members come by cost, so the rest of the group is dominated too (invariant 7).
      const CommunityIndex to = in_person ? place : cur.state.location;
      const double hours = cur.state.travel_hours + travel_h;
      Vec<Kept>* kept = nullptr;
      std::size_t kept_seen = 0;
      Cost kept_top = Bounds::kInfinite;
      auto auto_dominated = [&](Cost g) {
        if (!kept) {  // looked up again until some label is kept there
          const bool owed = cur.state.owed || (in_person && !gr.speaks && p.interpretation);
          auto it = at_place.find(StateKey{cur.state.covered | h.unkey(covers), to, owed});
          if (it == at_place.end()) return false;
          kept = &it->second;
          kept_seen = static_cast<std::size_t>(-1);
        }
        if (kept->size() != kept_seen) {
          kept_seen = kept->size();
          kept_top = Bounds::kInfinite;
          std::size_t n = 0;
          for (const Kept& a : *kept) {
            if (a.tail || (p.max_travel_hours && a.travel_hours > hours)) continue;
            if (++n == top) {
              kept_top = a.g;
              break;
            }
          }
        }
        return kept_top < Bounds::kInfinite && g > kept_top + gr.bonus;
      };
      // The same for one member, with the reward after it (its own step earns none: partners of
      // the last provider are made apart).
      auto dominated = [&](std::uint32_t j) {
        if (kept_top >= Bounds::kInfinite) return false;
        const std::int32_t ci = members[j];
        const Cost g = cur.g + travel_c + member_cost[j];
        if (g < kept_top) return false;
        const Cost r = bonus_after[static_cast<std::size_t>(ci)];
        if (g > kept_top + r) return true;
        // Near the threshold: the dominance test of `consider`, on the child it would make.
        std::size_t n = 0;
        for (const Kept& a : *kept) {
          if (a.g > g) break;
          if (a.tail || (p.max_travel_hours && a.travel_hours > hours)) continue;
          const Cost lhs = a.g + (a.last == ci ? 0 : r);
          bool less = lhs < g;
          if (lhs == g) less = before_child(a.label, cands[static_cast<std::size_t>(ci)].rank);
          if (less && ++n >= top) return true;
        }
        return false;
      };
      auto j = gr.begin;
      if (done != kNothingMade)
        j = static_cast<std::uint32_t>(
            std::upper_bound(member_cost.begin() + gr.begin, member_cost.begin() + gr.end, done - base) -
            member_cost.begin());
      // Invariant 9: once a member's child is dominated, so is every later member's that can
      // earn no reward after it and sorts after it.
      const bool tail = cur.state.tail || (!in_person && !(h.unkey(covers) & p.immediate));
      Cost beaten_g = Bounds::kInfinite;                // the cost of the first child dominated
      std::uint32_t beaten_rank = 0, least_beaten = 0;  // its rank (least at that cost); the least
      for (; j < gr.end; ++j) {
        const Cost lb = base + member_cost[j];
        if (lb > limit) {
          next = std::min(next, lb);
          break;
        }
        const std::int32_t ci = members[j];
        if (is_partner(ci)) continue;  // made in the first round
        if (lb == bound() && child_after_kth(ci)) continue;  // invariant 6, before any work
        const Cost g = cur.g + travel_c + member_cost[j];
        if (auto_dominated(g)) break;
        if (beaten_g < Bounds::kInfinite && bonus_after[static_cast<std::size_t>(ci)] == 0) {
          const std::uint32_t rank = cands[static_cast<std::size_t>(ci)].rank;
          if (tail ? rank > least_beaten : g > beaten_g || rank > beaten_rank) continue;
        }
        // Dominated by labels at its own place, or made and then found dominated (invariant 9
        // holds for both: either way `top` kept labels dominate the child).
        if (dominated(j) || consider(li, ci) == Made::kDominated) {
          const std::uint32_t rank = cands[static_cast<std::size_t>(ci)].rank;
          if (beaten_g == Bounds::kInfinite) beaten_g = g, beaten_rank = least_beaten = rank;
          if (g == beaten_g) beaten_rank = std::min(beaten_rank, rank);
          least_beaten = std::min(least_beaten, rank);
        }
      }
    };
    if (partners_of_last && done == kNothingMade)
      for (ProviderIndex q : *partners_of_last)
        if (const std::int32_t ci = candidate_of(id_rank_[q]); ci >= 0) consider(li, ci);
    {
      const NeedSet state_key = covered_k << 1 | (cur.state.owed ? 1 : 0);
      Range& range = flat ? remote_range_flat[state_key] : remote_range[state_key];
      if (!range.made) {
        range.made = true;
        range.begin = static_cast<std::uint32_t>(remote_passing.size());
        for (std::uint32_t gi = 0; gi < remote_groups.size(); ++gi) {
          NeedSet covers = 0, left = 0;
          if (step_of(remote_groups[gi], false, covers, left)) remote_passing.push_back({gi, covers, left});
        }
        range.end = static_cast<std::uint32_t>(remote_passing.size());
      }
      for (std::uint32_t at_r = range.begin; at_r < range.end; ++at_r) {
        const RemotePassing& rp = remote_passing[at_r];
        const Cost hv = h.of_key(rp.left, cur.state.location);
        if (hv >= Bounds::kInfinite) continue;
        ready(rp.group);
        make(remote_groups[rp.group], false, 0, 0, 0, rp.covers, hv);
      }
    }
    // In-person steps, place by place, nearest first (none in the remote tail).
    if (!cur.state.tail) {
      const Cost floor = h.floor(rem);
      const NeedSet least_key = covered_k << 1 | (cur.state.owed ? 1 : 0);
      Vec<PlaceLeast>& least_at = flat ? place_least_flat[least_key] : place_least[least_key];
      if (least_at.empty()) {
        // The last entry: the least over every place, travel aside.
        least_at.assign(places + 1, PlaceLeast{});
        Cost anywhere = Bounds::kInfinite;
        for (const Kind& kind : kinds) {
          NeedSet covers = 0, left = 0;
          if (!step_of(Group{kind.in_person, kind.remote, kind.speaks, 0, 0, 0}, true, covers, left)) continue;
          const Cost hv = h.anywhere(left);
          if (hv < Bounds::kInfinite) anywhere = std::min(anywhere, hv + kind.cost);
        }
        least_at[places].least = anywhere;
      }
      const Cost least_anywhere = least_at[places].least;
      const float* seconds = travel_.seconds_from(cur.state.location);
      for (const CommunityIndex c : travel_.nearest_first(cur.state.location)) {
        if (at[c] == at[c + 1]) continue;  // no in-person candidate there
        const double travel_h = seconds[c] / 3600.0;  // travel_.hours(cur.state.location, c)
        const Cost travel_c = p.travel_cost_seconds(seconds[c]);
        const Cost least = cur.g + travel_c + std::max(min_in_person + floor, least_anywhere);
        if (least > limit) {
          next = std::min(next, least);
          break;
        }
        // Invariant 7: no child at this place has a lower bound below this one.
        PlaceLeast& q = least_at[c];
        if (q.least == kUnknownLeast) {
          q.least = Bounds::kInfinite;
          groups_of(c);
          q.begin = static_cast<std::uint32_t>(passing.size());
          for (std::uint32_t gi = groups_at[c]; gi < groups_at[c] + groups_in[c]; ++gi) {
            const Group& gr = place_groups[gi];
            NeedSet covers = 0, left = 0;
            if (!step_of(gr, true, covers, left)) continue;
            const Cost hv = h.of_key(left, c);
            if (hv >= Bounds::kInfinite) continue;
            passing.push_back({gi, covers, hv, hv + member_cost[gr.begin]});
            q.least = std::min(q.least, hv + member_cost[gr.begin]);
          }
          q.end = static_cast<std::uint32_t>(passing.size());
        }
        if (q.least >= Bounds::kInfinite) continue;
        if (cur.g + travel_c + q.least > limit) {
          next = std::min(next, cur.g + travel_c + q.least);
          continue;
        }
        for (std::uint32_t at_q = q.begin; at_q < q.end; ++at_q) {
          const Passing& pg = passing[at_q];
          if (cur.g + travel_c + pg.least > limit) {  // no member is due this round
            next = std::min(next, cur.g + travel_c + pg.least);
            continue;
          }
          make(place_groups[pg.group], true, travel_c, travel_h, c, pg.covers, pg.hv);
        }
      }
    }
    labels[static_cast<std::size_t>(li)].made_up_to = limit;
    next = std::max(next, f);
    if (next < Bounds::kInfinite && next <= bound()) open.emplace(next, li);
  }
  if (labels_out) *labels_out = labels.size();

  std::vector<PlannedPathway> out;
  for (std::int32_t r : results) {
    std::vector<std::int32_t> seq(labels[static_cast<std::size_t>(r)].depth);
    for (std::int32_t l = r; l > 0; l = labels[static_cast<std::size_t>(l)].parent)
      seq[labels[static_cast<std::size_t>(l)].depth - 1u] = labels[static_cast<std::size_t>(l)].candidate;
    out.push_back(price(p, seq));
  }
  return out;
}

std::vector<UnmetNeed> Planner::explain_unmet(const Case& c, Date as_of, const Problem& p,
                                              NeedSet unmet) const {
  const Directory& d = directory_;
  std::vector<UnmetNeed> out;
  for (NeedSet r = unmet; r; r &= r - 1) {
    NeedId n = std::countr_zero(r);
    UnmetNeed u;
    u.need = n;
    const std::string label = d.taxonomy.needs[n].en;
    // The nearest provider offering the service at all, and what keeps it out.
    std::optional<ProviderIndex> best;
    double best_h = std::numeric_limits<double>::infinity();
    for (ProviderIndex i = 0; i < d.providers.size(); ++i) {
      const Provider& prov = d.providers[i];
      if (!(prov.services & need_bit(n))) continue;
      double hrs = prov.offers_remote() && !(p.in_person_only & need_bit(n))
                       ? 0.0 : travel_.hours(p.start, prov.community);
      if (hrs < best_h - kHoursEps || (std::abs(hrs - best_h) <= kHoursEps && best && id_rank_[i] < id_rank_[*best])) {
        best_h = hrs;
        best = i;
      }
    }
    if (!best) {
      u.reason = "no provider in the directory offers " + label;
      u.blocked_by = "directory";
      out.push_back(u);
      continue;
    }
    u.nearest = best;
    u.nearest_travel_hours = best_h;
    std::vector<rules::RuleHit> hits;
    rules::Assessment a = policy_.explain(c, d, *best, as_of, hits);
    std::string why;
    if (!a.eligible || (!a.in_person && !a.remote)) {
      for (const auto& hit : hits)
        if (hit.effect == "exclude" || hit.effect == "exclude_in_person") {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    } else if (a.withheld & need_bit(n)) {
      for (const auto& hit : hits)
        if (hit.effect == "withhold") {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    } else if (p.max_travel_hours && best_h > *p.max_travel_hours) {
      u.blocked_by = "max_travel_hours";
      why = "beyond max_travel_hours";
    } else if (!a.in_person && (p.in_person_only & need_bit(n))) {
      for (const auto& hit : hits)
        if (hit.effect == "exclude_in_person") {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    }
    if (u.blocked_by.empty()) {
      u.blocked_by = "combination";
      why = "it cannot be combined with the other needs under the case's constraints";
    }
    const Community& where = d.geography[d.providers[*best].community];
    char hours[32];
    std::snprintf(hours, sizeof hours, "%.1f", best_h);
    u.reason = "no eligible provider can meet " + label +
               (p.max_travel_hours ? " within " + std::to_string(static_cast<int>(*p.max_travel_hours)) + " h" : "") +
               "; the nearest is " + d.providers[*best].id + ", " + hours + " h away in " + where.name +
               ", blocked by " + u.blocked_by + (why.empty() ? "" : " (" + why + ")");
    out.push_back(u);
  }
  return out;
}

bool Planner::can_move(const Case& c, CommunityIndex to) const {
  const auto& g = directory_.geography;
  return !policy_.reads_case_location() && g[c.location].province == g[to].province;
}

PlanResult Planner::plan(const Case& c, Date as_of) const { return plan(c, as_of, prepare(c, as_of)); }

PlanResult Planner::plan(const Case& c, Date as_of, Problem p) const {
  p.start = c.location;
  PlanResult res;
  res.needs = p.needs;
  res.pathways = search(p, &res.labels);
  if (!res.pathways.empty()) {
    res.complete = true;
    return res;
  }
  // No pathway meets everything: find the needs no single step can meet from here, report them,
  // and offer the best pathway for the rest.
  NeedSet coverable = 0;
  for (const auto& k : p.candidates) {
    NeedSet rm = k.useful_remote;
    NeedSet ip = k.useful_in_person;
    if (ip) {
      double hrs = travel_.hours(p.start, k.community);
      if (!std::isfinite(hrs) || (p.max_travel_hours && hrs > *p.max_travel_hours + kHoursEps)) ip = 0;
    }
    coverable |= rm | ip;
  }
  NeedSet unmet = p.target & ~coverable;
  if (!unmet) unmet = p.target;  // each alone is reachable, but not all together
  Problem partial = p;
  partial.target = p.target & ~unmet;
  partial.immediate = p.immediate & partial.target;
  partial.top = 1;
  if (partial.target) res.pathways = search(partial, nullptr);
  res.unmet = explain_unmet(c, as_of, p, unmet);
  return res;
}

}  // namespace nrm::planner
