// Filling the catalogue's messages, and figures in each language's prose.
#include "i18n/text.hpp"

#include <fmt/format.h>

#include <cassert>

namespace nrm::i18n {

const MessageText& entry(Msg m) {
  const auto i = static_cast<std::size_t>(m);
  assert(i < kMessageCount);
  return kMessages[i];
}

std::string tr(Lang lang, Msg m, std::initializer_list<Arg> args) {
  const std::string_view text = lang == Lang::kFr ? entry(m).fr : entry(m).en;
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t at = 0; at < text.size();) {
    const char c = text[at];
    if ((c == '{' || c == '}') && at + 1 < text.size() && text[at + 1] == c) {  // {{ or }}
      out += c;
      at += 2;
      continue;
    }
    if (c == '{') {
      const std::size_t end = text.find('}', at);
      if (end != std::string_view::npos) {
        const std::string_view name = text.substr(at + 1, end - at - 1);
        const Arg* found = nullptr;
        for (const Arg& a : args)
          if (a.name == name) found = &a;
        if (found) {
          out += found->value;
          at = end + 1;
          continue;
        }
      }
    }
    out += c;
    ++at;
  }
  return out;
}

std::string tr(Msg m, std::initializer_list<Arg> args) { return tr(current(), m, args); }

namespace {
std::string comma_if_french(std::string s, Lang lang) {
  if (lang == Lang::kFr)
    for (char& c : s)
      if (c == '.') c = ',';
  return s;
}
}  // namespace

std::string decimal(double v, int places, Lang lang) { return comma_if_french(fmt::format("{:.{}f}", v, places), lang); }
std::string decimal(double v, int places) { return decimal(v, places, current()); }
std::string decimal_signed(double v, int places, Lang lang) {
  return comma_if_french(fmt::format("{:+.{}f}", v, places), lang);
}
std::string decimal_signed(double v, int places) { return decimal_signed(v, places, current()); }

std::string integer(std::int64_t n, Lang lang) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  const char* sep = lang == Lang::kFr ? "\u202f" : ",";
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}
std::string integer(std::int64_t n) { return integer(n, current()); }

const char* colon(Lang lang) { return lang == Lang::kFr ? "\u00a0: " : ": "; }
const char* colon() { return colon(current()); }
const char* semicolon(Lang lang) { return lang == Lang::kFr ? "\u00a0; " : "; "; }
const char* semicolon() { return semicolon(current()); }

}  // namespace nrm::i18n
