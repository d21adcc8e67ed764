// Diagnostics: what the engine reports when input is wrong. Loading collects every problem it can
// find into a list and throws it at once as a LoadError; nothing half-loaded is ever returned.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace nrm {

// One problem in one input, located as precisely as the input allows (line/column 0 = unknown).
struct Diagnostic {
  std::string file;     // path as given by the user, or "case" for a case body
  int line = 0;         // 1-based
  int column = 0;       // 1-based
  std::string field;    // e.g. "providers[12].ages.max" or "location"
  std::string message;  // lower-case, context first: "17 is below ages.min 18"

  // "file:line:column: field: message" with the unknown parts left out.
  std::string str() const;
};

// Collects diagnostics while a loader walks its input.
// At most kMaxKept are kept (a file of a million bad entries must not exhaust memory in its
// report); the rest are counted, and the report ends with how many more there were.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxKept = 1000;
  void add(Diagnostic d) {
    if (items_.size() < kMaxKept) items_.push_back(std::move(d));
    else ++dropped_;
  }
  void add(std::string file, int line, int column, std::string field, std::string message) {
    if (items_.size() < kMaxKept) items_.push_back({std::move(file), line, column, std::move(field), std::move(message)});
    else ++dropped_;
  }
  bool empty() const { return items_.empty() && dropped_ == 0; }
  std::size_t size() const { return items_.size() + dropped_; }  // kept and counted
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws LoadError with everything collected, if anything was.
  void throw_if_any(const std::string& what) const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t dropped_ = 0;
};

// Bad data, bad rules or a bad case: every problem found, at once. The CLI exits 2 on it; the
// server answers 400.
class LoadError : public std::runtime_error {
 public:
  LoadError(const std::string& what, std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // One line per diagnostic.
  std::string report() const;

 private:
  std::vector<Diagnostic> diagnostics_;
};

// The closest of `known` to `name` by edit distance, if it is close enough to be a likely typo.
std::string closest_name(const std::string& name, const std::vector<std::string>& known);

}  // namespace nrm
