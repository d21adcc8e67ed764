// Routing, checks and the engine calls behind each endpoint. Every refusal is built from the one
// error table (api/errors.hpp); every request is counted in the metrics.
#include "server/service.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "audit/audit.hpp"
#include "audit/render.hpp"
#include "i18n/text.hpp"
#include "model/diagnostics.hpp"
#include "server/case_view.hpp"
#include "server/json_body.hpp"
#include "server/replies.hpp"
#include "server/roles.hpp"

namespace nrm::server {

using api::ErrorCode;
using i18n::Msg;
using i18n::tr;
using json = nlohmann::json;
using namespace detail;

Service::Service(std::shared_ptr<const api::Engine> engine, const std::string& db_path,
                 const std::string& profiles_path, int log_retention_days, int case_retention_days)
    : profiles_path_(profiles_path),
      writer_(db_path, store::Durability::kFull),
      reader_(db_path, store::Durability::kFull),
      log_(db_path, log_retention_days, case_retention_days) {
  engine_ = replay(std::move(engine));
}

std::shared_ptr<const api::Engine> Service::engine() const {
  std::lock_guard lock(engine_mu_);
  return engine_;
}

std::pair<std::shared_ptr<const api::Engine>, std::uint64_t> Service::snapshot() const {
  std::lock_guard lock(engine_mu_);
  return {engine_, generation_.load()};
}

void Service::set_engine(std::shared_ptr<const api::Engine> engine) {
  std::shared_ptr<const api::Engine> old;
  {
    std::lock_guard lock(engine_mu_);
    old = std::exchange(engine_, std::move(engine));
    ++generation_;
  }
  // `old` is released here, outside the lock (or later, by the last request still holding it).
}

std::shared_ptr<const api::Engine> Service::replay(std::shared_ptr<const api::Engine> e) {
  replayed_ = 0;
  replay_warnings_.clear();
  for (const auto& u : writer_.latest_capacities()) {
    auto p = e->directory().find(u.provider);
    if (!p) {
      replay_warnings_.push_back("capacity update " + std::to_string(u.seq) + ": provider " + u.provider +
                                 " is no longer in the directory");
      continue;
    }
    try {
      e = e->with_capacity(*p, u.available, u.beds);
      ++replayed_;
    } catch (const LoadError& err) {
      replay_warnings_.push_back("capacity update " + std::to_string(u.seq) + " for " + u.provider + ": " +
                                 summary_of(err));
    }
  }
  return e;
}

Response Service::refuse(ErrorCode code, const std::string& message) {
  Response r = error_response(code, message);
  r.headers.emplace_back("Content-Language", i18n::lang_code(i18n::current()));
  metrics_.record(Route::kOther, r.status, r.error_code, 0);
  return r;
}

bool Service::durable(const Request& rq) {
  const std::string_view path = rq.target.substr(0, rq.target.find('?'));
  if (rq.method == "PUT") return path.size() > 9 && path.substr(path.size() - 9) == "/capacity";
  return rq.method == "POST" && (path.substr(0, 9) == "/v1/cases" || path == "/v1/admin/reload");
}

Response Service::handle(const Request& request) {
  auto start = std::chrono::steady_clock::now();
  // The language of the request, on the thread that writes its answer (a request thread or a
  // writer): every text of the answer and of a refusal is in it; English without a preference.
  const Lang lang = i18n::lang_from_accept_language(request.accept_language);
  const i18n::LangScope language(lang);
  Context ctx;
  ctx.request = &request;
  Response r;
  try {
    r = route(request, ctx);
  } catch (const LoadError& e) {
    r = bad_input(e);
  } catch (const std::exception& e) {
    std::cerr << "nrm serve: internal error on " << request.method << " " << route_name(ctx.route) << ": "
              << e.what() << "\n";
    r = error_response(ErrorCode::kInternal, "");
  }
  if (ctx.route != Route::kMetrics) r.headers.emplace_back("Content-Language", i18n::lang_code(lang));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.record(ctx.route, r.status, r.error_code, seconds);
  return r;
}

Response Service::route(const Request& rq, Context& ctx) {
  std::string_view target = rq.target;
  std::string_view path = target.substr(0, target.find('?'));
  ctx.query = path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();

  auto method_not_allowed = [&](std::string_view allowed) {
    Response r = error_response(ErrorCode::kMethodNotAllowed,
                                tr(Msg::err_method_not_allowed_on, {{"method", std::string(rq.method.substr(0, 16))},
                                                                    {"route", std::string(route_name(ctx.route))},
                                                                    {"allowed", std::string(allowed)}}));
    r.headers.emplace_back("Allow", std::string(allowed));
    return r;
  };

  if (path == "/healthz" || path == "/metrics") {
    ctx.route = path == "/healthz" ? Route::kHealthz : Route::kMetrics;
    if (rq.method != "GET") return method_not_allowed("GET");
    if (ctx.route == Route::kHealthz) return healthz();
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render();
    return r;
  }

  // /v1 routes: which endpoint, which method, which provider id.
  std::string_view method;
  std::string id;   // the provider the path names
  std::string ref;  // the case the path names
  if (path.substr(0, 4) == "/v1/") {
    auto seg = split(path.substr(4), '/');
    if (!route_case(seg, ctx.route, method, ref, id)) {
      if (seg.size() == 1 && seg[0] == "referrals") ctx.route = Route::kReferrals, method = "POST";
      else if (seg.size() == 1 && seg[0] == "explain") ctx.route = Route::kExplain, method = "POST";
      else if (seg.size() == 1 && seg[0] == "providers") ctx.route = Route::kProviders, method = "GET";
      else if (seg.size() == 2 && seg[0] == "providers" && !seg[1].empty())
        ctx.route = Route::kProvider, method = "GET", id = seg[1];
      else if (seg.size() == 3 && seg[0] == "providers" && !seg[1].empty() && seg[2] == "capacity")
        ctx.route = Route::kCapacity, method = "PUT", id = seg[1];
      else if (seg.size() == 1 && seg[0] == "audit") ctx.route = Route::kAudit, method = "GET";
      else if (seg.size() == 1 && seg[0] == "stats") ctx.route = Route::kStats, method = "GET";
      else if (seg.size() == 2 && seg[0] == "admin" && seg[1] == "reload") ctx.route = Route::kReload, method = "POST";
      else if (seg.size() == 3 && seg[0] == "providers" && !seg[1].empty() && seg[2] == "requests")
        ctx.route = Route::kRequests, method = "GET", id = seg[1];
    }
  }
  if (method.empty()) {
    std::string shown(path.substr(0, 80));
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') c = '?';
    return error_response(ErrorCode::kNotFound, tr(Msg::err_no_endpoint, {{"path", shown}}));
  }
  if (rq.method != method) return method_not_allowed(method);

  // Who is asking.
  std::string_view auth = rq.authorization;
  if (auth.empty()) {
    Response r = error_response(ErrorCode::kUnauthorized, tr(Msg::err_missing_token));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  std::optional<store::TokenInfo> token;
  if (iequals_prefix(auth, "bearer ")) {
    std::string_view secret = auth.substr(7);
    while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
    while (!secret.empty() && secret.back() == ' ') secret.remove_suffix(1);
    std::lock_guard lock(read_mu_);
    token = reader_.authenticate(secret);
  }
  std::optional<Role> role = token ? parse_role(token->role) : std::nullopt;
  if (!role) {
    Response r = error_response(ErrorCode::kUnauthorized, tr(Msg::err_bad_token));
    r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return r;
  }
  ctx.token = *token;
  ctx.role = *role;

  // A case the path names: an unknown reference is 404 for everyone, whatever the role.
  if (!ref.empty()) {
    std::lock_guard lock(read_mu_);
    ctx.kase = reader_.find_case(ref);
    if (!ctx.kase) return error_response(ErrorCode::kNotFound, tr(Msg::err_no_case, {{"ref", ref.substr(0, 16)}}));
  }

  // May this role do this, to this provider or this case?
  Access a = access(ctx.role, endpoint_of(ctx.route));
  if (a == Access::kDenied)
    return error_response(ErrorCode::kForbidden,
                          tr(Msg::err_role_may_not, {{"role", std::string(role_name(ctx.role))},
                                                     {"method", std::string(method)},
                                                     {"route", std::string(route_name(ctx.route))}}));
  if (a == Access::kOwnProvider && ctx.token.provider != id)
    return error_response(ErrorCode::kForbidden, tr(Msg::err_own_provider_only, {{"role", std::string(role_name(ctx.role))},
                                                                                {"provider", ctx.token.provider}}));
  if (a == Access::kOwnCase && ctx.kase->opened_by != ctx.token.id)
    return error_response(ErrorCode::kForbidden, tr(Msg::err_other_token, {{"ref", ctx.kase->reference}}));

  ctx.engine = engine();
  switch (ctx.route) {
    case Route::kReferrals: return referrals(ctx);
    case Route::kExplain: return explain(ctx);
    case Route::kProviders: return providers(ctx);
    case Route::kProvider: return provider(ctx, id);
    case Route::kCapacity: return capacity(ctx, id);
    case Route::kStats: return stats(ctx);
    case Route::kAudit: return audit(ctx);
    case Route::kReload:
      parse_query(ctx.query, {});
      return reload();
    case Route::kCaseOpen: return open_case(ctx);
    case Route::kCase: return show_case(ctx);
    case Route::kCaseSteps: return replace_steps(ctx);
    case Route::kCaseClose: return close_case(ctx);
    case Route::kStepAccept: return accept_step(ctx, id);
    case Route::kStepDecline: return decline_step(ctx, id);
    case Route::kStepWithdraw: return withdraw_step(ctx, id);
    case Route::kRequests: return requests(ctx, id);
    default: return error_response(ErrorCode::kInternal, "");
  }
}

Response Service::healthz() {
  if (draining_) return error_response(ErrorCode::kUnavailable, tr(Msg::err_shutting_down));
  auto e = engine();
  return ok_json({{"status", "ok"}, {"providers", e->directory().providers.size()}, {"generation", generation_.load()}});
}

Response Service::referrals(Context& ctx) {
  ctx.params = parse_query(ctx.query, {"as_of"});
  Date as_of = query_date(ctx.params);
  json body = parse_object(ctx.request->body, tr(Msg::err_the_case));  // the one parse of the body
  const api::Engine& e = *ctx.engine;
  Case c = e.case_from_json(body, "case");
  if (!c.when) c.when = e.now_at(c.location);  // intake hours are checked against the time there
  api::Answer a = e.refer(c, as_of);

  store::ReferralRecord rec;
  rec.hour = store::utc_hour_now();
  rec.kind = "referral";
  rec.role = std::string(role_name(ctx.role));
  const Directory& d = e.directory();
  rec.province = d.taxonomy.provinces.code(d.geography[c.location].province);
  NeedSet unmet = 0;
  for (const auto& u : a.plan.unmet) unmet |= need_bit(u.need);
  for (NeedId n : c.needs) rec.needs.emplace_back(d.taxonomy.needs.code(n), (unmet & need_bit(n)) == 0);
  rec.complete = a.ok();
  log_.add(std::move(rec));

  // Byte for byte what `nrm refer --json` prints (answer_json(a).dump(2)), written without the DOM.
  Response r;
  r.body = e.answer_json_text(a, 2);
  r.body += '\n';
  return r;
}

Response Service::explain(Context& ctx) {
  ctx.params = parse_query(ctx.query, {"as_of"});
  Date as_of = query_date(ctx.params);
  json body = parse_object(ctx.request->body, "{\"provider\": ID, \"case\": {...}}");
  check_keys(body, {"provider", "case"});
  std::vector<Diagnostic> problems;
  if (!body.contains("provider") || !body["provider"].is_string())
    problems.push_back({"", 0, 0, "provider", tr(Msg::err_provider_as_string)});
  if (!body.contains("case") || !body["case"].is_object())
    problems.push_back({"", 0, 0, "case", tr(Msg::err_case_as_object)});
  if (!problems.empty()) throw LoadError("invalid request", std::move(problems));
  const api::Engine& e = *ctx.engine;
  std::string id = body["provider"].get<std::string>();
  if (!e.directory().find(id))
    return error_response(ErrorCode::kNotFound,
                          std::string("provider") + i18n::colon() + tr(Msg::err_no_provider, {{"id", id.substr(0, 80)}}));
  Case c = e.case_from_json(body["case"], "case");
  if (!c.when) c.when = e.now_at(c.location);
  api::Explanation x = e.explain(c, id, as_of);

  store::ReferralRecord rec;
  rec.hour = store::utc_hour_now();
  rec.kind = "explain";
  rec.role = std::string(role_name(ctx.role));
  const Directory& d = e.directory();
  rec.province = d.taxonomy.provinces.code(d.geography[c.location].province);
  for (NeedId n : c.needs) rec.needs.emplace_back(d.taxonomy.needs.code(n), (x.would_cover & need_bit(n)) != 0);
  rec.complete = x.assessment.eligible;
  log_.add(std::move(rec));

  return ok_json(e.explanation_json(c, x), true);  // what `nrm explain --json` prints
}

Response Service::providers(Context& ctx) {
  ctx.params = parse_query(ctx.query, {"province", "need", "attribute", "language"});
  const api::Engine& e = *ctx.engine;
  const Directory& d = e.directory();
  const Taxonomy& t = d.taxonomy;
  Diagnostics diags;
  auto lookup = [&](const char* key, auto& list, Msg what) {
    std::vector<int> out;
    for (const auto& v : values(ctx.params, key)) {
      if (auto i = list.find(v)) out.push_back(*i);
      else {
        std::string near = closest_name(v, list.codes());
        diags.add("", 0, 0, key,
                  near.empty() ? tr(Msg::err_unknown_code, {{"what", tr(what)}, {"value", v.substr(0, 64)}})
                               : tr(Msg::err_unknown_code_near,
                                    {{"what", tr(what)}, {"value", v.substr(0, 64)}, {"near", near}}));
      }
    }
    return out;
  };
  auto provinces = lookup("province", t.provinces, Msg::err_what_province);
  auto needs = lookup("need", t.needs, Msg::err_what_need);
  auto attributes = lookup("attribute", t.attributes, Msg::err_what_attribute);
  auto languages = lookup("language", t.languages, Msg::err_what_language);
  diags.throw_if_any("invalid query");
  NeedSet need_mask = 0;
  for (int n : needs) need_mask |= need_bit(n);
  AttrSet attr_mask = 0;
  for (int a : attributes) attr_mask |= attr_bit(a);

  json list = json::array();
  for (ProviderIndex i = 0; i < d.providers.size(); ++i) {
    const Provider& p = d.providers[i];
    if (!provinces.empty()) {
      int prov = d.geography[p.community].province;
      if (std::find(provinces.begin(), provinces.end(), prov) == provinces.end()) continue;
    }
    if ((p.services & need_mask) != need_mask) continue;
    if ((p.attributes & attr_mask) != attr_mask) continue;
    if (!languages.empty()) {
      bool speaks = false;
      for (LangId pl : p.languages)
        for (int l : languages) speaks = speaks || t.languages_match(pl, l);
      if (!speaks) continue;
    }
    list.push_back(e.provider_json(i));
  }
  json j;
  j["count"] = list.size();
  j["providers"] = std::move(list);
  return ok_json(j);
}

Response Service::provider(Context& ctx, const std::string& id) {
  parse_query(ctx.query, {});
  auto p = ctx.engine->directory().find(id);
  if (!p) return error_response(ErrorCode::kNotFound, tr(Msg::err_no_provider, {{"id", id.substr(0, 80)}}));
  return ok_json(ctx.engine->provider_json(*p));
}

Response Service::capacity(Context& ctx, const std::string& id) {
  parse_query(ctx.query, {});
  if (!ctx.engine->directory().find(id))
    return error_response(ErrorCode::kNotFound, tr(Msg::err_no_provider, {{"id", id.substr(0, 80)}}));
  json body = parse_object(ctx.request->body, "{\"available\": N, \"beds\": M}");
  check_keys(body, {"available", "beds"});
  auto integer = [&](const char* key, bool required) -> std::optional<int> {
    if (!body.contains(key)) {
      if (required) throw field_error(key, tr(Msg::err_beds_required));
      return std::nullopt;
    }
    const json& v = body[key];
    if (!v.is_number_integer()) throw field_error(key, tr(Msg::err_expected_whole, {{"found", v.type_name()}}));
    auto n = v.get<std::int64_t>();
    if (n < 0 || n > 100000)
      throw field_error(key, tr(Msg::err_out_of_range, {{"value", std::to_string(n)}, {"min", "0"}, {"max", "100000"}}));
    return static_cast<int>(n);
  };
  int available = *integer("available", true);
  std::optional<int> beds = integer("beds", false);

  std::lock_guard lock(write_mu_);
  auto current = engine();  // the newest: another update may have landed since ctx.engine
  auto p = current->directory().find(id);
  if (!p) return error_response(ErrorCode::kNotFound, tr(Msg::err_no_provider, {{"id", id.substr(0, 80)}}));
  auto next = current->with_capacity(*p, available, beds);  // validates; throws LoadError
  int effective_beds = next->directory().providers[*p].capacity->beds;
  writer_.record_capacity(id, available, effective_beds, ctx.token.id);  // on disk before the 200
  set_engine(next);
  metrics_.capacity_update();
  return ok_json(next->provider_json(*p));
}

Response Service::stats(Context& ctx) {
  ctx.params = parse_query(ctx.query, {"province"});
  auto provinces = values(ctx.params, "province");
  if (provinces.size() > 1) throw field_error("province", tr(Msg::err_one_province));
  std::string province = provinces.empty() ? "" : provinces[0];
  const Taxonomy& t = ctx.engine->directory().taxonomy;
  if (!province.empty() && !t.provinces.find(province))
    throw field_error("province", tr(Msg::err_unknown_code, {{"what", tr(Msg::err_what_province)},
                                                             {"value", province.substr(0, 64)}}));
  // Closed months only: nothing logged or transitioned this month is in the answer, so a new
  // referral or case event never moves a published figure (the log need not be flushed first).
  store::Stats s;
  {
    std::lock_guard lock(read_mu_);
    s = reader_.stats(province, store::utc_now().substr(0, 7));
  }
  return ok_json(stats_document(s, province));
}

// The coordinators' audit, as `nrm audit --format json` prints it, with the CLI's filters
// (province, profile, as_of). It runs on this request's thread (the other serves on); results are
// kept per engine generation and query, so a repeated query is free until the data changes.
Response Service::audit(Context& ctx) {
  ctx.params = parse_query(ctx.query, {"province", "profile", "as_of"});
  auto [engine, generation] = snapshot();
  const Directory& d = engine->directory();
  audit::Options opts;
  opts.as_of = query_date(ctx.params);
  opts.threads = 1;
  auto provinces = values(ctx.params, "province");
  if (provinces.size() > 1) throw field_error("province", tr(Msg::err_one_province));
  std::optional<std::string> province;
  if (!provinces.empty()) {
    auto p = d.taxonomy.provinces.find(provinces[0]);
    if (!p)
      throw field_error("province", tr(Msg::err_unknown_code, {{"what", tr(Msg::err_what_province)},
                                                               {"value", provinces[0].substr(0, 64)}}));
    opts.province = *p;
    province = provinces[0];
  }
  opts.profile_ids = values(ctx.params, "profile");
  // (the language too: the report's sentences are written in the request's language)
  std::string key = std::string(i18n::lang_code(i18n::current())) + "|" + std::to_string(generation) + "|" +
                    province.value_or("") + "|" + opts.as_of.str();
  for (const auto& id : opts.profile_ids) key += "|" + id;

  std::lock_guard lock(audit_mu_);
  for (const auto& [k, body] : audit_cache_)
    if (k == key) {
      Response r;
      r.body = body;
      return r;
    }
  auto profiles = audit::load_profiles(profiles_path_, *engine);  // LoadError -> 400
  audit::Audit result = audit::run(*engine, profiles, opts);     // unknown profile -> LoadError
  audit::Report report;
  report.engine = engine.get();
  report.audit = &result;
  report.stamp = audit::make_stamp(*engine, profiles_path_, opts.as_of);
  report.province = province;
  Response r = ok_json(audit::render_json(report), true);
  audit_cache_.emplace_front(key, r.body);
  if (audit_cache_.size() > 8) audit_cache_.pop_back();
  return r;
}

Response Service::reload() {
  std::lock_guard lock(write_mu_);
  auto current = engine();
  std::shared_ptr<const api::Engine> fresh;
  try {
    fresh = api::Engine::load(current->paths());
  } catch (const LoadError& e) {
    metrics_.reload(false);
    return bad_input(e, tr(Msg::err_reload_refused));
  } catch (const std::exception& e) {
    metrics_.reload(false);
    return error_response(ErrorCode::kInternal, tr(Msg::err_reload_failed, {{"what", e.what()}}));
  }
  fresh = replay(std::move(fresh));
  std::string summary = fresh->summary();
  const std::string snapshot = snapshot_kind_name(fresh->snapshot().kind);
  set_engine(std::move(fresh));
  metrics_.reload(true);
  json j = {{"status", "reloaded"},
            {"summary", summary},
            {"generation", generation_.load()},
            {"snapshot", snapshot},
            {"capacity_replayed", replayed_},
            {"capacity_skipped", replay_warnings_}};
  return ok_json(j);
}

}  // namespace nrm::server
