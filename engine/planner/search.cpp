// The rounds loop of the search (search.hpp states the invariants P1-P14 it relies on).
#include "planner/search.hpp"

#include <algorithm>

namespace nrm::planner::detail {

Tables::Tables(const Problem& p, std::span<const std::uint32_t> partners_begin_in,
               std::span<const std::uint32_t> partner_ranks_in, std::size_t top, std::pmr::memory_resource* mr)
    : partners_begin(partners_begin_in),
      partner_ranks(partner_ranks_in),
      ranks_in_order(p.candidates.size(), mr),
      bonus_after(p.candidates.size(), 0, mr),
      h(p, link_partners(p, mr), mr),
      groups(p, h, bonus_after, top, mr),
      passing(mr),
      place_least(mr),
      remote_passing(mr),
      remote_range(mr),
      flat(h.packed() ? 2 * h.key_space() : 0),
      place_least_flat(flat, mr),
      remote_range_flat(flat, mr),
      nearest_other_at(p.directory->geography.size(), std::numeric_limits<Cost>::min(), mr),
      top_(top) {}

// The reward the next step could earn after each candidate (R of P1, into bonus_after), and the
// most a step to each candidate could earn (returned, for the bounds): only a partner of another
// candidate earns.
Vec<Cost> Tables::link_partners(const Problem& p, std::pmr::memory_resource* mr) {
  const auto& cands = p.candidates;
  for (std::size_t i = 0; i < cands.size(); ++i) ranks_in_order[i] = cands[i].rank;
  assert(std::is_sorted(ranks_in_order.begin(), ranks_in_order.end()));  // candidates come by rank
  const Cost partner_bonus = rules::to_cost(p.weights.partner_reward);
  Vec<Cost> reward_into(cands.size(), 0, mr);
  for (std::size_t i = 0; i < cands.size(); ++i)
    if (cands[i].linked)
      for (std::uint32_t e = partners_begin[cands[i].provider]; e < partners_begin[cands[i].provider + 1]; ++e)
        if (const std::int32_t k = candidate_of(partner_ranks[e]); k >= 0) {
          bonus_after[i] = partner_bonus;
          reward_into[static_cast<std::size_t>(k)] = partner_bonus;
        }
  return reward_into;
}

// The candidate of a provider rank, or -1: candidates are sorted by rank, and their ranks are
// searched in a flat copy (four bytes a candidate instead of a whole record).
std::int32_t Tables::candidate_of(std::uint32_t r) const {
  auto it = std::lower_bound(ranks_in_order.begin(), ranks_in_order.end(), r);
  return it != ranks_in_order.end() && *it == r ? static_cast<std::int32_t>(it - ranks_in_order.begin()) : -1;
}

Search::Search(const Problem& p, std::span<const std::uint32_t> partners_begin,
               std::span<const std::uint32_t> partner_ranks, std::pmr::memory_resource* mr, std::size_t top)
    : Search(p, nullptr, partners_begin, partner_ranks, mr, SearchMode{top}) {}

Search::Search(const Problem& p, Tables& tables, std::pmr::memory_resource* mr, const SearchMode& mode)
    : Search(p, &tables, {}, {}, mr, mode) {}

Search::Search(const Problem& p, Tables* tables, std::span<const std::uint32_t> partners_begin,
               std::span<const std::uint32_t> partner_ranks, std::pmr::memory_resource* mr, const SearchMode& mode)
    : p_(p),
      top_(mode.top ? mode.top : static_cast<std::size_t>(std::max(1, p.top))),
      distinct_(mode.distinct && top_ > 1),
      excluded_(mode.excluded),
      floor_(mode.floor),
      places_(p.directory->geography.size()),
      t_(tables ? *tables : own_.emplace(p, partners_begin, partner_ranks, top_, mr)),
      partners_begin_(t_.partners_begin),
      partner_ranks_(t_.partner_ranks),
      bonus_after_(t_.bonus_after),
      h_(t_.h),
      groups_(t_.groups),
      labels_(mr),
      stride_(static_cast<std::size_t>(std::max(1, std::popcount(p.target | p.interpretation)))),
      path_(stride_, 0, mr),
      at_state_(mr),
      at_place_(mr),
      passing_(t_.passing),
      place_least_(t_.place_least),
      remote_passing_(t_.remote_passing),
      remote_range_(t_.remote_range),
      flat_(t_.flat),
      at_state_flat_(flat_, mr),
      place_least_flat_(t_.place_least_flat),
      remote_range_flat_(t_.remote_range_flat),
      open_(std::greater<>{}, Vec<Entry>(mr)),
      nearest_other_at_(t_.nearest_other_at),
      results_(mr),
      target_k_(h_.key(p.target)),
      interpretation_k_(h_.key(p.interpretation)),
      in_person_only_k_(h_.key(p.in_person_only)) {
  // P4 with P16: the groups keep the first member of each class but the one left out.
  assert(t_.top() >= top_ && (excluded_ < 0 || t_.top() >= 2));
  labels_.reserve(1024);
}

std::uint64_t Search::signature(std::uint32_t rank) {
  std::uint64_t z = rank + 0x9E3779B97F4A7C15ull;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool Search::same_in_person(std::int32_t a, std::int32_t b) {
  if (label(a).sig != label(b).sig) return false;
  auto of = [&](std::int32_t l, std::uint32_t* out) {
    int n = 0;
    for (int i = 0; i < depth(l); ++i)
      if (label(l).in_person >> i & 1) out[n++] = ranks(l)[i];
    std::sort(out, out + n);
    return n;
  };
  std::uint32_t ra[kMaxNeeds + 2], rb[kMaxNeeds + 2];
  const int na = of(a, ra), nb = of(b, rb);
  return std::equal(ra, ra + na, rb, rb + nb);
}

bool Search::lex_less(std::int32_t a, std::int32_t b) {
  return std::lexicographical_compare(ranks(a), ranks(a) + depth(a), ranks(b), ranks(b) + depth(b));
}

bool Search::result_less(std::int32_t a, std::int32_t b) {
  if (label(a).g != label(b).g) return label(a).g < label(b).g;
  if (label(a).state.travelled != label(b).state.travelled) return label(a).state.travelled < label(b).state.travelled;
  return lex_less(a, b);
}

// P6: whether no pathway through label `l`, whose lower bound is `f`, can enter the answer: it
// costs more than the k-th found, or as much and has already travelled more (travel only grows),
// or as much of both and its provider ranks so far already sort after. A bound below the floor is
// taken as the floor: no pathway through `l` costs less than that either.
bool Search::beyond(Cost f, std::int32_t l) {
  const Cost b = bound();
  if (std::max(f, floor_) != b) return f > b;
  const Travelled& tl = label(l).state.travelled;
  const Travelled& tk = label(results_.back()).state.travelled;
  if (tl != tk) return tl > tk;
  const std::uint32_t *rl = ranks(l), *rk = ranks(results_.back());
  const int nl = depth(l), nk = depth(results_.back());
  for (int i = 0; i < std::min(nl, nk); ++i)
    if (rl[i] != rk[i]) return rl[i] > rk[i];
  return nl > nk;
}

Vec<Kept>& Search::kept_at_state(NeedSet covered, bool owed) {
  if (flat_) return at_state_flat_[h_.key(covered) << 1 | (owed ? 1 : 0)];
  return at_state_[StateKey{covered, 0, owed}];
}

// The least travel cost from `c` to any other place (kInfinite if none is reachable).
Cost Search::nearest_other(CommunityIndex c) {
  Cost& v = nearest_other_at_[c];
  if (v != kNothingMade) return v;
  v = kInfinite;
  for (const CommunityIndex o : p_.travel->nearest_first(c))
    if (o != c) {
      v = p_.travel_cost_seconds(p_.travel->seconds_from(c)[o]);
      break;
    }
  return v;
}

// A new label for the step from label `li` to candidate `ci`, unless it cannot be in the answer;
// a complete one goes into the results instead.
Search::Made Search::consider(std::int32_t li, std::int32_t ci) {
  if (ci == excluded_) return Made::kNone;  // P16
  const Label& cur = label(li);
  Cost sc = 0;
  auto st = p_.step(cur.state, ci, sc);
  if (!st) return Made::kNone;
  const Problem::State next = p_.after(cur.state, ci, *st);
  const bool done = p_.complete(next);
  const Cost hv = done ? 0 : h_(next);
  if (hv >= kInfinite) return Made::kNone;
  const Cost cost = cur.g + sc;
  if (cost + hv > bound()) return Made::kNone;
  // Made in place: a label built aside and copied in costs stalls on every field.
  const auto idx = static_cast<std::int32_t>(labels_.size());
  Label& nl = labels_.emplace_back();
  nl.state = next;
  nl.g = cost;
  nl.f = cost + hv;
  nl.parent = li;
  nl.candidate = ci;
  nl.depth = static_cast<std::uint8_t>(label(li).depth + 1);
  assert(nl.depth <= stride_);  // each step covers something new
  const std::uint32_t rank = p_.candidates[static_cast<std::size_t>(ci)].rank;
  nl.sig = label(li).sig + (st->in_person ? signature(rank) : 0);
  nl.in_person = label(li).in_person | (st->in_person ? std::uint64_t{1} << (nl.depth - 1) : 0);
  if (path_.size() < labels_.size() * stride_) path_.resize(labels_.size() * stride_);
  std::copy(ranks(li), ranks(li) + nl.depth - 1, ranks(idx));
  ranks(idx)[nl.depth - 1] = rank;
  if (!done && beyond(nl.f, idx)) {
    labels_.pop_back();
    return Made::kNone;
  }
  if (done) {
    add_result(idx);
    return Made::kNone;
  }
  auto& same = at_place_[StateKey{nl.state.covered, nl.state.location, nl.state.owed}];
  auto& here = kept_at_state(nl.state.covered, nl.state.owed);
  if (const Made m = dominated_by_kept(idx, same, here); m != Made::kNone) {
    labels_.pop_back();
    return m;
  }
  const Label& kept_label = label(idx);
  const Kept kept{kept_label.g,         kept_label.state.travel_hours, kept_label.state.travelled,
                  idx,                  kept_label.state.last,         kept_label.state.last_rank,
                  kept_label.state.location, kept_label.state.tail,    kept_label.sig};
  auto by_cost = [](Cost g, const Kept& k) { return g < k.g; };
  same.insert(std::upper_bound(same.begin(), same.end(), kept.g, by_cost), kept);
  here.insert(std::upper_bound(here.begin(), here.end(), kept.g, by_cost), kept);
  assert(std::is_sorted(here.begin(), here.end(), [](const Kept& a, const Kept& b) { return a.g < b.g; }));  // P12
  open_.emplace(kept_label.f, idx);
  return Made::kKept;
}

// A complete pathway into the results, which stay sorted in the total order and at most `top`;
// with distinct options (P15), at most one of a signature, the first.
void Search::add_result(std::int32_t idx) {
  auto less = [&](std::int32_t a, std::int32_t b) { return result_less(a, b); };
  if (distinct_) {
    const auto twin = std::find_if(results_.begin(), results_.end(), [&](std::int32_t r) { return same_in_person(r, idx); });
    if (twin != results_.end()) {
      if (!result_less(idx, *twin)) return;
      results_.erase(twin);
    }
  }
  if (results_.size() < top_ || result_less(idx, results_.back())) {
    results_.insert(std::upper_bound(results_.begin(), results_.end(), idx, less), idx);
    if (results_.size() > top_) results_.pop_back();
    assert(std::is_sorted(results_.begin(), results_.end(), less));
  }
}

// P2 for a new label: labels are compared across places (the state list has no location); those
// at the same place, the likeliest to dominate, are tried first. Both lists are sorted by cost
// (P12): a label dearer than the new one cannot dominate it. With distinct options, dominators
// count by signature (P15).
Search::Made Search::dominated_by_kept(std::int32_t idx, Vec<Kept>& same, Vec<Kept>& here) {
  const Label& nl = label(idx);
  const Challenger b{nl.g,          nl.state.location,  nl.state.travel_hours, nl.state.travelled, nl.state.tail,
                     nl.state.last_rank, nl.state.last,
                     nl.state.last >= 0 ? bonus_after_[static_cast<std::size_t>(nl.state.last)] : 0};
  const float* row = p_.travel->seconds_from(nl.state.location);
  Dominators dominators(top_, distinct_, nl.sig);
  auto test = [&](const Kept& a) {
    Way way;
    return way_from(p_, a, b, row, nl.state.covered, way) && dominates(p_, a, b, way, [&] { return lex_less(a.label, idx); }) &&
           dominators.add(a.sig, [&] { return same_in_person(a.label, idx); });
  };
  for (const Kept& other : same) {
    if (other.g > nl.g) break;
    if (test(other)) return dominators.same() ? Made::kDominatedSame : Made::kDominated;
  }
  // A label elsewhere is at least the way from the nearest other place dearer, so the scan of the
  // list (by cost) stops where even that is too much. A shortcut: the scan could go on.
  const Cost reach = nl.state.tail ? 0 : nearest_other(nl.state.location);
  for (const Kept& other : here) {
    if (other.g + reach > nl.g) break;
    if (other.location == nl.state.location) continue;  // tried above
    if (test(other)) return dominators.same() ? Made::kDominatedSame : Made::kDominated;
  }
  return Made::kNone;
}

// A label for the step from `from` to candidate `ci`, made as it is (neither bounded nor kept):
// the prefix's and the seed's steps. -1 if there is no such step.
std::int32_t Search::chain(std::int32_t from, std::int32_t ci) {
  Cost sc = 0;
  const Problem::State s = label(from).state;
  const auto st = p_.step(s, ci, sc);
  if (!st) return -1;
  const auto idx = static_cast<std::int32_t>(labels_.size());
  Label& nl = labels_.emplace_back();
  nl.state = p_.after(s, ci, *st);
  nl.g = label(from).g + sc;
  nl.parent = from;
  nl.candidate = ci;
  nl.depth = static_cast<std::uint8_t>(label(from).depth + 1);
  const std::uint32_t rank = p_.candidates[static_cast<std::size_t>(ci)].rank;
  nl.sig = label(from).sig + (st->in_person ? signature(rank) : 0);
  nl.in_person = label(from).in_person | (st->in_person ? std::uint64_t{1} << (nl.depth - 1) : 0);
  if (nl.depth > stride_) return -1;
  path_.resize(labels_.size() * stride_);
  std::copy(ranks(from), ranks(from) + nl.depth - 1, ranks(idx));
  ranks(idx)[nl.depth - 1] = rank;
  return idx;
}

std::vector<std::vector<std::int32_t>> Search::run(std::span<const std::int32_t> prefix,
                                                   std::span<const std::int32_t> seed) {
  labels_.emplace_back().state.location = p_.start;
  // The prefix's steps, one label each, chained from the root; the search starts from the last.
  std::int32_t root = 0;
  for (const std::int32_t ci : prefix) {
    root = chain(root, ci);
    if (root < 0 || p_.complete(label(root).state)) return {};  // not a partial pathway
  }
  // A seed is a known answer to beat: a complete pathway that begins with the prefix and leaves
  // the excluded candidate out. In the results from the start, it bounds the search at once.
  if (!seed.empty()) {
    assert(seed.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), seed.begin()));
    std::int32_t at = root;
    for (std::size_t i = prefix.size(); i < seed.size() && at >= 0; ++i)
      at = seed[i] == excluded_ ? -1 : chain(at, seed[i]);
    if (at >= 0 && p_.complete(label(at).state)) add_result(at);
  }
  const Cost h0 = h_(label(root).state);
  if (h0 < kInfinite) {
    labels_[static_cast<std::size_t>(root)].f = label(root).g + h0;
    open_.emplace(label(root).f, root);
  }
  while (!open_.empty()) {
    auto [f, li] = open_.top();
    open_.pop();
    if (f > bound()) break;
    if (beyond(f, li)) continue;  // a tie that sorts after the k-th pathway (P6)
    expand(f, li);
  }
  std::vector<std::vector<std::int32_t>> out;
  for (std::int32_t r : results_) {
    std::vector<std::int32_t> seq(label(r).depth);
    for (std::int32_t l = r; l > 0; l = label(l).parent) seq[label(l).depth - 1u] = label(l).candidate;
    out.push_back(std::move(seq));
  }
  return out;
}

}  // namespace nrm::planner::detail
