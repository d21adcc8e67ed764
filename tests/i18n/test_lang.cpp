// The language of a run: --lang, the locale variables (as POSIX reads them for messages) and an
// HTTP Accept-Language header; messages filled in; figures as each language writes them.
#include <catch2/catch.hpp>

#include "i18n/text.hpp"

using namespace nrm;
using i18n::Msg;

TEST_CASE("language names, with territory, codeset and modifier", "[i18n]") {
  struct Row {
    const char* id;
    const char* name;
    std::optional<Lang> want;
  };
  const Row rows[] = {
      {"en", "en", Lang::kEn},           {"fr", "fr", Lang::kFr},       {"fr-CA", "fr-CA", Lang::kFr},
      {"fr_CA.UTF-8", "fr_CA.UTF-8", Lang::kFr}, {"upper", "FR", Lang::kFr}, {"en-modifier", "en_US@euro", Lang::kEn},
      {"iso-639-3", "fra", Lang::kFr},   {"C", "C", std::nullopt},      {"POSIX", "POSIX", std::nullopt},
      {"german", "de_DE.UTF-8", std::nullopt}, {"empty", "", std::nullopt}, {"frisian", "fy", std::nullopt},
  };
  for (const Row& r : rows) {
    INFO(r.id);
    CHECK(i18n::lang_named(r.name) == r.want);
  }
}

TEST_CASE("the locale variables: LC_ALL, then LC_MESSAGES, then LANG, else English", "[i18n]") {
  CHECK(i18n::lang_from_environment(nullptr, nullptr, nullptr) == Lang::kEn);
  CHECK(i18n::lang_from_environment(nullptr, nullptr, "fr_CA.UTF-8") == Lang::kFr);
  CHECK(i18n::lang_from_environment(nullptr, "en_CA.UTF-8", "fr_CA.UTF-8") == Lang::kEn);
  CHECK(i18n::lang_from_environment("fr_FR.UTF-8", "en_CA.UTF-8", "en_CA.UTF-8") == Lang::kFr);
  CHECK(i18n::lang_from_environment("", "fr_CA.UTF-8", nullptr) == Lang::kFr);  // empty = unset
  CHECK(i18n::lang_from_environment("C.UTF-8", nullptr, "fr_CA.UTF-8") == Lang::kEn);  // set, but neither language
}

TEST_CASE("Accept-Language: the highest weight among en and fr, the first on a tie", "[i18n]") {
  struct Row {
    const char* header;
    Lang want;
  };
  const Row rows[] = {
      {"fr-CA", Lang::kFr},
      {"fr-CA,fr;q=0.9,en;q=0.8", Lang::kFr},
      {"en-CA,en;q=0.9,fr;q=0.8", Lang::kEn},
      {"de-DE, fr;q=0.5, en;q=0.4", Lang::kFr},
      {"en;q=0.2, fr;q=0.7", Lang::kFr},
      {"fr;q=0, en", Lang::kEn},
      {"fr;q=0", Lang::kEn},
      {"*", Lang::kEn},
      {"de", Lang::kEn},
      {"", Lang::kEn},
      {"fr;q=abc", Lang::kEn},  // a malformed weight refuses that range
      {"  fr-ca ;q=1.0", Lang::kFr},
      {"en, fr", Lang::kEn},
  };
  for (const Row& r : rows) {
    INFO(r.header);
    CHECK(i18n::lang_from_accept_language(r.header) == r.want);
  }
}

TEST_CASE("the thread's current language, set for a scope", "[i18n]") {
  CHECK(i18n::current() == Lang::kEn);
  {
    i18n::LangScope fr(Lang::kFr);
    CHECK(i18n::current() == Lang::kFr);
    {
      i18n::LangScope en(Lang::kEn);
      CHECK(i18n::current() == Lang::kEn);
    }
    CHECK(i18n::current() == Lang::kFr);
    CHECK(i18n::tr(Msg::unmet_heading) == "Besoins non comblés\u00a0:");
  }
  CHECK(i18n::current() == Lang::kEn);
  CHECK(i18n::tr(Msg::unmet_heading) == "Unmet:");
}

TEST_CASE("messages filled in, both languages", "[i18n]") {
  CHECK(i18n::tr(Lang::kEn, Msg::answer_case_at, {{"place", "Iqaluit"}, {"id", "iqaluit-nu"}, {"needs", "x"}}) ==
        "Case at Iqaluit (iqaluit-nu): x");
  CHECK(i18n::tr(Lang::kFr, Msg::answer_case_at, {{"place", "Iqaluit"}, {"id", "iqaluit-nu"}, {"needs", "x"}}) ==
        "Cas à Iqaluit (iqaluit-nu)\u00a0: x");
  // A placeholder without its argument stays as written (what the face tests look for), and
  // doubled braces are literal.
  CHECK(i18n::tr(Lang::kEn, Msg::answer_age) == "age {age}");
  CHECK(i18n::tr(Lang::kEn, Msg::cli_opt_route_json).find("{\"from\"") != std::string::npos);
}

TEST_CASE("figures in prose: decimal comma and narrow no-break thousands in French", "[i18n]") {
  CHECK(i18n::decimal(1.25, 1, Lang::kEn) == "1.2");
  CHECK(i18n::decimal(14.3, 1, Lang::kFr) == "14,3");
  CHECK(i18n::decimal_signed(30.1, 2, Lang::kFr) == "+30,10");
  CHECK(i18n::decimal_signed(-0.5, 2, Lang::kEn) == "-0.50");
  CHECK(i18n::integer(4497, Lang::kEn) == "4,497");
  CHECK(i18n::integer(4497, Lang::kFr) == "4\u202f497");
  CHECK(i18n::integer(1234567, Lang::kFr) == "1\u202f234\u202f567");
  CHECK(i18n::integer(-999, Lang::kFr) == "-999");
  CHECK(i18n::integer(0, Lang::kEn) == "0");
  CHECK(std::string(i18n::colon(Lang::kFr)) == "\u00a0: ");
}

TEST_CASE("the catalogue: every message has both languages and the same placeholders", "[i18n]") {
  auto placeholders = [](std::string_view s) {
    std::vector<std::string> out;
    for (std::size_t at = 0; (at = s.find('{', at)) != std::string_view::npos;) {
      if (at + 1 < s.size() && s[at + 1] == '{') {
        at += 2;
        continue;
      }
      const auto end = s.find('}', at);
      out.emplace_back(s.substr(at + 1, end - at - 1));
      at = end;
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  for (std::size_t i = 0; i < i18n::kMessageCount; ++i) {
    const auto& m = i18n::kMessages[i];
    INFO(m.key);
    CHECK(std::string_view(m.en).size() > 0);
    CHECK(std::string_view(m.fr).size() > 0);
    CHECK(placeholders(m.en) == placeholders(m.fr));
  }
}
