// What the French tests look for in a French text: English phrases left behind. Shared by
// tests/i18n (the answer and every command) and tests/audit (the report).
#pragma once

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace nrm::test {

// The fixed parts of an English message (between its placeholders and line breaks), trimmed of
// punctuation, added to `out`.
inline void add_message_parts(const std::string& en, std::vector<std::string>& out) {
  static const std::regex kSplit(R"(\{[a-z_0-9]+\}|\n)");
  for (std::sregex_token_iterator it(en.begin(), en.end(), kSplit, -1), end; it != end; ++it) {
    const std::string part = *it;
    const auto b = part.find_first_not_of(" ,.:;()#·'"), e = part.find_last_not_of(" ,.:;()#·'");
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
  }
}

// Of the English candidates, those of two words or more that no French text holds too (a word
// alone, a code or a name may be shared by both languages), sorted, each once.
inline std::vector<std::string> not_in_french(const std::vector<std::string>& candidates,
                                              const std::vector<std::string>& french) {
  std::vector<std::string> out;
  for (const std::string& c : candidates) {
    if (c.find(' ') == std::string::npos || c.size() < 8) continue;
    if (std::any_of(french.begin(), french.end(), [&](const std::string& f) { return f.find(c) != std::string::npos; }))
      continue;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace nrm::test
