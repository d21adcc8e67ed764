// Internal to server/: the pieces every endpoint of the Service is built from (refusals from the
// one error table, JSON answers, strict bodies, query strings) and the request context, shared by
// service.cpp and cases.cpp.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/errors.hpp"
#include "model/date.hpp"
#include "model/diagnostics.hpp"
#include "server/metrics.hpp"
#include "server/roles.hpp"
#include "server/service.hpp"
#include "store/store.hpp"

namespace nrm::server {

namespace detail {

using Query = std::vector<std::pair<std::string, std::string>>;
// The most values one query parameter may carry, all occurrences and commas counted.
constexpr std::size_t kMaxQueryValues = 64;

// json::dump that never throws on invalid UTF-8 (bad bytes become U+FFFD); on valid text exactly
// json::dump, so answers stay byte for byte the CLI's.
std::string dump(const nlohmann::json& j, int indent = -1);
// A refusal: {code, message} (and "errors" when given) with the table's HTTP status.
Response error_response(api::ErrorCode code, const std::string& message, nlohmann::json details = nullptr);
// "location: 'x' is not a community; age: 300 is out of range"
std::string summary_of(const LoadError& e);
// A 400 listing each diagnostic as {field, message[, file, line, column]}.
Response bad_input(const LoadError& e, const std::string& context = "");
Response ok_json(const nlohmann::json& j, bool pretty = false);
// The body as a JSON object, parsed once (strict: see json_body.hpp).
nlohmann::json parse_object(std::string_view body, const std::string& expected);
// A LoadError naming every key of `j` not in `allowed`.
void check_keys(const nlohmann::json& j, std::initializer_list<std::string_view> allowed);
std::vector<std::string> split(std::string_view s, char sep);
// Percent-decoded key=value pairs; unknown keys are a LoadError.
Query parse_query(std::string_view q, std::initializer_list<std::string_view> allowed);
// Every comma-separated value of every occurrence of `key`: at most kMaxQueryValues.
std::vector<std::string> values(const Query& q, std::string_view key);
// as_of=YYYY-MM-DD, or today.
Date query_date(const Query& q);
bool iequals_prefix(std::string_view s, std::string_view prefix);
Endpoint endpoint_of(Route r);

}  // namespace detail

struct Service::Context {
  const Request* request = nullptr;
  Route route = Route::kOther;
  std::string_view query;
  detail::Query params;
  store::TokenInfo token;
  Role role = Role::kFrontline;
  std::shared_ptr<const api::Engine> engine;
  std::optional<store::CaseRecord> kase;  // the case the path names, once looked up
};

}  // namespace nrm::server
