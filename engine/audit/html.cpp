// The audit's HTML report: one self-contained file (inline CSS and SVG, no script, no network) with
// a map of Canada in Lambert conformal conic, coverage bar charts, the gap tables and the stamp.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>

#include "audit/render.hpp"

namespace nrm::audit {

using detail::html_escape;

Projected lambert(double latitude, double longitude) {
  constexpr double kDeg = std::numbers::pi / 180.0;
  const double phi1 = 49.0 * kDeg, phi2 = 77.0 * kDeg;
  const double phi0 = 63.390675 * kDeg, lambda0 = -91.866667 * kDeg;
  auto t = [](double phi) { return std::tan(std::numbers::pi / 4 + phi / 2); };
  const double n = std::log(std::cos(phi1) / std::cos(phi2)) / std::log(t(phi2) / t(phi1));
  const double f = std::cos(phi1) * std::pow(t(phi1), n) / n;
  const double rho = f / std::pow(t(latitude * kDeg), n);
  const double rho0 = f / std::pow(t(phi0), n);
  const double theta = n * (longitude * kDeg - lambda0);
  return {rho * std::sin(theta), rho0 - rho * std::cos(theta)};
}

namespace {

constexpr double kWidth = 960;

// Canada's extent, for the frame and the graticule.
constexpr double kLatMin = 41.5, kLatMax = 83.5, kLonMin = -141.5, kLonMax = -52.0;

struct Frame {
  double x0, y1, scale, height;
  std::pair<double, double> at(double lat, double lon) const {
    Projected p = lambert(lat, lon);
    return {(p.x - x0) * scale + 10, (y1 - p.y) * scale + 10};
  }
};

Frame make_frame() {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (double lat = kLatMin; lat <= kLatMax + 1e-9; lat += 0.5)
    for (double lon = kLonMin; lon <= kLonMax + 1e-9; lon += 0.5) {
      Projected p = lambert(lat, lon);
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  Frame f{x0, y1, (kWidth - 20) / (x1 - x0), 0};
  f.height = (y1 - y0) * f.scale + 20;
  return f;
}

// Colours by the best pathway's travel hours against the thresholds (band k: within threshold k,
// band 3: beyond the last), and for no pathway.
constexpr const char* kBandColours[] = {"#1a9850", "#91cf60", "#fee08b", "#fc8d59"};
constexpr const char* kNoneColour = "#7b3294";

std::string band_label(const Audit& a, int k) {
  if (k == 0) return fmt::format("within {:g} h", a.threshold(0));
  if (k < kThresholdCount) return fmt::format("{:g} to {:g} h", a.threshold(k - 1), a.threshold(k));
  return fmt::format("over {:g} h", a.threshold(kThresholdCount - 1));
}

const char* colour(const Audit& a, const Cell& c) {
  if (!c.feasible) return kNoneColour;
  for (int k = 0; k < kThresholdCount; ++k)
    if (c.travel_hours <= a.threshold(k) + 1e-9) return kBandColours[k];
  return kBandColours[kThresholdCount];
}

// Where each province's or territory's name goes (approximate geographic centres).
const std::map<std::string, std::pair<double, double>> kLabelAt = {
    {"AB", {55.0, -115.0}}, {"BC", {54.5, -125.5}}, {"MB", {55.5, -97.5}},  {"NB", {46.6, -66.4}},
    {"NL", {53.5, -61.0}},  {"NS", {45.0, -63.3}},  {"NT", {64.5, -120.0}}, {"NU", {67.5, -92.0}},
    {"ON", {50.5, -86.0}},  {"PE", {46.9, -62.8}},  {"QC", {52.5, -72.0}},  {"SK", {55.0, -106.0}},
    {"YT", {63.5, -135.5}}};

std::int64_t pop(const Directory& d, CommunityIndex c) {
  return d.geography[c].population ? *d.geography[c].population : 0;
}

using Point = std::pair<double, double>;

std::vector<Point> convex_hull(std::vector<Point> pts) {
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) return pts;
  auto cross = [](const Point& o, const Point& a, const Point& b) {
    return (a.first - o.first) * (b.second - o.second) - (a.second - o.second) * (b.first - o.first);
  };
  std::vector<Point> h(2 * pts.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  for (std::size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(h[k - 2], h[k - 1], pts[i - 1]) <= 0) --k;
    h[k++] = pts[i - 1];
  }
  h.resize(k - 1);
  return h;
}

// Every missing need of a cell and why, in words: "Emergency shelter (providers exist but refuse
// this gender)".
std::string gaps_words(const Audit& a, const Directory& d, const Cell& c) {
  std::string out;
  for (const auto& u : c.unmet)
    out += (out.empty() ? "" : "; ") + d.taxonomy.needs[u.need].en + " (" + reason_text(a, u.blocked_by) + ")";
  return out.empty() ? std::string("no pathway") : out;
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

// " (relies on a stale entry: Alpha Shelter (fictitious), last verified ...)" or "".
std::string cell_stale_words(const Directory& d, const Cell& c) {
  std::string out;
  for (ProviderIndex p : c.stale) out += (out.empty() ? "" : "; ") + stale_provider_text(d, p);
  if (out.empty()) return out;
  return (c.stale.size() == 1 ? " (relies on a stale entry: " : " (relies on stale entries: ") + out + ")";
}

std::string map_svg(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Frame fr = make_frame();
  std::string s = fmt::format(
      "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "aria-label=\"Map of Canada: communities coloured by travel hours to a complete pathway\">\n",
      kWidth, fr.height + 56);
  s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#eef3f7\"/>\n", kWidth,
                   fr.height + 56);
  // Graticule: parallels curve, meridians converge: the conic at a glance.
  s += "<g class=\"graticule\" fill=\"none\" stroke=\"#c9d3dc\" stroke-width=\"0.6\">\n";
  for (int lat = 45; lat <= 80; lat += 5) {
    std::string pts;
    for (double lon = kLonMin; lon <= kLonMax + 1e-9; lon += 1.0) {
      auto [x, y] = fr.at(lat, lon);
      pts += fmt::format("{:.1f},{:.1f} ", x, y);
    }
    s += "<polyline points=\"" + pts + "\"/>\n";
  }
  for (int lon = -140; lon <= -50; lon += 10) {
    auto [x0, y0] = fr.at(kLatMin, lon);
    auto [x1, y1] = fr.at(kLatMax, lon);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", x0, y0, x1, y1);
  }
  s += "</g>\n";
  // Regions: each province's or territory's communities' hull, labelled.
  std::map<int, std::vector<Point>> by_province;
  for (CommunityIndex c = 0; c < d.geography.size(); ++c) {
    const Community& com = d.geography[c];
    by_province[com.province].push_back(fr.at(com.latitude, com.longitude));
  }
  s += "<g class=\"regions\">\n";
  for (const auto& [prov, pts] : by_province) {
    auto hull = convex_hull(pts);
    if (hull.size() < 3) continue;
    std::string path;
    for (const auto& [x, y] : hull) path += fmt::format("{:.1f},{:.1f} ", x, y);
    s += fmt::format("<polygon class=\"region\" data-province=\"{}\" points=\"{}\" fill=\"#ffffff\" "
                     "fill-opacity=\"0.55\" stroke=\"#9fb2c4\" stroke-width=\"0.8\" stroke-linejoin=\"round\"/>\n",
                     d.taxonomy.provinces.code(prov), path);
  }
  s += "</g>\n";
  // Dots: the map profile's cells, biggest first so small places stay visible on top.
  const std::size_t np = a.profiles.size();
  std::vector<std::size_t> order(a.communities.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    auto px = pop(d, a.communities[x]), py = pop(d, a.communities[y]);
    if (px != py) return px > py;
    return x < y;
  });
  s += "<g class=\"communities\" stroke=\"#333\" stroke-width=\"0.3\">\n";
  for (std::size_t pos : order) {
    const Cell& c = a.cells[pos * np + static_cast<std::size_t>(r.map_profile)];
    const Community& com = d.geography[c.community];
    auto [x, y] = fr.at(com.latitude, com.longitude);
    const double radius = std::clamp(1.4 + std::sqrt(static_cast<double>(pop(d, c.community))) / 140.0, 1.6, 9.0);
    std::string title = com.name + ", " + d.taxonomy.provinces.code(com.province) + " (" +
                        (com.population ? "pop. " + thousands(*com.population) : std::string("population unknown")) +
                        "): " + (c.feasible ? fmt::format("{:.1f} h", c.travel_hours) : "no pathway; " + gaps_words(a, d, c)) +
                        cell_stale_words(d, c);
    s += fmt::format("<circle class=\"community\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\"><title>{}</title></circle>\n",
                     x, y, radius, colour(a, c), html_escape(title));
  }
  s += "</g>\n";
  s += "<g class=\"labels\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\" fill=\"#2b3a4a\" "
       "text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n";
  for (const auto& [prov, pts] : by_province) {
    const std::string code = d.taxonomy.provinces.code(prov);
    double x = 0, y = 0;
    if (auto it = kLabelAt.find(code); it != kLabelAt.end()) {
      std::tie(x, y) = fr.at(it->second.first, it->second.second);
    } else {
      for (const auto& p : pts) x += p.first, y += p.second;
      x /= static_cast<double>(pts.size());
      y /= static_cast<double>(pts.size());
    }
    s += fmt::format("<text class=\"region-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x, y, html_escape(code));
  }
  s += "</g>\n";
  // Legend.
  double lx = 20, ly = fr.height + 22;
  s += "<g class=\"legend\" font-family=\"sans-serif\" font-size=\"13\">\n";
  for (int k = 0; k <= kThresholdCount; ++k) {
    s += fmt::format("<circle cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"6\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.3\"/>"
                     "<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n",
                     lx, ly, kBandColours[k], lx + 10, ly + 4, band_label(a, k));
    lx += 120;
  }
  s += fmt::format("<circle cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"6\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.3\"/>"
                   "<text x=\"{:.0f}\" y=\"{:.0f}\">no pathway</text>\n",
                   lx, ly, kNoneColour, lx + 10, ly + 4);
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" fill=\"#555\" font-size=\"12\">Lambert conformal conic "
                   "(standard parallels 49&#176;N and 77&#176;N). Dot size grows with population; each region is "
                   "the outline around its communities.</text>\n",
                   20.0, ly + 24);
  s += "</g>\n</svg>\n";
  return s;
}

// Stacked horizontal bars per province: population share by travel band, for the map profile.
std::string bars_svg(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const std::size_t p = static_cast<std::size_t>(r.map_profile);
  const double row = 26, left = 60, width = 700;
  const double height = row * static_cast<double>(a.provinces.size()) + 50;
  std::string s = fmt::format(
      "<svg id=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "aria-label=\"Coverage per province\" font-family=\"sans-serif\" font-size=\"13\">\n",
      left + width + 120, height);
  double y = 10;
  for (const auto& f : a.provinces) {
    const auto& pp = f.profiles[p];
    const double total = static_cast<double>(std::max<std::int64_t>(1, pp.population));
    const double parts[5] = {static_cast<double>(pp.within[0]), static_cast<double>(pp.within[1] - pp.within[0]),
                             static_cast<double>(pp.within[2] - pp.within[1]),
                             static_cast<double>(pp.served - pp.within[2]),
                             static_cast<double>(pp.population - pp.served)};
    const char* colours[5] = {kBandColours[0], kBandColours[1], kBandColours[2], kBandColours[3], kNoneColour};
    const std::string code = d.taxonomy.provinces.code(f.province);
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\">{}</text>\n", 10.0, y + 15, code);
    double x = left;
    for (int k = 0; k < 5; ++k) {
      const double w = width * parts[k] / total;
      if (w <= 0) continue;
      s += fmt::format("<rect class=\"bar\" data-province=\"{}\" x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" "
                       "height=\"{:.0f}\" fill=\"{}\"><title>{}: {:.1f}%</title></rect>\n",
                       code, x, y, w, row - 6, colours[k], k < 4 ? band_label(a, k) : std::string("no pathway"),
                       100.0 * parts[k] / total);
      x += w;
    }
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{:.0f}% &#8804; 24 h</text>\n", left + width + 8, y + 15,
                     100.0 * pp.share(2));
    y += row;
  }
  for (int t = 0; t <= 4; ++t) {
    const double x = left + width * t / 4.0;
    s += fmt::format("<line x1=\"{:.0f}\" y1=\"6\" x2=\"{:.0f}\" y2=\"{:.0f}\" stroke=\"#999\" stroke-width=\"0.5\" "
                     "stroke-dasharray=\"2,3\"/><text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}%</text>\n",
                     x, x, y, x, y + 16, t * 25);
  }
  s += "</svg>\n";
  return s;
}


// Background for a share: red (0) through yellow to green (1).
std::string share_colour(double v) {
  const int r = v < 0.5 ? 230 : static_cast<int>(230 - (v - 0.5) * 2 * 140);
  const int g = v < 0.5 ? static_cast<int>(90 + v * 2 * 130) : 220;
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, 110);
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
  if (pp.none.size() > 12) none += fmt::format(", and {} more", pp.none.size() - 12);
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
    h += "<td class=\"num\" style=\"background:" + share_colour(pp.share(k)) + "\">" + pct(pp.share(k)) + "</td>";
  h += fmt::format("<td>{}{}</td>", pp.none.size(), none.empty() ? "" : ": " + none);
  h += fmt::format("<td class=\"num stale-cells\">{}</td>", pp.stale_cells);
  h += "<td class=\"why\">" + (pp.causes.empty() ? std::string("&#8212;") : html_escape(causes_text(d, a, pp))) +
       "</td><td>" + worst + "</td></tr>\n";
  return h;
}

std::string gaps_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  std::string h = "<h2 id=\"gaps-section\">Gaps per province</h2>\n";
  h += fmt::format("<p class=\"note\">For each profile: population within {:g}, {:g} and {:g} hours; the "
                   "communities with no pathway at all; the communities whose best pathway relies on a stale entry "
                   "(not verified in the last {} days, marked STALE); every need missing there and why, with the "
                   "number of communities; and the ten worst communities (no pathway first, largest first; then the "
                   "longest travel).</p>\n", a.threshold(0), a.threshold(1), a.threshold(2),
                   r.engine->policy().weights().stale_after_days);
  for (const auto& f : a.provinces) {
    const std::string code = t.provinces.code(f.province);
    h += fmt::format("<h3 id=\"gaps-{}\">{}: {} communities, population {}{}</h3>\n", code, code, f.communities,
                     thousands(f.population),
                     f.unknown_population ? fmt::format(" (and {} of unknown population)", f.unknown_population) : "");
    h += fmt::format("<p class=\"stale\" data-province=\"{}\">{}</p>\n", code,
                     f.stale_cells ? stale_html(d, f.stale_cells, f.stale_providers)
                                   : html_escape("No pathway here relies on a stale entry."));
    h += fmt::format("<table class=\"gaps\" data-province=\"{}\">\n<tr><th>profile</th><th>&#8804; {:g} h</th>"
                     "<th>&#8804; {:g} h</th><th>&#8804; {:g} h</th><th>no pathway</th><th>relying on a stale "
                     "entry</th><th>missing, and why "
                     "(communities)</th><th>ten worst communities</th></tr>\n",
                     code, a.threshold(0), a.threshold(1), a.threshold(2));
    for (const auto& pp : f.profiles) h += gap_row(r, pp);
    h += "</table>\n";
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
  h += fmt::format("<table id=\"suggestions-table\">\n<tr><th>#</th><th>community</th><th>services to offer</th>"
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

}  // namespace

std::string render_html(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Taxonomy& t = d.taxonomy;
  const Profile& mp = a.profiles[static_cast<std::size_t>(r.map_profile)];
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>nrm service-gap audit" + (r.province ? " - " + html_escape(*r.province) : std::string()) + "</title>\n";
  h += "<style>\n"
       "body{font-family:sans-serif;margin:24px auto;max-width:1000px;color:#1d2733;line-height:1.4}\n"
       "h1{font-size:26px;margin-bottom:4px}h2{margin-top:32px;border-bottom:2px solid #d5dde5}\n"
       "table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}\n"
       "th,td{border:1px solid #c8d1da;padding:3px 6px;text-align:left;vertical-align:top}\n"
       "th{background:#edf1f5}td.num{text-align:right}\n"
       ".stamp{font-size:12px;color:#4a5867}.note{color:#4a5867;font-size:13px}\n"
       "svg{width:100%;height:auto}\n"
       ".stale{color:#8c3d00;font-weight:bold}\n"
       ".synthetic{background:#fff4d6;border:1px solid #e8c765;padding:6px 10px;font-size:13px}\n"
       "</style>\n</head>\n<body>\n";
  h += "<h1>Service-gap audit of the referral network</h1>\n";
  h += fmt::format("<p class=\"note\">{} communities &#215; {} profiles{}. Each cell is exactly the answer "
                   "<code>nrm refer</code> gives for that profile placed in that community.</p>\n",
                   a.communities.size(), a.profiles.size(),
                   r.province ? ", " + html_escape(*r.province) + " only" : std::string());
  h += scenario_html(r);
  h += summary_html(r);
  h += "<div class=\"stamp\" id=\"stamp\"><b>Computed as of " + html_escape(r.stamp.as_of) + "</b> on " +
       std::to_string(r.stamp.providers) + " providers, " + std::to_string(r.stamp.communities) +
       " communities and " + std::to_string(r.stamp.rules) + " rules.<br>\n";
  for (const auto& f : r.stamp.files)
    h += html_escape(f.role) + ": <code>" + html_escape(f.path) + "</code> (FNV-1a " + f.digest + ")<br>\n";
  h += "</div>\n";
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

  h += "<h2>Population within 24 hours of a complete pathway, every profile</h2>\n";
  h += "<table id=\"coverage-matrix\" class=\"coverage\">\n<tr><th>province</th><th class=\"num\">population</th>";
  for (const auto& p : a.profiles) h += "<th title=\"" + html_escape(p.description) + "\">" + html_escape(p.label) + "</th>";
  h += "</tr>\n";
  for (const auto& f : a.provinces) {
    h += "<tr><th>" + t.provinces.code(f.province) + "</th><td class=\"num\">" + thousands(f.population) + "</td>";
    for (const auto& pp : f.profiles)
      h += "<td class=\"num\" style=\"background:" + share_colour(pp.share(2)) + "\">" + pct(pp.share(2)) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n";

  h += gaps_html(r);
  if (r.what_if) {
    h += "<h2 id=\"what-if\">What-if</h2>\n<p class=\"note\">";
    if (!r.what_if->with_file.empty())
      h += "With the providers of <code>" + html_escape(file_name(r.what_if->with_file)) + "</code>. ";
    if (!r.what_if->without.empty()) {
      std::string ids;
      for (const auto& id : r.what_if->without) ids += (ids.empty() ? "" : ", ") + id;
      h += "Without " + html_escape(ids) + ". ";
    }
    h += "The figures above are the changed network; this table shows the change from today's.</p>\n";
    h += "<table id=\"what-if-table\">\n<tr><th>province</th><th>profile</th><th>&#916; &#8804; 2 h</th>"
         "<th>&#916; &#8804; 8 h</th><th>&#8804; 24 h before</th><th>&#8804; 24 h after</th><th>communities gained</th>"
         "<th>communities lost</th></tr>\n";
    int shown = 0;
    for (const auto& c : r.what_if->changes) {
      if (c.before[0] == c.after[0] && c.before[1] == c.after[1] && c.before[2] == c.after[2] && c.gained.empty() &&
          c.lost.empty())
        continue;
      ++shown;
      std::string g, l;
      for (auto x : c.gained) g += (g.empty() ? "" : ", ") + html_escape(d.geography[x].name);
      for (auto x : c.lost) l += (l.empty() ? "" : ", ") + html_escape(d.geography[x].name);
      h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{:+d}</td><td class=\"num\">{:+d}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                       t.provinces.code(c.province), html_escape(a.profiles[static_cast<std::size_t>(c.profile)].label),
                       c.after[0] - c.before[0], c.after[1] - c.before[1], c.before[2], c.after[2], g, l);
    }
    if (!shown) h += "<tr><td colspan=\"8\">no change</td></tr>\n";
    h += "</table>\n";
  }
  h += suggestions_html(r);
  h += "<h2>Profiles</h2>\n<table id=\"profiles\">\n<tr><th>id</th><th>label</th><th>description</th></tr>\n";
  for (const auto& p : a.profiles)
    h += "<tr><td><code>" + html_escape(p.id) + "</code></td><td>" + html_escape(p.label) + "</td><td>" +
         html_escape(p.description) + "</td></tr>\n";
  h += "</table>\n<p class=\"stamp\">Generated by nrm audit. Community populations: data/communities.csv "
       "(sources cited there).</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace nrm::audit
