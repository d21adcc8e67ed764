// Engine: loading, referral and explanation, and the JSON and text renderings of their answers.
#include "api/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/route.hpp"
#include "api/text.hpp"
#include "api/slip.hpp"
#include "directory/loader.hpp"
#include "i18n/text.hpp"

namespace nrm::api {

using nlohmann::json;
using i18n::Msg;
using i18n::tr;

EnginePaths EnginePaths::shipped(const std::string& root) {
  return {shipped_data_paths(root), root + "/rules", ""};
}

std::shared_ptr<const Engine> Engine::load(const EnginePaths& paths) {
  std::shared_ptr<Engine> e(new Engine());
  e->paths_ = paths;
  e->directory_ = std::make_shared<const Directory>(load_directory_cached(paths.data, paths.cache_dir, e->snapshot_));
  e->policy_ = std::make_shared<const rules::Policy>(rules::Policy::load(paths.rules_dir, *e->directory_));
  e->travel_ = std::make_shared<const geo::TravelModel>(e->directory_->geography, e->policy_->travel());
  refuse_stranded(e->directory_->geography, *e->travel_, paths.data.communities);  // api/route.hpp
  e->planner_ = std::make_unique<planner::Planner>(*e->directory_, *e->policy_, *e->travel_);
  return e;
}

LocalTime Engine::now_at(CommunityIndex c) const {
  const geo::Clock& clock = planner_->clock();
  return clock.local(c, clock.now());
}

std::shared_ptr<const Engine> Engine::with_capacity(ProviderIndex p, int available,
                                                    std::optional<int> beds) const {
  if (p >= directory_->providers.size())
    throw LoadError("unknown provider", {{"", 0, 0, "provider", "no such provider"}});
  const Provider& prov = directory_->providers[p];
  int new_beds = beds ? *beds : (prov.capacity ? prov.capacity->beds : 0);
  std::vector<Diagnostic> problems;
  if (!prov.capacity && !beds)
    problems.push_back({"", 0, 0, "beds", "provider " + prov.id + " has no capacity on record; give beds too"});
  if (new_beds < 0 || new_beds > 100000)
    problems.push_back({"", 0, 0, "beds", std::to_string(new_beds) + " is out of range; expected 0 to 100000"});
  if (available < 0 || available > new_beds)
    problems.push_back({"", 0, 0, "available",
                        std::to_string(available) + " is out of range; expected 0 to beds (" + std::to_string(new_beds) + ")"});
  if (!problems.empty()) throw LoadError("invalid capacity", std::move(problems));
  auto copy = std::make_shared<Directory>(*directory_);
  copy->providers[p].capacity = Capacity{new_beds, available};
  return sharing_rules_and_travel(std::move(copy));
}

std::shared_ptr<const Engine> Engine::with_providers(const std::string& extra_text, const std::string& origin,
                                                     const std::set<std::string>& drop) const {
  return sharing_rules_and_travel(
      std::make_shared<const Directory>(nrm::with_providers(*directory_, extra_text, origin, drop)));
}

// The rules were compiled against the taxonomy and the travel model built on the geography, which
// `directory` shares with this engine's: only the providers differ.
std::shared_ptr<const Engine> Engine::sharing_rules_and_travel(std::shared_ptr<const Directory> directory) const {
  std::shared_ptr<Engine> e(new Engine());
  e->paths_ = paths_;
  e->snapshot_ = snapshot_;
  e->directory_ = std::move(directory);
  e->policy_ = policy_;
  e->travel_ = travel_;
  e->planner_ = std::make_unique<planner::Planner>(*e->directory_, *e->policy_, *e->travel_);
  return e;
}

Case Engine::case_from_json(const nlohmann::json& doc, const std::string& origin) const {
  return parse_case_checked(nrm::case_from_json(doc, origin, *directory_), origin);
}

Case Engine::parse_case(const std::string& text, const std::string& origin) const {
  return parse_case_checked(nrm::parse_case(text, origin, *directory_), origin);
}

// The policy's input rules (police.liaison needs consent, ...) on a case the reader accepted.
Case Engine::parse_case_checked(Case c, const std::string& origin) const {
  auto problems = policy_->check_case(c, *directory_);
  if (!problems.empty()) {
    for (auto& d : problems)
      if (d.file.empty()) d.file = origin;
    throw LoadError("invalid case", std::move(problems));
  }
  return c;
}

Answer Engine::refer(const Case& c, Date as_of) const {
  Answer a;
  a.request = c;
  a.as_of = as_of;
  a.plan = planner_->plan(c, as_of, planner::PlanExtras{true, true, true});
  return a;
}

Explanation Engine::explain(const Case& c, const std::string& provider_id, Date as_of) const {
  auto p = directory_->find(provider_id);
  if (!p) {
    std::vector<std::string> ids;
    for (const auto& prov : directory_->providers) ids.push_back(prov.id);
    std::string near = closest_name(provider_id, ids);
    throw LoadError("unknown provider",
                    {Diagnostic{"", 0, 0, "provider",
                                "no provider with id '" + provider_id + "'" +
                                    (near.empty() ? "" : " (did you mean '" + near + "'?)")}});
  }
  Explanation e;
  e.provider = *p;
  e.assessment = policy_->explain(c, *directory_, *p, as_of, e.hits);
  e.needs = policy_->derive_needs(c, *directory_);
  const Provider& prov = directory_->providers[*p];
  e.would_cover = e.assessment.eligible ? (prov.services & ~e.assessment.withheld & e.needs.needs) : 0;
  e.travel_hours = travel_->hours(c.location, prov.community);
  for (LangId pl : prov.languages)
    for (LangId cl : c.languages)
      if (directory_->taxonomy.languages_match(pl, cl)) e.speaks = true;
  auto plan = planner_->plan(c, as_of);
  if (plan.complete && !plan.pathways.empty())
    for (const auto& st : plan.pathways[0].steps)
      if (st.provider == *p) e.in_best_pathway = true;
  return e;
}

namespace {

double money(rules::Cost c) { return rules::from_cost(c); }
double hours2(double h) { return std::isfinite(h) ? std::round(h * 100.0) / 100.0 : -1.0; }

json codes(const std::vector<std::string>& v) { return json(v); }

}  // namespace

json Engine::case_json(const Case& c) const {
  const Taxonomy& t = directory_->taxonomy;
  json j;
  j["location"] = directory_->geography[c.location].id;
  j["age"] = c.age ? json(*c.age) : json(nullptr);
  j["gender"] = t.genders.code(c.gender);
  json ids = json::array();
  for (int i = 0; i < t.identities.size(); ++i)
    if (c.identity & code_bit(i)) ids.push_back(t.identities.code(i));
  j["identity"] = ids;
  json langs = json::array();
  for (LangId l : c.languages) langs.push_back(t.languages.code(l));
  j["languages"] = langs;
  j["status"] = t.statuses.code(c.status);
  j["exploitation"] = t.exploitation.code(c.exploitation);
  json needs = json::array();
  for (NeedId n : c.needs) needs.push_back(t.needs.code(n));
  j["needs"] = needs;
  j["require"] = codes(t.attribute_codes(c.require));
  j["prefer"] = codes(t.attribute_codes(c.prefer));
  json avoid = json::array();
  for (CommunityIndex a : c.avoid) avoid.push_back(directory_->geography[a].id);
  j["avoid"] = avoid;
  j["police_consent"] = c.police_consent;
  j["max_travel_hours"] = c.max_travel_hours ? json(*c.max_travel_hours) : json(nullptr);
  json exclude = json::array();
  for (ProviderIndex p : c.exclude) exclude.push_back(directory_->providers[p].id);
  j["exclude"] = exclude;
  j["top"] = c.top;
  j["when"] = c.when ? json(c.when->str()) : json(nullptr);
  return j;
}

json Engine::provider_json(ProviderIndex i) const {
  const Provider& p = directory_->providers[i];
  const Taxonomy& t = directory_->taxonomy;
  const Community& c = directory_->geography[p.community];
  json j;
  j["id"] = p.id;
  j["name"] = p.name;
  j["community"] = c.id;
  j["community_name"] = c.name;
  j["province"] = t.provinces.code(c.province);
  j["services"] = codes(t.need_codes(p.services));
  j["delivery"] = delivery_name(p.delivery);
  if (p.national) {
    j["serves"] = json::array({"national"});
  } else {
    json s = json::array();
    for (int i2 = 0; i2 < t.provinces.size(); ++i2)
      if (p.serves & code_bit(i2)) s.push_back(t.provinces.code(i2));
    j["serves"] = s;
  }
  j["attributes"] = codes(t.attribute_codes(p.attributes));
  json langs = json::array();
  for (LangId l : p.languages) langs.push_back(t.languages.code(l));
  j["languages"] = langs;
  if (p.genders) {
    json g = json::array();
    for (int i2 = 0; i2 < t.genders.size(); ++i2)
      if (*p.genders & code_bit(i2)) g.push_back(t.genders.code(i2));
    j["genders"] = g;
  }
  if (p.age_min || p.age_max) {
    json a = json::object();
    if (p.age_min) a["min"] = *p.age_min;
    if (p.age_max) a["max"] = *p.age_max;
    j["ages"] = a;
  }
  // null: the provider has not said (docs/data.md, HSDS import).
  j["accepts_trafficking_victims"] = p.accepts_trafficking_victims ? json(*p.accepts_trafficking_victims) : json(nullptr);
  j["accepts_without_status"] = p.accepts_without_status;
  j["law_enforcement"] = p.law_enforcement;
  if (p.capacity) j["capacity"] = {{"beds", p.capacity->beds}, {"available", p.capacity->available}};
  j["wait_days"] = p.wait_days;
  json partners = json::array();
  for (ProviderIndex q : p.partners) partners.push_back(directory_->providers[q].id);
  j["partners"] = partners;
  j["intake"] = {{"phone", p.intake_phone}, {"hours", p.intake_hours}};
  j["confidential"] = p.confidential;
  if (!p.confidential && p.address) j["address"] = *p.address;
  j["verified"] = p.verified ? json(p.verified->str()) : json(nullptr);
  return j;
}

namespace {

// The reasons a step is there: what it covers (and by which rule a derived need came), language,
// partner hand-off, the cost rules that fired, staleness.
// `verdict` and `hits` are the policy's explanation of this step's provider for the case.
std::vector<std::string> step_why(const Engine& e, const Answer& a, const planner::PlannedStep& st,
                                  const planner::PlannedStep* prev, const rules::Assessment& verdict,
                                  const std::vector<rules::RuleHit>& hits) {
  const Directory& d = e.directory();
  const Taxonomy& t = d.taxonomy;
  const Provider& prov = d.providers[st.provider];
  std::vector<std::string> why;
  std::string covers;
  for (const auto& code : t.need_codes(st.covers)) covers += (covers.empty() ? "" : ", ") + code;
  why.push_back(tr(Msg::why_meets, {{"needs", covers}}));
  for (const auto& der : a.plan.needs.derived)
    if (st.covers & need_bit(der.need))
      why.push_back(tr(Msg::why_derived, {{"rule", der.rule_id}, {"need", label(t.needs[der.need])}, {"reason", der.reason}}));
  for (const auto& h : hits)
    if (h.cost != 0 && (st.in_person || h.effect != rules::Effect::kPenaliseInPerson))
      why.push_back(tr(Msg::why_rule, {{"rule", h.rule_id}, {"reason", h.reason},
                                       {"cost", i18n::decimal_signed(rules::from_cost(h.cost), 2)}}));
  const auto& lang = e.policy().language();
  if (st.owes_interpretation)
    why.push_back(tr(Msg::why_interpretation, {{"rule", lang.rule_id}}));
  else if (st.in_person)
    for (LangId pl : prov.languages)
      if (std::any_of(a.request.languages.begin(), a.request.languages.end(),
                      [&](LangId cl) { return t.languages_match(pl, cl); })) {
        why.push_back(tr(Msg::why_speaks, {{"language", label(t.languages[pl])}}));
        break;
      }
  if (st.partner && prev)
    why.push_back(tr(Msg::why_partner, {{"provider", d.providers[prev->provider].id}}));
  if (verdict.stale)
    why.push_back(tr(Msg::why_stale, {{"date", prov.verified ? prov.verified->str() : tr(Msg::why_never)}}));
  return why;
}

// The answer as both renderings read it: every value once, rounded as shown (answer_json and
// answer_text come from this view, so they cannot disagree).
struct StepView {
  std::string provider, name, community, community_name;
  std::vector<std::string> covers;
  std::vector<std::string> covers_labels;  // the same, as the text shows them
  bool in_person = false;
  double travel_hours = 0;
  std::optional<std::vector<std::string>> via;  // in person: community ids the journey passes through
  std::vector<std::string> via_names;           // the same, by name
  int wait_days = 0;
  std::string phone, intake_hours;
  std::optional<bool> open_now;      // with the case's `when` only
  std::optional<std::string> opens;  // closed now: when it opens, in the case's local time (ISO)
  std::string opens_day;             // its weekday, for the text
  std::optional<std::string> address;  // never for a confidential provider
  bool confidential = false;
  bool stale = false;
  std::string verified;  // the date the entry was last verified, or "never"
  std::optional<int> beds_available;
  std::vector<std::string> why;
  std::optional<json> alternates;  // remote steps: [{provider, name, phone, extra_cost}]
  json fallback;                   // null, or {steps, total_cost, extra_cost, travel_hours}
  std::string fallback_text;       // the same, in a line
};

struct PathwayView {
  int rank = 0;
  double total_cost = 0, travel = 0, handoffs = 0, wait = 0, preferences = 0, penalties = 0, partners = 0;
  double travel_hours = 0;
  std::vector<StepView> steps;
  std::vector<std::string> warnings;
};

// The order steps are shown in (docs/ranking.md, "Step order"): a phone/video step meeting a need
// that enables others (taxonomy `enables`) comes before the first step relying on it: transport
// assistance before the first in-person step with travel, interpretation before the first step,
// in person or by phone, whose provider does not speak the person's languages; unless that would
// split a formal partner hand-off. Moving a remote step moves no one, so the pathway and its cost
// are the same.
std::vector<std::size_t> shown_order(const Taxonomy& t, const planner::PlannedPathway& p) {
  std::vector<std::size_t> order(p.steps.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    if (st.in_person || st.partner || (i + 1 < p.steps.size() && p.steps[i + 1].partner)) continue;
    bool travel = false, interpretation = false;
    for (NeedSet r = st.covers; r; r &= r - 1) {
      const auto e = t.needs[std::countr_zero(r)].enables;
      travel = travel || e == NeedCode::Enables::kTravel;
      interpretation = interpretation || e == NeedCode::Enables::kInterpretation;
    }
    if (!travel && !interpretation) continue;
    const auto at = std::find(order.begin(), order.end(), i);
    for (auto j = order.begin(); j != at; ++j) {
      const auto& before = p.steps[*j];
      if ((travel && before.in_person && before.travel_hours > 0) || (interpretation && before.owes_interpretation)) {
        std::rotate(j, at, at + 1);
        break;
      }
    }
  }
  return order;
}

// A step's fallback: the whole pathway as JSON (the steps before `at` are the same), and in a line
// the providers it adds.
void fallback_view(const Engine& e, const planner::PlannedPathway& from, const std::optional<planner::PlannedPathway>& fb,
                   std::size_t at, StepView& s) {
  if (!fb) {
    s.fallback = nullptr;
    s.fallback_text = tr(Msg::fallback_none);
    return;
  }
  const Directory& d = e.directory();
  json steps = json::array();
  std::string line;
  for (std::size_t i : shown_order(d.taxonomy, *fb)) {
    const auto& st = fb->steps[i];
    const Provider& prov = d.providers[st.provider];
    steps.push_back({{"provider", prov.id}, {"name", prov.name}, {"community", d.geography[prov.community].id},
                     {"mode", st.in_person ? "in_person" : "remote"}, {"covers", d.taxonomy.need_codes(st.covers)},
                     {"phone", prov.intake_phone}});
    const bool fresh = std::none_of(from.steps.begin(), from.steps.end(),
                                    [&](const planner::PlannedStep& o) { return o.provider == st.provider; });
    if (i >= at && fresh)
      line += (line.empty() ? "" : ", ") +
              (st.in_person ? tr(Msg::fallback_in, {{"name", prov.name}, {"place", d.geography[prov.community].name}})
                            : prov.name) +
              " " + prov.intake_phone;
  }
  if (line.empty()) line = tr(Msg::fallback_other_steps);
  const double extra = money(fb->cost.total() - from.cost.total());
  s.fallback = {{"steps", std::move(steps)}, {"total_cost", money(fb->cost.total())}, {"extra_cost", extra},
                {"travel_hours", hours2(fb->travel_hours)}};
  // The whole pathway's travel, so a fallback a flight away is seen as one.
  s.fallback_text = line + " " + tr(Msg::fallback_totals, {{"hours", i18n::decimal(fb->travel_hours, 1)},
                                                            {"extra", i18n::decimal_signed(extra, 2)}});
}

// The date a step's entry was last verified, or "never" in the reader's language.
std::string verified_text(const StepView& s) { return s.verified == "never" ? tr(Msg::why_never) : s.verified; }

void pathway_warnings(const Engine& e, const Answer& a, PathwayView& v) {
  const Directory& d = e.directory();
  for (const StepView& s : v.steps) {
    if (s.via)
      for (std::size_t i = 0; i < s.via->size(); ++i)
        if (auto c = d.geography.find((*s.via)[i]);
            c && std::binary_search(a.request.avoid.begin(), a.request.avoid.end(), *c))
          v.warnings.push_back(tr(Msg::warning_avoided, {{"name", s.name}, {"place", s.via_names[i]}}));
    if (s.stale) v.warnings.push_back(tr(Msg::warning_stale, {{"name", s.name}, {"date", verified_text(s)}}));
    if (s.wait_days > 0)
      v.warnings.push_back(s.wait_days == 1 ? tr(Msg::warning_waitlist_one, {{"name", s.name}})
                                            : tr(Msg::warning_waitlist_many, {{"name", s.name}, {"days", std::to_string(s.wait_days)}}));
    if (s.open_now && !*s.open_now)
      v.warnings.push_back(s.opens ? tr(Msg::warning_closed_until, {{"name", s.name},
                                                                     {"day", detail::weekday_in(s.opens_day)},
                                                                     {"time", s.opens->substr(11)}})
                                   : tr(Msg::warning_closed_appointment, {{"name", s.name}}));
  }
}

PathwayView pathway_view(const Engine& e, const Answer& a, const planner::PlannedPathway& p, int rank,
                         const planner::Option* option) {
  const Directory& d = e.directory();
  PathwayView v;
  v.rank = rank;
  v.total_cost = money(p.cost.total());
  v.travel = money(p.cost.travel);
  v.handoffs = money(p.cost.handoffs);
  v.wait = money(p.cost.wait);
  v.preferences = money(p.cost.preferences);
  v.penalties = money(p.cost.penalties);
  v.partners = money(p.cost.partners);
  v.travel_hours = hours2(p.travel_hours);
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    const Provider& prov = d.providers[st.provider];
    StepView& s = v.steps.emplace_back();
    s.provider = prov.id;
    s.name = prov.name;
    s.community = d.geography[prov.community].id;
    s.community_name = d.geography[prov.community].name;
    s.covers = d.taxonomy.need_codes(st.covers);
    for (NeedSet r = st.covers; r; r &= r - 1) s.covers_labels.push_back(label(d.taxonomy.needs[std::countr_zero(r)]));
    s.in_person = st.in_person;
    s.travel_hours = hours2(st.travel_hours);
    if (st.in_person) {  // the communities the journey to this step passes through (docs/api.md)
      std::vector<std::string>& via = s.via.emplace();
      for (CommunityIndex c : e.travel().via(st.from, prov.community)) {
        via.push_back(d.geography[c].id);
        s.via_names.push_back(d.geography[c].name);
      }
    }
    s.wait_days = prov.wait_days;
    s.phone = prov.intake_phone;
    s.intake_hours = prov.intake_hours;
    if (const auto intake = e.planner().intake_at(a.request, st.provider)) {
      s.open_now = intake->open_now;
      if (intake->opens) {
        s.opens = intake->opens->str();
        s.opens_day = intake->opens->weekday();
      }
    }
    if (!prov.confidential && prov.address) s.address = *prov.address;
    s.confidential = prov.confidential;
    std::vector<rules::RuleHit> hits;
    const rules::Assessment verdict = e.policy().explain(a.request, d, st.provider, a.as_of, hits);
    s.stale = verdict.stale;
    s.verified = prov.verified ? prov.verified->str() : std::string("never");
    if (prov.capacity) s.beds_available = prov.capacity->available;
    s.why = step_why(e, a, st, i ? &p.steps[i - 1] : nullptr, verdict, hits);
    if (option) {
      fallback_view(e, p, option->fallbacks[i], i, s);
      if (!st.in_person) {
        json alts = json::array();
        for (const auto& alt : option->alternates[i]) {
          const Provider& q = d.providers[alt.provider];
          alts.push_back({{"provider", q.id}, {"name", q.name}, {"phone", q.intake_phone}, {"extra_cost", money(alt.extra)}});
        }
        s.alternates = std::move(alts);
      }
    }
  }
  std::vector<StepView> shown;
  for (std::size_t i : shown_order(d.taxonomy, p)) shown.push_back(std::move(v.steps[i]));
  v.steps = std::move(shown);
  pathway_warnings(e, a, v);
  return v;
}

// What the worker could relax for an unmet need: [{constraint, provider, name, total_cost,
// travel_hours}], in the order tried (docs/api.md).
json relaxations_json(const Directory& d, const planner::UnmetNeed& u) {
  json out = json::array();
  for (const auto& r : u.relaxations)
    out.push_back({{"constraint", r.constraint}, {"provider", d.providers[r.provider].id},
                   {"name", d.providers[r.provider].name}, {"total_cost", money(r.cost)},
                   {"travel_hours", hours2(r.travel_hours)}});
  return out;
}

const planner::Option* option_of(const Answer& a, std::size_t i) {
  return i < a.plan.options.size() ? &a.plan.options[i] : nullptr;
}

json pathway_json(const PathwayView& p) {
  json j;
  j["rank"] = p.rank;
  j["total_cost"] = p.total_cost;
  j["cost"] = {{"travel", p.travel},           {"handoffs", p.handoffs},
               {"wait", p.wait},               {"preferences", p.preferences},
               {"penalties", p.penalties},     {"partners", p.partners}};
  j["travel_hours"] = p.travel_hours;
  json steps = json::array();
  for (const StepView& st : p.steps) {
    json s;
    s["provider"] = st.provider;
    s["name"] = st.name;
    s["community"] = st.community;
    s["covers"] = st.covers;
    s["mode"] = st.in_person ? "in_person" : "remote";
    s["travel_hours"] = st.travel_hours;
    if (st.via) s["via"] = *st.via;
    s["wait_days"] = st.wait_days;
    s["intake"] = {{"phone", st.phone}, {"hours", st.intake_hours}};
    if (st.open_now) s["intake"]["open_now"] = *st.open_now;
    if (st.opens) s["intake"]["opens"] = *st.opens;
    if (st.address) s["address"] = *st.address;
    s["confidential"] = st.confidential;
    s["stale"] = st.stale;
    s["verified"] = st.verified;
    if (st.beds_available) s["beds_available"] = *st.beds_available;
    s["why"] = st.why;
    if (st.alternates) s["alternates"] = *st.alternates;
    s["fallback"] = st.fallback;
    steps.push_back(std::move(s));
  }
  j["steps"] = std::move(steps);
  j["warnings"] = p.warnings;
  return j;
}

// JSON text written straight from the view, exactly as nlohmann::json::dump(indent) prints the
// document answer_json builds (the server sends it: no DOM to build, copy and free per answer).
// The caller writes keys in the order a json object keeps them (sorted, std::map); the tests
// (tests/planner/test_acceptance.cpp) check the two renderings agree byte for byte. Strings that
// need escaping, numbers and embedded documents go through nlohmann's own serializer and float
// formatting, so they cannot differ; invalid UTF-8 becomes U+FFFD as in the server's dump.
class JsonText {
 public:
  JsonText(std::string& out, int indent)
      : out_(out), indent_(indent), ser_(nlohmann::detail::output_adapter<char>(out), ' ',
                                         json::error_handler_t::replace) {}

  JsonText& open(char brace) {
    out_ += brace;
    first_.push_back(true);
    return *this;
  }
  JsonText& close(char brace) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline(first_.size());
    out_ += brace;
    return *this;
  }
  JsonText& key(std::string_view k) {
    element();
    str(k);
    out_ += indent_ >= 0 ? ": " : ":";
    return *this;
  }
  // An array element: a separator, then the value.
  JsonText& item() {
    element();
    return *this;
  }
  JsonText& str(std::string_view v) {
    bool plain = std::all_of(v.begin(), v.end(), [](char ch) {
      auto u = static_cast<unsigned char>(ch);
      return u >= 0x20 && u < 0x80 && ch != '"' && ch != '\\';
    });
    if (plain) {
      out_ += '"';
      out_.append(v.data(), v.size());
      out_ += '"';
    } else {
      ser_.dump(json(std::string(v)), false, false, 0);
    }
    return *this;
  }
  JsonText& num(double v) {
    if (!std::isfinite(v)) {
      out_ += "null";
      return *this;
    }
    char buf[64];
    char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(end - buf));
    return *this;
  }
  JsonText& num(int v) {
    char buf[16];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
    return *this;
  }
  JsonText& boolean(bool v) {
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonText& strings(const std::vector<std::string>& v) {
    open('[');
    for (const auto& x : v) item().str(x);
    return close(']');
  }
  // A document built elsewhere, at the current depth.
  JsonText& doc(const json& j) {
    ser_.dump(j, indent_ >= 0, false, indent_ >= 0 ? static_cast<unsigned>(indent_) : 0,
              indent_ >= 0 ? static_cast<unsigned>(indent_) * static_cast<unsigned>(first_.size()) : 0);
    return *this;
  }

 private:
  void element() {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline(first_.size());
  }
  void newline(std::size_t depth) {
    if (indent_ < 0) return;
    out_ += '\n';
    out_.append(depth * static_cast<std::size_t>(indent_), ' ');
  }

  std::string& out_;
  int indent_;
  std::vector<bool> first_;  // per open object or array: no element written yet
  nlohmann::detail::serializer<json> ser_;
};

// pathway_json's document as text (keys in json's sorted order).
void pathway_json(JsonText& w, const PathwayView& p) {
  w.open('{');
  w.key("cost").open('{');
  w.key("handoffs").num(p.handoffs).key("partners").num(p.partners).key("penalties").num(p.penalties);
  w.key("preferences").num(p.preferences).key("travel").num(p.travel).key("wait").num(p.wait);
  w.close('}');
  w.key("rank").num(p.rank);
  w.key("steps").open('[');
  for (const StepView& st : p.steps) {
    w.item().open('{');
    if (st.address) w.key("address").str(*st.address);
    if (st.alternates) w.key("alternates").doc(*st.alternates);
    if (st.beds_available) w.key("beds_available").num(*st.beds_available);
    w.key("community").str(st.community);
    w.key("confidential").boolean(st.confidential);
    w.key("covers").strings(st.covers);
    w.key("fallback").doc(st.fallback);
    w.key("intake").open('{').key("hours").str(st.intake_hours);
    if (st.open_now) w.key("open_now").boolean(*st.open_now);
    if (st.opens) w.key("opens").str(*st.opens);
    w.key("phone").str(st.phone).close('}');
    w.key("mode").str(st.in_person ? "in_person" : "remote");
    w.key("name").str(st.name);
    w.key("provider").str(st.provider);
    w.key("stale").boolean(st.stale);
    w.key("travel_hours").num(st.travel_hours);
    w.key("verified").str(st.verified);
    if (st.via) w.key("via").strings(*st.via);
    w.key("wait_days").num(st.wait_days);
    w.key("why").strings(st.why);
    w.close('}');
  }
  w.close(']');
  w.key("total_cost").num(p.total_cost);
  w.key("travel_hours").num(p.travel_hours);
  w.key("warnings").strings(p.warnings);
  w.close('}');
}

}  // namespace

json Engine::answer_json(const Answer& a) const {
  const Taxonomy& t = directory_->taxonomy;
  json j;
  j["case"] = case_json(a.request);
  j["as_of"] = a.as_of.str();
  json derived = json::array();
  for (const auto& der : a.plan.needs.derived)
    derived.push_back({{"need", t.needs.code(der.need)}, {"rule", der.rule_id}, {"reason", der.reason}});
  j["derived_needs"] = std::move(derived);
  json notices = json::array();
  for (const auto& n : a.plan.needs.notices) notices.push_back({{"rule", n.rule_id}, {"text", n.text}});
  j["notices"] = std::move(notices);
  json paths = json::array();
  for (std::size_t i = 0; i < a.plan.pathways.size(); ++i)
    paths.push_back(pathway_json(pathway_view(*this, a, a.plan.pathways[i], static_cast<int>(i + 1), option_of(a, i))));
  j["pathways"] = std::move(paths);
  j["complete"] = a.plan.complete;
  json unmet = json::array();
  for (const auto& u : a.plan.unmet) {
    json x = {{"need", t.needs.code(u.need)}, {"reason", u.reason}};
    if (u.nearest)
      x["nearest"] = {{"provider", directory_->providers[*u.nearest].id},
                      {"travel_hours", hours2(u.nearest_travel_hours)},
                      {"blocked_by", u.blocked_by}};
    x["relaxations"] = relaxations_json(*directory_, u);
    unmet.push_back(std::move(x));
  }
  j["unmet"] = std::move(unmet);
  j["fallbacks"] = fallbacks_json(*directory_);  // api/slip.hpp
  return j;
}

std::string Engine::answer_json_text(const Answer& a, int indent) const {
  const Taxonomy& t = directory_->taxonomy;
  std::string out;
  out.reserve(4096);
  JsonText w(out, indent);
  w.open('{');
  w.key("as_of").str(a.as_of.str());
  w.key("case").doc(case_json(a.request));
  w.key("complete").boolean(a.plan.complete);
  w.key("derived_needs").open('[');
  for (const auto& der : a.plan.needs.derived) {
    w.item().open('{');
    w.key("need").str(t.needs.code(der.need)).key("reason").str(der.reason).key("rule").str(der.rule_id);
    w.close('}');
  }
  w.close(']');
  w.key("fallbacks").doc(fallbacks_json(*directory_));  // api/slip.hpp
  w.key("notices").open('[');
  for (const auto& n : a.plan.needs.notices) {
    w.item().open('{');
    w.key("rule").str(n.rule_id).key("text").str(n.text);
    w.close('}');
  }
  w.close(']');
  w.key("pathways").open('[');
  for (std::size_t i = 0; i < a.plan.pathways.size(); ++i)
    pathway_json(w.item(), pathway_view(*this, a, a.plan.pathways[i], static_cast<int>(i + 1), option_of(a, i)));
  w.close(']');
  w.key("unmet").open('[');
  for (const auto& u : a.plan.unmet) {
    w.item().open('{');
    if (u.nearest) {
      w.key("nearest").open('{');
      w.key("blocked_by").str(u.blocked_by);
      w.key("provider").str(directory_->providers[*u.nearest].id);
      w.key("travel_hours").num(hours2(u.nearest_travel_hours));
      w.close('}');
    }
    w.key("need").str(t.needs.code(u.need)).key("reason").str(u.reason);
    w.key("relaxations").doc(relaxations_json(*directory_, u));
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return out;
}

namespace {

using detail::wrapped;

std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// One step. A step of an alternative pathway that the first pathway has too is one line.
std::string step_text(const StepView& s, int n, bool as_in_first) {
  std::string out = wrapped(fmt::format("  {}. ", n), "     ",
                            s.name + (s.stale ? tr(Msg::step_stale) : "") + (as_in_first ? tr(Msg::step_as_in_first) : ""));
  if (as_in_first) return out;
  out += wrapped("     ", "     ",
                 s.community_name + " · " +
                     (s.in_person ? tr(Msg::step_in_person, {{"hours", i18n::decimal(s.travel_hours, 1)}}) : tr(Msg::step_remote)) +
                     " · " + joined(s.covers_labels));
  if (!s.via_names.empty()) out += wrapped("     " + tr(Msg::step_via) + " ", "         ", joined(s.via_names));
  const std::string now = !s.open_now   ? ""
                          : *s.open_now ? tr(Msg::step_open_now)
                          : s.opens     ? tr(Msg::step_closed_now, {{"day", detail::weekday_in(s.opens_day)}, {"time", s.opens->substr(11)}})
                                        : tr(Msg::step_by_appointment);
  out += wrapped("     " + tr(Msg::step_call) + " ", "          ",
                 s.phone + " (" + detail::hours_in(i18n::current(), s.intake_hours) + now + ")");
  if (s.in_person) out += wrapped("     ", "       ", s.address ? *s.address : tr(Msg::step_address_confidential));
  std::string status = s.wait_days ? tr(Msg::step_wait_days, {{"days", std::to_string(s.wait_days)}}) : tr(Msg::step_no_wait);
  if (s.beds_available)
    status += " · " + (*s.beds_available == 1 ? tr(Msg::step_bed_free)
                                              : tr(Msg::step_beds_free, {{"beds", std::to_string(*s.beds_available)}}));
  out += wrapped("     ", "     ", status + " · " + tr(Msg::step_verified, {{"date", verified_text(s)}}) + " [" + s.provider + "]");
  if (s.alternates && !s.alternates->empty()) {
    std::vector<std::string> alts;
    for (const auto& x : *s.alternates)
      alts.push_back(x["name"].get<std::string>() + " " + x["phone"].get<std::string>());
    out += wrapped("     " + tr(Msg::step_or) + " ", "         ", joined(alts, i18n::semicolon()));
  }
  if (!s.fallback_text.empty()) out += wrapped("     " + tr(Msg::step_if_no) + " ", "       ", s.fallback_text);
  for (std::size_t i = 1; i < s.why.size(); ++i) out += wrapped("     - ", "       ", s.why[i]);  // why[0], what it covers, is above in words
  return out;
}

std::string pathway_text(const PathwayView& p, const PathwayView* first) {
  using i18n::decimal;
  const std::string cost = decimal(p.total_cost, 2), hours = decimal(p.travel_hours, 1);
  const std::string rank = std::to_string(p.rank);
  std::string out = "\n" + wrapped("", "  ", p.steps.size() == 1
                                                 ? tr(Msg::pathway_heading_one, {{"rank", rank}, {"cost", cost}, {"hours", hours}})
                                                 : tr(Msg::pathway_heading_many, {{"rank", rank}, {"cost", cost}, {"hours", hours},
                                                                                  {"steps", std::to_string(p.steps.size())}}));
  if (!first)
    out += wrapped("    ", "    ",
                   tr(Msg::pathway_breakdown, {{"travel", decimal(p.travel, 2)}, {"handoffs", decimal(p.handoffs, 2)},
                                               {"wait", decimal(p.wait, 2)}, {"preferences", decimal(p.preferences, 2)},
                                               {"penalties", decimal(p.penalties, 2)}, {"partners", decimal(p.partners, 2)}}));
  for (const auto& w : p.warnings) out += wrapped("  ! ", "    ", w);
  int n = 1;
  for (const StepView& s : p.steps) {
    const bool same = first && std::any_of(first->steps.begin(), first->steps.end(),
                                           [&](const StepView& o) { return o.provider == s.provider; });
    out += step_text(s, n++, same);
  }
  return out;
}

// The case as typed, every constraint echoed (a mistyped flag shows here), in labels.
std::string case_header(const Directory& d, const Case& c) {
  const Taxonomy& t = d.taxonomy;
  std::vector<std::string> needs, parts;
  for (NeedId n : c.needs) needs.push_back(label(t.needs[n]));
  std::string out = wrapped("", "  ", tr(Msg::answer_case_at, {{"place", d.geography[c.location].name},
                                                               {"id", d.geography[c.location].id},
                                                               {"needs", joined(needs)}}));
  parts.push_back(c.age ? tr(Msg::answer_age, {{"age", std::to_string(*c.age)}}) : tr(Msg::answer_age_unknown));
  parts.push_back(tr(Msg::answer_gender, {{"gender", label(t.genders[c.gender])}}));
  parts.push_back(tr(Msg::answer_status, {{"status", label(t.statuses[c.status])}}));
  parts.push_back(tr(Msg::answer_exploitation, {{"kind", label(t.exploitation[c.exploitation])}}));
  std::vector<std::string> langs;
  for (LangId l : c.languages) langs.push_back(label(t.languages[l]));
  parts.push_back(tr(Msg::answer_speaks, {{"languages", joined(langs)}}));
  std::vector<std::string> ids;
  for (int i = 0; i < static_cast<int>(t.identities.size()); ++i)
    if (c.identity & code_bit(i)) ids.push_back(label(t.identities[i]));
  if (!ids.empty()) parts.push_back(tr(Msg::answer_identity, {{"identities", joined(ids)}}));
  auto attrs = [&](AttrSet set) {
    std::vector<std::string> v;
    for (int i = 0; i < static_cast<int>(t.attributes.size()); ++i)
      if (set & attr_bit(i)) v.push_back(label(t.attributes[i]));
    return joined(v);
  };
  if (c.require) parts.push_back(tr(Msg::answer_requires, {{"attributes", attrs(c.require)}}));
  if (c.prefer) parts.push_back(tr(Msg::answer_prefers, {{"attributes", attrs(c.prefer)}}));
  if (!c.avoid.empty()) {
    std::vector<std::string> v;
    for (CommunityIndex a : c.avoid) v.push_back(d.geography[a].name);
    parts.push_back(tr(Msg::answer_avoids, {{"places", joined(v)}}));
  }
  if (!c.exclude.empty()) {
    std::vector<std::string> v;
    for (ProviderIndex p : c.exclude) v.push_back(d.providers[p].id);
    parts.push_back(tr(Msg::answer_excludes, {{"providers", joined(v)}}));
  }
  parts.push_back(c.police_consent ? tr(Msg::answer_police_consent) : tr(Msg::answer_no_police_consent));
  if (c.max_travel_hours) {
    std::string h = fmt::format("{:g}", *c.max_travel_hours);
    if (i18n::current() == Lang::kFr) std::replace(h.begin(), h.end(), '.', ',');
    parts.push_back(tr(Msg::answer_travel_cap, {{"hours", h}}));
  }
  return out + wrapped("  ", "  ", joined(parts, i18n::semicolon()));
}

// "2026-11-27" or, with the case's time, "Fri 2026-11-27 14:00 local time".
std::string as_of_text(const Answer& a) {
  if (!a.request.when) return a.as_of.str();
  const std::string t = a.request.when->str();
  return tr(Msg::time_local, {{"weekday", detail::weekday_in(a.request.when->weekday())}, {"date", t.substr(0, 10)},
                              {"time", t.substr(11)}});
}

}  // namespace

std::string Engine::answer_text(const Answer& a) const {
  const Directory& d = *directory_;
  const Taxonomy& t = d.taxonomy;
  const Case& c = a.request;
  std::string out = case_header(d, c);
  for (const auto& der : a.plan.needs.derived)
    out += wrapped("  + ", "    ", tr(Msg::answer_derived, {{"need", label(t.needs[der.need])}, {"rule", der.rule_id},
                                                           {"reason", der.reason}}));
  for (const auto& n : a.plan.needs.notices)
    out += wrapped("  ! ", "    ", tr(Msg::answer_notice, {{"text", n.text}, {"rule", n.rule_id}}));
  if (a.plan.complete)
    out += wrapped("", "  ", a.plan.pathways.size() == 1
                                 ? tr(Msg::answer_pathways_one, {{"when", as_of_text(a)}})
                                 : tr(Msg::answer_pathways_many,
                                      {{"count", std::to_string(a.plan.pathways.size())}, {"when", as_of_text(a)}}));
  else
    out += wrapped("", "  ", tr(Msg::answer_no_pathway, {{"when", as_of_text(a)}}) +
                                 (a.plan.pathways.empty() ? "" : " " + tr(Msg::answer_best_partial)));
  std::optional<PathwayView> first;
  for (std::size_t i = 0; i < a.plan.pathways.size(); ++i) {
    PathwayView v = pathway_view(*this, a, a.plan.pathways[i], static_cast<int>(i + 1), option_of(a, i));
    out += pathway_text(v, first ? &*first : nullptr);
    if (!first) first = std::move(v);
  }
  if (!a.plan.unmet.empty()) {
    out += "\n" + tr(Msg::unmet_heading) + "\n";
    for (const auto& u : a.plan.unmet) {
      // What the worker can change first (the case's own constraints), then what keeps the
      // nearest provider out.
      out += wrapped("  ", "    ", tr(Msg::unmet_need, {{"need", label(t.needs[u.need])},
                                                       {"headline", u.headline.empty() ? u.reason : u.headline}}));
      for (const auto& r : u.relaxations) {
        const std::string what = r.constraint == "max_travel_hours" ? tr(Msg::unmet_without_cap)
                                 : r.constraint == "avoid"          ? tr(Msg::unmet_without_avoid)
                                                                    : tr(Msg::unmet_without_require);
        out += wrapped("    -> ", "       ",
                       tr(Msg::unmet_relaxation, {{"what", what}, {"name", d.providers[r.provider].name},
                                                  {"id", d.providers[r.provider].id}, {"cost", i18n::decimal(money(r.cost), 2)},
                                                  {"hours", i18n::decimal(r.travel_hours, 1)}}));
      }
      if (!u.blocker.empty()) out += wrapped("    " + tr(Msg::unmet_why) + " ", "         ", u.blocker);
    }
  }
  out += fallbacks_text(d);  // api/slip.hpp
  return out;
}

json Engine::explanation_json(const Case& c, const Explanation& e) const {
  const Taxonomy& t = directory_->taxonomy;
  json j;
  j["provider"] = provider_json(e.provider);
  j["case"] = case_json(c);
  j["eligible"] = e.assessment.eligible;
  j["in_person"] = e.assessment.in_person;
  j["remote"] = e.assessment.remote;
  j["would_cover"] = t.need_codes(e.would_cover);
  j["withheld"] = t.need_codes(e.assessment.withheld);
  j["speaks_a_language_of_the_person"] = e.speaks;
  j["travel_hours"] = hours2(e.travel_hours);
  j["stale"] = e.assessment.stale;
  j["preferences"] = money(e.assessment.preferences);
  j["penalties"] = money(e.assessment.penalties);
  j["in_best_pathway"] = e.in_best_pathway;
  json rules = json::array();
  for (const auto& h : e.hits)
    rules.push_back({{"rule", h.rule_id}, {"effect", rules::effect_name(h.effect)}, {"reason", h.reason}, {"cost", money(h.cost)}});
  j["rules"] = rules;
  return j;
}

std::string Engine::explanation_text(const Case& c, const Explanation& e) const {
  const Provider& p = directory_->providers[e.provider];
  const Taxonomy& t = directory_->taxonomy;
  std::string out = tr(Msg::explain_provider, {{"name", p.name}, {"id", p.id}, {"place", directory_->geography[p.community].name}}) + "\n";
  if (!e.assessment.eligible) out += tr(Msg::explain_not_eligible) + "\n";
  else
    out += tr(e.assessment.in_person ? (e.assessment.remote ? Msg::explain_eligible_both : Msg::explain_eligible_in_person)
                                     : (e.assessment.remote ? Msg::explain_eligible_remote : Msg::explain_eligible_neither)) +
           "\n";
  std::string cover;
  for (const auto& code : t.need_codes(e.would_cover)) cover += (cover.empty() ? "" : ", ") + code;
  out += tr(Msg::explain_would_cover, {{"needs", cover.empty() ? tr(Msg::explain_covers_none) : cover}}) + "\n";
  out += tr(e.speaks ? Msg::explain_travel_speaks : Msg::explain_travel_speaks_not,
            {{"place", directory_->geography[c.location].id}, {"hours", i18n::decimal(e.travel_hours, 1)}}) +
         "\n";
  out += tr(Msg::explain_rules) + "\n";
  if (e.hits.empty()) out += "  " + tr(Msg::explain_no_rule) + "\n";
  for (const auto& h : e.hits)
    out += fmt::format("  {} [{}]{}{}{}\n", h.rule_id, rules::effect_name(h.effect),
                       h.cost ? " " + i18n::decimal_signed(rules::from_cost(h.cost), 2) : std::string(), i18n::colon(),
                       h.reason);
  out += tr(e.in_best_pathway ? Msg::explain_in_best : Msg::explain_not_in_best) + "\n";
  return out;
}

std::string Engine::summary() const {
  const Taxonomy& t = directory_->taxonomy;
  std::map<std::string, int> per;
  for (const auto& p : directory_->providers) per[t.provinces.code(directory_->geography[p.community].province)]++;
  std::string counts;
  for (const auto& [k, v] : per) counts += fmt::format(" {}={}", k, v);
  // A rule without French shows its English reason in French answers: said, not refused.
  std::string ids;
  for (const auto& r : policy_->rules())
    if (!r.french) ids += (ids.empty() ? "" : ", ") + r.id + " (" + std::filesystem::path(r.file).filename().string() + ":" +
             std::to_string(r.line) + ")";
  const std::string untranslated = ids.empty() ? "" : "\n" + tr(Msg::validate_no_french, {{"rules", ids}});
  return tr(Msg::validate_ok, {{"providers", std::to_string(directory_->providers.size())},
                               {"communities", std::to_string(directory_->geography.size())},
                               {"routes", std::to_string(directory_->geography.routes.size())},
                               {"rules", std::to_string(policy_->rule_count())}, {"counts", counts}}) +
         untranslated;
}

}  // namespace nrm::api
