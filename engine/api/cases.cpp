// Tracked cases, the engine's half: the pathway check (per step: the rules, consent, usefulness;
// together: every need met in an order the planner would take) and the replacement after a decline.
// Both work on the planner's Problem left once the kept steps are taken (see residual()).
#include "api/cases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace nrm::api {

namespace {

using planner::PlannedPathway;
using planner::PlannedStep;
using planner::Problem;
using rules::Cost;

// The need policy opens whatever the person consented to, for a minor (docs/api.md, "Consent").
constexpr std::string_view kDutyNeed = "child.protection";

std::string labels(const Taxonomy& t, NeedSet s) {
  std::string out;
  for (NeedSet r = s; r; r &= r - 1) {
    const NeedId n = std::countr_zero(r);
    out += (out.empty() ? "" : ", ") + t.needs[n].en + " (" + t.needs.code(n) + ")";
  }
  return out.empty() ? std::string("nothing") : out;
}

// The child-protection need when policy sends this person there whatever was asked (a minor): the
// need derived for the case with it left out of the needs asked. 0 when not.
NeedSet duty_need(const Engine& e, const Case& c) {
  const auto n = e.directory().taxonomy.needs.find(kDutyNeed);
  if (!n) return 0;
  Case probe = c;
  std::erase(probe.needs, *n);
  for (const auto& der : e.policy().derive_needs(probe, e.directory()).derived)
    if (der.need == *n) return need_bit(*n);
  return 0;
}

bool speaks(const Engine& e, const Case& c, ProviderIndex p) {
  const Taxonomy& t = e.directory().taxonomy;
  for (LangId pl : e.directory().providers[p].languages)
    for (LangId cl : c.languages)
      if (t.languages_match(pl, cl)) return true;
  return false;
}

// The planner's problem once the kept steps are taken: they cover what they cover, the person is
// where the last in-person one is, the travel cap is what they left of it, and interpretation is
// still owed when one of them does not speak the person's languages and none gives it. The
// providers of `out` (declined) and the kept ones take no new step. With `only`, just those needs
// are to be met (no consent to share: a minor's child protection) and interpretation is the
// agency's own to arrange.
struct Residual {
  Problem problem;
  std::vector<PlannedStep> kept;  // as taken: from, travel, interpretation owed
  double kept_hours = 0;
};

Residual residual(const Engine& e, Case c, const std::vector<KeptStep>& kept, const std::vector<ProviderIndex>& out,
                  NeedSet only, Date as_of) {
  const Directory& d = e.directory();
  for (const KeptStep& k : kept) c.exclude.push_back(k.provider);
  c.exclude.insert(c.exclude.end(), out.begin(), out.end());
  std::sort(c.exclude.begin(), c.exclude.end());
  c.exclude.erase(std::unique(c.exclude.begin(), c.exclude.end()), c.exclude.end());
  Residual r;
  r.problem = e.planner().prepare(c, as_of);
  Problem& p = r.problem;
  p.top = 1;
  if (only) {
    p.target &= only;
    p.interpretation = 0;
  }
  NeedSet done = 0;
  bool owed = false;
  CommunityIndex at = c.location;
  for (const KeptStep& k : kept) {
    PlannedStep st;
    st.provider = k.provider;
    st.covers = k.covers;
    st.in_person = k.in_person;
    st.from = at;
    if (k.in_person) {
      const CommunityIndex to = d.providers[k.provider].community;
      const double h = e.travel().hours(at, to);
      st.travel_hours = std::isfinite(h) ? h : 0;
      at = to;
    }
    st.owes_interpretation = p.interpretation != 0 && !speaks(e, c, k.provider);
    owed = owed || st.owes_interpretation;
    r.kept_hours += st.travel_hours;
    done |= k.covers;
    r.kept.push_back(st);
  }
  if (p.interpretation & done) p.interpretation = 0;  // arranged by a kept step
  else if (owed) p.target |= p.interpretation;
  p.target &= ~done;
  p.immediate &= p.target;
  std::erase_if(p.urgency, [&](const Problem::Urgency& u) { return !(u.need & p.target); });
  if (p.max_travel_hours) p.max_travel_hours = std::max(0.0, *p.max_travel_hours - r.kept_hours);
  p.start = at;
  return r;
}

std::int32_t candidate_of(const Problem& p, ProviderIndex i) {
  for (std::size_t ci = 0; ci < p.candidates.size(); ++ci)
    if (p.candidates[ci].provider == i) return static_cast<std::int32_t>(ci);
  return -1;
}

// Every order of `pool` (candidate indices), each step taken as Problem::step takes it (the one
// definition of a step); the best complete one in the planner's total order: cost, then the
// providers' id ranks in order. At most kMaxCaseSteps candidates, so at most 8! orders, and far
// fewer in practice (a step must meet something new; immediate needs come first).
struct Order {
  std::vector<std::int32_t> seq;
  Cost cost = 0;
  bool found = false;
};

Order best_order(const Problem& p, const std::vector<std::int32_t>& pool) {
  Order best;
  std::vector<std::int32_t> seq;
  std::vector<char> used(pool.size(), 0);
  auto sorts_before = [&](const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [&](std::int32_t x, std::int32_t y) {
      return p.candidates[static_cast<std::size_t>(x)].rank < p.candidates[static_cast<std::size_t>(y)].rank;
    });
  };
  std::function<void(const Problem::State&, Cost)> go = [&](const Problem::State& s, Cost cost) {
    if (seq.size() == pool.size()) {
      if (p.complete(s) && (!best.found || cost < best.cost || (cost == best.cost && sorts_before(seq, best.seq))))
        best = {seq, cost, true};
      return;
    }
    for (std::size_t i = 0; i < pool.size(); ++i) {
      if (used[i]) continue;
      Cost c = 0;
      const auto st = p.step(s, pool[i], c);
      if (!st) continue;
      used[i] = 1;
      seq.push_back(pool[i]);
      go(p.after(s, pool[i], *st), cost + c);
      seq.pop_back();
      used[i] = 0;
    }
  };
  Problem::State root;
  root.location = p.start;
  go(root, 0);
  return best;
}

// One check of a request in progress: the request's new steps against the residual problem.
class Checker {
 public:
  Checker(const Engine& e, const Case& c, const PathwayRequest& rq, Date as_of, PathwayCheck& out)
      : e_(e), d_(e.directory()), t_(d_.taxonomy), c_(c), rq_(rq), as_of_(as_of), out_(out) {}

  void run() {
    out_.needs = e_.policy().derive_needs(c_, d_);
    const NeedSet duty = duty_need(e_, c_);
    out_.duty_to_report = duty != 0;
    if (!rq_.consent.share && !duty) {
      fail(-1, "", "consent-share",
           "the person has not agreed to share their situation with the providers of the pathway; a case needs that "
           "consent (only a minor's child-protection step is opened without it)");
      return;
    }
    only_ = rq_.consent.share ? 0 : duty;
    res_ = residual(e_, c_, rq_.kept, rq_.declined, only_, as_of_);
    const Problem& p = res_.problem;
    resolve_steps();
    if (!out_.failures.empty() && fresh_.empty()) return;
    NeedSet usable = 0;
    for (const Fresh& f : fresh_)
      if (f.candidate >= 0) usable |= useful(f.candidate);
    check_coverage(p.target & ~usable);
    if (!out_.failures.empty()) return;
    std::vector<std::int32_t> pool;
    for (const Fresh& f : fresh_) pool.push_back(f.candidate);
    const Order best = best_order(p, pool);
    if (!best.found) return explain_no_order(pool);
    Problem::State s;
    s.location = p.start;
    for (std::int32_t ci : best.seq) {
      Cost unused = 0;
      const PlannedStep st = *p.step(s, ci, unused);
      s = p.after(s, ci, st);
      for (const Fresh& f : fresh_)
        if (f.candidate == ci) {
          CheckedStep& out = out_.steps[static_cast<std::size_t>(f.index)];
          out.covers = st.covers;
          out.in_person = st.in_person;
          out.duty = (st.covers & duty) != 0;
        }
    }
  }

 private:
  struct Fresh {
    int index = 0;               // in the steps given
    std::int32_t candidate = -1; // in the residual problem; -1 when it cannot take a step
  };

  void fail(int step, std::string provider, std::string rule, std::string reason) {
    out_.failures.push_back({step, std::move(provider), std::move(rule), std::move(reason)});
  }
  void fail(int step, ProviderIndex p, std::string rule, std::string reason) {
    fail(step, d_.providers[p].id, std::move(rule), std::move(reason));
  }
  NeedSet useful(std::int32_t ci) const {
    const Candidate& k = res_.problem.candidates[static_cast<std::size_t>(ci)];
    return (k.useful_in_person | k.useful_remote) & (res_.problem.target | res_.problem.interpretation);
  }
  using Candidate = planner::Candidate;

  // Each step given: a kept one as it was, a new one checked on its own (rules, consent, use).
  void resolve_steps() {
    const auto& steps = rq_.steps;
    std::size_t fresh = 0;
    for (ProviderIndex i : steps)
      if (std::none_of(rq_.kept.begin(), rq_.kept.end(), [&](const KeptStep& k) { return k.provider == i; })) ++fresh;
    if (fresh > kMaxCaseSteps) {
      fail(-1, "", "too-many-steps", fmt::format("{} new steps; a pathway takes at most {}", fresh, kMaxCaseSteps));
      return;
    }
    for (const KeptStep& k : rq_.kept)
      if (std::find(steps.begin(), steps.end(), k.provider) == steps.end())
        fail(-1, k.provider, "keep-accepted",
             d_.providers[k.provider].name + " has accepted: its step stays in the pathway (withdraw it to end it)");
    for (std::size_t at = 0; at < steps.size(); ++at) {
      const ProviderIndex i = steps[at];
      const int index = static_cast<int>(at);
      CheckedStep& out = out_.steps.emplace_back();
      out.provider = i;
      if (auto first = std::find(steps.begin(), steps.end(), i); first != steps.begin() + static_cast<std::ptrdiff_t>(at)) {
        fail(index, i, "one-step-per-provider",
             fmt::format("{} is already step {}", d_.providers[i].name, first - steps.begin() + 1));
        continue;
      }
      if (auto k = std::find_if(rq_.kept.begin(), rq_.kept.end(), [&](const KeptStep& x) { return x.provider == i; });
          k != rq_.kept.end()) {
        out.covers = k->covers;
        out.in_person = k->in_person;
        out.kept = true;
        out.duty = (k->covers & duty_need(e_, c_)) != 0;
        continue;
      }
      const std::size_t before = out_.failures.size();
      check_step(index, i);
      Fresh& f = fresh_.emplace_back();
      f.index = index;
      if (out_.failures.size() == before) {
        f.candidate = candidate_of(res_.problem, i);
        if (f.candidate < 0)
          fail(index, i, "not-usable", d_.providers[i].name + " cannot take a step for this case");
      }
    }
  }

  // Why provider `i` may not take a new step (nothing added when it may).
  void check_step(int index, ProviderIndex i) {
    const Provider& prov = d_.providers[i];
    const Problem& p = res_.problem;
    if (std::find(rq_.declined.begin(), rq_.declined.end(), i) != rq_.declined.end())
      return fail(index, i, "declined", prov.name + " has declined this case; it is not asked again");
    if (std::binary_search(c_.exclude.begin(), c_.exclude.end(), i))
      return fail(index, i, "exclude", "the case excludes " + prov.name + " (its exclude list)");
    std::vector<rules::RuleHit> hits;
    const rules::Assessment a = e_.policy().explain(c_, d_, i, as_of_, hits);
    if (!a.eligible) {
      for (const auto& h : hits)
        if (h.effect == rules::Effect::kExclude) fail(index, i, h.rule_id, h.reason);
      return;
    }
    const NeedSet wanted = p.target | p.interpretation;
    NeedSet use = prov.services & ~a.withheld & wanted;
    if (!speaks(e_, c_, i)) use &= ~p.interpretation;  // interpretation only into the person's languages
    if (only_ && !(use & only_))
      return fail(index, i, "consent-share",
                  "the person has not agreed to share their situation with " + prov.name +
                      "; without that consent only the child-protection step of a minor is opened");
    if (!(prov.services & wanted))
      return fail(index, i, "covers-no-need", prov.name + " meets none of the needs still to meet: " + labels(t_, wanted));
    if (!use) {
      std::size_t before = out_.failures.size();
      for (const auto& h : hits)
        if (h.effect == rules::Effect::kWithhold) fail(index, i, h.rule_id, h.reason);
      if (out_.failures.size() == before)
        fail(index, i, e_.policy().language().rule_id,
             prov.name + " gives interpretation, but not into a language of the person");
      return;
    }
    const NeedSet in_person = a.in_person ? use : 0, remote = a.remote ? use & ~t_.in_person_needs() : 0;
    if (in_person || remote) return;
    std::size_t before = out_.failures.size();
    for (const auto& h : hits)
      if (h.effect == rules::Effect::kExcludeInPerson) fail(index, i, h.rule_id, h.reason);
    if (out_.failures.size() == before)
      fail(index, i, "in-person", prov.name + " meets " + labels(t_, use) + " only in person, which it does not offer");
  }

  // Needs no usable step meets: the step whose provider offers it but has it withheld (a full
  // shelter, another agency's catchment), or the steps together.
  void check_coverage(NeedSet missing) {
    for (NeedSet r = missing; r; r &= r - 1) {
      const NeedId n = std::countr_zero(r);
      bool named = false;
      for (const Fresh& f : fresh_) {
        const ProviderIndex i = rq_.steps[static_cast<std::size_t>(f.index)];
        if (!(d_.providers[i].services & need_bit(n)) || f.candidate < 0) continue;
        std::vector<rules::RuleHit> hits;
        const rules::Assessment a = e_.policy().explain(c_, d_, i, as_of_, hits);
        if (!(a.withheld & need_bit(n))) continue;
        for (const auto& h : hits)
          if (h.effect == rules::Effect::kWithhold) {
            fail(f.index, i, h.rule_id, h.reason + " (" + t_.needs[n].en + ")");
            named = true;
          }
      }
      if (!named) {
        if (n >= 0 && need_bit(n) == res_.problem.interpretation)
          fail(-1, "", e_.policy().language().rule_id,
               "a step does not speak the person's languages and no step gives interpretation");
        else
          fail(-1, "", "covers-every-need", "no step meets " + labels(t_, need_bit(n)));
      }
    }
  }

  // Every step usable and every need offered, yet no order works: interpretation owed, a step
  // with nothing left to meet, or the travel cap.
  void explain_no_order(const std::vector<std::int32_t>& pool) {
    const Problem& p = res_.problem;
    NeedSet all = 0;
    for (std::int32_t ci : pool) all |= useful(ci);
    for (const Fresh& f : fresh_) {
      const Candidate& k = p.candidates[static_cast<std::size_t>(f.candidate)];
      if (p.interpretation && !k.speaks && !(all & p.interpretation))
        fail(f.index, k.provider, e_.policy().language().rule_id,
             "nobody at " + d_.providers[k.provider].name +
                 " speaks the person's languages and no step gives interpretation");
      NeedSet others = 0;
      for (const Fresh& g : fresh_)
        if (g.index != f.index) others |= useful(g.candidate);
      if ((useful(f.candidate) & ~others) == 0)
        fail(f.index, k.provider, "covers-nothing-new",
             "everything " + d_.providers[k.provider].name + " could meet here (" + labels(t_, useful(f.candidate)) +
                 ") is met by another step");
    }
    if (!out_.failures.empty()) return;
    if (p.max_travel_hours) {
      Problem uncapped = p;
      uncapped.max_travel_hours.reset();
      const Order best = best_order(uncapped, pool);
      if (best.found) {
        const double hours = res_.kept_hours + e_.planner().price(uncapped, best.seq).travel_hours;
        return fail(-1, "", "max_travel_hours",
                    fmt::format("the steps need {:.1f} h of travel in their best order; the case allows at most {:.1f} h",
                                hours, *c_.max_travel_hours));
      }
    }
    fail(-1, "", "pathway", "the steps cannot be taken in an order that meets every need (immediate needs come first)");
  }

  const Engine& e_;
  const Directory& d_;
  const Taxonomy& t_;
  const Case& c_;
  const PathwayRequest& rq_;
  Date as_of_;
  PathwayCheck& out_;
  NeedSet only_ = 0;
  Residual res_;
  std::vector<Fresh> fresh_;
};

}  // namespace

std::vector<ProviderIndex> provider_indices(const Engine& e, const std::vector<std::string>& ids,
                                            const std::string& field) {
  const Directory& d = e.directory();
  std::vector<ProviderIndex> out;
  std::vector<Diagnostic> problems;
  std::vector<std::string> known;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (auto p = d.find(ids[i])) {
      out.push_back(*p);
      continue;
    }
    if (known.empty())
      for (const auto& prov : d.providers) known.push_back(prov.id);
    const std::string shown = ids[i].substr(0, 64);
    const std::string near = ids[i].size() > 64 ? std::string() : closest_name(ids[i], known);
    problems.push_back({"", 0, 0, fmt::format("{}[{}]", field, i),
                        "unknown provider '" + shown + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)")});
  }
  if (!problems.empty()) throw LoadError("unknown provider", std::move(problems));
  return out;
}

PathwayCheck check_pathway(const Engine& e, const Case& c, const PathwayRequest& request, Date as_of) {
  PathwayCheck out;
  Case plain = c;
  plain.when.reset();  // intake hours are not the pathway's concern here
  Checker(e, plain, request, as_of, out).run();
  return out;
}

std::optional<PlannedPathway> replacement(const Engine& e, const Case& c, const std::vector<KeptStep>& kept,
                                          const std::vector<ProviderIndex>& declined, const Consent& consent,
                                          Date as_of) {
  Case plain = c;
  plain.when.reset();
  const NeedSet duty = duty_need(e, plain);
  if (!consent.share && !duty) return std::nullopt;
  Residual r = residual(e, plain, kept, declined, consent.share ? 0 : duty, as_of);
  PlannedPathway out;
  out.steps = r.kept;
  out.travel_hours = r.kept_hours;
  if (!r.problem.target) return out;  // the kept steps meet every need
  const auto found = e.planner().search_sequences(r.problem, nullptr, {}, 1);
  if (found.empty()) return std::nullopt;
  const PlannedPathway fresh = e.planner().price(r.problem, found[0]);
  out.steps.insert(out.steps.end(), fresh.steps.begin(), fresh.steps.end());
  out.cost = fresh.cost;
  out.travel_hours += fresh.travel_hours;
  return out;
}

nlohmann::json pathway_json(const Engine& e, const Case& c, const PlannedPathway& p, Date as_of) {
  Answer a;
  a.request = c;
  a.request.when.reset();
  a.as_of = as_of;
  a.plan.needs = e.policy().derive_needs(a.request, e.directory());
  a.plan.pathways = {p};
  a.plan.complete = true;
  return e.answer_json(a)["pathways"][0];
}

bool takes_bed(const Engine& e, ProviderIndex p, NeedSet covers) {
  return e.directory().providers[p].capacity && (covers & e.directory().taxonomy.shelter_needs()) != 0;
}

NeedSet need_set(const Taxonomy& t, const std::vector<std::string>& codes) {
  NeedSet s = 0;
  for (const auto& code : codes)
    if (auto n = t.needs.find(code)) s |= need_bit(*n);
  return s;
}

std::string age_band(std::optional<int> age) {
  if (!age) return "unknown";
  if (*age < 16) return "under 16";
  if (*age < 18) return "16-17";
  if (*age < 25) return "18-24";
  if (*age < 65) return "25-64";
  return "65 and over";
}

}  // namespace nrm::api
