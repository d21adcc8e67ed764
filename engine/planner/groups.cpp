// Building the groups and classes of P4, P5 and P11 (groups.hpp says what they are).
#include "planner/groups.hpp"

#include <algorithm>

#include "planner/detail/dense_ids.hpp"

namespace nrm::planner::detail {

// Packed keys (P14) are at most kPackNeeds bits: the phone/video sort prefix holds usefulness in
// person (bits 50-59), remotely (40-49) and language (39) above a 39-bit biased cost, and a kind of
// in-person step's number holds usefulness in person above bit 32.
static_assert(2 * kPackNeeds + 1 + 39 <= 64 && kPackNeeds <= 31, "packed keys must fit the prefix and kind ids");

Groups::Groups(const Problem& p, const Bounds& h, std::span<const Cost> bonus_after, std::size_t top,
               std::pmr::memory_resource* mr)
    : p_(p), h_(h), bonus_after_(bonus_after), top_(top), mr_(mr), members_(mr), member_cost_(mr), remote_groups_(mr),
      place_groups_(mr), keys_(mr), kinds_(mr), at_(p.travel->size() + 1, 0, mr),
      at_place_keys_(mr), remote_at_(mr), remote_order_(mr), remote_order_at_(mr), remote_ready_(mr),
      groups_at_(p.travel->size(), 0, mr), groups_in_(p.travel->size(), 0, mr), made_at_(p.travel->size(), 0, mr) {
  Vec<std::uint64_t> remote_prefix(mr);
  make_keys(remote_prefix);
  // Phone and video: groups by usefulness alone, members by cost, the rest of their class, place,
  // then rank (classes are per place, as in person). When the prefix holds every member's cost
  // (it is clamped), each group is sorted on its first visit, from compact copies of the fields;
  // otherwise every member is sorted now. A shortcut: both give the same groups and members, and
  // most groups are never visited.
  const bool prefix_holds_cost = h_.packed() && std::all_of(remote_at_.begin(), remote_at_.end(), [&](std::uint32_t i) {
    return keys_[i].base > -(Cost{1} << 38) && keys_[i].base < (Cost{1} << 38) - 1;
  });
  members_.reserve(remote_at_.size() + at_place_keys_.size());
  member_cost_.reserve(remote_at_.size() + at_place_keys_.size());
  if (prefix_holds_cost) sort_remote_lazily(remote_prefix);
  else sort_remote_now(remote_prefix);
}

// When sets are packed, usefulness, language and cost fit in one number that orders phone and
// video members by group, then cost: one comparison settles most pairs.
std::uint64_t Groups::prefix(const Key& k) const {
  if (!h_.packed()) return 0;
  assert(k.in_person < (NeedSet{1} << kPackNeeds) && k.remote < (NeedSet{1} << kPackNeeds));
  const auto biased = static_cast<std::uint64_t>(std::clamp<Cost>(k.base, -(Cost{1} << 38), (Cost{1} << 38) - 1) + (Cost{1} << 38));
  return (((k.in_person << 11) | (k.remote << 1) | (k.speaks ? 1 : 0)) << 39) | biased;
}

// Every candidate's key; in-person ones counted by place (a counting sort: rank order within a
// place) and their kinds' least costs; phone/video ones listed with their sort prefix.
void Groups::make_keys(Vec<std::uint64_t>& remote_prefix) {
  const auto& cands = p_.candidates;
  const std::size_t places = p_.travel->size();
  DenseIds kind_of(mr_);  // (in_person, remote, speaks) packed: index into kinds_
  keys_.reserve(cands.size());  // filled in order, without zeroing them first
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Candidate& k = cands[i];
    const Key& key = keys_.emplace_back(
        Key{h_.key(k.useful_in_person), h_.key(k.useful_remote), k.base + k.in_person_penalties, k.base,
            k.preferences, k.penalties, k.community, static_cast<std::int32_t>(i), k.speaks, k.stale, k.linked});
    if (key.remote) {
      remote_prefix.push_back(prefix(key));
      remote_at_.push_back(static_cast<std::uint32_t>(i));
    }
    if (!key.in_person) continue;
    ++at_[k.community + 1];
    min_in_person_ = std::min(min_in_person_, key.cost);
    if (h_.packed()) {  // packed sets are small: one number names the kind
      const NeedSet id = (key.in_person << 32) | (key.remote << 1) | (key.speaks ? 1 : 0);
      const auto [kind, fresh] = kind_of.id(id);
      if (fresh) kinds_.push_back({key.in_person, key.remote, key.speaks, key.cost});
      else kinds_[kind].cost = std::min(kinds_[kind].cost, key.cost);
    } else {
      kinds_.push_back({key.in_person, key.remote, key.speaks, key.cost});
    }
  }
  for (std::size_t c = 1; c <= places; ++c) at_[c] += at_[c - 1];
  at_place_keys_.resize(at_[places]);
  Vec<std::uint32_t> fill(at_.begin(), at_.end() - 1, mr_);
  for (const Key& key : keys_)
    if (key.in_person) at_place_keys_[fill[key.community]++] = key;
}

// By group first (the prefix's bits above the cost: usefulness and language), a counting sort in
// the groups' order; each group is sorted on its own on first visit (make_remote): the same order
// as one sort of everything.
void Groups::sort_remote_lazily(const Vec<std::uint64_t>& remote_prefix) {
  DenseIds group_of(mr_);
  Vec<std::uint32_t> gid(remote_at_.size(), mr_);
  Vec<std::uint64_t> group_key(mr_);
  for (std::size_t i = 0; i < remote_at_.size(); ++i) {
    const auto [g, fresh] = group_of.id(remote_prefix[i] >> 39);
    if (fresh) group_key.push_back(remote_prefix[i] >> 39);
    gid[i] = g;
  }
  Vec<std::uint32_t> by_key(group_key.size(), mr_), start(group_key.size() + 1, 0, mr_);
  for (std::uint32_t g = 0; g < by_key.size(); ++g) by_key[g] = g;
  std::sort(by_key.begin(), by_key.end(), [&](std::uint32_t a, std::uint32_t b) { return group_key[a] < group_key[b]; });
  Vec<std::uint32_t> position(group_key.size(), mr_);  // group -> its place in key order
  for (std::uint32_t q = 0; q < by_key.size(); ++q) position[by_key[q]] = q;
  for (std::uint32_t g : gid) ++start[position[g] + 1];
  for (std::size_t q = 1; q < start.size(); ++q) start[q] += start[q - 1];
  Vec<Order> order(remote_at_.size(), mr_);
  {
    Vec<std::uint32_t> next(start.begin(), start.end() - 1, mr_);
    for (std::uint32_t i = 0; i < order.size(); ++i) {
      const Key& k = keys_[remote_at_[i]];
      order[next[position[gid[i]]]++] = {remote_prefix[i], k.cost, k.preferences, k.penalties, k.stale ? 1u : 0u,
                                         k.community, i};
    }
  }
  // One group per kind, in key order; its members fill its own range of members_ on first visit.
  lazy_remote_ = true;
  members_.resize(remote_at_.size());
  member_cost_.resize(remote_at_.size());
  for (std::size_t q = 0; q + 1 < start.size(); ++q) {
    const Key& k = keys_[remote_at_[order[start[q]].at]];
    remote_groups_.push_back({k.in_person, k.remote, k.speaks, start[q], start[q], 0});
  }
  remote_ready_.assign(remote_groups_.size(), 0);
  remote_order_ = std::move(order);
  remote_order_at_ = std::move(start);
}

void Groups::sort_remote_now(const Vec<std::uint64_t>& remote_prefix) {
  Vec<std::uint32_t> by_group(remote_at_.size(), mr_);
  for (std::uint32_t i = 0; i < by_group.size(); ++i) by_group[i] = i;
  std::sort(by_group.begin(), by_group.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (remote_prefix[a] != remote_prefix[b]) return remote_prefix[a] < remote_prefix[b];
    const Key &x = keys_[remote_at_[a]], &y = keys_[remote_at_[b]];
    const auto cmp = std::tie(x.in_person, x.remote, x.speaks, x.base, x.cost, x.preferences, x.penalties, x.stale,
                              x.community, x.ci) <=>
                     std::tie(y.in_person, y.remote, y.speaks, y.base, y.cost, y.preferences, y.penalties, y.stale,
                              y.community, y.ci);
    return cmp < 0;
  });
  Vec<Key> remote_keys(by_group.size(), mr_);
  for (std::size_t i = 0; i < by_group.size(); ++i) remote_keys[i] = keys_[remote_at_[by_group[i]]];
  keep(remote_keys.begin(), remote_keys.end(), [&](const Key& k) { add_member(remote_groups_, 0, k, k.base); });
}

// A lazily sorted phone/video group's members, made on its first visit: its records sorted, then
// only the `top` lowest ranks of each class kept, as keep() does.
void Groups::make_remote(std::uint32_t g) {
  remote_ready_[g] = 1;
  const auto first = remote_order_.begin() + remote_order_at_[g], last = remote_order_.begin() + remote_order_at_[g + 1];
  std::sort(first, last, [](const Order& a, const Order& b) { return a.tie() < b.tie(); });
  Group& gr = remote_groups_[g];
  std::size_t run = 0;
  const Key* prev = nullptr;
  for (auto it = first; it != last; ++it) {
    const Key& k = keys_[remote_at_[it->at]];
    run = prev && prev->same_class(k) ? run + 1 : 1;
    prev = &k;
    if (run > top_ && !k.linked) continue;
    members_[gr.end] = k.ci;
    member_cost_[gr.end] = k.base;
    ++gr.end;
    gr.bonus = std::max(gr.bonus, bonus_after_[static_cast<std::size_t>(k.ci)]);
  }
}

// A place's groups: its keys sorted by class then candidate, each class cut to its `top`.
void Groups::make_place(CommunityIndex c) {
  made_at_[c] = 1;
  groups_at_[c] = static_cast<std::uint32_t>(place_groups_.size());
  auto first = at_place_keys_.begin() + at_[c], last = at_place_keys_.begin() + at_[c + 1];
  std::sort(first, last, [](const Key& x, const Key& y) {
    const auto order = x.tie() <=> y.tie();
    return order != 0 ? order < 0 : x.ci < y.ci;
  });
  keep(first, last, [&](const Key& k) { add_member(place_groups_, groups_at_[c], k, k.cost); });
  groups_in_[c] = static_cast<std::uint32_t>(place_groups_.size()) - groups_at_[c];
}

// P4, a shortcut: members of one class differ only in rank; sorted so that each class is a run in
// rank order, only the `top` lowest ranks of a run are kept (providers with partner links always).
// Swapping a dropped member in for a kept one gives an equal-cost pathway that sorts after, so we
// would get the same answers if every member were kept.
template <class It, class Add>
void Groups::keep(It first, It last, Add add) const {
  std::size_t run = 0;
  for (auto it = first; it != last; ++it) {
    run = it != first && (it - 1)->same_class(*it) ? run + 1 : 1;
    if (run <= top_ || it->linked) add(*it);
  }
}

// Appends a kept member to `groups`, opening a group when its kind differs from the last one's
// (groups before `from` belong to another run and are never extended).
void Groups::add_member(Vec<Group>& groups, std::size_t from, const Key& k, Cost cost) {
  const Group* open = groups.size() > from ? &groups.back() : nullptr;
  if (!open || open->in_person != k.in_person || open->remote != k.remote || open->speaks != k.speaks)
    groups.push_back({k.in_person, k.remote, k.speaks, static_cast<std::uint32_t>(members_.size()), 0, 0});
  assert(groups.back().begin == members_.size() || member_cost_.back() <= cost);  // P11
  members_.push_back(k.ci);
  member_cost_.push_back(cost);
  groups.back().end = static_cast<std::uint32_t>(members_.size());
  groups.back().bonus = std::max(groups.back().bonus, bonus_after_[static_cast<std::size_t>(k.ci)]);
}

}  // namespace nrm::planner::detail
