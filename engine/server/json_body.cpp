// The strict JSON reader (see json_body.hpp): nlohmann's SAX parser (iterative, so no recursion
// on deep input) driving a builder that keeps the path of the value being read.
#include "server/json_body.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "i18n/text.hpp"
#include "model/diagnostics.hpp"

namespace nrm::server {

using json = nlohmann::json;

namespace {

std::string shorten(const std::string& s, std::size_t limit = 40) {
  std::string out = s.size() <= limit ? s : s.substr(0, limit) + "...";
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return out;
}

class Builder : public nlohmann::json_sax<json> {
 public:
  json root;
  std::string error_field;
  std::string error_message;

  bool null() override { return value(json(nullptr)); }
  bool boolean(bool v) override { return value(json(v)); }
  bool number_integer(number_integer_t v) override { return value(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return value(json(v)); }
  bool string(string_t& v) override { return value(json(std::move(v))); }
  bool binary(binary_t&) override { return fail(i18n::tr(i18n::Msg::err_json_binary)); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = stack_.back();
    f.key = std::move(k);
    if (f.value->contains(f.key)) return fail(i18n::tr(i18n::Msg::err_json_key_twice));
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    if (!error_message.empty()) return false;  // a builder refusal came first
    std::string where = path();
    if (ex.id == 406) {  // out_of_range: number overflow; the value's field is named
      error_field = where;
      error_message = i18n::tr(i18n::Msg::err_json_number_range, {{"number", shorten(last_token)}});
    } else {  // the text is broken: the body is named, and where it broke
      error_field = "body";
      error_message = where == "body"
                          ? i18n::tr(i18n::Msg::err_json_malformed_at,
                                     {{"position", std::to_string(position)}, {"near", shorten(last_token)}})
                          : i18n::tr(i18n::Msg::err_json_malformed_at_in, {{"position", std::to_string(position)},
                                                                           {"field", where},
                                                                           {"near", shorten(last_token)}});
    }
    return false;
  }

 private:
  struct Frame {
    json* value;
    std::string key;    // objects: the key being read
    std::size_t index;  // arrays: the index of the next item
  };

  bool fail(std::string message) {
    error_field = path();
    error_message = std::move(message);
    return false;
  }

  // Where a new value goes: the root, the current object's key, or the end of the current array.
  json* place(json v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    Frame& f = stack_.back();
    if (f.value->is_object()) {
      json& slot = (*f.value)[f.key];
      slot = std::move(v);
      return &slot;
    }
    f.value->push_back(std::move(v));
    ++f.index;
    return &f.value->back();
  }
  bool value(json v) {
    place(std::move(v));
    return true;
  }
  bool open(json v) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      error_field = "body";
      error_message = i18n::tr(i18n::Msg::err_json_too_deep, {{"levels", std::to_string(kMaxJsonDepth)}});
      return false;
    }
    json* p = place(std::move(v));  // pointers stay valid: a parent grows only after this closes
    stack_.push_back({p, "", 0});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  // "case.needs[2]": the value being read; "body" at the top.
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.value->is_object()) {
        if (f.key.empty()) continue;
        out += (out.empty() ? "" : ".") + shorten(f.key);
      } else {
        // An inner frame's item was already placed (index counts it); the top one's not yet.
        bool inner = i + 1 < stack_.size();
        out += "[" + std::to_string(inner && f.index > 0 ? f.index - 1 : f.index) + "]";
      }
    }
    return out.empty() ? "body" : out;
  }

  std::vector<Frame> stack_;
};

}  // namespace

LoadError field_error(const std::string& field, const std::string& message) {
  return LoadError("invalid request", {Diagnostic{"", 0, 0, field, message}});
}

json parse_json_body(std::string_view body, const std::string& expected) {
  if (body.empty()) throw field_error("body", i18n::tr(i18n::Msg::err_body_empty, {{"expected", expected}}));
  Builder b;
  bool ok = json::sax_parse(body.begin(), body.end(), &b, json::input_format_t::json, true);
  if (!ok) {
    if (b.error_message.empty()) b.error_message = i18n::tr(i18n::Msg::err_json_malformed);
    throw field_error(b.error_field.empty() ? "body" : b.error_field, b.error_message);
  }
  if (!b.root.is_object())
    throw field_error("body", i18n::tr(i18n::Msg::err_json_object_expected,
                                       {{"expected", expected}, {"found", b.root.type_name()}}));
  return std::move(b.root);
}

}  // namespace nrm::server
