// The audit's HTML report: one self-contained file (inline CSS and SVG, no script, no network): the
// scenario, summary and progress in sentences, the stamp, the map and bars (map.cpp), the tables,
// and a print stylesheet that fits every table to a portrait page.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "audit/map.hpp"
#include "audit/render.hpp"

namespace nrm::audit {

using detail::bars_svg;
using detail::cell_stale_words;
using detail::gaps_words;
using detail::html_escape;
using detail::map_svg;
using detail::share_style;
using i18n::Msg;
using i18n::tr;

namespace {

std::string count(std::size_t n) { return thousands(static_cast<std::int64_t>(n)); }

// Text of the catalogue as HTML text content: & < > escaped (quotes and apostrophes read as written).
std::string words_html(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// <colgroup> with the columns' widths, percent of the table's (a fixed layout follows them).
std::string colgroup(std::initializer_list<int> percent) {
  std::string h = "<colgroup>";
  for (int p : percent) h += "<col style=\"width:" + std::to_string(p) + "%\">";
  return h + "</colgroup>\n";
}

// "3 cells rely on stale entries (1 provider): Alpha Shelter (fictitious) (sh-alpha), last
// verified 2025-06-01. Confirm ..." (escaped), or "" when no cell relies on one.
std::string stale_html(const Directory& d, int cells, const std::vector<ProviderIndex>& providers) {
  if (cells == 0) return {};
  std::string list;
  for (ProviderIndex p : providers) list += (list.empty() ? "" : i18n::semicolon()) + stale_provider_text(d, p);
  std::string text = stale_count_text(cells, providers.size());
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));  // both languages open in ASCII
  return html_escape(text + i18n::colon() + list + ". " + tr(Msg::audit_confirm_stale));
}

// What changed, in sentences: one per province and profile whose figures move.
std::string change_items(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h;
  for (const auto& c : r.what_if->changes) {
    bool moved = !c.gained.empty() || !c.lost.empty();
    for (int t = 0; t < kThresholdCount; ++t) moved = moved || c.before[t] != c.after[t];
    if (!moved) continue;
    std::string s = province_name(d.taxonomy, c.province) + ", " +
                    a.profiles[static_cast<std::size_t>(c.profile)].label_text() + end_colon();
    for (int t = 0; t < kThresholdCount; ++t) {
      const std::int64_t delta = c.after[t] - c.before[t];
      s += std::string(t ? "," : "") + " " +
           tr(Msg::audit_people_within, {{"n", (delta >= 0 ? "+" : "") + thousands(delta)},
                                         {"hours", hours_text(a.threshold(t))}});
    }
    s += " (" + tr(Msg::audit_then_of, {{"then", thousands(c.before[kThresholdCount - 1])},
                                        {"now", thousands(c.after[kThresholdCount - 1])},
                                        {"population", thousands(c.population)},
                                        {"hours", hours_text(a.threshold(kThresholdCount - 1))}}) + ")";
    std::string g, l;
    for (auto x : c.gained) g += (g.empty() ? "" : ", ") + d.geography[x].name;
    for (auto x : c.lost) l += (l.empty() ? "" : ", ") + d.geography[x].name;
    if (!g.empty()) s += i18n::semicolon() + tr(Msg::audit_pathway_where_none) + i18n::colon() + g;
    if (!l.empty()) s += i18n::semicolon() + tr(Msg::audit_no_pathway_any_more) + i18n::colon() + l;
    h += "<li>" + html_escape(s) + ".</li>\n";
  }
  return h.empty() ? "<li>" + words_html(tr(Msg::audit_what_if_nothing)) + "</li>\n" : h;
}

// A what-if or suggestion report opens with what it changes, before the figures.
std::string scenario_html(const Report& r) {
  if (!r.what_if && !r.suggest_profile) return {};
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h = "<section id=\"scenario\">\n<h2>" + words_html(tr(Msg::audit_scenario)) + "</h2>\n";
  if (r.what_if) {
    const WhatIf& w = *r.what_if;
    h += "<p><b>" + words_html(tr(Msg::audit_changed_network)) + "</b> ";
    if (!w.with_file.empty()) {
      std::string names;
      for (const auto& id : w.added)
        if (auto i = d.find(id))
          names += (names.empty() ? "" : ", ") + d.providers[*i].name + " (" + id + ", " +
                   d.geography[d.providers[*i].community].name + ")";
      h += html_escape(tr(Msg::audit_added_from,
                          {{"providers", count_text(static_cast<std::int64_t>(w.added.size()), Msg::audit_provider_one,
                                                    Msg::audit_provider_many)},
                           {"file", file_name(w.with_file)},
                           {"digest", w.with_digest}}) +
                       i18n::colon() + names + ". ");
    }
    if (!w.without.empty()) {
      std::string ids;
      for (const auto& id : w.without) ids += (ids.empty() ? "" : ", ") + id;
      h += words_html(tr(Msg::audit_removed) + i18n::colon() + ids + ". ");
    }
    h += words_html(tr(Msg::audit_change_from_today) + end_colon()) + "</p>\n<ul class=\"changes\">\n" +
         change_items(r) + "</ul>\n";
  }
  if (r.suggest_profile) {
    Gain total;
    for (const auto& s : r.suggestions) {
      for (int t = 0; t < kThresholdCount; ++t) total.within[t] += s.gain.within[t];
      total.person_hours_saved += s.gain.person_hours_saved;
    }
    h += "<p>" + html_escape(tr(r.suggestions.size() == 1 ? Msg::audit_proposals_one : Msg::audit_proposals_many,
                                {{"profile", *r.suggest_profile},
                                 {"n", count(r.suggestions.size())},
                                 {"g0", thousands(total.within[0])}, {"h0", hours_text(a.threshold(0))},
                                 {"g1", thousands(total.within[1])}, {"h1", hours_text(a.threshold(1))},
                                 {"g2", thousands(total.within[2])}, {"h2", hours_text(a.threshold(2))},
                                 {"saved", thousands(static_cast<std::int64_t>(std::llround(total.person_hours_saved)))}})) +
         "</p>\n";
  }
  return h + "</section>\n";
}

// The summary at the top: plain sentences with counts and shares, for Canada (when more than one
// province is audited) and per province or territory, every profile with a gap.
std::string summary_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  std::string h = "<section id=\"summary\">\n<h2>" + words_html(tr(Msg::audit_summary)) + "</h2>\n";
  if (a.provinces.size() > 1) {
    h += "<div class=\"summary-canada\">\n";
    for (std::size_t p = 0; p < a.profiles.size(); ++p)
      h += "<p data-profile=\"" + html_escape(a.profiles[p].id) + "\">" +
           html_escape(summary_sentence(d, a, national(a, p), "Canada")) + "</p>\n";
    if (const int n = stale_cells(a))
      h += "<p class=\"stale\">" +
           words_html(tr(Msg::audit_stale_entries) + i18n::colon() + stale_count_text(n, stale_providers(a).size()) + " " +
                       tr(Msg::audit_stale_in_canada,
                          {{"days", std::to_string(r.engine->policy().weights().stale_after_days)}})) +
           "</p>\n";
    h += "</div>\n";
  }
  for (const auto& f : a.provinces) {
    const std::string name = province_name(t, f.province);
    h += "<div class=\"summary-province\" data-province=\"" + t.provinces.code(f.province) + "\">\n<h3>" +
         html_escape(name) + "</h3>\n<ul>\n";
    int shown = 0;
    for (const auto& pp : f.profiles) {
      if (pp.none.empty() && pp.beyond_communities == 0) continue;
      ++shown;
      h += "<li>" + html_escape(summary_sentence(d, a, pp, name)) + "</li>\n";
    }
    if (!shown)
      h += "<li>" + words_html(tr(Msg::audit_every_profile_reaches,
                                   {{"hours", hours_text(a.threshold(kThresholdCount - 1))}})) + "</li>\n";
    if (f.stale_cells)
      h += "<li class=\"stale\">" + stale_html(d, f.stale_cells, f.stale_providers) + "</li>\n";
    if (f.unknown_population)
      h += "<li>" + words_html(tr(f.unknown_population == 1 ? Msg::audit_unknown_population_one
                                                             : Msg::audit_unknown_population_many,
                                   {{"n", thousands(f.unknown_population)}})) + "</li>\n";
    h += "</ul>\n</div>\n";
  }
  return h + "</section>\n";
}

// One row of a province's gap table: shares, communities with none, every missing need and why,
// the ten worst.
std::string gap_row(const Report& r, const ProvinceProfile& pp) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Profile& p = a.profiles[static_cast<std::size_t>(pp.profile)];
  std::string none;
  for (std::size_t i = 0; i < pp.none.size() && i < 12; ++i)
    none += (none.empty() ? "" : ", ") + html_escape(d.geography[pp.none[i]].name) +
            (d.geography[pp.none[i]].population ? "" : " (" + words_html(tr(Msg::audit_population_unknown)) + ")");
  if (pp.none.size() > 12)
    none += ", " + words_html(tr(Msg::audit_and_more, {{"n", count(pp.none.size() - 12)}}));
  std::string worst;
  for (std::size_t ci : pp.worst) {
    const Cell& c = a.cells[ci];
    worst += (worst.empty() ? "" : i18n::semicolon()) + html_escape(d.geography[c.community].name) + " " +
             (c.feasible ? i18n::decimal(c.travel_hours, 1) + " h"
                         : "<b>" + words_html(tr(Msg::audit_none_pathway)) + "</b>" + i18n::colon() + html_escape(gaps_words(a, d, c)));
    if (c.relies_on_stale())
      worst += " <span class=\"stale\" title=\"" + html_escape(cell_stale_words(d, c)) + "\">" +
               words_html(tr(Msg::audit_stale_mark)) + "</span>";
  }
  std::string h = "<tr><td>" + html_escape(p.label_text()) + "</td>";
  for (int k = 0; k < kThresholdCount; ++k)
    h += "<td class=\"num\" style=\"" + share_style(pp.share(k)) + "\">" + pct(pp.share(k)) + "</td>";
  h += "<td>" + count(pp.none.size()) + (none.empty() ? "" : i18n::colon() + none) + "</td>";
  h += "<td class=\"num stale-cells\">" + thousands(pp.stale_cells) + "</td>";
  h += "<td class=\"why\">" + (pp.causes.empty() ? std::string("&#8212;") : html_escape(causes_text(d, a, pp))) +
       "</td><td>" + worst + "</td></tr>\n";
  return h;
}

// Per province, on a page of its own when printed: its stale entries and its gap table.
std::string gaps_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  std::string h = "<h2 id=\"gaps-section\">" + words_html(tr(Msg::audit_gaps_title)) + "</h2>\n";
  h += "<p class=\"note\">" +
       words_html(tr(Msg::audit_gaps_note, {{"h0", hours_text(a.threshold(0))}, {"h1", hours_text(a.threshold(1))},
                                             {"h2", hours_text(a.threshold(2))},
                                             {"days", std::to_string(r.engine->policy().weights().stale_after_days)}})) +
       "</p>\n";
  for (const auto& f : a.provinces) {
    const std::string code = t.provinces.code(f.province);
    h += "<section class=\"province-gaps\" data-province=\"" + code + "\">\n";
    h += fmt::format("<h3 id=\"gaps-{}\">{} ({}){}{}</h3>\n", code, html_escape(province_name(t, f.province)), code,
                     i18n::colon(),
                     words_html(tr(Msg::audit_gaps_heading,
                                    {{"communities", count_text(f.communities, Msg::audit_community_one,
                                                                Msg::audit_community_many)},
                                     {"population", thousands(f.population)}}) +
                                 (f.unknown_population
                                      ? " (" + tr(Msg::audit_and_unknown, {{"n", thousands(f.unknown_population)}}) + ")"
                                      : std::string())));
    h += fmt::format("<p class=\"stale\" data-province=\"{}\">{}</p>\n", code,
                     f.stale_cells ? stale_html(d, f.stale_cells, f.stale_providers)
                                   : words_html(tr(Msg::audit_no_stale_here)));
    h += fmt::format("<table class=\"gaps\" data-province=\"{}\">\n", code) + colgroup({14, 7, 7, 7, 18, 7, 21, 19});
    h += fmt::format("<tr><th>{}</th><th>&#8804; {} h</th><th>&#8804; {} h</th><th>&#8804; {} h</th><th>{}</th><th>{}</th>"
                     "<th>{}</th><th>{}</th></tr>\n",
                     words_html(tr(Msg::audit_th_profile)), hours_text(a.threshold(0)), hours_text(a.threshold(1)),
                     hours_text(a.threshold(2)), words_html(tr(Msg::audit_th_no_pathway)),
                     words_html(tr(Msg::audit_th_relying_stale)), words_html(tr(Msg::audit_th_missing_why)),
                     words_html(tr(Msg::audit_th_ten_worst)));
    for (const auto& pp : f.profiles) h += gap_row(r, pp);
    h += "</table>\n</section>\n";
  }
  return h;
}

// The suggestions section (with --suggest): each proposal and its exact gain, tier by tier.
std::string suggestions_html(const Report& r) {
  if (!r.suggest_profile) return {};
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  std::string h;
  auto hh = [&](int k) { return hours_text(a.threshold(k)); };
  h += "<h2 id=\"suggestions\">" + words_html(tr(Msg::audit_suggested_title) + i18n::colon() + *r.suggest_profile) +
       "</h2>\n";
  h += "<p class=\"note\">" + words_html(tr(Msg::audit_suggested_note, {{"h0", hh(0)}, {"h1", hh(1)}, {"h2", hh(2)}})) +
       "</p>\n";
  h += "<table id=\"suggestions-table\">\n" + colgroup({4, 14, 22, 10, 10, 10, 10, 20});
  h += "<tr><th>#</th><th>" + words_html(tr(Msg::audit_th_community)) + "</th><th>" +
       words_html(tr(Msg::audit_th_services_to_offer)) + "</th>";
  for (int k = 0; k < kThresholdCount; ++k)
    h += "<th>" + words_html(tr(Msg::audit_th_newly_within, {{"hours", hh(k)}})) + "</th>";
  h += "<th>" + words_html(tr(Msg::audit_th_person_hours_saved)) + "</th><th>" +
       words_html(tr(Msg::audit_th_communities_newly_within, {{"hours", hh(2)}})) + "</th></tr>\n";
  int rank = 1;
  for (const auto& s : r.suggestions) {
    std::string services, ns;
    for (NeedId n = 0; n < t.needs.size(); ++n)
      if (s.services & need_bit(n)) services += (services.empty() ? "" : ", ") + html_escape(label(t.needs[n]));
    for (auto x : s.newly_served) ns += (ns.empty() ? "" : ", ") + html_escape(d.geography[x].name);
    h += fmt::format("<tr><td>{}</td><td>{} ({})</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                     "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                     rank++, html_escape(d.geography[s.community].name), t.provinces.code(s.province), services,
                     thousands(s.gain.within[0]), thousands(s.gain.within[1]), thousands(s.gain.within[2]),
                     thousands(static_cast<std::int64_t>(std::llround(s.gain.person_hours_saved))), ns);
  }
  if (r.suggestions.empty())
    h += "<tr><td colspan=\"8\">" + words_html(tr(Msg::audit_no_single_provider)) + "</td></tr>\n";
  h += "</table>\n";
  return h;
}

// --compare: <section id="compare">, what changed since the earlier audit, in sentences and a
// table of the provinces and profiles that moved, then the providers.
std::string progress_html(const Report& r) {
  if (!r.progress) return {};
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Progress& p = *r.progress;
  std::string h = "<section id=\"compare\">\n<h2>" + words_html(tr(Msg::audit_progress_title, {{"date", p.as_of}})) +
                  "</h2>\n";
  h += "<p class=\"note\">" + words_html(tr(Msg::audit_compared_with_1)) + " <code>" + html_escape(p.file) + "</code> " +
       words_html(tr(Msg::audit_compared_with_2, {{"digest", p.digest},
                                                   {"version", std::to_string(p.format_version)},
                                                   {"date", p.as_of}}));
  if (!p.profiles_not_compared.empty() || !p.provinces_not_compared.empty() || p.communities_not_compared)
    h += " " + words_html(tr(Msg::audit_not_compared, {{"profiles", count(p.profiles_not_compared.size())},
                                                        {"provinces", count(p.provinces_not_compared.size())},
                                                        {"communities", thousands(p.communities_not_compared)}}));
  h += "</p>\n<ul class=\"progress\">\n";
  int shown = 0;
  for (const auto& row : p.rows)
    if (row.changed()) h += "<li>" + html_escape(progress_sentence(d, a, row)) + "</li>\n", ++shown;
  if (!shown) h += "<li>" + words_html(tr(Msg::audit_progress_nothing)) + "</li>\n";
  h += "</ul>\n";
  if (shown) {
    h += "<table id=\"compare-table\">\n" + colgroup({7, 17, 14, 14, 14, 17, 17}) + "<tr><th>" +
         words_html(tr(Msg::audit_th_province)) + "</th><th>" + words_html(tr(Msg::audit_th_profile)) + "</th>";
    for (int t = 0; t < kThresholdCount; ++t)
      h += "<th>&#8804; " + hours_text(a.threshold(t)) + " h" + html_escape(i18n::colon() + tr(Msg::audit_th_then_now)) + "</th>";
    h += "<th>" + words_html(tr(Msg::audit_th_pathway_now)) + "</th><th>" + words_html(tr(Msg::audit_no_pathway_any_more)) +
         "</th></tr>\n";
    for (const auto& row : p.rows) {
      if (!row.changed()) continue;
      h += "<tr><td>" + d.taxonomy.provinces.code(row.province) + "</td><td>" +
           html_escape(a.profiles[static_cast<std::size_t>(row.profile)].label_text()) + "</td>";
      for (std::size_t t = 0; t < kThresholdCount; ++t) {
        const std::int64_t change = row.now[t] - row.then[t];
        h += "<td class=\"num\">" + thousands(row.then[t]) + ", " + thousands(row.now[t]) + " (" +
             (change >= 0 ? "+" : "") + thousands(change) + ")</td>";
      }
      std::string g, l;
      for (auto x : row.gained) g += (g.empty() ? "" : ", ") + html_escape(d.geography[x].name);
      for (auto x : row.lost) l += (l.empty() ? "" : ", ") + html_escape(d.geography[x].name);
      h += "<td>" + g + "</td><td>" + l + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  h += "<p class=\"providers-since\">" + html_escape(progress_providers_text(p)) + "</p>\n";
  return h + "</section>\n";
}

// The what-if table: per province and profile that changes, before and after.
std::string what_if_html(const Report& r) {
  if (!r.what_if) return {};
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h = "<h2 id=\"what-if\">" + words_html(tr(Msg::audit_what_if)) + "</h2>\n<p class=\"note\">";
  if (!r.what_if->with_file.empty())
    h += words_html(tr(Msg::audit_with_providers_of)) + " <code>" + html_escape(file_name(r.what_if->with_file)) +
         "</code>. ";
  if (!r.what_if->without.empty()) {
    std::string ids;
    for (const auto& id : r.what_if->without) ids += (ids.empty() ? "" : ", ") + id;
    h += words_html(tr(Msg::audit_without_ids, {{"ids", ids}})) + ". ";
  }
  h += words_html(tr(Msg::audit_what_if_note)) + "</p>\n";
  h += "<table id=\"what-if-table\">\n" + colgroup({7, 17, 10, 10, 11, 11, 17, 17});
  auto hw = [&](int k) { return hours_text(a.threshold(k)); };
  h += "<tr><th>" + words_html(tr(Msg::audit_th_province)) + "</th><th>" + words_html(tr(Msg::audit_th_profile)) +
       "</th><th>&#916; &#8804; " + hw(0) + " h</th><th>&#916; &#8804; " + hw(1) + " h</th><th>&#8804; " + hw(2) + " h " +
       words_html(tr(Msg::audit_th_before)) + "</th><th>&#8804; " + hw(2) + " h " + words_html(tr(Msg::audit_th_after)) +
       "</th><th>" +
       words_html(tr(Msg::audit_th_communities_gained)) + "</th><th>" + words_html(tr(Msg::audit_th_communities_lost)) +
       "</th></tr>\n";
  auto signed_count = [](std::int64_t n) { return (n >= 0 ? "+" : "") + thousands(n); };
  int shown = 0;
  for (const auto& c : r.what_if->changes) {
    if (c.before[0] == c.after[0] && c.before[1] == c.after[1] && c.before[2] == c.after[2] && c.gained.empty() &&
        c.lost.empty())
      continue;
    ++shown;
    std::string g, l;
    for (auto x : c.gained) g += (g.empty() ? "" : ", ") + html_escape(d.geography[x].name);
    for (auto x : c.lost) l += (l.empty() ? "" : ", ") + html_escape(d.geography[x].name);
    h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                     "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                     d.taxonomy.provinces.code(c.province), html_escape(a.profiles[static_cast<std::size_t>(c.profile)].label_text()),
                     signed_count(c.after[0] - c.before[0]), signed_count(c.after[1] - c.before[1]),
                     thousands(c.before[2]), thousands(c.after[2]), g, l);
  }
  if (!shown) h += "<tr><td colspan=\"8\">" + words_html(tr(Msg::audit_no_change)) + "</td></tr>\n";
  return h + "</table>\n";
}

// The 24-hour coverage of every profile in every province: headers turned on their side so that
// eleven profiles fit a portrait page.
std::string matrix_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h = "<h2 id=\"matrix-section\">" +
                  words_html(tr(Msg::audit_matrix_title, {{"hours", hours_text(a.threshold(kThresholdCount - 1))}})) +
                  "</h2>\n";
  h += "<table id=\"coverage-matrix\" class=\"coverage\">\n<colgroup><col class=\"code\"><col class=\"population\">";
  for (std::size_t i = 0; i < a.profiles.size(); ++i) h += "<col>";
  h += "</colgroup>\n<tr><th>" + words_html(tr(Msg::audit_th_province)) + "</th><th class=\"num\">" +
       words_html(tr(Msg::audit_th_population)) + "</th>";
  for (const auto& p : a.profiles)
    h += "<th class=\"profile\" data-profile=\"" + html_escape(p.id) + "\" title=\"" + html_escape(p.description_text()) +
         "\"><span>" + html_escape(p.label_text()) + "</span></th>";
  h += "</tr>\n";
  for (const auto& f : a.provinces) {
    h += "<tr><th>" + d.taxonomy.provinces.code(f.province) + "</th><td class=\"num\">" + thousands(f.population) + "</td>";
    for (const auto& pp : f.profiles)
      h += "<td class=\"num\" style=\"" + share_style(pp.share(kThresholdCount - 1)) + "\">" +
           pct(pp.share(kThresholdCount - 1)) + "</td>";
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

// Screen and print: on paper every table fits the page's width (fixed layouts, long words broken,
// the matrix's headers on their side), each province's gaps start a page, colours print.
constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:24px auto;max-width:1000px;padding:0 12px;color:#1d2733;line-height:1.4}\n"
    "h1{font-size:26px;margin-bottom:4px}h2{margin-top:32px;border-bottom:2px solid #d5dde5}\n"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}\n"
    "th,td{border:1px solid #c8d1da;padding:3px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#edf1f5}td.num,th.num{text-align:right}\n"
    "table.gaps,#compare-table,#what-if-table,#suggestions-table{width:100%;table-layout:fixed}\n"
    "table.gaps td,table.gaps th,#compare-table td,#what-if-table td,#suggestions-table td{overflow-wrap:anywhere}\n"
    "#coverage-matrix th.profile{vertical-align:bottom;padding:6px 2px;text-align:left}\n"
    "#coverage-matrix th.profile span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}\n"
    "#coverage-matrix col.code{width:5em}#coverage-matrix col.population{width:7.5em}\n"
    "#coverage-matrix td,#coverage-matrix th{white-space:nowrap}\n"
    ".stamp{font-size:12px;color:#4a5867}.note,.map-caption{color:#4a5867;font-size:13px}\n"
    "svg{width:100%;height:auto;display:block}\n"
    ".stale{color:#8c3d00;font-weight:bold}\n"
    ".synthetic{background:#fff4d6;border:1px solid #e8c765;padding:6px 10px;font-size:13px}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "@page{margin:12mm}\n"
    "@media print{\n"
    "body{margin:0;max-width:none;padding:0;font-size:9.5pt;line-height:1.3}\n"
    "h1{font-size:17pt}h2{font-size:13pt;margin-top:12pt;break-after:avoid}h3{font-size:11pt;break-after:avoid}\n"
    "table{width:100%;table-layout:fixed;font-size:7.5pt}th,td{padding:2px 3px;overflow-wrap:anywhere}\n"
    "#coverage-matrix{font-size:8pt}#coverage-matrix col.code{width:5.2em}#coverage-matrix col.population{width:6.8em}\n"
    "#coverage-matrix td,#coverage-matrix th{overflow-wrap:normal}\n"
    "#profiles col.id{width:24%}#profiles col.label{width:22%}\n"
    "#map-section,#coverage-section,section.province-gaps,#suggestions,#profiles-section{break-before:page}\n"
    "svg,tr,li,.summary-province,.stamp,.synthetic{break-inside:avoid}\n"
    ".note,.map-caption,.stamp{font-size:7.5pt}\n"
    "}\n";

// A stamp file's role in words ("providers", "fournisseurs"); an unknown role as it is.
std::string role_words(const std::string& role) {
  static const std::vector<std::pair<std::string, Msg>> kRoles = {
      {"providers", Msg::audit_role_providers}, {"communities", Msg::audit_role_communities},
      {"routes", Msg::audit_role_routes},       {"taxonomy", Msg::audit_role_taxonomy},
      {"profiles", Msg::audit_role_profiles},   {"with", Msg::audit_role_with},
      {"rules", Msg::audit_role_rules},         {"outlines", Msg::audit_role_outlines}};
  for (const auto& [code, m] : kRoles)
    if (code == role) return tr(m);
  return role;
}

std::string stamp_html(const Report& r) {
  std::string h = "<div class=\"stamp\" id=\"stamp\"><b>" +
                  words_html(tr(Msg::audit_computed_as_of, {{"date", r.stamp.as_of}})) + "</b> " +
                  words_html(tr(Msg::audit_computed_on, {{"providers", count(r.stamp.providers)},
                                                          {"communities", count(r.stamp.communities)},
                                                          {"rules", count(r.stamp.rules)}})) +
                  "<br>\n";
  for (const auto& f : r.stamp.files)
    h += html_escape(role_words(f.role) + i18n::colon()) + "<code>" + html_escape(f.path) + "</code> (FNV-1a " + f.digest + ")<br>\n";
  return h + "</div>\n";
}

}  // namespace

std::string render_html(const Report& r) {
  const Audit& a = *r.audit;
  const Profile& mp = a.profiles[static_cast<std::size_t>(r.map_profile)];
  std::string h;
  h += std::string("<!DOCTYPE html>\n<html lang=\"") + i18n::lang_code(i18n::current()) +
       "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + words_html(tr(Msg::audit_html_title)) + (r.province ? " - " + html_escape(*r.province) : std::string()) +
       "</title>\n";
  h += std::string("<style>\n") + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>" + words_html(tr(Msg::audit_html_heading)) + "</h1>\n";
  h += "<p class=\"note\">" +
       words_html(tr(Msg::audit_html_cells, {{"communities", count(a.communities.size())},
                                             {"profiles", count(a.profiles.size())},
                                             {"only", r.province ? tr(Msg::audit_html_only, {{"province", *r.province}})
                                                                 : std::string()}})) +
       " <code>nrm refer</code> " + words_html(tr(Msg::audit_html_cells_end)) + "</p>\n";
  h += scenario_html(r);
  h += summary_html(r);
  h += progress_html(r);
  h += stamp_html(r);
  h += "<p class=\"synthetic\">" + words_html(tr(Msg::audit_html_synthetic)) + "</p>\n";

  h += "<h2 id=\"map-section\">" + words_html(tr(Msg::audit_map) + i18n::colon()) + html_escape(mp.label_text()) + "</h2>\n";
  h += "<p class=\"note\">" + html_escape(mp.description_text()) + " " + words_html(tr(Msg::audit_map_note)) + "</p>\n";
  h += map_svg(r);

  h += "<h2 id=\"coverage-section\">" + words_html(tr(Msg::audit_coverage_title) + i18n::colon()) +
       html_escape(mp.label_text()) + "</h2>\n";
  h += "<p class=\"note\">" + words_html(tr(Msg::audit_coverage_note)) + "</p>\n";
  h += bars_svg(r);
  h += matrix_html(r);
  h += gaps_html(r);
  h += what_if_html(r);
  h += suggestions_html(r);
  h += "<h2 id=\"profiles-section\">" + words_html(tr(Msg::audit_profiles_title)) +
       "</h2>\n<table id=\"profiles\">\n<colgroup><col class=\"id\"><col "
       "class=\"label\"><col></colgroup>\n<tr><th>" + words_html(tr(Msg::audit_th_id)) + "</th><th>" +
       words_html(tr(Msg::audit_th_label)) + "</th><th>" + words_html(tr(Msg::audit_th_description)) + "</th></tr>\n";
  for (const auto& p : a.profiles)
    h += "<tr><td><code>" + html_escape(p.id) + "</code></td><td>" + html_escape(p.label_text()) + "</td><td>" +
         html_escape(p.description_text()) + "</td></tr>\n";
  h += "</table>\n<p class=\"stamp\">" + words_html(tr(Msg::audit_html_footer)) + "</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace nrm::audit
