// The server's one JSON parser for request bodies: strict and bounded. A body is parsed once into
// a document; every problem (syntax, a number out of range such as -1e999, a key given twice,
// nesting deeper than kMaxJsonDepth) is a LoadError naming the field where it happened, with
// values quoted short, so it becomes a 400 and never a 500 or a flood of text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/diagnostics.hpp"

namespace nrm::server {

inline constexpr int kMaxJsonDepth = 32;  // a case is three levels deep; deeper is an attack

// The body as a JSON object; `expected` describes it for messages ("the case"). Throws LoadError
// (field "body", or the path of the offending value: "age", "case.needs[2]").
nlohmann::json parse_json_body(std::string_view body, const std::string& expected);

// A 400 about one field of a request: LoadError("invalid request") with one diagnostic.
LoadError field_error(const std::string& field, const std::string& message);

}  // namespace nrm::server
