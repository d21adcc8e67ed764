// Plain text for an 80-column terminal: line wrapping, and the few words of data written in the
// reader's language (intake hours, weekdays).
#include "api/text.hpp"

#include "i18n/text.hpp"

namespace nrm::api::detail {

std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string wrapped(const std::string& first, const std::string& rest, const std::string& text) {
  std::string out, line = first;
  std::size_t width = columns(first);
  bool empty = true;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    const std::size_t w = columns(word);
    if (!empty && width + 1 + w > kColumns) {
      out += line + "\n";
      line = rest;
      width = columns(rest);
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    width += (empty ? 0 : 1) + w;
    empty = false;
  }
  return out + line + "\n";
}

std::string hours_in(Lang lang, const std::string& hours) {
  if (lang == Lang::kEn) return hours;
  if (hours == "24/7") return i18n::tr(lang, i18n::Msg::hours_always);
  if (hours == "by appointment") return i18n::tr(lang, i18n::Msg::hours_by_appointment);
  static const std::pair<const char*, const char*> kDays[] = {
      {"Mon", "lun"}, {"Tue", "mar"}, {"Wed", "mer"}, {"Thu", "jeu"},
      {"Fri", "ven"}, {"Sat", "sam"}, {"Sun", "dim"}};
  std::string out = hours;
  for (const auto& [en, fr] : kDays)
    for (std::size_t at = out.find(en); at != std::string::npos; at = out.find(en, at))
      out.replace(at, 3, fr);
  return out;
}

std::string weekday_in(const std::string& day) {
  using i18n::Msg;
  for (Msg m : {Msg::day_mon, Msg::day_tue, Msg::day_wed, Msg::day_thu, Msg::day_fri, Msg::day_sat, Msg::day_sun})
    if (day == i18n::entry(m).en) return i18n::tr(m);
  return day;
}

}  // namespace nrm::api::detail
