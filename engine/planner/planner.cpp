// The planner's face: a case prepared into a Problem (its candidates, once per case), the search
// run on it (search.hpp: the invariants and why it is exact), and the answer priced step by step.
#include "planner/planner.hpp"

#include <algorithm>
#include <cmath>

#include "planner/search.hpp"

namespace nrm::planner {

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

std::vector<PlannedPathway> Planner::search(const Problem& p, std::size_t* labels) const {
  detail::Scratch scratch;  // declared first: every table of the search is dropped before it
  detail::Search search(p, partners_begin_, partner_ranks_, scratch.resource());
  const auto found = search.run();
  if (labels) *labels = search.labels();
  std::vector<PlannedPathway> out;
  for (const auto& seq : found) out.push_back(price(p, seq));
  return out;
}

bool Planner::can_move(const Case& c, CommunityIndex to) const {
  const auto& g = directory_.geography;
  return !policy_.reads_case_location() && g[c.location].province == g[to].province;
}

PlanResult Planner::plan(const Case& c, Date as_of) const { return plan(c, as_of, prepare(c, as_of)); }

}  // namespace nrm::planner
