// The two official languages of every face of nrm: which one a person asked for (--lang, the
// locale, an Accept-Language header) and the current one of this thread, which the CLI sets once
// and the server sets per request (LangScope); messages (i18n/text.hpp) are written in it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nrm {

// The two languages of every label and of the texts a person reads (`--lang en|fr`).
enum class Lang { kEn, kFr };
inline const std::string& by_lang(Lang l, const std::string& en, const std::string& fr) {
  return l == Lang::kFr ? fr : en;
}

namespace i18n {

// "en", "fr", "fr-CA", "fr_CA.UTF-8", "en_US@euro"... (case-insensitive): the language, or
// nothing for any other (or "C", "POSIX").
std::optional<Lang> lang_named(std::string_view name);
// The language of the locale variables, as POSIX reads them for messages: the first set of
// LC_ALL, LC_MESSAGES and LANG; English when it names neither language.
Lang lang_from_environment(const char* lc_all, const char* lc_messages, const char* lang);
Lang lang_from_environment();  // from this process's environment
// An HTTP Accept-Language header (RFC 9110 12.5.4): the language of highest weight among en and
// fr (q=0 refuses one; the first listed wins a tie); English when it names neither.
Lang lang_from_accept_language(std::string_view header);
// The code of a language: "en" or "fr".
const char* lang_code(Lang l);

// The current language of this thread (English until set).
Lang current();
// Sets the current language of this thread for as long as it lives.
class LangScope {
 public:
  explicit LangScope(Lang l);
  ~LangScope();
  LangScope(const LangScope&) = delete;
  LangScope& operator=(const LangScope&) = delete;

 private:
  Lang previous_;
};

}  // namespace i18n
}  // namespace nrm
