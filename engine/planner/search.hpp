// The exact k-best pathway search: best-first over labels, with lazy children in rounds. This
// header states the definitions and the numbered invariants (P1-P14) that every file of the
// planner refers to; search.cpp is the rounds loop. docs/ranking.md has the user-facing version.
//
// Definitions:
//  * A step hands the person to one candidate provider and covers every still-unmet need that
//    provider can meet (Problem::step, the one definition). A step must cover something new, so
//    no provider repeats, and a pathway has at most one step per need.
//  * Immediate needs first: while an immediate need is unmet, every step covers an immediate need.
//  * A step is in person when it covers an in-person-only need or the provider cannot work
//    remotely; in-person steps move the person (travel from the previous in-person place).
//  * Remote steps that meet no immediate need come last, in provider-id order: their order changes
//    nothing for the person (State::tail).
//  * Step cost = travel + hand-off + wait + preferences + penalties - partner reward; all integers
//    (rules::kCostScale to a unit), so sums are exact and ties are real ties.
//  * Pathways are totally ordered by cost, then by what they have travelled (Travelled: seconds
//    of travel while an urgent need is unmet, then all travel), then by provider ranks
//    lexicographically (a provider of the case's province before the others, then by id); the
//    answer is the first `top` pathways in that order. Travel only grows along a pathway, so a
//    partial pathway's is a lower bound of its completions' (P6).
//
// Invariants. "Shortcut" marks those that change speed, never answers: we would get the same
// answers if they were never done. The others are what exactness rests on.
//  P1  A label is a partial pathway; its state is (location, covered needs, interpretation owed).
//      Every future of a label depends only on its state, except the partner reward of the very
//      next step, worth at most R (0 if the label's last provider has no partner candidates).
//  P2  Dominance (dominance.hpp, the one rule): a label dominated by `top` kept labels cannot be in
//      the answer, so it is dropped.
//  P3  h(state) never overestimates the cost of any completion (bounds.hpp). Labels are expanded
//      in order of g + h; the search stops when the least g + h left is above the cost of the k-th
//      best complete pathway found.
//  P4  Shortcut. Providers interchangeable for the case form a class; only the `top` lowest-ranked
//      of a class are group members (groups.cpp, keep).
//  P5  Shortcut. Children are made lazily, in rounds: a group's members make the same kind of step
//      to the same state, so g + travel + the member's step cost + h(that state) - R bounds every
//      pathway through that child. A round makes exactly the children whose bound is in
//      (previous limit, this limit]; the label goes back into the queue keyed by the least bound
//      of the children it has not made. So every child whose bound is at most the k-th pathway's
//      cost is made, as if all were made at once, and none twice.
//  P6  Shortcut. A label whose bound equals the k-th pathway's cost can at best tie with it; if it
//      has already travelled more (Travelled, compared as the total order does), or as much and
//      its ranks so far already sort after that pathway's, it is neither kept nor expanded. With a
//      floor (SearchMode::floor: no pathway the search can find costs less; a fallback's is the
//      best pathway's cost), a label whose bound is below the floor has none cheaper than it
//      either, so it is tested as if its bound were the floor.
//  P7  Shortcuts of P2 and P5. (a) Threshold (dominance.hpp): children of a group beyond the top-th
//      kept label at their own place plus R are not made. (b) Per set covered, each place keeps
//      the least member cost plus bound over its in-person groups, and the whole map the least
//      over every kind of in-person step with travel left out; a round skips a place whose least
//      plus the travel there is beyond its limit, and stops at the first place where the map's
//      least is. With it, each place (and the phone/video groups) keeps the groups that can step
//      from that set, what the step covers and the bound it leads to. These lists depend only on
//      the set covered (and interpretation owed), so they are kept in the Tables and shared by
//      every search on them (the fallbacks' and the main search's).
//  P8  Only a step to a formal partner of the last provider earns the partner reward: those steps
//      are made in the label's first round, whatever their bound, and skipped in the groups, whose
//      bounds (P5, P7) then need not allow for the reward.
//  P9  Shortcut. Once a member's child is dominated by `top` kept labels, a later member's child
//      is dominated by the same labels when no step after it can earn a reward and it costs more
//      or sorts after by rank (in the remote tail: sorts after by rank).
//  P10 Travel (geo::TravelModel): whole seconds, symmetric, zero on the diagonal, triangle
//      inequality exact. P2 and P3 rely on it.
//  P11 A group's members ascend by step cost without travel (then class, then rank): P5, P7 and P9
//      rely on it (asserted where upper_bound reads it).
//  P12 Lists of kept labels are sorted by cost; kept labels are never removed.
//  P13 Shortcut. Scratch memory per thread and dense ids (detail/).
//  P14 Shortcut. Sets of needs packed onto the case's needs when it has at most kPackNeeds:
//      flat tables instead of hashed ones, one-number sort keys (Problem::pack_needs = 0 runs the
//      unpacked paths; tests compare both with brute force).
//  P15 Distinct options (SearchMode::distinct): the answer is the first `top` pathways, in the
//      total order, whose sets of in-person providers differ (each the first of its set). A
//      label's in-person set is its signature. A label B is then useless when a label that
//      dominates it (P2) has the same signature (every completion of B comes after the same
//      completion of it, with the same set), or when those that dominate it have `top` different
//      signatures (as many different sets come before any completion of B). Results keep one
//      pathway per signature, the first. P4 stays: the `top` first of an in-person class give
//      `top` different sets, those of a phone/video class the same set.
//  P16 A search may leave out one candidate after its prefix (SearchMode::excluded: a
//      fallback). Bounds made with every candidate stay lower bounds; the groups, made for `top`
//      of at least 2, still hold the first member of every class but the excluded one (P4).
// tests/planner/test_exact.cpp compares this search with brute-force enumeration.
#pragma once

#include <optional>
#include <queue>
#include <span>
#include <unordered_map>

#include "planner/bounds.hpp"
#include "planner/detail/scratch.hpp"
#include "planner/dominance.hpp"
#include "planner/groups.hpp"

namespace nrm::planner::detail {

// What every search of one problem shares: the bounds, the groups (built lazily, so a second
// search finds the places the first visited ready) and the partner links. `top`: the most
// pathways any search on these tables asks for (the groups keep that many of a class, P4).
class Tables {
 public:
  // `partners_begin` and `partner_ranks`: each provider's formal partners, by rank, in the order
  // of its `partners` list (Planner keeps them).
  Tables(const Problem& p, std::span<const std::uint32_t> partners_begin, std::span<const std::uint32_t> partner_ranks,
         std::size_t top, std::pmr::memory_resource* mr);
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;

  std::int32_t candidate_of(std::uint32_t rank) const;
  std::size_t top() const { return top_; }

  std::span<const std::uint32_t> partners_begin, partner_ranks;
  Vec<std::uint32_t> ranks_in_order;  // candidates' ranks, ascending: candidate_of searches them
  Vec<Cost> bonus_after;              // by candidate: R of P1 after a step to it
  Bounds h;
  Groups groups;

  // What the rounds (P7b) read of a set covered (with interpretation owed or not), which depends
  // on nothing else: not on the search's prefix, candidate left out, top or where the case
  // starts. Made on first use, shared by every search on these tables (a shortcut: each search
  // would make the same).
  // Per set covered and place, the least member cost plus bound over the place's groups, and the
  // groups that can step from that set: passing[begin, end).
  static constexpr Cost kUnknownLeast = std::numeric_limits<Cost>::min();
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
  // The same for phone/video groups: what each step covers and leaves (its bound depends on
  // where the person is). remote_passing[begin, end).
  struct RemotePassing {
    std::uint32_t group;
    NeedSet covers, left;
  };
  struct Range {
    std::uint32_t begin = 0, end = 0;
    bool made = false;
  };
  Vec<Passing> passing;
  std::pmr::unordered_map<NeedSet, Vec<PlaceLeast>> place_least;
  Vec<RemotePassing> remote_passing;
  std::pmr::unordered_map<NeedSet, Range> remote_range;
  // P14: when sets of needs are packed, the tables by set covered are flat (no hashing).
  const std::size_t flat;
  Vec<Vec<PlaceLeast>> place_least_flat;
  Vec<Range> remote_range_flat;
  Vec<Cost> nearest_other_at;  // by place: Search::nearest_other, once known

 private:
  Vec<Cost> link_partners(const Problem& p, std::pmr::memory_resource* mr);
  std::size_t top_;
};

// What a search looks for.
struct SearchMode {
  std::size_t top = 0;         // how many pathways (0: the problem's top)
  bool distinct = false;       // P15: pathways whose in-person providers differ
  std::int32_t excluded = -1;  // P16: a candidate that takes no step after the prefix
  Cost floor = std::numeric_limits<Cost>::min();  // no pathway searched costs less (P6)
};

class Search {
 public:
  // A search with tables of its own.
  Search(const Problem& p, std::span<const std::uint32_t> partners_begin, std::span<const std::uint32_t> partner_ranks,
         std::pmr::memory_resource* mr, std::size_t top = 0);
  // A search on shared tables (made for at least this mode's top, and 2 when it excludes).
  Search(const Problem& p, Tables& tables, std::pmr::memory_resource* mr, const SearchMode& mode);
  Search(const Search&) = delete;
  Search& operator=(const Search&) = delete;

  // The best `top` pathways, best first, each as its candidates in order. With a prefix, only
  // pathways that begin with those steps (candidate indices, a valid partial pathway that meets
  // not every need), which each result then includes: a fallback's search (planner/options.cpp).
  // A seed (optional): a complete pathway that begins with the prefix, which the answer must beat.
  std::vector<std::vector<std::int32_t>> run(std::span<const std::int32_t> prefix = {},
                                             std::span<const std::int32_t> seed = {});
  std::size_t labels() const { return labels_.size(); }

 private:
  static constexpr Cost kNothingMade = std::numeric_limits<Cost>::min();
  static constexpr Cost kInfinite = Bounds::kInfinite;

  Search(const Problem& p, Tables* tables, std::span<const std::uint32_t> partners_begin,
         std::span<const std::uint32_t> partner_ranks, std::pmr::memory_resource* mr, const SearchMode& mode);

  struct Label {
    Problem::State state;
    Cost g = 0;
    Cost f = 0;
    std::int32_t parent = -1;
    std::int32_t candidate = -1;
    std::uint8_t depth = 0;
    Cost made_up_to = kNothingMade;  // P5: children with a lower bound up to this are made
    std::uint64_t sig = 0;           // P15: the in-person providers (signature())
    std::uint64_t in_person = 0;     // which steps are in person, a bit per depth
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
  using PlaceLeast = Tables::PlaceLeast;
  using Passing = Tables::Passing;
  using RemotePassing = Tables::RemotePassing;
  using Range = Tables::Range;
  static constexpr Cost kUnknownLeast = Tables::kUnknownLeast;
  // One round of one label's expansion (P5): what every child made in it shares.
  struct Round {
    std::int32_t li;
    Label cur;
    NeedSet rem, wanted, rem_k, wanted_k, covered_k;
    Cost done, limit, next = kInfinite;
    // When the next step can earn a reward (P8): the last provider's partners, by provider index
    // (sorted) and by rank (in the same order as its `partners` list).
    const std::vector<ProviderIndex>* partners_of_last = nullptr;
    std::span<const std::uint32_t> partner_ranks_of_last;
    std::uint32_t own[kMaxNeeds + 2];  // the label's provider ranks
    int n_own = 0;
    std::uint32_t kth[kMaxNeeds + 2];  // the k-th pathway's, read again when it changes
    std::int32_t kth_label = -1;
    int n_kth = 0;
  };
  // kDominatedSame: only by a label of the same signature (P15), which says nothing of a sibling
  // of another signature (P9).
  enum class Made { kNone, kKept, kDominated, kDominatedSame };

  std::int32_t candidate_of(std::uint32_t rank) const { return t_.candidate_of(rank); }
  // P15: a provider's part of a signature (signatures add them up, so the order of steps is
  // irrelevant), and whether two labels' in-person providers are the same (when signatures are).
  static std::uint64_t signature(std::uint32_t rank);
  std::int32_t chain(std::int32_t from, std::int32_t ci);
  bool same_in_person(std::int32_t a, std::int32_t b);
  void add_result(std::int32_t idx);

  // Labels and their provider ranks.
  std::uint32_t* ranks(std::int32_t l) { return path_.data() + static_cast<std::size_t>(l) * stride_; }
  const Label& label(std::int32_t l) const { return labels_[static_cast<std::size_t>(l)]; }
  int depth(std::int32_t l) const { return label(l).depth; }
  bool lex_less(std::int32_t a, std::int32_t b);
  bool result_less(std::int32_t a, std::int32_t b);
  Cost bound() const { return results_.size() < top_ ? kInfinite : label(results_.back()).g; }
  bool beyond(Cost f, std::int32_t l);

  // A new label, and whether it is kept.
  Made consider(std::int32_t li, std::int32_t ci);
  Made dominated_by_kept(std::int32_t idx, Vec<Kept>& same, Vec<Kept>& here);
  Vec<Kept>& kept_at_state(NeedSet covered, bool owed);
  Cost nearest_other(CommunityIndex c);

  // One round.
  void expand(Cost f, std::int32_t li);
  bool is_partner(const Round& r, std::int32_t ci) const;
  bool before_child(const Round& r, std::int32_t l, std::uint32_t last);
  bool child_after_kth(Round& r, std::int32_t ci, const Travelled& travelled);
  bool step_of(const Round& r, const Group& gr, bool in_person, NeedSet& covers, NeedSet& left) const;
  void make(Round& r, const Group& gr, bool in_person, Cost travel_c, std::int32_t travel_s, CommunityIndex place,
            NeedSet covers, Cost hv);
  void remote_steps(Round& r);
  void in_person_steps(Round& r);
  Vec<PlaceLeast>& least_by_place(const Round& r);
  void list_passing(const Round& r, CommunityIndex c, PlaceLeast& q);

  const Problem& p_;
  const std::size_t top_;
  const bool distinct_;
  const std::int32_t excluded_;
  const Cost floor_;
  const std::size_t places_;
  std::optional<Tables> own_;  // when the search has tables of its own
  Tables& t_;
  std::span<const std::uint32_t> partners_begin_, partner_ranks_;
  const Vec<Cost>& bonus_after_;
  Bounds& h_;
  Groups& groups_;
  Vec<Label> labels_;
  // Each label's provider ranks, `stride_` to a label (at most one step per need).
  const std::size_t stride_;
  Vec<std::uint32_t> path_;
  std::pmr::unordered_map<StateKey, Vec<Kept>, StateKeyHash> at_state_, at_place_;
  // The rounds' tables by set covered, in the shared tables (Tables).
  Vec<Passing>& passing_;
  std::pmr::unordered_map<NeedSet, Vec<PlaceLeast>>& place_least_;
  Vec<RemotePassing>& remote_passing_;
  std::pmr::unordered_map<NeedSet, Range>& remote_range_;
  // P14: when sets of needs are packed, the tables by set covered are flat (no hashing).
  const std::size_t flat_;
  Vec<Vec<Kept>> at_state_flat_;
  Vec<Vec<PlaceLeast>>& place_least_flat_;
  Vec<Range>& remote_range_flat_;
  using Entry = std::pair<Cost, std::int32_t>;  // (key, label): label index breaks ties (FIFO)
  std::priority_queue<Entry, Vec<Entry>, std::greater<>> open_;
  Vec<Cost>& nearest_other_at_;
  Vec<std::int32_t> results_;  // complete pathways, sorted in the total order, at most `top_`
  const NeedSet target_k_, interpretation_k_, in_person_only_k_;
};

}  // namespace nrm::planner::detail
