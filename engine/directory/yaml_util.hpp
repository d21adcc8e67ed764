// The one YAML reading helper of every loader (data files, rules, the audit's profiles, cases):
// bounded reading of files and text (size, node count, nesting depth; one limit and one message
// style), then typed, located reading of yaml-cpp nodes: every accessor reports a Diagnostic naming
// file, line, column and field instead of throwing, so a loader can report every problem at once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/date.hpp"
#include "model/diagnostics.hpp"
#include "model/taxonomy.hpp"

namespace nrm::detail {

// Reads a whole file into memory; reports a missing, unreadable, oversized or binary file.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags);

// Bounds of one YAML document, checked by a streaming pass over the text before any node is
// built (a yaml-cpp node costs some 600 bytes: a 50 MB list of one-letter items would take 8 GB).
// The pass runs only on texts longer than the node bound (each node takes at least one byte).
// kMaxYamlNodes allows a directory of 100,000 providers; kMaxYamlDepth is far beyond any of our
// files (a provider is 4 levels deep, a rule 8).
inline constexpr std::size_t kMaxYamlNodes = 8'000'000;
inline constexpr int kMaxYamlDepth = 64;

// Parses YAML text (its first document) within the bounds above; a syntax error or a bound
// exceeded becomes one located diagnostic ("file:line:col: not valid YAML: ..." or
// "file:line:col: too many YAML nodes ...").
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     Diagnostics& diags, std::size_t max_nodes = kMaxYamlNodes);

// read_text_file then parse_yaml: what every loader of a YAML file calls.
std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& diags);

// A value for a message, shortened: 'abc' or 'first 40 characters...' (60000 characters).
std::string quote_short(const std::string& s, std::size_t limit = 40);

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  const std::string& file() const { return file_; }
  Diagnostics& diags() { return diags_; }
  void error(const YAML::Node& at, const std::string& field, const std::string& message);

  // Reports keys of `map` not in `allowed`, suggesting the closest allowed one, and keys given
  // twice (yaml-cpp would silently keep one of them).
  void check_keys(const YAML::Node& map, const std::string& prefix,
                  const std::vector<std::string>& allowed);
  bool expect_map(const YAML::Node& n, const std::string& field);
  bool expect_sequence(const YAML::Node& n, const std::string& field);

  std::optional<std::string> string(const YAML::Node& n, const std::string& field);
  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& field,
                                      std::int64_t min, std::int64_t max);
  std::optional<double> number(const YAML::Node& n, const std::string& field, double min,
                               double max);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& field);
  std::optional<Date> date(const YAML::Node& n, const std::string& field);
  // A sequence of strings (a scalar is accepted as a one-element list only if allow_scalar).
  std::optional<std::vector<std::string>> strings(const YAML::Node& n, const std::string& field);

 private:
  std::string file_;
  Diagnostics& diags_;
};

// "a", "b", "c" joined for "expected one of ..." messages, shortened past `limit` items.
std::string join_codes(const std::vector<std::string>& codes, std::size_t limit = 40);

// A list of codes checked against a code list: each known code once, in order, appended to `out`;
// each unknown one reported with the closest known code, at `field[i]` when `indexed` (data
// files) or at `field` (cases). Returns false if the field is not a list or a code is unknown.
template <typename T>
bool read_codes(YamlReader& r, const YAML::Node& n, const std::string& field, const CodeList<T>& list,
                const char* what, std::vector<int>& out, bool indexed) {
  auto items = r.strings(n, field);
  if (!items) return false;
  bool ok = true;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string& s = (*items)[i];
    if (auto c = list.find(s)) {
      if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(*c);
      continue;
    }
    if (s.size() > 64) {  // longer than any code: refused at once, no suggestion searched
      r.error(n[i], indexed ? field + "[" + std::to_string(i) + "]" : field,
              "unknown " + std::string(what) + " " + quote_short(s) + ": longer than any code");
      ok = false;
      continue;
    }
    std::string near = closest_name(s, list.codes());
    r.error(n[i], indexed ? field + "[" + std::to_string(i) + "]" : field,
            "unknown " + std::string(what) + " '" + s + "'" +
                (near.empty() ? "; expected one of " + join_codes(list.codes()) : " (did you mean '" + near + "'?)"));
    ok = false;
  }
  return ok;
}
// What a node is, for "expected a number, found a sequence".
std::string describe(const YAML::Node& n);

}  // namespace nrm::detail
