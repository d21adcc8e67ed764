// Messages of the catalogue (data/messages.toml, generated into messages_table.hpp) written in a
// language, with their placeholders filled; and figures as each language writes them in prose.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "i18n/lang.hpp"
#include "messages_table.hpp"

namespace nrm::i18n {

// A placeholder's value: {name} in the message.
struct Arg {
  std::string_view name;
  std::string value;
};

// Message `m` in `lang` (or the thread's current language), each {name} replaced by its
// argument's value ({{ and }} are literal braces). A placeholder without an argument is left as
// written, which the tests of every face look for.
std::string tr(Lang lang, Msg m, std::initializer_list<Arg> args = {});
std::string tr(Msg m, std::initializer_list<Arg> args = {});
// The catalogue's entry of `m` (its key, English and French).
const MessageText& entry(Msg m);

// A number with `places` decimals as prose writes it: 1.5 in English, 1,5 in French.
std::string decimal(double v, int places, Lang lang);
std::string decimal(double v, int places);  // in the current language
// The same with its sign always written: +1.50, -0,25.
std::string decimal_signed(double v, int places, Lang lang);
std::string decimal_signed(double v, int places);
// A whole number with thousands grouped: 4,497 in English, 4 497 (U+202F) in French.
std::string integer(std::int64_t n, Lang lang);
std::string integer(std::int64_t n);
// What comes between a label and its value: ": " in English, " : " (no-break space) in French.
const char* colon(Lang lang);
const char* colon();
// Between items of a list that hold commas: "; " in English, " ; " (no-break space) in French.
const char* semicolon(Lang lang);
const char* semicolon();

}  // namespace nrm::i18n
