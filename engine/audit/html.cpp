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

namespace {

std::string count(std::size_t n) { return thousands(static_cast<std::int64_t>(n)); }

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
  for (ProviderIndex p : providers) list += (list.empty() ? "" : "; ") + stale_provider_text(d, p);
  std::string text = stale_count_text(cells, providers.size());
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return html_escape(text + ": " + list + ". Confirm these entries before relying on the pathways that use them.");
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
    std::string s = d.taxonomy.provinces[c.province].en + ", " +
                    a.profiles[static_cast<std::size_t>(c.profile)].label + ":";
    for (int t = 0; t < kThresholdCount; ++t) {
      const std::int64_t delta = c.after[t] - c.before[t];
      s += fmt::format("{} {}{} people within {:g} h", t ? "," : "", delta >= 0 ? "+" : "", thousands(delta),
                       a.threshold(t));
    }
    s += fmt::format(" ({} then {} of {} within {:g} h)", thousands(c.before[kThresholdCount - 1]),
                     thousands(c.after[kThresholdCount - 1]), thousands(c.population),
                     a.threshold(kThresholdCount - 1));
    std::string g, l;
    for (auto x : c.gained) g += (g.empty() ? "" : ", ") + d.geography[x].name;
    for (auto x : c.lost) l += (l.empty() ? "" : ", ") + d.geography[x].name;
    if (!g.empty()) s += "; a pathway where there was none: " + g;
    if (!l.empty()) s += "; no pathway any more: " + l;
    h += "<li>" + html_escape(s) + ".</li>\n";
  }
  return h.empty() ? "<li>No province or profile gains or loses anyone.</li>\n" : h;
}

// A what-if or suggestion report opens with what it changes, before the figures.
std::string scenario_html(const Report& r) {
  if (!r.what_if && !r.suggest_profile) return {};
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h = "<section id=\"scenario\">\n<h2>Scenario</h2>\n";
  if (r.what_if) {
    const WhatIf& w = *r.what_if;
    h += "<p><b>This report shows a changed network, not today's.</b> ";
    if (!w.with_file.empty()) {
      std::string names;
      for (const auto& id : w.added)
        if (auto i = d.find(id))
          names += (names.empty() ? "" : ", ") + d.providers[*i].name + " (" + id + ", " +
                   d.geography[d.providers[*i].community].name + ")";
      h += html_escape(fmt::format("Added: {} from {} (FNV-1a {}): {}. ", w.added.size() == 1 ? "1 provider" :
                                   thousands(static_cast<std::int64_t>(w.added.size())) + " providers",
                                   file_name(w.with_file), w.with_digest, names));
    }
    if (!w.without.empty()) {
      std::string ids;
      for (const auto& id : w.without) ids += (ids.empty() ? "" : ", ") + id;
      h += html_escape("Removed: " + ids + ". ");
    }
    h += "The change from today's network:</p>\n<ul class=\"changes\">\n" + change_items(r) + "</ul>\n";
  }
  if (r.suggest_profile) {
    Gain total;
    for (const auto& s : r.suggestions) {
      for (int t = 0; t < kThresholdCount; ++t) total.within[t] += s.gain.within[t];
      total.person_hours_saved += s.gain.person_hours_saved;
    }
    h += "<p>" + html_escape(fmt::format(
             "Proposals for {}: {} new provider{} (see Suggested new providers). Together they would bring {} more "
             "people within {:g} h, {} within {:g} h and {} within {:g} h, and save {} person-hours of travel. The "
             "figures below are the network without them.",
             *r.suggest_profile, r.suggestions.size(), r.suggestions.size() == 1 ? "" : "s", thousands(total.within[0]),
             a.threshold(0), thousands(total.within[1]), a.threshold(1), thousands(total.within[2]), a.threshold(2),
             thousands(static_cast<std::int64_t>(std::llround(total.person_hours_saved))))) + "</p>\n";
  }
  return h + "</section>\n";
}

// The summary at the top: plain sentences with counts and shares, for Canada (when more than one
// province is audited) and per province or territory, every profile with a gap.
std::string summary_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  std::string h = "<section id=\"summary\">\n<h2>Summary</h2>\n";
  if (a.provinces.size() > 1) {
    h += "<div class=\"summary-canada\">\n";
    for (std::size_t p = 0; p < a.profiles.size(); ++p)
      h += "<p data-profile=\"" + html_escape(a.profiles[p].id) + "\">" +
           html_escape(summary_sentence(d, a, national(a, p), "Canada")) + "</p>\n";
    if (const int n = stale_cells(a))
      h += "<p class=\"stale\">Stale entries: " + html_escape(stale_count_text(n, stale_providers(a).size())) +
           fmt::format(" in Canada (entries not verified in the last {} days); per province below.</p>\n",
                       r.engine->policy().weights().stale_after_days);
    h += "</div>\n";
  }
  for (const auto& f : a.provinces) {
    const std::string name = t.provinces[f.province].en;
    h += "<div class=\"summary-province\" data-province=\"" + t.provinces.code(f.province) + "\">\n<h3>" +
         html_escape(name) + "</h3>\n<ul>\n";
    int shown = 0;
    for (const auto& pp : f.profiles) {
      if (pp.none.empty() && pp.beyond_communities == 0) continue;
      ++shown;
      h += "<li>" + html_escape(summary_sentence(d, a, pp, name)) + "</li>\n";
    }
    if (!shown)
      h += fmt::format("<li>Every profile audited can reach every service needed within {:g} h from every "
                       "community.</li>\n", a.threshold(kThresholdCount - 1));
    if (f.stale_cells)
      h += "<li class=\"stale\">" + stale_html(d, f.stale_cells, f.stale_providers) + "</li>\n";
    if (f.unknown_population)
      h += "<li>" + thousands(f.unknown_population) + (f.unknown_population == 1 ? " community has" : " communities have") +
           " no known population; it is counted apart, never as 0 people.</li>\n";
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
            (d.geography[pp.none[i]].population ? "" : " (population unknown)");
  if (pp.none.size() > 12) none += ", and " + count(pp.none.size() - 12) + " more";
  std::string worst;
  for (std::size_t ci : pp.worst) {
    const Cell& c = a.cells[ci];
    worst += (worst.empty() ? "" : "; ") + html_escape(d.geography[c.community].name) + " " +
             (c.feasible ? fmt::format("{:.1f} h", c.travel_hours) : "<b>none</b>: " + html_escape(gaps_words(a, d, c)));
    if (c.relies_on_stale())
      worst += " <span class=\"stale\" title=\"" + html_escape(cell_stale_words(d, c)) + "\">STALE</span>";
  }
  std::string h = "<tr><td>" + html_escape(p.label) + "</td>";
  for (int k = 0; k < kThresholdCount; ++k)
    h += "<td class=\"num\" style=\"" + share_style(pp.share(k)) + "\">" + pct(pp.share(k)) + "</td>";
  h += "<td>" + count(pp.none.size()) + (none.empty() ? "" : ": " + none) + "</td>";
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
  std::string h = "<h2 id=\"gaps-section\">Gaps per province</h2>\n";
  h += fmt::format("<p class=\"note\">For each profile: population within {:g}, {:g} and {:g} hours; the "
                   "communities with no pathway at all; the communities whose best pathway relies on a stale entry "
                   "(not verified in the last {} days, marked STALE); every need missing there and why, with the "
                   "number of communities; and the ten worst communities (no pathway first, largest first; then the "
                   "longest travel). Shares are shaded on the map's scale: dark is few people, light is most.</p>\n",
                   a.threshold(0), a.threshold(1), a.threshold(2), r.engine->policy().weights().stale_after_days);
  for (const auto& f : a.provinces) {
    const std::string code = t.provinces.code(f.province);
    h += "<section class=\"province-gaps\" data-province=\"" + code + "\">\n";
    h += fmt::format("<h3 id=\"gaps-{}\">{} ({}): {} communities, population {}{}</h3>\n", code,
                     html_escape(t.provinces[f.province].en), code, thousands(f.communities), thousands(f.population),
                     f.unknown_population ? fmt::format(" (and {} of unknown population)", thousands(f.unknown_population)) : "");
    h += fmt::format("<p class=\"stale\" data-province=\"{}\">{}</p>\n", code,
                     f.stale_cells ? stale_html(d, f.stale_cells, f.stale_providers)
                                   : html_escape("No pathway here relies on a stale entry."));
    h += fmt::format("<table class=\"gaps\" data-province=\"{}\">\n", code) + colgroup({14, 7, 7, 7, 18, 7, 21, 19});
    h += fmt::format("<tr><th>profile</th><th>&#8804; {:g} h</th><th>&#8804; {:g} h</th><th>&#8804; {:g} h</th><th>no "
                     "pathway</th><th>relying on a stale entry</th><th>missing, and why (communities)</th><th>ten worst "
                     "communities</th></tr>\n",
                     a.threshold(0), a.threshold(1), a.threshold(2));
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
  h += "<h2 id=\"suggestions\">Suggested new providers: " + html_escape(*r.suggest_profile) + "</h2>\n";
  h += fmt::format("<p class=\"note\">Chosen greedily: each does the most for people, counted first as the "
                   "population newly within {0:g} h of every service it needs, then within {1:g} h, then within "
                   "{2:g} h, then the person-hours of travel saved (gains are exact: the audit was re-run with the "
                   "proposal in place).</p>\n",
                   a.threshold(0), a.threshold(1), a.threshold(2));
  h += "<table id=\"suggestions-table\">\n" + colgroup({4, 14, 22, 10, 10, 10, 10, 20});
  h += fmt::format("<tr><th>#</th><th>community</th><th>services to offer</th>"
                   "<th>newly within {:g} h</th><th>newly within {:g} h</th><th>newly within {:g} h</th>"
                   "<th>person-hours saved</th><th>communities newly within {:g} h</th></tr>\n",
                   a.threshold(0), a.threshold(1), a.threshold(2), a.threshold(2));
  int rank = 1;
  for (const auto& s : r.suggestions) {
    std::string services, ns;
    for (NeedId n = 0; n < t.needs.size(); ++n)
      if (s.services & need_bit(n)) services += (services.empty() ? "" : ", ") + html_escape(t.needs[n].en);
    for (auto x : s.newly_served) ns += (ns.empty() ? "" : ", ") + html_escape(d.geography[x].name);
    h += fmt::format("<tr><td>{}</td><td>{} ({})</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                     "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                     rank++, html_escape(d.geography[s.community].name), t.provinces.code(s.province), services,
                     thousands(s.gain.within[0]), thousands(s.gain.within[1]), thousands(s.gain.within[2]),
                     thousands(static_cast<std::int64_t>(std::llround(s.gain.person_hours_saved))), ns);
  }
  if (r.suggestions.empty()) h += "<tr><td colspan=\"8\">no single provider would gain anything</td></tr>\n";
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
  std::string h = "<section id=\"compare\">\n<h2>Progress since the audit of " + html_escape(p.as_of) + "</h2>\n";
  h += "<p class=\"note\">Compared with <code>" + html_escape(p.file) + "</code> (FNV-1a " + p.digest +
       fmt::format(", nrm audit JSON format {}), computed as of {}. \"Newly\" counts the people (today's community "
                   "populations) of communities within reach now that were not then; \"no longer\" the reverse.",
                   p.format_version, html_escape(p.as_of));
  if (!p.profiles_not_compared.empty() || !p.provinces_not_compared.empty() || p.communities_not_compared)
    h += html_escape(fmt::format(" Not in the earlier audit, so not compared: {} profiles, {} provinces or territories, "
                                 "{} communities.", p.profiles_not_compared.size(), p.provinces_not_compared.size(),
                                 thousands(p.communities_not_compared)));
  h += "</p>\n<ul class=\"progress\">\n";
  int shown = 0;
  for (const auto& row : p.rows)
    if (row.changed()) h += "<li>" + html_escape(progress_sentence(d, a, row)) + "</li>\n", ++shown;
  if (!shown) h += "<li>No province or profile audited both times gained or lost anyone.</li>\n";
  h += "</ul>\n";
  if (shown) {
    h += "<table id=\"compare-table\">\n" + colgroup({7, 17, 14, 14, 14, 17, 17}) + "<tr><th>province</th><th>profile</th>";
    for (int t = 0; t < kThresholdCount; ++t) h += fmt::format("<th>&#8804; {:g} h: then, now</th>", a.threshold(t));
    h += "<th>a pathway now</th><th>no pathway any more</th></tr>\n";
    for (const auto& row : p.rows) {
      if (!row.changed()) continue;
      h += "<tr><td>" + d.taxonomy.provinces.code(row.province) + "</td><td>" +
           html_escape(a.profiles[static_cast<std::size_t>(row.profile)].label) + "</td>";
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
  std::string h = "<h2 id=\"what-if\">What-if</h2>\n<p class=\"note\">";
  if (!r.what_if->with_file.empty())
    h += "With the providers of <code>" + html_escape(file_name(r.what_if->with_file)) + "</code>. ";
  if (!r.what_if->without.empty()) {
    std::string ids;
    for (const auto& id : r.what_if->without) ids += (ids.empty() ? "" : ", ") + id;
    h += "Without " + html_escape(ids) + ". ";
  }
  h += "The figures above are the changed network; this table shows the change from today's.</p>\n";
  h += "<table id=\"what-if-table\">\n" + colgroup({7, 17, 10, 10, 11, 11, 17, 17});
  h += fmt::format("<tr><th>province</th><th>profile</th><th>&#916; &#8804; {:g} h</th>"
                   "<th>&#916; &#8804; {:g} h</th><th>&#8804; {:g} h before</th><th>&#8804; {:g} h after</th>"
                   "<th>communities gained</th><th>communities lost</th></tr>\n",
                   a.threshold(0), a.threshold(1), a.threshold(2), a.threshold(2));
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
                     d.taxonomy.provinces.code(c.province), html_escape(a.profiles[static_cast<std::size_t>(c.profile)].label),
                     signed_count(c.after[0] - c.before[0]), signed_count(c.after[1] - c.before[1]),
                     thousands(c.before[2]), thousands(c.after[2]), g, l);
  }
  if (!shown) h += "<tr><td colspan=\"8\">no change</td></tr>\n";
  return h + "</table>\n";
}

// The 24-hour coverage of every profile in every province: headers turned on their side so that
// eleven profiles fit a portrait page.
std::string matrix_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string h = fmt::format("<h2 id=\"matrix-section\">Population within {:g} hours of a complete pathway, every "
                              "profile</h2>\n", a.threshold(kThresholdCount - 1));
  h += "<table id=\"coverage-matrix\" class=\"coverage\">\n<colgroup><col class=\"code\"><col class=\"population\">";
  for (std::size_t i = 0; i < a.profiles.size(); ++i) h += "<col>";
  h += "</colgroup>\n<tr><th>province</th><th class=\"num\">population</th>";
  for (const auto& p : a.profiles)
    h += "<th class=\"profile\" data-profile=\"" + html_escape(p.id) + "\" title=\"" + html_escape(p.description) +
         "\"><span>" + html_escape(p.label) + "</span></th>";
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

std::string stamp_html(const Report& r) {
  std::string h = "<div class=\"stamp\" id=\"stamp\"><b>Computed as of " + html_escape(r.stamp.as_of) + "</b> on " +
                  count(r.stamp.providers) + " providers, " + count(r.stamp.communities) + " communities and " +
                  count(r.stamp.rules) + " rules.<br>\n";
  for (const auto& f : r.stamp.files)
    h += html_escape(f.role) + ": <code>" + html_escape(f.path) + "</code> (FNV-1a " + f.digest + ")<br>\n";
  return h + "</div>\n";
}

}  // namespace

std::string render_html(const Report& r) {
  const Audit& a = *r.audit;
  const Profile& mp = a.profiles[static_cast<std::size_t>(r.map_profile)];
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>nrm service-gap audit" + (r.province ? " - " + html_escape(*r.province) : std::string()) + "</title>\n";
  h += std::string("<style>\n") + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>Service-gap audit of the referral network</h1>\n";
  h += fmt::format("<p class=\"note\">{} communities &#215; {} profiles{}. Each cell is exactly the answer "
                   "<code>nrm refer</code> gives for that profile placed in that community.</p>\n",
                   count(a.communities.size()), count(a.profiles.size()),
                   r.province ? ", " + html_escape(*r.province) + " only" : std::string());
  h += scenario_html(r);
  h += summary_html(r);
  h += progress_html(r);
  h += stamp_html(r);
  h += "<p class=\"synthetic\">If this was computed on the shipped directory, the providers are SYNTHETIC "
       "(fictitious organisations in real communities): the figures show how the tool works, not the real "
       "network.</p>\n";

  h += "<h2 id=\"map-section\">Map: " + html_escape(mp.label) + "</h2>\n";
  h += "<p class=\"note\">" + html_escape(mp.description) +
       " Each dot is a community, coloured by the travel hours of the best pathway that meets every need "
       "from there.</p>\n";
  h += map_svg(r);

  h += "<h2 id=\"coverage-section\">Coverage per province: " + html_escape(mp.label) + "</h2>\n";
  h += "<p class=\"note\">Share of the population (community populations) by travel time of the best complete "
       "pathway.</p>\n";
  h += bars_svg(r);
  h += matrix_html(r);
  h += gaps_html(r);
  h += what_if_html(r);
  h += suggestions_html(r);
  h += "<h2 id=\"profiles-section\">Profiles</h2>\n<table id=\"profiles\">\n<colgroup><col class=\"id\"><col "
       "class=\"label\"><col></colgroup>\n<tr><th>id</th><th>label</th><th>description</th></tr>\n";
  for (const auto& p : a.profiles)
    h += "<tr><td><code>" + html_escape(p.id) + "</code></td><td>" + html_escape(p.label) + "</td><td>" +
         html_escape(p.description) + "</td></tr>\n";
  h += "</table>\n<p class=\"stamp\">Generated by nrm audit. Community populations: data/communities.csv "
       "(sources cited there).</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace nrm::audit
