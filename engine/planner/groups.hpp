// Groups of candidates (P4, P5, P11): candidates with the same usefulness (and, in person, the same
// place) make, from any label, the same kind of step to the same state, so one bound of that state
// serves the whole group; within a group, providers interchangeable for the case form classes, of
// which only the `top` lowest-ranked can appear in an answer. Phone/video groups and each place's
// groups are built on their first visit: most are never visited.
#pragma once

#include <cassert>
#include <span>
#include <tuple>

#include "planner/bounds.hpp"
#include "planner/detail/scratch.hpp"

namespace nrm::planner::detail {

struct Group {
  NeedSet in_person, remote;  // usefulness, as Bounds::key
  bool speaks;
  std::uint32_t begin, end;  // members [begin, end): by step cost without travel, then rank (P11)
  Cost bonus = 0;            // the largest partner reward a step after a member could earn
};

// A kind of in-person step (usefulness and language), with its least cost anywhere: what the
// search knows of places it has not looked at yet (P7b).
struct Kind {
  NeedSet in_person, remote;
  bool speaks;
  Cost cost;
};

class Groups {
 public:
  // `bonus_after[i]`: the reward a step after candidate i could earn (R of P2).
  Groups(const Problem& p, const Bounds& h, std::span<const Cost> bonus_after, std::size_t top,
         std::pmr::memory_resource* mr);

  // Phone/video groups, by kind. A group's members are only there once ready(g) has run.
  const Vec<Group>& remote() const { return remote_groups_; }
  void ready(std::uint32_t g) {
    if (lazy_remote_ && !remote_ready_[g]) make_remote(g);
  }
  // Whether some in-person candidate is at place `c`, and its groups there, made on first use:
  // place(gi) for gi in [first, last).
  bool any_at(CommunityIndex c) const { return at_[c] != at_[c + 1]; }
  std::pair<std::uint32_t, std::uint32_t> at_place(CommunityIndex c) {
    if (!made_at_[c]) make_place(c);
    return {groups_at_[c], groups_at_[c] + groups_in_[c]};
  }
  const Group& place(std::uint32_t gi) const { return place_groups_[gi]; }
  const Vec<Kind>& kinds() const { return kinds_; }
  Cost min_in_person() const { return min_in_person_; }  // cheapest in-person step, travel aside

  std::int32_t member(std::uint32_t j) const { return members_[j]; }
  Cost member_cost(std::uint32_t j) const { return member_cost_[j]; }
  // The first member of `g` whose cost is above `c` (P11: members ascend by cost).
  std::uint32_t first_above(const Group& g, Cost c) const {
    assert(std::is_sorted(member_cost_.begin() + g.begin, member_cost_.begin() + g.end));
    return static_cast<std::uint32_t>(
        std::upper_bound(member_cost_.begin() + g.begin, member_cost_.begin() + g.end, c) - member_cost_.begin());
  }

 private:
  // What a class (P4) is made of, laid out flat so that sorting reads memory in order.
  struct Key {
    NeedSet in_person, remote;  // usefulness, as Bounds::key
    Cost cost, base, preferences, penalties;  // cost: the step in person, without travel
    CommunityIndex community;
    std::int32_t ci;
    bool speaks, stale, linked;
    auto tie() const { return std::tie(in_person, remote, speaks, cost, base, preferences, penalties, stale); }
    bool same_class(const Key& o) const { return !linked && !o.linked && tie() == o.tie() && community == o.community; }
  };
  // Phone/video members as compact records for their sort.
  struct Order {
    std::uint64_t prefix;  // usefulness, language and cost (base)
    Cost cost, preferences, penalties;
    std::uint32_t stale, place;
    std::uint32_t at;  // into remote_at_, which is in rank order
    auto tie() const { return std::tie(prefix, cost, preferences, penalties, stale, place, at); }
  };
  std::uint64_t prefix(const Key& k) const;
  void make_keys(Vec<std::uint64_t>& remote_prefix);
  void sort_remote_lazily(const Vec<std::uint64_t>& remote_prefix);
  void sort_remote_now(const Vec<std::uint64_t>& remote_prefix);
  void make_remote(std::uint32_t g);
  void make_place(CommunityIndex c);
  void add_member(Vec<Group>& groups, std::size_t from, const Key& k, Cost cost);
  template <class It, class Add>
  void keep(It first, It last, Add add) const;

  const Problem& p_;
  const Bounds& h_;
  std::span<const Cost> bonus_after_;
  std::size_t top_;
  std::pmr::memory_resource* mr_;
  Vec<std::int32_t> members_;  // candidates, group by group
  Vec<Cost> member_cost_;      // each member's step cost without travel
  Vec<Group> remote_groups_, place_groups_;
  Cost min_in_person_ = Bounds::kInfinite;
  Vec<Key> keys_;               // by candidate
  Vec<Kind> kinds_;
  Vec<std::uint32_t> at_;       // in-person keys by place: at_place_keys_[at_[c], at_[c + 1])
  Vec<Key> at_place_keys_;
  Vec<std::uint32_t> remote_at_;  // candidates that can work by phone or video, in rank order
  // When phone/video groups are sorted lazily: each group's records, remote_order_[
  // remote_order_at_[g], remote_order_at_[g + 1]), sorted and cut to its kept members on first visit.
  bool lazy_remote_ = false;
  Vec<Order> remote_order_;
  Vec<std::uint32_t> remote_order_at_;
  Vec<char> remote_ready_;
  Vec<std::uint32_t> groups_at_, groups_in_;  // a place's groups: place_groups_[at, at + in)
  Vec<char> made_at_;
};

}  // namespace nrm::planner::detail
