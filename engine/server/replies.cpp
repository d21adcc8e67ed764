// The pieces every endpoint is built from (see replies.hpp).
#include "server/replies.hpp"

#include <fmt/format.h>

#include <cctype>

#include "i18n/text.hpp"
#include "server/json_body.hpp"

namespace nrm::server::detail {

using api::ErrorCode;
using i18n::Msg;
using i18n::tr;
using json = nlohmann::json;

namespace {

// The table's default message of `code` (api/errors.hpp), in the current language.
std::string error_summary(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadInput: return tr(Msg::err_bad_input);
    case ErrorCode::kNoPathway: return tr(Msg::err_no_pathway);
    case ErrorCode::kUnauthorized: return tr(Msg::err_unauthorized);
    case ErrorCode::kForbidden: return tr(Msg::err_forbidden);
    case ErrorCode::kNotFound: return tr(Msg::err_not_found);
    case ErrorCode::kMethodNotAllowed: return tr(Msg::err_method_not_allowed);
    case ErrorCode::kConflict: return tr(Msg::err_conflict);
    case ErrorCode::kInvalidPathway: return tr(Msg::err_invalid_pathway);
    case ErrorCode::kTooLarge: return tr(Msg::err_too_large);
    case ErrorCode::kTimeout: return tr(Msg::err_timeout);
    case ErrorCode::kUnavailable: return tr(Msg::err_unavailable);
    case ErrorCode::kInternal: break;
  }
  return tr(Msg::err_internal);
}

}  // namespace

std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

Response error_response(ErrorCode code, const std::string& message, json details) {
  const api::ErrorInfo& info = api::error_info(code);
  json j = {{"code", info.name}, {"message", message.empty() ? error_summary(code) : message}};
  if (!details.is_null()) j["errors"] = std::move(details);
  Response r;
  r.status = info.http_status;
  r.body = dump(j) + "\n";
  r.error_code = info.name;
  return r;
}

std::string summary_of(const LoadError& e) {
  std::string out;
  for (const auto& d : e.diagnostics()) {
    if (!out.empty()) out += i18n::semicolon();
    out += d.field.empty() ? d.message : d.field + i18n::colon() + d.message;
  }
  return out.empty() ? std::string(e.what()) : out;
}

Response bad_input(const LoadError& e, const std::string& context) {
  json details = json::array();
  for (const auto& d : e.diagnostics()) {
    json x = {{"field", d.field}, {"message", d.message}};
    if (!d.file.empty() && d.file != "case") x["file"] = d.file;
    if (d.line > 0) x["line"] = d.line;
    if (d.column > 0) x["column"] = d.column;
    details.push_back(std::move(x));
  }
  return error_response(ErrorCode::kBadInput, context + summary_of(e), std::move(details));
}

Response ok_json(const json& j, bool pretty) {
  Response r;
  r.body = dump(j, pretty ? 2 : -1) + "\n";
  return r;
}

json parse_object(std::string_view body, const std::string& expected) { return parse_json_body(body, expected); }

void check_keys(const json& j, std::initializer_list<std::string_view> allowed) {
  std::vector<Diagnostic> problems;
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      problems.push_back({"", 0, 0, key, tr(Msg::err_unknown_field_expected, {{"list", list}})});
    }
  }
  if (!problems.empty()) throw LoadError("invalid request", std::move(problems));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        throw field_error("query", tr(Msg::err_bad_percent, {{"text", std::string(s)}}));
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else out += s[i];
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}


Query parse_query(std::string_view q, std::initializer_list<std::string_view> allowed) {
  Query out;
  if (q.empty()) return out;
  std::vector<Diagnostic> problems;
  for (const auto& part : split(q, '&')) {
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    std::string key = percent_decode(std::string_view(part).substr(0, eq));
    std::string value = eq == std::string::npos ? "" : percent_decode(std::string_view(part).substr(eq + 1));
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      problems.push_back({"", 0, 0, key.size() > 64 ? key.substr(0, 64) + "..." : key,
                          tr(Msg::err_unknown_parameter, {{"list", list.empty() ? tr(Msg::err_none) : list}})});
      continue;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  if (!problems.empty()) throw LoadError("invalid query", std::move(problems));
  return out;
}

// At most kMaxQueryValues: more is refused before any is looked up.
std::vector<std::string> values(const Query& q, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : q)
    if (k == key)
      for (auto& item : split(v, ','))
        if (!item.empty()) out.push_back(std::move(item));
  if (out.size() > kMaxQueryValues)
    throw field_error(std::string(key), tr(Msg::err_too_many_values, {{"count", std::to_string(out.size())},
                                                                      {"max", std::to_string(kMaxQueryValues)}}));
  return out;
}

Date query_date(const Query& q) {
  auto v = values(q, "as_of");
  if (v.empty()) return Date::today();
  if (v.size() == 1)
    if (auto d = Date::parse(v[0])) return *d;
  throw field_error("as_of", tr(Msg::err_one_date));
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

Endpoint endpoint_of(Route r) { return static_cast<Endpoint>(static_cast<int>(r)); }

}  // namespace nrm::server::detail
