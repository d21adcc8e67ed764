// Options a worker can act on: pathways that differ in more than a phone line, the best fallback
// for every step, and the phone/video providers that could take a remote step's place. See
// docs/ranking.md, "Options a worker can act on".
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "planner/planner.hpp"

namespace nrm::planner {

namespace {

// The most pathways enumerated to find `top` that differ in their in-person steps: a bound on the
// effort, not on the answer in any shipped or generated case measured (docs/ranking.md).
constexpr std::size_t kDistinctSearchCap = 64;
// The same for the rare fallback of a provider's second visit (options() below).
constexpr std::size_t kFallbackSearchCap = 256;
// The next step cannot follow an alternate: never listed.
constexpr Cost kNoNext = std::numeric_limits<Cost>::max() / 4;

// The providers of a pathway's in-person steps: two pathways with the same are one option for the
// person (they differ only in who answers a phone, or in the order of the same visits).
std::vector<ProviderIndex> in_person_steps(const PlannedPathway& p) {
  std::vector<ProviderIndex> out;
  for (const PlannedStep& st : p.steps)
    if (st.in_person) out.push_back(st.provider);
  std::sort(out.begin(), out.end());
  return out;
}

bool starts_with(const std::vector<std::int32_t>& seq, std::span<const std::int32_t> prefix) {
  return seq.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), seq.begin());
}

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
  // The n best pathways, for n growing until `top` of them differ in their in-person steps (or
  // there are no more): the first of each kind is the best of that kind, since every pathway
  // better than it is among the n.
  std::vector<std::vector<std::int32_t>> all;
  std::vector<PlannedPathway> priced;
  std::vector<std::size_t> chosen;
  bool exhaustive = false;
  for (std::size_t n = k;; n = std::min(2 * n, kDistinctSearchCap)) {
    all = search_sequences(p, labels, {}, n);
    exhaustive = all.size() < n;
    priced.clear();
    chosen.clear();
    std::set<std::vector<ProviderIndex>> seen;
    for (std::size_t i = 0; i < all.size(); ++i) {
      priced.push_back(price(p, all[i]));
      if (chosen.size() < k && (!x.distinct || seen.insert(in_person_steps(priced.back())).second))
        chosen.push_back(i);
    }
    if (!x.distinct || chosen.size() >= k || exhaustive || n >= kDistinctSearchCap) break;
  }
  // Fallbacks: the best pathway with the same first steps and without a provider. The first of the
  // n enumerated that qualifies is it (all better ones are enumerated); when none does and the n
  // were not all there are, a search from those steps with the provider left out finds it.
  std::map<std::pair<std::vector<std::int32_t>, std::int32_t>, std::optional<std::vector<std::int32_t>>> searched;
  auto fallback = [&](const std::vector<std::int32_t>& seq, std::size_t at) -> std::optional<PlannedPathway> {
    const std::span<const std::int32_t> prefix(seq.data(), at);
    const std::int32_t out = seq[at];
    auto qualifies = [&](const std::vector<std::int32_t>& s) {
      return starts_with(s, prefix) && std::find(s.begin() + static_cast<long>(at), s.end(), out) == s.end();
    };
    for (std::size_t i = 0; i < all.size(); ++i)
      if (qualifies(all[i])) return priced[i];
    if (exhaustive) return std::nullopt;
    if (std::find(prefix.begin(), prefix.end(), out) != prefix.end()) {
      // The provider took an earlier step too (a second visit, e.g. for interpretation): it cannot
      // be left out of the problem, so more of the best pathways are enumerated instead.
      for (std::size_t n = 2 * all.size(); n <= kFallbackSearchCap; n *= 2) {
        const auto more = search_sequences(p, labels, {}, n);
        for (const auto& s : more)
          if (qualifies(s)) return price(p, s);
        if (more.size() < n) break;
      }
      return std::nullopt;
    }
    auto [it, fresh] = searched.try_emplace({std::vector<std::int32_t>(prefix.begin(), prefix.end()), out});
    if (fresh) {
      Problem without = p;  // the candidates but `out` (indices after it move down one)
      without.candidates.erase(without.candidates.begin() + out);
      std::vector<std::int32_t> moved(prefix.begin(), prefix.end());
      for (auto& ci : moved) ci -= ci > out ? 1 : 0;
      auto found = search_sequences(without, labels, moved, 1);
      if (!found.empty()) {
        for (auto& ci : found[0]) ci += ci >= out ? 1 : 0;
        it->second = std::move(found[0]);
      }
    }
    if (!it->second) return std::nullopt;
    return price(p, *it->second);
  };
  std::vector<Option> options;
  for (const std::size_t i : chosen) {
    Option& o = options.emplace_back();
    o.pathway = priced[i];
    for (std::size_t at = 0; at < all[i].size(); ++at) {
      o.fallbacks.push_back(x.fallbacks ? fallback(all[i], at) : std::nullopt);
      o.alternates.push_back(x.alternates && !o.pathway.steps[at].in_person ? alternates_of(p, all[i], at)
                                                                            : std::vector<Alternate>{});
    }
  }
  return options;
}

}  // namespace nrm::planner
