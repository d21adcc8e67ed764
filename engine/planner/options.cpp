// Options a worker can act on: pathways that differ in more than a phone line, the best fallback
// for every step, and the phone/video providers that could take a remote step's place. See
// docs/ranking.md, "Options a worker can act on".
#include <algorithm>
#include <bit>
#include <limits>
#include <map>

#include "planner/planner.hpp"
#include "planner/search.hpp"

namespace nrm::planner {

namespace {

// The next step cannot follow an alternate: never listed.
constexpr Cost kNoNext = std::numeric_limits<Cost>::max() / 4;

}  // namespace

std::vector<Alternate> Planner::alternates_of(const Problem& p, const std::vector<std::int32_t>& seq,
                                              std::size_t at) const {
  const auto listed = static_cast<std::size_t>(p.weights.alternates_listed);
  if (listed == 0) return {};
  Problem::State s;
  s.location = p.start;
  Cost unused = 0;
  for (std::size_t i = 0; i < at; ++i) {
    const auto st = p.step(s, seq[i], unused);
    if (!st) return {};
    s = p.after(s, seq[i], *st);
  }
  // The order of phone/video steps at the end changes nothing for the person (State::tail): an
  // alternate is not held to it.
  s.tail = false;
  Cost own = 0;
  const auto mine = p.step(s, seq[at], own);
  if (!mine || mine->in_person) return {};
  // What the next step costs after a given provider (a partner reward may be lost or won).
  auto next_cost = [&](std::int32_t ci, const PlannedStep& st) -> Cost {
    if (at + 1 >= seq.size()) return 0;
    Problem::State n = p.after(s, ci, st);
    n.tail = false;
    Cost c = 0;
    return p.step(n, seq[at + 1], c) ? c : kNoNext;
  };
  const Cost before = own + next_cost(seq[at], *mine);
  const Cost within = rules::to_cost(p.weights.alternate_within);
  std::vector<Alternate> out;
  for (std::int32_t ci = 0; ci < static_cast<std::int32_t>(p.candidates.size()); ++ci) {
    const Candidate& k = p.candidates[static_cast<std::size_t>(ci)];
    if ((k.useful_remote & mine->covers) != mine->covers) continue;
    if (std::find(seq.begin(), seq.end(), ci) != seq.end()) continue;
    Cost c = 0;
    const auto st = p.step(s, ci, c);
    if (!st || st->in_person || st->covers != mine->covers) continue;
    if (st->owes_interpretation && !mine->owes_interpretation) continue;
    const Cost extra = c + next_cost(ci, *st) - before;
    if (extra <= within) out.push_back({k.provider, extra});
  }
  std::sort(out.begin(), out.end(), [&](const Alternate& a, const Alternate& b) {
    return a.extra != b.extra ? a.extra < b.extra : id_rank_[a.provider] < id_rank_[b.provider];
  });
  if (out.size() > listed) out.resize(listed);
  return out;
}

std::vector<Option> Planner::options(const Problem& p, const PlanExtras& x, std::size_t* labels) const {
  const auto k = static_cast<std::size_t>(std::max(1, p.top));
  // One set of tables for every search of this problem: the groups keep two of a class at least,
  // so that a fallback, which leaves a candidate out, still finds the next (search.hpp, P16).
  detail::Scratch scratch;  // declared first: every table is dropped before it
  const Roster& roster = roster_in(directory_.geography[p.start].province);
  detail::Tables tables(p, roster.partners_begin, roster.partner_ranks, std::max<std::size_t>(k, 2), scratch.resource());
  auto search = [&](const detail::SearchMode& mode, std::span<const std::int32_t> prefix,
                    std::span<const std::int32_t> seed) {
    detail::Search s(p, tables, scratch.resource(), mode);
    auto found = s.run(prefix, seed);
    if (labels) *labels += s.labels();
    return found;
  };
  // The first `top` pathways whose in-person providers differ (P15), each the best of its kind.
  const auto chosen = search(detail::SearchMode{k, x.distinct, -1}, {}, {});
  // Fallbacks: the best pathway that keeps the steps before and leaves the provider out of the
  // rest (P16); options often share a prefix and a provider, so each is searched once.
  // A search that cannot succeed would look at every pathway before it says so: when the provider
  // left out is the only candidate for a need still to meet, there is no fallback.
  std::vector<int> coverers(kMaxNeeds, 0);
  for (const Candidate& c : p.candidates)
    for (NeedSet n = (c.useful_in_person | c.useful_remote) & p.target; n; n &= n - 1) ++coverers[std::countr_zero(n)];
  auto sole_coverer = [&](const std::vector<std::int32_t>& seq, std::size_t at) {
    Problem::State s;
    s.location = p.start;
    Cost unused = 0;
    for (std::size_t i = 0; i < at; ++i)
      if (const auto st = p.step(s, seq[i], unused)) s = p.after(s, seq[i], *st);
    const Candidate& out = p.candidates[static_cast<std::size_t>(seq[at])];
    for (NeedSet n = (out.useful_in_person | out.useful_remote) & p.target & ~s.covered; n; n &= n - 1)
      if (coverers[std::countr_zero(n)] == 1) return true;
    return false;
  };
  // Every pathway known so far, with its cost: the options, then the fallbacks found. The first
  // option is the best pathway of all, so it is the best with any of its prefixes: the fallback of
  // a step that shares that prefix, when it leaves the provider out. Otherwise the cheapest known
  // pathway that qualifies seeds the search (P16), which then only looks for better ones.
  std::vector<PlannedPathway> priced;  // the options, priced once
  std::vector<std::pair<std::vector<std::int32_t>, Cost>> known;
  for (const auto& seq : chosen) {
    priced.push_back(price(p, seq));
    known.emplace_back(seq, priced.back().cost.total());
  }
  auto qualifies = [](const std::vector<std::int32_t>& s, std::span<const std::int32_t> prefix, std::int32_t out) {
    return s.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin()) &&
           std::find(s.begin() + static_cast<std::ptrdiff_t>(prefix.size()), s.end(), out) == s.end();
  };
  std::map<std::pair<std::vector<std::int32_t>, std::int32_t>, std::optional<PlannedPathway>> searched;
  auto fallback = [&](const std::vector<std::int32_t>& seq, std::size_t at) -> std::optional<PlannedPathway> {
    const std::span<const std::int32_t> prefix(seq.data(), at);
    const std::int32_t out = seq[at];
    if (qualifies(chosen[0], prefix, out)) return priced[0];
    auto [it, fresh] = searched.try_emplace({std::vector<std::int32_t>(prefix.begin(), prefix.end()), out});
    if (fresh && !sole_coverer(seq, at)) {
      const std::vector<std::int32_t>* seed = nullptr;
      Cost least = 0;
      for (const auto& [s, cost] : known)
        if (qualifies(s, prefix, out) && (!seed || cost < least)) seed = &s, least = cost;
      // No pathway costs less than the first option, the best of all: the search's floor (P6).
      const detail::SearchMode mode{1, false, out, priced[0].cost.total()};
      auto found = search(mode, prefix, seed ? std::span<const std::int32_t>(*seed) : std::span<const std::int32_t>{});
      if (!found.empty()) {
        it->second = price(p, found[0]);
        known.emplace_back(std::move(found[0]), it->second->cost.total());
      }
    }
    return it->second;
  };
  std::vector<Option> options;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& seq = chosen[i];
    Option& o = options.emplace_back();
    o.pathway = priced[i];
    for (std::size_t at = 0; at < seq.size(); ++at) {
      o.fallbacks.push_back(x.fallbacks ? fallback(seq, at) : std::nullopt);
      o.alternates.push_back(x.alternates && !o.pathway.steps[at].in_person ? alternates_of(p, seq, at)
                                                                            : std::vector<Alternate>{});
    }
  }
  return options;
}

}  // namespace nrm::planner
