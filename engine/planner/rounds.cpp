// One round of a label's expansion (P5): the children whose lower bound lies in (the previous
// round's limit, this round's limit], made group by group, phone/video first, then in person place
// by place, nearest first.
#include <algorithm>

#include "planner/search.hpp"

namespace nrm::planner::detail {

namespace {
// A search setting, not policy: a quarter of a cost unit measured best with bench_refer at 50,000
// providers (0.1 to 0.25 alike; 0 and 1 and more were slower), on 2026-11-28.
const Cost kBatch = rules::to_cost(0.25);
}  // namespace

// The round's limit is its key plus kBatch (or the k-th pathway's cost, if lower); then the label
// goes back into the queue keyed by the least bound of the children still to make.
void Search::expand(Cost f, std::int32_t li) {
  Round r;
  r.li = li;
  r.cur = label(li);
  const Problem::State& s = r.cur.state;
  r.rem = (p_.target | (s.owed ? p_.interpretation : 0)) & ~s.covered;
  const NeedSet immediate_left = p_.immediate & ~s.covered;
  r.wanted = immediate_left ? immediate_left : r.rem;
  r.rem_k = h_.key(r.rem);
  r.wanted_k = h_.key(r.wanted);
  r.covered_k = h_.key(s.covered);
  r.done = r.cur.made_up_to;
  r.limit = std::min(f + kBatch, bound());
  if (s.last >= 0 && bonus_after_[static_cast<std::size_t>(s.last)]) {
    const ProviderIndex last = p_.candidates[static_cast<std::size_t>(s.last)].provider;
    r.partners_of_last = &p_.directory->providers[last].partners;
    r.partner_ranks_of_last = partner_ranks_.subspan(partners_begin_[last], partners_begin_[last + 1] - partners_begin_[last]);
  }
  r.n_own = depth(li);
  std::copy(ranks(li), ranks(li) + r.n_own, r.own);
  // P8: steps to a formal partner of the last provider, all in the first round.
  if (r.partners_of_last && r.done == kNothingMade)
    for (std::uint32_t rank : r.partner_ranks_of_last)
      if (const std::int32_t ci = candidate_of(rank); ci >= 0) consider(li, ci);
  remote_steps(r);
  if (!s.tail) in_person_steps(r);  // none in the remote tail
  labels_[static_cast<std::size_t>(li)].made_up_to = r.limit;
  const Cost next = std::max(r.next, f);
  if (next < kInfinite && next <= bound()) open_.emplace(next, li);
}

bool Search::is_partner(const Round& r, std::int32_t ci) const {
  return r.partners_of_last && std::binary_search(r.partners_of_last->begin(), r.partners_of_last->end(),
                                                  p_.candidates[static_cast<std::size_t>(ci)].provider);
}

// Whether label `l`'s ranks sort before those of this round's child whose last rank is `last` (the
// child's are the label's, then `last`).
bool Search::before_child(const Round& r, std::int32_t l, std::uint32_t last) {
  const std::uint32_t* a = ranks(l);
  const int na = depth(l);
  for (int i = 0; i < std::min(na, r.n_own); ++i)
    if (a[i] != r.own[i]) return a[i] < r.own[i];
  return na <= r.n_own || a[r.n_own] < last;
}

// P6 before any work: whether the child through candidate `ci`, which has travelled `travelled`,
// sorts after the k-th pathway.
bool Search::child_after_kth(Round& r, std::int32_t ci, const Travelled& travelled) {
  if (results_.size() < top_) return false;
  const Travelled& kth = label(results_.back()).state.travelled;
  if (travelled != kth) return travelled > kth;  // travel only grows
  if (results_.back() != r.kth_label) {
    r.kth_label = results_.back();
    r.n_kth = depth(r.kth_label);
    std::copy(ranks(r.kth_label), ranks(r.kth_label) + r.n_kth, r.kth);
  }
  for (int i = 0; i < std::min(r.n_own, r.n_kth); ++i)
    if (r.own[i] != r.kth[i]) return r.own[i] > r.kth[i];
  if (r.n_own >= r.n_kth) return true;  // the k-th pathway is a prefix of every child
  return p_.candidates[static_cast<std::size_t>(ci)].rank > r.kth[r.n_own];
}

// Whether a group's members make a step of this kind (in person or not) from the round's label, as
// Problem::step decides; if so, the needs it covers and the needs left after it, as keys.
bool Search::step_of(const Round& r, const Group& gr, bool in_person, NeedSet& covers, NeedSet& left) const {
  const NeedSet ip = gr.in_person & r.rem_k, rm = gr.remote & r.rem_k;
  if (in_person != static_cast<bool>((ip & in_person_only_k_) || (!rm && ip))) return false;
  covers = in_person ? ip : rm;
  if (!(covers & r.wanted_k)) return false;
  const bool owes = r.cur.state.owed || !gr.speaks;
  left = (target_k_ | (owes ? interpretation_k_ : 0)) & ~(r.covered_k | covers);
  return true;
}

// The children of a group whose step (covering `covers`) leads to a state bounded by `hv`: the
// members whose bound falls in (done, limit], cheapest first (P11).
void Search::make(Round& r, const Group& gr, bool in_person, Cost travel_c, std::int32_t travel_s,
                  CommunityIndex place, NeedSet covers, Cost hv) {
  const Cost base = r.cur.g + travel_c + hv;
  // The first member due, before anything else is worked out: most groups have none this round
  // (the loop below would stop at once, as here).
  std::uint32_t j = r.done == kNothingMade ? gr.begin : groups_.first_above(gr, r.done - base);
  if (j == gr.end) return;
  if (const Cost first = base + groups_.member_cost(j); first > r.limit) {
    r.next = std::min(r.next, first);
    return;
  }
  const CommunityIndex to = in_person ? place : r.cur.state.location;
  const bool owed = r.cur.state.owed || (!gr.speaks && p_.interpretation);
  const StateKey at{r.cur.state.covered | h_.unkey(covers), to, owed};
  const bool tail = r.cur.state.tail || (!in_person && !(h_.unkey(covers) & p_.immediate));
  const double hours = r.cur.state.travel_hours + travel_s / 3600.0;
  const Travelled travelled = p_.after_leg(r.cur.state.travelled, r.cur.state.covered, travel_s);
  Threshold kept(p_, top_, distinct_, hours);  // P7a: its list is looked up until some label is kept there
  auto beyond_threshold = [&](Cost g) {
    if (!kept.bound()) {
      auto it = at_place_.find(at);
      if (it == at_place_.end()) return false;
      kept.bind(&it->second);
    }
    const Cost top_cost = kept.top_cost(kInfinite);
    return top_cost < kInfinite && g > top_cost + gr.bonus;
  };
  // The same for one member, with the reward after it (its own step earns none: P8). Only
  // dominators of `top` signatures count here; one of the child's own is for `consider` (P15).
  auto dominated = [&](std::int32_t ci, Cost g) {
    if (!kept.bound() || kept.last() >= kInfinite || g < kept.last()) return false;
    const Cost reward = bonus_after_[static_cast<std::size_t>(ci)];
    if (g > kept.last() + reward) return true;
    const std::uint32_t rank = p_.candidates[static_cast<std::size_t>(ci)].rank;
    const Challenger b{g, to, hours, travelled, tail, rank, ci, reward};
    const std::uint64_t sig = r.cur.sig + (in_person ? signature(rank) : 0);
    return kept.dominated(b, sig, [&](const Kept& a) { return before_child(r, a.label, rank); },
                          [](const Kept&) { return false; }) != 0;
  };
  // P9: once a member's child is dominated, so is every later member's that can earn no reward
  // after it and sorts after it.
  Cost beaten_g = kInfinite;                        // the cost of the first child dominated
  std::uint32_t beaten_rank = 0, least_beaten = 0;  // its rank (least at that cost); the least
  for (; j < gr.end; ++j) {
    const Cost lb = base + groups_.member_cost(j);
    if (lb > r.limit) {
      r.next = std::min(r.next, lb);
      break;
    }
    const std::int32_t ci = groups_.member(j);
    if (ci == excluded_) continue;                         // P16
    if (is_partner(r, ci)) continue;                      // made in the first round (P8)
    if (std::max(lb, floor_) == bound() && child_after_kth(r, ci, travelled)) continue;  // P6
    const Cost g = r.cur.g + travel_c + groups_.member_cost(j);
    if (beyond_threshold(g)) break;  // P7a: the rest of the group too
    const std::uint32_t rank = p_.candidates[static_cast<std::size_t>(ci)].rank;
    if (beaten_g < kInfinite && bonus_after_[static_cast<std::size_t>(ci)] == 0)
      if (tail ? rank > least_beaten : g > beaten_g || rank > beaten_rank) continue;
    // Dominated by labels at its own place, or made and then found dominated (P9 holds for both:
    // either way `top` kept labels dominate the child). With distinct options, one label of the
    // child's signature says nothing of a sibling's unless the step is by phone or video (P15).
    const Made m = dominated(ci, g) ? Made::kDominated : consider(r.li, ci);
    if (m == Made::kDominated || (m == Made::kDominatedSame && !in_person)) {
      if (beaten_g == kInfinite) beaten_g = g, beaten_rank = least_beaten = rank;
      if (g == beaten_g) beaten_rank = std::min(beaten_rank, rank);
      least_beaten = std::min(least_beaten, rank);
    }
  }
}

// Phone/video steps: the groups that can step from the label's set covered (listed once per set,
// P7b), each bounded from where the person is.
void Search::remote_steps(Round& r) {
  const NeedSet state_key = r.covered_k << 1 | (r.cur.state.owed ? 1 : 0);
  Range& range = flat_ ? remote_range_flat_[state_key] : remote_range_[state_key];
  if (!range.made) {
    range.made = true;
    range.begin = static_cast<std::uint32_t>(remote_passing_.size());
    for (std::uint32_t gi = 0; gi < groups_.remote().size(); ++gi) {
      NeedSet covers = 0, left = 0;
      if (step_of(r, groups_.remote()[gi], false, covers, left)) remote_passing_.push_back({gi, covers, left});
    }
    range.end = static_cast<std::uint32_t>(remote_passing_.size());
  }
  for (std::uint32_t at = range.begin; at < range.end; ++at) {
    const RemotePassing& rp = remote_passing_[at];
    const Cost hv = h_.of_key(rp.left, r.cur.state.location);
    if (hv >= kInfinite) continue;
    groups_.ready(rp.group);
    make(r, groups_.remote()[rp.group], false, 0, 0, 0, rp.covers, hv);
  }
}

// P7b: per set covered (and interpretation owed), per place; the last entry is the least over
// every place, travel aside (from every kind of in-person step, before P4: a lower bound).
Vec<Search::PlaceLeast>& Search::least_by_place(const Round& r) {
  const NeedSet key = r.covered_k << 1 | (r.cur.state.owed ? 1 : 0);
  Vec<PlaceLeast>& least_at = flat_ ? place_least_flat_[key] : place_least_[key];
  if (least_at.empty()) {
    least_at.assign(places_ + 1, PlaceLeast{});
    Cost anywhere = kInfinite;
    for (const Kind& kind : groups_.kinds()) {
      NeedSet covers = 0, left = 0;
      if (!step_of(r, Group{kind.in_person, kind.remote, kind.speaks, 0, 0, 0}, true, covers, left)) continue;
      const Cost hv = h_.anywhere(left);
      if (hv < kInfinite) anywhere = std::min(anywhere, hv + kind.cost);
    }
    least_at[places_].least = anywhere;
  }
  return least_at;
}

// A place's groups that can step from the round's set covered, with their bounds (P7b).
void Search::list_passing(const Round& r, CommunityIndex c, PlaceLeast& q) {
  q.least = kInfinite;
  const auto [first, last] = groups_.at_place(c);
  q.begin = static_cast<std::uint32_t>(passing_.size());
  for (std::uint32_t gi = first; gi < last; ++gi) {
    const Group& gr = groups_.place(gi);
    NeedSet covers = 0, left = 0;
    if (!step_of(r, gr, true, covers, left)) continue;
    const Cost hv = h_.of_key(left, c);
    if (hv >= kInfinite) continue;
    passing_.push_back({gi, covers, hv, hv + groups_.member_cost(gr.begin)});
    q.least = std::min(q.least, hv + groups_.member_cost(gr.begin));
  }
  q.end = static_cast<std::uint32_t>(passing_.size());
}

// In-person steps, place by place, nearest first; the walk stops at the first place where
// g + travel + the cheapest in-person step + the least bound any state can have is beyond the
// round's limit (P5, P7b).
void Search::in_person_steps(Round& r) {
  const Cost floor = h_.floor(r.rem);
  Vec<PlaceLeast>& least_at = least_by_place(r);
  const Cost least_anywhere = least_at[places_].least;
  const float* seconds = p_.travel->seconds_from(r.cur.state.location);
  const Cost per_second = p_.whole_seconds ? p_.per_second_at(r.cur.state.covered) : 0;  // for every leg
  for (const CommunityIndex c : p_.travel->nearest_first(r.cur.state.location)) {
    if (!groups_.any_at(c)) continue;  // no in-person candidate there
    const auto travel_s = static_cast<std::int32_t>(seconds[c]);  // travel->seconds_between(location, c)
    // p_.travel_cost_seconds_at(seconds[c], covered), with the cost of a second read once
    const Cost travel_c = p_.whole_seconds ? static_cast<Cost>(seconds[c]) * per_second
                                           : p_.travel_cost_seconds_at(seconds[c], r.cur.state.covered);
    const Cost least = r.cur.g + travel_c + std::max(groups_.min_in_person() + floor, least_anywhere);
    if (least > r.limit) {
      r.next = std::min(r.next, least);
      break;
    }
    PlaceLeast& q = least_at[c];  // P7b: no child at this place has a lower bound below q.least
    if (q.least == kUnknownLeast) list_passing(r, c, q);
    if (q.least >= kInfinite) continue;
    if (r.cur.g + travel_c + q.least > r.limit) {
      r.next = std::min(r.next, r.cur.g + travel_c + q.least);
      continue;
    }
    for (std::uint32_t at = q.begin; at < q.end; ++at) {
      const Passing& pg = passing_[at];
      if (r.cur.g + travel_c + pg.least > r.limit) {  // no member is due this round
        r.next = std::min(r.next, r.cur.g + travel_c + pg.least);
        continue;
      }
      make(r, groups_.place(pg.group), true, travel_c, travel_s, c, pg.covers, pg.hv);
    }
  }
}

}  // namespace nrm::planner::detail
