// The fallbacks block of every answer and the person's referral slip (text and HTML), both from one
// plain view of the chosen pathway (SlipView), so the two renderings cannot disagree.
#include "api/slip.hpp"
#include "api/text.hpp"
#include "i18n/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nrm::api {

using nlohmann::json;

namespace {

using detail::hours_in;
using detail::wrapped;

// The slip's fixed words, in each language.
struct Words {
  const char* title;
  const char* prepared;  // "{date}"
  const char* call_first;
  const char* phone;
  const char* no_phone;
  const char* hours;
  const char* no_hours;
  const char* in_person;  // "{community}"
  const char* by_phone;
  const char* by_phone_line;  // a confidential provider's address
  const char* wait;           // "{days}"
  const char* wait_one;
  const char* bring;
  const char* other_numbers;
};

constexpr Words kEnglish = {"Your appointments",
                            "Prepared {}.",
                            "Call each place before you go.",
                            "Phone",
                            "ask your worker",
                            "Hours",
                            "ask when you call",
                            "In person in {}",
                            "By phone or video",
                            "address given by phone",
                            "Expect to wait about {} days.",
                            "Expect to wait about 1 day.",
                            "Bring",
                            "Other numbers"};

constexpr Words kFrench = {"Vos rendez-vous",
                           "Préparé le {}.",
                           "Appelez chaque endroit avant d'y aller.",
                           "Téléphone",
                           "demandez à votre intervenant",
                           "Heures",
                           "demandez en appelant",
                           "En personne à {}",
                           "Par téléphone ou vidéo",
                           "adresse donnée par téléphone",
                           "Attente prévue\u00a0: environ {} jours.",
                           "Attente prévue\u00a0: environ 1 jour.",
                           "À apporter",
                           "Autres numéros"};

const Words& words(Lang l) {
  return l == Lang::kFr ? kFrench : kEnglish;
}

struct SlipStep {
  std::string name, phone, hours;
  std::string how;                     // "In person in Alpha" / "By phone or video"
  std::optional<std::string> address;  // in person: the street address, or "address given by phone"
  std::string wait;                    // empty when there is none
  std::vector<std::string> bring;      // one per need it covers that says what to bring, no repeats
};

struct SlipNumber {
  std::string name, phone, hours, when;
};

struct SlipView {
  Lang lang = Lang::kEn;
  std::string title, intro;
  std::vector<SlipStep> steps;
  std::string other_numbers;
  std::vector<SlipNumber> numbers;
};

SlipView slip_view(const Engine& e, const Answer& a, std::size_t pathway, Lang lang) {
  if (pathway >= a.plan.pathways.size())
    throw std::out_of_range(
        fmt::format("no pathway {} in an answer of {}", pathway + 1, a.plan.pathways.size()));
  const Directory& d = e.directory();
  const Words& w = words(lang);
  SlipView v;
  v.lang = lang;
  v.title = w.title;
  v.intro = fmt::format(fmt::runtime(w.prepared), a.as_of.str()) + " " + w.call_first;
  for (const auto& st : a.plan.pathways[pathway].steps) {
    const Provider& p = d.providers[st.provider];
    SlipStep& s = v.steps.emplace_back();
    s.name = p.name;
    s.phone = p.intake_phone.empty() ? w.no_phone : p.intake_phone;
    s.hours = p.intake_hours.empty() ? w.no_hours : hours_in(lang, p.intake_hours);
    if (st.in_person) {
      s.how = fmt::format(fmt::runtime(w.in_person), d.geography[p.community].name);
      if (p.confidential)
        s.address = w.by_phone_line;
      else if (p.address)
        s.address = *p.address;
    } else {
      s.how = w.by_phone;
    }
    if (p.wait_days > 0)
      s.wait = p.wait_days == 1 ? w.wait_one : fmt::format(fmt::runtime(w.wait), p.wait_days);
    for (NeedId i = 0; i < d.taxonomy.needs.size(); ++i) {
      const NeedCode& n = d.taxonomy.needs[i];
      if (!(st.covers & need_bit(i)) || n.bring_en.empty()) continue;
      const std::string& text = by_lang(lang, n.bring_en, n.bring_fr);
      if (std::find(s.bring.begin(), s.bring.end(), text) == s.bring.end()) s.bring.push_back(text);
    }
  }
  v.other_numbers = w.other_numbers;
  for (const Fallback& f : d.fallbacks)
    v.numbers.push_back({by_lang(lang, f.slip_name_en, f.slip_name_fr), f.phone,
                         by_lang(lang, f.hours_en, f.hours_fr),
                         by_lang(lang, f.when_en, f.when_fr)});
  return v;
}

// "Phone: " in English, "Téléphone : " in French (a no-break space before the colon).
const char* colon(Lang lang) { return i18n::colon(lang); }
std::string label(Lang lang, const char* word) {
  return word + std::string(colon(lang));
}
// "Bring:" / "À apporter :", before a list.
std::string heading(Lang lang, const char* word) {
  return word + std::string(lang == Lang::kFr ? "\u00a0:" : ":");
}

std::string html_escaped(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kSlipCss =
    "body{font-family:sans-serif;font-size:12pt;line-height:1.4;color:#000;background:#fff;"
    "max-width:40em;margin:2em auto;padding:0 1em}"
    "h1{font-size:18pt;margin:0 0 .3em}h2{font-size:14pt;margin:1.5em 0 .3em}"
    "ol,ul{padding-left:1.5em}li{margin:0 0 1em;break-inside:avoid;page-break-inside:avoid}li "
    "li{margin:0}"
    ".name{font-weight:bold}.phone{font-size:14pt;font-weight:bold}p{margin:.2em 0}"
    "@media print{body{margin:0;max-width:none}@page{margin:1.5cm}}";

}  // namespace

json fallbacks_json(const Directory& d) {
  json out = json::array();
  for (const Fallback& f : d.fallbacks) {
    json j = {{"id", f.id},
              {"name_en", f.name_en},
              {"name_fr", f.name_fr},
              {"slip_name_en", f.slip_name_en},
              {"slip_name_fr", f.slip_name_fr},
              {"phone", f.phone},
              {"hours_en", f.hours_en},
              {"hours_fr", f.hours_fr},
              {"when_en", f.when_en},
              {"when_fr", f.when_fr}};
    if (!f.web.empty()) j["web"] = f.web;
    out.push_back(std::move(j));
  }
  return out;
}

std::string fallbacks_text(const Directory& d) {
  const Lang lang = i18n::current();
  std::string out = "\n" + i18n::tr(i18n::Msg::fallbacks_heading) + "\n";
  for (const Fallback& f : d.fallbacks) {
    out += wrapped("  ", "    ", by_lang(lang, f.name_en, f.name_fr) + " " + f.phone + " (" + by_lang(lang, f.hours_en, f.hours_fr) + ")");
    out += wrapped("    ", "    ", by_lang(lang, f.when_en, f.when_fr));
    if (!f.web.empty()) out += wrapped("    ", "    ", f.web);
  }
  return out;
}

std::string slip_text(const Engine& e, const Answer& a, std::size_t pathway, Lang lang) {
  const SlipView v = slip_view(e, a, pathway, lang);
  const Words& w = words(lang);
  std::string out = v.title + "\n" + std::string(v.title.size(), '=') + "\n";
  out += wrapped("", "", v.intro);
  int n = 1;
  for (const SlipStep& s : v.steps) {
    out += "\n" + wrapped(fmt::format("{}. ", n), "   ", s.name);
    out += wrapped("   " + label(lang, w.phone), "     ", s.phone);
    out += wrapped("   " + label(lang, w.hours), "     ", s.hours);
    out += wrapped("   ", "     ", s.how + (s.address ? colon(lang) + *s.address : ""));
    if (!s.wait.empty()) out += wrapped("   ", "     ", s.wait);
    if (s.bring.size() == 1) {
      out += wrapped("   " + label(lang, w.bring), "     ", s.bring[0]);
    } else if (!s.bring.empty()) {  // a list, one item a line
      out += "   " + heading(lang, w.bring) + "\n";
      for (const auto& b : s.bring) out += wrapped("   - ", "     ", b);
    }
    ++n;
  }
  out += "\n" + v.other_numbers + "\n";
  for (const SlipNumber& f : v.numbers) {
    out += wrapped("  ", "    ", f.name + colon(lang) + f.phone + " (" + f.hours + ")");
    out += wrapped("    ", "    ", f.when);
  }
  return out;
}

std::string slip_html(const Engine& e, const Answer& a, std::size_t pathway, Lang lang) {
  const SlipView v = slip_view(e, a, pathway, lang);
  const Words& w = words(lang);
  auto x = html_escaped;
  std::string h = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang == Lang::kFr ? "fr" : "en") +
                  "\">\n<head>\n";
  h += "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\">\n";
  h += "<title>" + x(v.title) + "</title>\n<style>" + kSlipCss + "</style>\n</head>\n<body>\n";
  h += "<h1>" + x(v.title) + "</h1>\n<p>" + x(v.intro) + "</p>\n<ol>\n";
  for (const SlipStep& s : v.steps) {
    h += "<li>\n<p class=\"name\">" + x(s.name) + "</p>\n";
    h += "<p class=\"phone\">" + x(label(lang, w.phone) + s.phone) + "</p>\n";
    h += "<p>" + x(label(lang, w.hours) + s.hours) + "</p>\n";
    h += "<p>" + x(s.how + (s.address ? colon(lang) + *s.address : "")) + "</p>\n";
    if (!s.wait.empty()) h += "<p>" + x(s.wait) + "</p>\n";
    if (s.bring.size() == 1) h += "<p>" + x(label(lang, w.bring) + s.bring[0]) + "</p>\n";
    if (s.bring.size() > 1) {
      h += "<p>" + x(heading(lang, w.bring)) + "</p>\n<ul>\n";
      for (const auto& b : s.bring) h += "<li>" + x(b) + "</li>\n";
      h += "</ul>\n";
    }
    h += "</li>\n";
  }
  h += "</ol>\n<h2>" + x(v.other_numbers) + "</h2>\n<ul>\n";
  for (const SlipNumber& f : v.numbers)
    h += "<li><p class=\"phone\">" + x(f.name + colon(lang) + f.phone) + "</p>\n<p>" +
         x(f.hours + ". " + f.when + ".") + "</p></li>\n";
  h += "</ul>\n</body>\n</html>\n";
  return h;
}

}  // namespace nrm::api
