// The planner's face: a case prepared into a Problem (its candidates, once per case), the search
// run on it (search.hpp: the invariants and why it is exact), and the answer priced step by step.
#include "planner/planner.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "planner/search.hpp"

namespace nrm::planner {

Planner::Planner(const Directory& d, const rules::Policy& policy, const geo::TravelModel& travel)
    : directory_(d), policy_(policy), travel_(travel), clock_(d.geography) {
  std::vector<ProviderIndex> order(d.providers.size());
  for (ProviderIndex i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](ProviderIndex a, ProviderIndex b) { return d.providers[a].id < d.providers[b].id; });
  id_rank_.resize(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) id_rank_[order[r]] = r;
  by_id_ = std::move(order);
  const auto provinces = static_cast<std::size_t>(d.taxonomy.provinces.size());
  roster_once_ = std::make_unique<std::once_flag[]>(provinces);
  rosters_.resize(provinces);
  linked_.assign(d.providers.size(), 0);
  for (ProviderIndex i = 0; i < d.providers.size(); ++i)
    for (ProviderIndex q : d.providers[i].partners) linked_[i] = linked_[q] = 1;
  classify_locations();
}

void Planner::classify_locations() {
  const Directory& d = directory_;
  const std::size_t n = d.geography.size();
  location_class_.assign(n, 0);
  if (policy_.reads_case_location() && !policy_.reads_location_only_by_catchment()) {
    for (std::size_t c = 0; c < n; ++c) location_class_[c] = static_cast<int>(c);
    location_classes_ = static_cast<int>(n);
    return;
  }
  // (province, providers whose catchment holds it); the list is empty when no rule reads it.
  std::vector<std::vector<ProviderIndex>> holding(n);
  if (policy_.reads_case_location())
    for (ProviderIndex i = 0; i < d.providers.size(); ++i)
      for (CommunityIndex c : d.providers[i].catchment) holding[c].push_back(i);
  std::map<std::pair<int, std::vector<ProviderIndex>>, int> ids;
  for (CommunityIndex c = 0; c < n; ++c) {
    auto [it, fresh] = ids.try_emplace({d.geography[c].province, std::move(holding[c])}, static_cast<int>(ids.size()));
    location_class_[c] = it->second;
  }
  location_classes_ = static_cast<int>(ids.size());
}

const Planner::Roster& Planner::roster_in(int province) const {
  const auto i = static_cast<std::size_t>(province);
  std::call_once(roster_once_[i], [&] {
    const Directory& d = directory_;
    Roster& r = rosters_[i];
    // The province's own providers first (a local line before a national one), then by id.
    r.by_rank = by_id_;
    std::stable_partition(r.by_rank.begin(), r.by_rank.end(), [&](ProviderIndex q) {
      return d.geography[d.providers[q].community].province == province;
    });
    r.rank_of.resize(r.by_rank.size());
    for (std::uint32_t rank = 0; rank < r.by_rank.size(); ++rank) r.rank_of[r.by_rank[rank]] = rank;
    r.partners_begin.assign(d.providers.size() + 1, 0);
    for (ProviderIndex q = 0; q < d.providers.size(); ++q) {
      for (ProviderIndex partner : d.providers[q].partners) r.partner_ranks.push_back(r.rank_of[partner]);
      r.partners_begin[q + 1] = static_cast<std::uint32_t>(r.partner_ranks.size());
    }
    const std::vector<char> excluded = policy_.excluded_in_province(d, province);
    for (std::uint32_t rank = 0; rank < r.by_rank.size(); ++rank)
      if (!excluded[r.by_rank[rank]]) {
        const Provider& prov = d.providers[r.by_rank[rank]];
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
  // A second of travel costs a whole number when the weight has at most three decimals.
  auto whole_per_second = [](double weight) -> std::optional<Cost> {
    const double v = weight * static_cast<double>(rules::kCostScale) / 3600.0;
    if (v == std::round(v)) return static_cast<Cost>(v);
    return std::nullopt;
  };
  p.start = c.location;
  p.needs = policy_.derive_needs(c, d);
  p.target = p.needs.needs;
  {
    const auto base = whole_per_second(p.weights.travel_hour);
    bool whole = base.has_value();
    for (const auto& [need, weight] : p.weights.urgency)
      if (p.target & need_bit(need)) {
        const auto extra = whole_per_second(weight);
        whole = whole && extra;
        p.urgency.push_back({need_bit(need), weight, extra.value_or(0)});
        p.urgent |= need_bit(need);
      }
    if (whole && (*base > 0 || !p.urgency.empty())) {
      p.per_second = base.value_or(0);
      p.whole_seconds = true;
    }
  }
  const auto& lang = policy_.language();
  if (lang.enabled && lang.interpretation_need >= 0) p.interpretation = need_bit(lang.interpretation_need);
  p.in_person_only = tax.in_person_needs();
  p.immediate = tax.immediate_needs() & p.target;
  p.max_travel_hours = c.max_travel_hours;
  p.top = c.top;
  const NeedSet relevant = p.target | p.interpretation;
  const Cost handoff = rules::to_cost(p.weights.handoff);
  const rules::CaseRules case_rules = policy_.prepare(c, d, as_of);  // the case folded in once
  // Languages the person understands: 2 for their first, 1 for another.
  std::vector<char> understood(tax.languages.size(), 0);
  for (LangId l = 0; l < static_cast<LangId>(understood.size()); ++l)
    for (std::size_t at = 0; at < c.languages.size(); ++at)
      if (tax.languages_match(l, c.languages[at])) understood[l] = std::max<char>(understood[l], at == 0 ? 2 : 1);
  const Cost later_language = rules::to_cost(lang.later_language);
  // In id order, so that candidates come out sorted by rank; providers every case in the province
  // excludes are not in its roster (the assessment would say so, at a higher price).
  const Roster& roster = roster_in(d.geography[c.location].province);
  p.candidates.reserve(roster.rank.size());  // at most; only the used part is ever copied
  // The rules read a provider's entry from three of its cache lines, which a pass in id order
  // does not bring in by itself: they are asked for a few providers ahead.
  constexpr std::size_t kAhead = 8;
  auto fetch = [&](std::size_t at) {
    const Provider& e = d.providers[roster.by_rank[roster.rank[at]]];
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
    const ProviderIndex i = roster.by_rank[r];
    if (!c.exclude.empty() && std::binary_search(c.exclude.begin(), c.exclude.end(), i)) continue;  // the case's exclude
    const Provider& prov = d.providers[i];
    rules::Assessment a = case_rules.assess_kept(i);  // in the roster: the province filter kept it
    if (!a.eligible) continue;
    char best = 0;  // the best the provider does: 2 speaks the first language, 1 another
    for (auto l = roster.languages.begin() + (at ? roster.languages_end[at - 1] : 0);
         l != roster.languages.begin() + roster.languages_end[at]; ++l)
      best = std::max(best, understood[static_cast<std::size_t>(*l)]);
    const bool speaks = best != 0;
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
    k.penalties = a.penalties + (best == 1 ? later_language : 0);
    k.in_person_penalties = a.in_person_penalties;
    k.base = handoff + k.wait + k.preferences + k.penalties;
    k.stale = a.stale;
    k.rank = r;
    k.linked = linked_[i] != 0;
  }
  if (c.when) add_hours(c, p);
  return p;
}

// Intake hours at the case's time (docs/ranking.md, "Open hours"). An immediate need is not
// offered at a closed intake while an open one (or one whose hours are unknown) could meet it;
// any other step at a closed intake waits until it opens, and the wait is counted.
void Planner::add_hours(const Case& c, Problem& p) const {
  const Directory& d = directory_;
  const geo::Clock::Instant at = clock_.instant(c.location, *c.when);
  std::vector<int> minute(static_cast<std::size_t>(clock_.zones()));
  for (int z = 0; z < clock_.zones(); ++z) minute[static_cast<std::size_t>(z)] = clock_.local_in_zone(z, at).minute_of_week();
  std::vector<char> closed(p.candidates.size(), 0);
  NeedSet open_cover = 0;
  for (std::size_t i = 0; i < p.candidates.size(); ++i) {
    Candidate& k = p.candidates[i];
    const Provider& prov = d.providers[k.provider];
    const int m = minute[static_cast<std::size_t>(clock_.zone_of(prov.community))];
    if (prov.hours.open_at(m)) {
      open_cover |= k.useful_in_person | k.useful_remote;
      continue;
    }
    closed[i] = 1;
    if (const auto wait = prov.hours.minutes_until_open(m)) {
      const Cost w = rules::to_cost(p.weights.wait_day * *wait / kMinutesPerDay);
      k.wait += w;
      k.base += w;
    }
  }
  const NeedSet set_aside = p.immediate & open_cover;
  if (!set_aside) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < p.candidates.size(); ++i) {
    Candidate k = p.candidates[i];
    if (closed[i]) {
      k.useful_in_person &= ~set_aside;
      k.useful_remote &= ~set_aside;
      if (!k.useful_in_person && !k.useful_remote) continue;
    }
    p.candidates[kept++] = k;  // order (by rank) kept
  }
  p.candidates.resize(kept);
}

std::optional<Planner::Intake> Planner::intake_at(const Case& c, ProviderIndex i) const {
  if (!c.when) return std::nullopt;
  const Provider& prov = directory_.providers[i];
  const geo::Clock::Instant at = clock_.instant(c.location, *c.when);
  const int m = clock_.local(prov.community, at).minute_of_week();
  Intake out;
  out.open_now = prov.hours.open_at(m);
  if (!out.open_now)
    if (const auto wait = prov.hours.minutes_until_open(m))
      out.opens = clock_.local(c.location, at + static_cast<geo::Clock::Instant>(*wait) * 60);
  return out;
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

std::vector<std::vector<std::int32_t>> Planner::search_sequences(const Problem& p, std::size_t* labels,
                                                                 std::span<const std::int32_t> prefix,
                                                                 std::size_t top) const {
  detail::Scratch scratch;  // declared first: every table of the search is dropped before it
  const Roster& roster = roster_in(directory_.geography[p.start].province);
  detail::Search search(p, roster.partners_begin, roster.partner_ranks, scratch.resource(), top);
  auto found = search.run(prefix);
  if (labels) *labels += search.labels();
  return found;
}

std::vector<PlannedPathway> Planner::search(const Problem& p, std::size_t* labels) const {
  if (labels) *labels = 0;
  std::vector<PlannedPathway> out;
  for (const auto& seq : search_sequences(p, labels)) out.push_back(price(p, seq));
  return out;
}


PlanResult Planner::plan(const Case& c, Date as_of, const PlanExtras& extras) const {
  return plan(c, as_of, prepare(c, as_of), extras);
}

}  // namespace nrm::planner
