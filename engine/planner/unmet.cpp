// When no pathway meets every need: the needs no step can meet from here, the nearest provider
// offering each and what keeps it out, and the best pathway for the rest.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "i18n/text.hpp"
#include "planner/planner.hpp"

namespace nrm::planner {

PlanResult Planner::plan(const Case& c, Date as_of, Problem p, const PlanExtras& extras) const {
  p.start = c.location;
  PlanResult res;
  res.needs = p.needs;
  if (extras.distinct || extras.fallbacks || extras.alternates) {
    res.options = options(p, extras, &res.labels);
    for (const Option& o : res.options) res.pathways.push_back(o.pathway);
  } else {
    res.pathways = search(p, &res.labels);
  }
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
  if (extras.distinct || extras.fallbacks || extras.alternates)
    for (UnmetNeed& u : res.unmet) u.relaxations = relaxations(c, as_of, u.need);
  return res;
}

// The case's own constraints that, dropped one at a time, give a pathway meeting every need:
// the travel cap, the communities avoided, the attributes required (in that order), each with the
// provider that then meets `need` and what that pathway costs.
std::vector<Relaxation> Planner::relaxations(const Case& c, Date as_of, NeedId need) const {
  std::vector<Relaxation> out;
  auto attempt = [&](const char* constraint, Case relaxed) {
    relaxed.top = 1;
    PlanResult r = plan(relaxed, as_of);
    if (!r.complete || r.pathways.empty()) return;
    for (const PlannedStep& st : r.pathways[0].steps)
      if (st.covers & need_bit(need)) {
        out.push_back({constraint, st.provider, r.pathways[0].cost.total(), r.pathways[0].travel_hours});
        return;
      }
  };
  if (c.max_travel_hours) {
    Case r = c;
    r.max_travel_hours.reset();
    attempt("max_travel_hours", r);
  }
  if (!c.avoid.empty()) {
    Case r = c;
    r.avoid.clear();
    attempt("avoid", r);
  }
  if (c.require) {
    Case r = c;
    r.require = 0;
    attempt("require", r);
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
    const std::string need_label = label(d.taxonomy.needs[n]);
    // The nearest provider offering the service at all, and what keeps it out.
    std::optional<ProviderIndex> best;
    double best_h = std::numeric_limits<double>::infinity();
    for (ProviderIndex i = 0; i < d.providers.size(); ++i) {
      const Provider& prov = d.providers[i];
      if (!(prov.services & need_bit(n))) continue;
      if (std::binary_search(c.exclude.begin(), c.exclude.end(), i)) continue;  // the case ruled it out
      double hrs = prov.offers_remote() && !(p.in_person_only & need_bit(n))
                       ? 0.0 : travel_.hours(p.start, prov.community);
      if (hrs < best_h - kHoursEps || (std::abs(hrs - best_h) <= kHoursEps && best && id_rank_[i] < id_rank_[*best])) {
        best_h = hrs;
        best = i;
      }
    }
    if (!best) {
      u.reason = u.headline = i18n::tr(i18n::Msg::unmet_no_provider, {{"need", need_label}});
      u.blocked_by = "directory";
      out.push_back(u);
      continue;
    }
    u.nearest = best;
    u.nearest_travel_hours = best_h;
    u.nearest_remote = d.providers[*best].offers_remote() && !(p.in_person_only & need_bit(n));
    std::vector<rules::RuleHit> hits;
    rules::Assessment a = policy_.explain(c, d, *best, as_of, hits);
    std::string why;
    if (!a.eligible || (!a.in_person && !a.remote)) {
      for (const auto& hit : hits)
        if (hit.effect == rules::Effect::kExclude || hit.effect == rules::Effect::kExcludeInPerson) {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    } else if (a.withheld & need_bit(n)) {
      for (const auto& hit : hits)
        if (hit.effect == rules::Effect::kWithhold) {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    } else if (p.max_travel_hours && best_h > *p.max_travel_hours) {
      u.blocked_by = "max_travel_hours";
      why = i18n::tr(i18n::Msg::unmet_beyond_cap);
    } else if (!a.in_person && (p.in_person_only & need_bit(n))) {
      for (const auto& hit : hits)
        if (hit.effect == rules::Effect::kExcludeInPerson) {
          u.blocked_by = hit.rule_id;
          why = hit.reason;
          break;
        }
    }
    if (u.blocked_by.empty()) {
      u.blocked_by = "combination";
      why = i18n::tr(i18n::Msg::unmet_combination);
    }
    using i18n::Msg;
    using i18n::tr;
    const Community& where = d.geography[d.providers[*best].community];
    u.headline = p.max_travel_hours ? tr(Msg::unmet_no_eligible_within,
                                         {{"need", need_label}, {"hours", std::to_string(static_cast<int>(*p.max_travel_hours))}})
                                    : tr(Msg::unmet_no_eligible, {{"need", need_label}});
    const std::string& name = d.providers[*best].name;
    const std::string& id = d.providers[*best].id;
    u.blocker = u.nearest_remote ? tr(Msg::unmet_nearest_remote, {{"name", name}, {"id", id}, {"place", where.name},
                                                                  {"blocked_by", u.blocked_by}})
                                 : tr(Msg::unmet_nearest, {{"name", name}, {"id", id}, {"hours", i18n::decimal(best_h, 1)},
                                                           {"place", where.name}, {"blocked_by", u.blocked_by}});
    if (!why.empty()) u.blocker = tr(Msg::unmet_because, {{"blocker", u.blocker}, {"why", why}});
    u.reason = tr(Msg::unmet_reason, {{"headline", u.headline}, {"blocker", u.blocker}});
    out.push_back(u);
  }
  return out;
}

}  // namespace nrm::planner
