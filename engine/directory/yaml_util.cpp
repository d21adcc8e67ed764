// Bounded, typed, located YAML reading shared by every loader (data files, rules, profiles, cases).
#include "directory/yaml_util.hpp"

#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "directory/loader.hpp"

namespace nrm::detail {

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.add(path, 0, 0, "", "cannot open file");
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) {
    diags.add(path, 0, 0, "", "cannot read file");
    return std::nullopt;
  }
  if (static_cast<std::size_t>(size) > kMaxFileBytes) {
    diags.add(path, 0, 0, "",
              "file is " + std::to_string(static_cast<std::size_t>(size) >> 20) +
                  " MiB; the limit is " + std::to_string(kMaxFileBytes >> 20) + " MiB");
    return std::nullopt;
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (!in) {
    diags.add(path, 0, 0, "", "cannot read file");
    return std::nullopt;
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n'));
    diags.add(path, line, 0, "", "binary data (a NUL byte); expected UTF-8 text");
    return std::nullopt;
  }
  return text;
}

namespace {

// The text as an istream, without a copy.
struct ViewBuf : std::streambuf {
  explicit ViewBuf(const std::string& s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

// Thrown by the counting pass when a bound is exceeded.
struct TooBig {
  YAML::Mark mark;
  std::string message;
};

// Counts nodes and nesting as the parser streams events; builds nothing.
class Counter : public YAML::EventHandler {
 public:
  explicit Counter(std::size_t max_nodes) : max_(max_nodes) {}
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { node(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(m);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(m);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void node(const YAML::Mark& m) {
    if (++nodes_ > max_)
      throw TooBig{m, "too many YAML nodes (more than " + std::to_string(max_) + "); split the file or shorten it"};
  }
  void open(const YAML::Mark& m) {
    node(m);
    if (++depth_ > kMaxYamlDepth)
      throw TooBig{m, "YAML nested deeper than " + std::to_string(kMaxYamlDepth) + " levels"};
  }
  std::size_t max_;
  std::size_t nodes_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string quote_short(const std::string& s, std::size_t limit) {
  if (s.size() <= limit) return "'" + s + "'";
  return "'" + s.substr(0, limit) + "...' (" + std::to_string(s.size()) + " characters)";
}

std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& diags) {
  auto text = read_text_file(path, diags);
  if (!text) return std::nullopt;
  return parse_yaml(*text, path, diags);
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     Diagnostics& diags, std::size_t max_nodes) {
  try {
    // Every node takes at least one byte of text, so a text shorter than the bound needs no
    // counting (the shipped files); yaml-cpp's own depth guard still applies to it.
    if (text.size() > max_nodes) {
      ViewBuf buf(text);
      std::istream in(&buf);
      YAML::Parser parser(in);
      Counter counter(max_nodes);
      parser.HandleNextDocument(counter);
    }
    return YAML::Load(text);
  } catch (const TooBig& e) {
    diags.add(file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
              e.message);
  } catch (const YAML::Exception& e) {
    diags.add(file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
              "", "not valid YAML: " + e.msg);
  } catch (const std::exception& e) {
    diags.add(file, 0, 0, "", std::string("not valid YAML: ") + e.what());
  }
  return std::nullopt;
}

void YamlReader::error(const YAML::Node& at, const std::string& field, const std::string& message) {
  int line = 0, col = 0;
  if (at.IsDefined() && !at.Mark().is_null()) {
    line = at.Mark().line + 1;
    col = at.Mark().column + 1;
  }
  diags_.add(file_, line, col, field, message);
}

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "'" + n.Scalar() + "'";
}

std::string join_codes(const std::vector<std::string>& codes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < codes.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += codes[i];
  }
  if (codes.size() > limit) out += ", ... (" + std::to_string(codes.size()) + " in all)";
  return out;
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& prefix,
                            const std::vector<std::string>& allowed) {
  if (!map.IsMap()) return;
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        error(kv.first, prefix.empty() ? key : prefix + "." + key, "given twice; give each field once");
      seen.push_back(key);
      continue;
    }
    if (key.size() > 64) {
      error(kv.first, quote_short(key), "unknown field; expected one of " + join_codes(allowed));
      continue;
    }
    std::string msg = "unknown field '" + key + "'";
    std::string near = closest_name(key, allowed);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    else msg += "; expected one of " + join_codes(allowed);
    error(kv.first, prefix.empty() ? key : prefix + "." + key, msg);
  }
}

bool YamlReader::expect_map(const YAML::Node& n, const std::string& field) {
  if (n.IsMap()) return true;
  error(n, field, "expected a mapping, found " + describe(n));
  return false;
}

bool YamlReader::expect_sequence(const YAML::Node& n, const std::string& field) {
  if (n.IsSequence()) return true;
  error(n, field, "expected a list, found " + describe(n));
  return false;
}

std::optional<std::string> YamlReader::string(const YAML::Node& n, const std::string& field) {
  if (n.IsScalar()) return n.Scalar();
  error(n, field, "expected text, found " + describe(n));
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& n, const std::string& field,
                                                std::int64_t min, std::int64_t max) {
  if (!n.IsScalar()) {
    error(n, field, "expected a whole number, found " + describe(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || n.Tag() == "!") {
    error(n, field, "expected a whole number, found '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(n, field,
          s + " is out of range; expected " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(const YAML::Node& n, const std::string& field, double min,
                                         double max) {
  if (!n.IsScalar()) {
    error(n, field, "expected a number, found " + describe(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || n.Tag() == "!" || !std::isfinite(v)) {
    error(n, field, "expected a number, found '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    std::ostringstream msg;
    msg << s << " is out of range; expected " << min << " to " << max;
    error(n, field, msg.str());
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, const std::string& field) {
  if (n.IsScalar() && n.Tag() != "!") {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  error(n, field, "expected true or false, found " + describe(n));
  return std::nullopt;
}

std::optional<Date> YamlReader::date(const YAML::Node& n, const std::string& field) {
  if (n.IsScalar()) {
    if (auto d = Date::parse(n.Scalar())) return d;
  }
  error(n, field, "expected a date YYYY-MM-DD, found " + describe(n));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::strings(const YAML::Node& n,
                                                            const std::string& field) {
  if (!n.IsSequence()) {
    error(n, field, "expected a list, found " + describe(n));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i].IsScalar()) out.push_back(n[i].Scalar());
    else {
      error(n[i], field + "[" + std::to_string(i) + "]", "expected text, found " + describe(n[i]));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace nrm::detail
