// The one table of refusals: each code's HTTP status and CLI exit status. The CLI and the server
// both map errors through it, so they cannot disagree.
#pragma once

#include <string_view>

namespace nrm::api {

enum class ErrorCode { kBadInput, kNoPathway, kUnauthorized, kForbidden, kNotFound,
                       kMethodNotAllowed, kConflict, kInvalidPathway, kTooLarge, kTimeout, kUnavailable,
                       kInternal };

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;     // the JSON `code`
  int http_status;
  int exit_status;
  std::string_view summary;  // default message
};

inline constexpr ErrorInfo kErrors[] = {
    {ErrorCode::kBadInput, "bad_input", 400, 2, "the request or its data is not valid"},
    {ErrorCode::kNoPathway, "no_pathway", 200, 3, "no pathway meets every need"},
    {ErrorCode::kUnauthorized, "unauthorized", 401, 2, "a valid bearer token is required"},
    {ErrorCode::kForbidden, "forbidden", 403, 2, "this role may not do that"},
    {ErrorCode::kNotFound, "not_found", 404, 2, "no such resource"},
    {ErrorCode::kMethodNotAllowed, "method_not_allowed", 405, 2, "method not allowed here"},
    {ErrorCode::kConflict, "conflict", 409, 2, "the case or step is not in a state that allows this"},
    {ErrorCode::kInvalidPathway, "invalid_pathway", 422, 2, "the steps do not form a valid pathway for the case"},
    {ErrorCode::kTooLarge, "too_large", 413, 2, "the request body is too large"},
    {ErrorCode::kTimeout, "timeout", 408, 2, "the request took too long to arrive"},
    {ErrorCode::kUnavailable, "unavailable", 503, 1, "the service is not available"},
    {ErrorCode::kInternal, "internal", 500, 1, "internal error"},
};

constexpr const ErrorInfo& error_info(ErrorCode c) {
  for (const auto& e : kErrors)
    if (e.code == c) return e;
  return kErrors[sizeof kErrors / sizeof kErrors[0] - 1];
}

}  // namespace nrm::api
