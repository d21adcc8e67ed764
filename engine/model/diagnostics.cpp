// Diagnostics: formatting and the typo suggestion used by every loader.
#include "model/diagnostics.hpp"

#include <algorithm>

namespace nrm {

std::string Diagnostic::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

void Diagnostics::throw_if_any(const std::string& what) const {
  if (empty()) return;
  if (dropped_ == 0) throw LoadError(what, items_);
  std::vector<Diagnostic> all = items_;
  all.push_back({"", 0, 0, "", "... and " + std::to_string(dropped_) + " more problems not shown"});
  throw LoadError(what, std::move(all));
}

LoadError::LoadError(const std::string& what, std::vector<Diagnostic> diagnostics)
    : std::runtime_error(what), diagnostics_(std::move(diagnostics)) {}

std::string LoadError::report() const {
  std::string out;
  for (const auto& d : diagnostics_) out += d.str() + "\n";
  return out;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

// The one place a "did you mean" is searched for. Its cost is bounded before any work: a name
// longer than kMaxSuggestLength gets no suggestion (no real id or code is that long; a 60 KB
// "community" would otherwise cost seconds of CPU), and a known name whose length alone puts it
// out of reach is skipped without computing its distance (|len a - len b| <= distance).
std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
  constexpr std::size_t kMaxSuggestLength = 64;
  if (name.size() > kMaxSuggestLength) return {};
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& k : known) {
    std::size_t gap = k.size() > name.size() ? k.size() - name.size() : name.size() - k.size();
    if (gap > best_d || k.size() > kMaxSuggestLength * 2) continue;
    std::size_t d = edit_distance(name, k);
    if (d < best_d || (d == best_d && !best.empty() && k < best)) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

}  // namespace nrm
