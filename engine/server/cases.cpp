// The tracked-case endpoints of the Service (docs/api.md, "Tracked cases"): parse -> check (the
// engine's pathway check) -> store (one durable transaction per transition, the state checked
// again inside it) -> answer. A bed taken or given back moves the live engine, as capacity does.
#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "api/cases.hpp"
#include "i18n/text.hpp"
#include "server/case_view.hpp"
#include "server/json_body.hpp"
#include "server/replies.hpp"
#include "server/service.hpp"

namespace nrm::server {

using api::ErrorCode;
using i18n::Msg;
using i18n::tr;
using json = nlohmann::json;
using namespace detail;

namespace {

std::string today() { return store::utc_now().substr(0, 10); }

// A list of provider ids under `key`: strings, 1 to `most` of them.
std::vector<std::string> id_list(const json& body, const char* key, std::size_t most) {
  if (!body.contains(key) || !body[key].is_array())
    throw field_error(key, tr(Msg::err_steps_expected));
  const json& v = body[key];
  if (v.empty()) throw field_error(key, tr(Msg::err_steps_empty));
  if (v.size() > most)
    throw field_error(key, tr(Msg::err_steps_too_many, {{"count", std::to_string(v.size())}, {"max", std::to_string(most)}}));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string())
      throw field_error(fmt::format("{}[{}]", key, i), tr(Msg::err_expected_provider_id, {{"found", v[i].type_name()}}));
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

// One code of `allowed` under `key`, required.
std::string code_field(const json& body, const char* key, std::span<const std::string_view> allowed) {
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (!body.contains(key) || !body[key].is_string()) throw field_error(key, tr(Msg::err_code_required, {{"list", list}}));
  const std::string v = body[key].get<std::string>();
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    throw field_error(key, tr(Msg::err_code_not_one_of, {{"value", v.substr(0, 64)}, {"list", list}}));
  return v;
}

// {"share": bool, "police": bool (optional: the case's police_consent, which it must equal)}.
api::Consent consent_of(const json& body, const Case& c) {
  if (!body.contains("consent") || !body["consent"].is_object())
    throw field_error("consent", tr(Msg::err_consent_expected));
  const json& j = body["consent"];
  std::vector<Diagnostic> problems;
  for (const auto& [key, value] : j.items())
    if (key != "share" && key != "police")
      problems.push_back({"", 0, 0, "consent." + key.substr(0, 64), tr(Msg::err_unknown_field_expected, {{"list", "share, police"}})});
  api::Consent out;
  if (!j.contains("share") || !j["share"].is_boolean())
    problems.push_back({"", 0, 0, "consent.share", tr(Msg::err_required_bool)});
  else out.share = j["share"].get<bool>();
  out.police = c.police_consent;
  if (j.contains("police")) {
    if (!j["police"].is_boolean()) problems.push_back({"", 0, 0, "consent.police", tr(Msg::err_expected_true_false)});
    else if (j["police"].get<bool>() != c.police_consent)
      problems.push_back({"", 0, 0, "consent.police",
                          tr(Msg::err_police_disagree, {{"police", fmt::format("{}", j["police"].get<bool>())},
                                                        {"consent", fmt::format("{}", c.police_consent)}})});
  }
  if (!problems.empty()) throw LoadError("invalid request", std::move(problems));
  return out;
}

Response invalid_pathway(const api::PathwayCheck& check) {
  json errors = json::array();
  std::string summary;
  for (const auto& f : check.failures) {
    const std::string field = f.step >= 0 ? fmt::format("steps[{}]", f.step) : std::string("steps");
    errors.push_back({{"field", field},
                      {"step", f.step >= 0 ? json(f.step) : json(nullptr)},
                      {"provider", f.provider.empty() ? json(nullptr) : json(f.provider)},
                      {"rule", f.rule},
                      {"message", f.reason}});
    summary += (summary.empty() ? "" : i18n::semicolon()) + field + (f.provider.empty() ? "" : " (" + f.provider + ")") +
               i18n::colon() + f.rule + i18n::colon() + f.reason;
  }
  return error_response(ErrorCode::kInvalidPathway, summary, std::move(errors));
}

Response conflict(const std::string& message) { return error_response(ErrorCode::kConflict, message); }

Response no_step(const std::string& reference, const std::string& provider) {
  return error_response(ErrorCode::kNotFound,
                        tr(Msg::err_no_step, {{"provider", provider.substr(0, 80)}, {"ref", reference}}));
}

// A body that may be absent or {}.
void no_body(const Request& rq) {
  if (rq.body.empty()) return;
  check_keys(parse_object(rq.body, tr(Msg::err_no_body)), {});
}

// The case and consent as the engine reads them back from the store (LoadError when the stored
// case no longer reads on a reloaded directory).
Case stored_case(const api::Engine& e, const store::CaseRecord& c) {
  return e.case_from_json(json::parse(c.case_json), "case");
}

api::Consent stored_consent(const store::CaseRecord& c) {
  const json j = json::parse(c.consent_json, nullptr, false);
  if (!j.is_object()) return {};
  return {j.value("share", false), j.value("police", false)};
}

// What the engine must keep (accepted steps, as they are) and leave out (declined providers).
// Providers no longer in the directory are skipped.
void settled(const api::Engine& e, const store::CaseRecord& c, std::vector<api::KeptStep>& kept,
             std::vector<ProviderIndex>& declined) {
  for (const auto& s : c.steps) {
    const auto p = e.directory().find(s.provider);
    if (!p) continue;
    if (s.status == "accepted") kept.push_back({*p, api::need_set(e.directory().taxonomy, s.covers), s.mode == "in_person"});
    else if (s.status == "declined") declined.push_back(*p);
  }
}

std::vector<store::CaseStep> stored_steps(const api::Engine& e, const api::PathwayCheck& check) {
  std::vector<store::CaseStep> out;
  for (const auto& s : check.steps) {
    store::CaseStep& x = out.emplace_back();
    x.provider = e.directory().providers[s.provider].id;
    x.covers = e.directory().taxonomy.need_codes(s.covers);
    x.mode = s.in_person ? "in_person" : "remote";
    x.duty = s.duty;
  }
  return out;
}

const store::CaseStep* step_of(const store::CaseRecord& c, const std::string& provider) {
  for (const auto& s : c.steps)
    if (s.provider == provider) return &s;
  return nullptr;
}

// The best pathway keeping what was accepted, without any provider that declined, as an answer
// shows a pathway; null when none meets every need.
json replacement_of(const api::Engine& e, const store::CaseRecord& c) {
  try {
    const Case kase = stored_case(e, c);
    std::vector<api::KeptStep> kept;
    std::vector<ProviderIndex> declined;
    settled(e, c, kept, declined);
    const Date as_of = Date::today();
    const auto p = api::replacement(e, kase, kept, declined, stored_consent(c), as_of);
    return p ? api::pathway_json(e, kase, *p, as_of) : json(nullptr);
  } catch (const LoadError&) {
    return nullptr;  // the stored case names what a reloaded directory no longer has
  }
}

}  // namespace

bool Service::route_case(const std::vector<std::string>& seg, Route& route, std::string_view& method, std::string& ref,
                         std::string& provider) {
  if (seg.empty() || seg[0] != "cases") return false;
  method = "POST";
  if (seg.size() == 1) {
    route = Route::kCaseOpen;
    return true;
  }
  if (seg[1].empty()) return false;
  if (seg.size() == 2) route = Route::kCase, method = "GET";
  else if (seg.size() == 3 && seg[2] == "steps") route = Route::kCaseSteps;
  else if (seg.size() == 3 && seg[2] == "close") route = Route::kCaseClose;
  else if (seg.size() == 5 && seg[2] == "steps" && !seg[3].empty() && seg[4] == "accept") route = Route::kStepAccept;
  else if (seg.size() == 5 && seg[2] == "steps" && !seg[3].empty() && seg[4] == "decline") route = Route::kStepDecline;
  else if (seg.size() == 5 && seg[2] == "steps" && !seg[3].empty() && seg[4] == "withdraw") route = Route::kStepWithdraw;
  else {
    method = {};
    return false;
  }
  ref = seg[1];
  if (seg.size() == 5) provider = seg[3];
  return true;
}

json Service::case_answer(const api::Engine& e, const store::CaseRecord& c, bool checked) {
  json doc = case_document(c, &e);
  doc["replacement"] = nullptr;
  const bool changed = std::any_of(c.steps.begin(), c.steps.end(),
                                   [](const store::CaseStep& s) { return s.status == "declined" || s.status == "withdrawn"; });
  if (checked || c.status != "open" || !changed) return doc;
  // Do the steps still asked (requested and accepted) form a valid pathway? If not, the worker is
  // shown what to ask instead.
  try {
    api::PathwayRequest still;
    settled(e, c, still.kept, still.declined);
    still.consent = stored_consent(c);
    for (const auto& s : c.steps)
      if (s.status == "requested" || s.status == "accepted")
        if (auto p = e.directory().find(s.provider)) still.steps.push_back(*p);
    if (!still.steps.empty() && api::check_pathway(e, stored_case(e, c), still, Date::today()).ok()) return doc;
  } catch (const LoadError&) {
    return doc;
  }
  doc["replacement"] = replacement_of(e, c);
  return doc;
}

std::optional<std::pair<std::shared_ptr<const api::Engine>, store::BedChange>> Service::beds(
    const std::string& provider, int delta, std::int64_t token_id) {
  auto current = engine();
  const auto p = current->directory().find(provider);
  if (!p || !current->directory().providers[*p].capacity) return std::nullopt;
  const Capacity cap = *current->directory().providers[*p].capacity;
  const int available = std::clamp(cap.available + delta, 0, cap.beds);
  return std::make_pair(current->with_capacity(*p, available, cap.beds), store::BedChange{available, cap.beds, token_id});
}

Response Service::open_case(Context& ctx) {
  parse_query(ctx.query, {});
  json body = parse_object(ctx.request->body, "{\"case\": {...}, \"steps\": [provider ids], \"consent\": {\"share\": true}}");
  check_keys(body, {"case", "steps", "consent"});
  if (!body.contains("case") || !body["case"].is_object()) throw field_error("case", tr(Msg::err_case_as_object));
  const api::Engine& e = *ctx.engine;
  Case c = e.case_from_json(body["case"], "case");
  c.when.reset();  // a case records no time finer than the day
  api::PathwayRequest rq;
  rq.consent = consent_of(body, c);
  rq.steps = api::provider_indices(e, id_list(body, "steps", api::kMaxCaseSteps), "steps");
  const api::PathwayCheck check = api::check_pathway(e, c, rq, Date::today());
  if (!check.ok()) return invalid_pathway(check);

  const Directory& d = e.directory();
  store::CaseRecord rec;
  rec.opened_by = ctx.token.id;
  rec.role = std::string(role_name(ctx.role));
  rec.case_json = dump(e.case_json(c));
  rec.consent_json = dump(json{{"share", rq.consent.share}, {"police", rq.consent.police},
                               {"duty_to_report", check.duty_to_report}});
  rec.province = d.taxonomy.provinces.code(d.geography[c.location].province);
  rec.exploitation = d.taxonomy.exploitation.code(c.exploitation);
  for (NeedId n : c.needs) rec.needs.push_back(d.taxonomy.needs.code(n));
  rec.opened = today();
  rec.steps = stored_steps(e, check);
  std::optional<store::CaseRecord> made;
  {
    std::lock_guard lock(write_mu_);
    made = writer_.find_case(writer_.open_case(rec));  // committed (synchronous=FULL) before the 201
  }
  for (const auto& h : made->history) metrics_.case_event(h.event);  // opened, and each step requested
  Response r = ok_json(case_answer(e, *made));
  r.status = 201;
  return r;
}

Response Service::show_case(Context& ctx) {
  parse_query(ctx.query, {});
  return ok_json(case_answer(*ctx.engine, *ctx.kase));
}

Response Service::replace_steps(Context& ctx) {
  parse_query(ctx.query, {});
  json body = parse_object(ctx.request->body, "{\"steps\": [provider ids, in order]}");
  check_keys(body, {"steps"});
  const store::CaseRecord& c = *ctx.kase;
  if (c.status != "open") return conflict(tr(Msg::err_case_closed, {{"ref", c.reference}}));
  const api::Engine& e = *ctx.engine;
  const std::size_t accepted = static_cast<std::size_t>(
      std::count_if(c.steps.begin(), c.steps.end(), [](const store::CaseStep& s) { return s.status == "accepted"; }));
  api::PathwayRequest rq;
  rq.steps = api::provider_indices(e, id_list(body, "steps", api::kMaxCaseSteps + accepted), "steps");
  settled(e, c, rq.kept, rq.declined);
  rq.consent = stored_consent(c);
  const api::PathwayCheck check = api::check_pathway(e, stored_case(e, c), rq, Date::today());
  if (!check.ok()) return invalid_pathway(check);
  std::optional<store::CaseRecord> now;
  {
    std::lock_guard lock(write_mu_);
    if (!writer_.replace_steps(c.reference, c.version, stored_steps(e, check), today()))
      return conflict(tr(Msg::err_case_changed, {{"ref", c.reference}}));
    now = writer_.find_case(c.reference);
  }
  for (std::size_t i = c.history.size(); i < now->history.size(); ++i) metrics_.case_event(now->history[i].event);
  return ok_json(case_answer(e, *now, true));  // the steps asked are the ones just checked
}

Response Service::close_case(Context& ctx) {
  parse_query(ctx.query, {});
  json body = parse_object(ctx.request->body, "{\"outcome\": CODE}");
  check_keys(body, {"outcome"});
  const std::string outcome = code_field(body, "outcome", api::kOutcomes);
  const std::string& ref = ctx.kase->reference;
  std::optional<store::CaseRecord> now;
  {
    std::lock_guard lock(write_mu_);
    if (!writer_.close_case(ref, outcome, today())) return conflict(tr(Msg::err_case_already_closed, {{"ref", ref}}));
    now = writer_.find_case(ref);
  }
  for (std::size_t i = ctx.kase->history.size(); i < now->history.size(); ++i) metrics_.case_event(now->history[i].event);
  return ok_json(case_answer(*ctx.engine, *now));
}

Response Service::accept_step(Context& ctx, const std::string& provider) {
  parse_query(ctx.query, {});
  no_body(*ctx.request);
  const std::string& ref = ctx.kase->reference;
  std::lock_guard lock(write_mu_);
  const auto c = writer_.find_case(ref);  // as it is now, under the writer's lock
  const store::CaseStep* st = c ? step_of(*c, provider) : nullptr;
  if (!st) return no_step(ref, provider);
  if (c->status != "open") return conflict(tr(Msg::err_case_closed, {{"ref", ref}}));
  if (st->status != "requested")
    return conflict(tr(Msg::err_step_not_acceptable, {{"provider", provider}, {"status", st->status}}));
  std::optional<std::pair<std::shared_ptr<const api::Engine>, store::BedChange>> bed;
  {
    const auto e = engine();
    const auto p = e->directory().find(provider);
    if (p && api::takes_bed(*e, *p, api::need_set(e->directory().taxonomy, st->covers))) {
      if (e->directory().providers[*p].capacity->available <= 0)
        return conflict(tr(Msg::err_no_bed, {{"provider", provider}}));
      bed = beds(provider, -1, ctx.token.id);
    }
  }
  const std::string day = today();
  store::StepChange change{ref, provider, store::StepAction::kAccept, "", {}, day};
  if (bed) change.bed = bed->second;
  if (!writer_.change_step(change)) return conflict(tr(Msg::err_step_changed, {{"provider", provider}}));
  if (bed) {
    set_engine(bed->first);  // the next lookup sees the bed taken
    metrics_.capacity_update();
  }
  metrics_.case_event("accepted");
  store::CaseRecord view = *c;
  view.steps = {*st};
  view.steps[0].status = "accepted";
  view.steps[0].updated = day;
  view.steps[0].bed = bed.has_value();
  json j = request_document(view);
  if (bed) j["beds_available"] = bed->second.available;
  return ok_json(j);
}

Response Service::decline_step(Context& ctx, const std::string& provider) {
  parse_query(ctx.query, {});
  json body = parse_object(ctx.request->body, "{\"reason\": CODE}");
  check_keys(body, {"reason"});
  const std::string reason = code_field(body, "reason", api::kDeclineReasons);
  const std::string& ref = ctx.kase->reference;
  std::optional<store::CaseRecord> after;
  {
    std::lock_guard lock(write_mu_);
    const auto c = writer_.find_case(ref);
    const store::CaseStep* st = c ? step_of(*c, provider) : nullptr;
    if (!st) return no_step(ref, provider);
    if (c->status != "open") return conflict(tr(Msg::err_case_closed, {{"ref", ref}}));
    if (st->status != "requested")
      return conflict(tr(Msg::err_step_not_declinable, {{"provider", provider}, {"status", st->status}}));
    if (!writer_.change_step({ref, provider, store::StepAction::kDecline, reason, {}, today()}))
      return conflict(tr(Msg::err_step_changed, {{"provider", provider}}));
    after = writer_.find_case(ref);
  }
  metrics_.case_event("declined");
  return ok_json({{"reference", ref},
                  {"provider", provider},
                  {"status", "declined"},
                  {"reason", reason},
                  {"replacement", replacement_of(*engine(), *after)}});
}

Response Service::withdraw_step(Context& ctx, const std::string& provider) {
  parse_query(ctx.query, {});
  no_body(*ctx.request);
  const std::string& ref = ctx.kase->reference;
  std::optional<store::CaseRecord> now;
  {
    std::lock_guard lock(write_mu_);
    const auto c = writer_.find_case(ref);
    const store::CaseStep* st = c ? step_of(*c, provider) : nullptr;
    if (!st) return no_step(ref, provider);
    if (c->status != "open") return conflict(tr(Msg::err_case_closed, {{"ref", ref}}));
    if (st->status != "requested" && st->status != "accepted")
      return conflict(tr(Msg::err_step_not_withdrawable, {{"provider", provider}, {"status", st->status}}));
    if (st->duty)
      return error_response(ErrorCode::kInvalidPathway,
                            tr(Msg::err_duty_to_report),
                            json::array({{{"field", "provider"}, {"step", nullptr}, {"provider", provider},
                                          {"rule", "duty-to-report"},
                                          {"message", tr(Msg::err_duty_to_report_step)}}}));
    const auto bed = st->bed ? beds(provider, +1, ctx.token.id) : std::nullopt;  // the bed it took, given back
    store::StepChange change{ref, provider, store::StepAction::kWithdraw, "", {}, today()};
    if (bed) change.bed = bed->second;
    if (!writer_.change_step(change)) return conflict(tr(Msg::err_step_changed, {{"provider", provider}}));
    if (bed) {
      set_engine(bed->first);
      metrics_.capacity_update();
    }
    now = writer_.find_case(ref);
  }
  metrics_.case_event("withdrawn");
  return ok_json(case_answer(*engine(), *now));
}

Response Service::requests(Context& ctx, const std::string& provider) {
  parse_query(ctx.query, {});
  if (!ctx.engine->directory().find(provider))
    return error_response(ErrorCode::kNotFound, tr(Msg::err_no_provider, {{"id", provider.substr(0, 80)}}));
  std::vector<store::CaseRecord> items;
  {
    std::lock_guard lock(read_mu_);
    items = reader_.requests_for(provider);
  }
  json list = json::array();
  for (const auto& c : items) list.push_back(request_document(c));
  return ok_json({{"provider", provider}, {"count", list.size()}, {"requests", std::move(list)}});
}

}  // namespace nrm::server
