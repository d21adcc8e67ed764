// Language names, the locale variables, Accept-Language, and the thread's current language.
#include "i18n/lang.hpp"

#include <cctype>
#include <cstdlib>
#include <string>

namespace nrm::i18n {

namespace {
thread_local Lang current_lang = Lang::kEn;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<Lang> lang_named(std::string_view name) {
  const std::string s = lower(name);
  // The language is what comes before a territory, codeset or modifier: fr_CA.UTF-8@x -> fr.
  const std::string primary = s.substr(0, s.find_first_of("-_.@"));
  if (primary == "en" || primary == "eng") return Lang::kEn;
  if (primary == "fr" || primary == "fra" || primary == "fre") return Lang::kFr;
  return std::nullopt;
}

Lang lang_from_environment(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang})
    if (v && *v) return lang_named(v).value_or(Lang::kEn);
  return Lang::kEn;
}

Lang lang_from_environment() {
  return lang_from_environment(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
}

Lang lang_from_accept_language(std::string_view header) {
  double best_q = 0;
  std::optional<Lang> best;
  std::size_t at = 0;
  while (at <= header.size()) {
    std::size_t end = header.find(',', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(at, end - at);
    at = end + 1;
    std::string_view range = item.substr(0, item.find(';'));
    while (!range.empty() && std::isspace(static_cast<unsigned char>(range.front()))) range.remove_prefix(1);
    while (!range.empty() && std::isspace(static_cast<unsigned char>(range.back()))) range.remove_suffix(1);
    double q = 1;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      std::string params = lower(item.substr(semi + 1));
      if (auto qat = params.find("q="); qat != std::string::npos) {
        char* stop = nullptr;
        q = std::strtod(params.c_str() + qat + 2, &stop);
        if (stop == params.c_str() + qat + 2 || q < 0 || q > 1) q = 0;  // malformed: ignored
      }
    }
    const auto l = lang_named(range);
    if (l && q > best_q) best_q = q, best = l;
  }
  return best.value_or(Lang::kEn);
}

const char* lang_code(Lang l) { return l == Lang::kFr ? "fr" : "en"; }

Lang current() { return current_lang; }

LangScope::LangScope(Lang l) : previous_(current_lang) { current_lang = l; }
LangScope::~LangScope() { current_lang = previous_; }

}  // namespace nrm::i18n
