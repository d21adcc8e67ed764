// The HTML report's map and bars: provinces' outlines (data/outlines.geojson) projected in Lambert
// conformal conic and framed to the audited provinces, a dot per community coloured by travel band,
// province and community labels placed without overlap (greedy), band and size legends; and the
// palette shared with the tables.
#include "audit/map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "audit/outlines.hpp"
#include "i18n/text.hpp"

namespace nrm::audit {

using i18n::Msg;
using i18n::tr;

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

namespace detail {

namespace {

// Viridis at 1, 0.75, 0.5, 0.25 and 0: perceptually even, read by people with any common colour
// vision deficiency, and falling in lightness so that a grey print keeps the order.
constexpr std::array<const char*, kNoPathway + 1> kBandColours = {"#fde725", "#5ec962", "#21918c", "#3b528b",
                                                                   "#440154"};
constexpr std::array<std::array<int, 3>, 5> kViridis = {{{0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c},
                                                         {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25}}};

constexpr double kWidth = 960;       // the map's width in SVG units
constexpr double kMaxHeight = 760;   // the frame's largest height (a tall province is narrower)
constexpr double kPad = 12;          // between the frame and the outlines
constexpr double kLegendHeight = 84; // below the frame: the band row and the size row
constexpr int kCommunityLabels = 12; // worst-served communities labelled
constexpr double kProvinceFont = 16, kCommunityFont = 13;

using Point = std::array<double, 2>;

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// The projection scaled and shifted into the SVG's units, y down.
struct Frame {
  double x0 = 0, y1 = 0;     // projected (earth radii): left and top of the fitted box
  double scale = 1;          // SVG units per earth radius
  double dx = 0, dy = 0;     // SVG offset that centres the box
  double height = 0;         // of the map area (the legends go below)
  double zoom = 1;           // for dot sizes: 1 for several provinces
  Point at(double lat, double lon) const {
    const Projected p = lambert(lat, lon);
    return {(p.x - x0) * scale + dx, (y1 - p.y) * scale + dy};
  }
};

struct Bounds {
  double x0 = std::numeric_limits<double>::max(), y0 = x0;
  double x1 = std::numeric_limits<double>::lowest(), y1 = x1;
  void add(const Projected& p) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  bool empty() const { return x0 > x1; }
};

Bounds bounds_of(const Outline& o) {
  Bounds b;
  for (const auto& poly : o.polygons)
    for (const auto& [lon, lat] : poly[0]) b.add(lambert(lat, lon));
  return b;
}

// Fits the audited provinces' outlines (or, failing those, their communities) into the map.
Frame make_frame(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  Bounds b;
  for (const auto& f : a.provinces)
    if (const Outline* o = r.outlines->find(f.province)) {
      const Bounds ob = bounds_of(*o);
      b.add({ob.x0, ob.y0});
      b.add({ob.x1, ob.y1});
    }
  for (CommunityIndex c : a.communities) b.add(lambert(d.geography[c].latitude, d.geography[c].longitude));
  if (b.empty()) b.add({0, 0});
  const double w = std::max(b.x1 - b.x0, 1e-6), h = std::max(b.y1 - b.y0, 1e-6);
  Frame f;
  f.scale = std::min((kWidth - 2 * kPad) / w, (kMaxHeight - 2 * kPad) / h);
  f.x0 = b.x0;
  f.y1 = b.y1;
  f.dx = (kWidth - w * f.scale) / 2;
  f.dy = kPad;
  f.height = h * f.scale + 2 * kPad;
  f.zoom = a.provinces.size() > 1 ? 1.0 : 2.0;
  return f;
}

// A ring (closed: its last position is its first) as SVG path data in the frame, points that fall
// on the same tenth of a unit merged; Z closes it.
std::string ring_path(const Frame& fr, const std::vector<std::array<double, 2>>& ring) {
  std::string s;
  std::string last;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const Point p = fr.at(ring[i][1], ring[i][0]);
    std::string xy = fmt::format("{:.1f},{:.1f}", p[0], p[1]);
    if (xy == last) continue;
    s += (i == 0 ? "M" : i == 1 ? "L" : " ") + xy;
    last = std::move(xy);
  }
  return s + "Z";
}

double ring_area(const std::vector<Point>& ring) {
  double a = 0;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return std::abs(a) / 2;
}

bool inside(const std::vector<std::vector<Point>>& rings, Point p) {
  bool in = false;
  for (const auto& r : rings)
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
      if ((r[i][1] > p[1]) != (r[j][1] > p[1]) &&
          p[0] < (r[j][0] - r[i][0]) * (p[1] - r[i][1]) / (r[j][1] - r[i][1]) + r[i][0])
        in = !in;
  return in;
}

double edge_distance(const std::vector<std::vector<Point>>& rings, Point p) {
  double best = std::numeric_limits<double>::max();
  for (const auto& r : rings)
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
      const double ex = r[i][0] - r[j][0], ey = r[i][1] - r[j][1];
      const double len2 = ex * ex + ey * ey;
      double t = len2 > 0 ? ((p[0] - r[j][0]) * ex + (p[1] - r[j][1]) * ey) / len2 : 0;
      t = std::clamp(t, 0.0, 1.0);
      best = std::min(best, std::hypot(r[j][0] + t * ex - p[0], r[j][1] + t * ey - p[1]));
    }
  return best;
}

// Where a province's name goes: inside its largest polygon, as far from its edges as a grid
// search finds (the pole of inaccessibility, near enough for a label).
Point label_point(const Frame& fr, const Outline& o) {
  std::vector<std::vector<Point>> best;
  double best_area = -1;
  for (const auto& poly : o.polygons) {
    std::vector<std::vector<Point>> rings;
    for (const auto& ring : poly) {
      rings.emplace_back();
      for (const auto& [lon, lat] : ring) rings.back().push_back(fr.at(lat, lon));
    }
    const double area = ring_area(rings[0]);
    if (area > best_area) best_area = area, best = std::move(rings);
  }
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (const auto& p : best[0]) x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]), y0 = std::min(y0, p[1]), y1 = std::max(y1, p[1]);
  Point at = {(x0 + x1) / 2, (y0 + y1) / 2};
  double far = -1;
  for (int round = 0; round < 3; ++round) {  // a coarse grid, then two finer ones around the best
    const double sx = (x1 - x0) / 20, sy = (y1 - y0) / 20;
    for (int i = 0; i <= 20; ++i)
      for (int j = 0; j <= 20; ++j) {
        const Point p = {x0 + i * sx, y0 + j * sy};
        if (!inside(best, p)) continue;
        const double dist = edge_distance(best, p);
        if (dist > far) far = dist, at = p;
      }
    x0 = at[0] - 2 * sx, x1 = at[0] + 2 * sx, y0 = at[1] - 2 * sy, y1 = at[1] + 2 * sy;
  }
  return at;
}

// "%" after a figure: "%" in English, " %" (U+00A0) in French.
const char* percent_sign() { return i18n::current() == Lang::kFr ? "\u00a0%" : "%"; }

// Catalogue text in the map's caption: & < > escaped; the degree sign as an entity.
std::string map_words(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '&' ? std::string("&amp;") : c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : std::string(1, c);
  for (std::size_t at; (at = out.find("\u00b0")) != std::string::npos;) out.replace(at, 2, "&#176;");
  return out;
}

// Characters of UTF-8 text (for a label's width).
std::size_t glyphs(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Box text_box(double x, double y, const std::string& text, double size, const char* anchor, bool bold) {
  const double w = static_cast<double>(glyphs(text)) * size * (bold ? 0.64 : 0.56) + 4;
  const double x0 = std::string(anchor) == "middle" ? x - w / 2 : std::string(anchor) == "end" ? x - w : x;
  return {x0, y - size * 0.8, x0 + w, y + size * 0.25};
}

// Labels placed greedily: each takes the first candidate position that overlaps nothing placed.
class Placer {
 public:
  explicit Placer(Box area) : area_(area) {}
  void block(const Box& b) { taken_.push_back(b); }
  bool free(const Box& b) const {
    if (b.x0 < area_.x0 || b.y0 < area_.y0 || b.x1 > area_.x1 || b.y1 > area_.y1) return false;
    return std::none_of(taken_.begin(), taken_.end(), [&](const Box& t) { return t.overlaps(b); });
  }

 private:
  Box area_;
  std::vector<Box> taken_;
};

std::int64_t pop(const Directory& d, CommunityIndex c) { return d.geography[c].population.value_or(0); }

// A dot (a circle) or, for no pathway, a square of the same area; `extra` goes inside the element.
std::string marker(double x, double y, double radius, int band, const std::string& attrs, const std::string& extra) {
  if (band == kNoPathway) {
    const double half = radius * std::sqrt(std::numbers::pi) / 2;
    return fmt::format("<rect {}x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
                       "stroke=\"#ffffff\" stroke-width=\"0.8\">{}</rect>",
                       attrs, x - half, y - half, 2 * half, 2 * half, kBandColours[kNoPathway], extra);
  }
  return fmt::format("<circle {}cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" stroke=\"#333333\" "
                     "stroke-width=\"0.4\">{}</circle>",
                     attrs, x, y, radius, kBandColours[static_cast<std::size_t>(band)], extra);
}

std::string graticule(const Frame& fr) {
  std::string s = "<g class=\"graticule\" fill=\"none\" stroke=\"#b9cfdf\" stroke-width=\"0.6\">\n";
  for (int lat = 40; lat <= 85; lat += 5) {
    std::string pts;
    for (double lon = -145; lon <= -45 + 1e-9; lon += 1.0) {
      const Point p = fr.at(lat, lon);
      pts += fmt::format("{:.1f},{:.1f} ", p[0], p[1]);
    }
    s += "<polyline points=\"" + pts + "\"/>\n";
  }
  for (int lon = -140; lon <= -50; lon += 10) {
    const Point a = fr.at(40, lon), b = fr.at(85, lon);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", a[0], a[1], b[0], b[1]);
  }
  return s + "</g>\n";
}

// The outlines: audited provinces light, the others (neighbours in a zoomed map) greyer; only
// those whose box meets the frame.
std::string provinces_svg(const Report& r, const Frame& fr) {
  const Directory& d = r.engine->directory();
  std::string s = "<g class=\"provinces\" stroke=\"#7f8c99\" stroke-width=\"0.7\" stroke-linejoin=\"round\" "
                  "fill-rule=\"evenodd\">\n";
  for (const Outline& o : r.outlines->provinces) {
    const Bounds b = bounds_of(o);
    const Point tl = {(b.x0 - fr.x0) * fr.scale + fr.dx, (fr.y1 - b.y1) * fr.scale + fr.dy};
    const Point br = {(b.x1 - fr.x0) * fr.scale + fr.dx, (fr.y1 - b.y0) * fr.scale + fr.dy};
    if (br[0] < 0 || tl[0] > kWidth || br[1] < 0 || tl[1] > fr.height) continue;
    const bool audited = std::any_of(r.audit->provinces.begin(), r.audit->provinces.end(),
                                     [&](const ProvinceFigures& f) { return f.province == o.province; });
    std::string path;
    for (const auto& poly : o.polygons)
      for (const auto& ring : poly) path += ring_path(fr, ring);
    s += fmt::format("<path class=\"province{}\" data-province=\"{}\" fill=\"{}\" d=\"{}\"><title>{}</title></path>\n",
                     audited ? "" : " context", d.taxonomy.provinces.code(o.province), audited ? "#fbfaf6" : "#e4e2dc",
                     path, html_escape(i18n::current() == Lang::kFr && !o.name_fr.empty() ? o.name_fr : o.name));
  }
  return s + "</g>\n";
}

// The worst-served communities of the map profile, worst first: no pathway (most people first),
// then the longest travel; those within the first threshold are served well and never listed.
std::vector<std::size_t> worst_served(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::vector<std::size_t> pos;
  for (std::size_t i = 0; i < a.communities.size(); ++i)
    if (band_of(a, a.cell(i, static_cast<std::size_t>(r.map_profile))) > 0) pos.push_back(i);
  std::sort(pos.begin(), pos.end(), [&](std::size_t x, std::size_t y) {
    const Cell& X = a.cell(x, static_cast<std::size_t>(r.map_profile));
    const Cell& Y = a.cell(y, static_cast<std::size_t>(r.map_profile));
    if (X.feasible != Y.feasible) return !X.feasible;
    if (X.feasible && X.travel_hours != Y.travel_hours) return X.travel_hours > Y.travel_hours;
    if (pop(d, X.community) != pop(d, Y.community)) return pop(d, X.community) > pop(d, Y.community);
    return d.geography[X.community].id < d.geography[Y.community].id;
  });
  return pos;
}

// Province labels (every outline whose label point is in the frame; each placed, shifted if it
// would overlap one placed before) and the worst-served communities' labels (up to
// kCommunityLabels, each only where it overlaps nothing: a label that fits nowhere is left out).
std::string labels_svg(const Report& r, const Frame& fr) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  Placer placer({2, 2, kWidth - 2, fr.height - 2});
  std::string s = "<g class=\"labels\" font-family=\"sans-serif\" stroke=\"#ffffff\" stroke-width=\"3.5\" "
                  "stroke-linejoin=\"round\" paint-order=\"stroke\">\n";
  std::vector<std::pair<double, const Outline*>> by_size;
  for (const Outline& o : r.outlines->provinces) {
    const Bounds b = bounds_of(o);
    by_size.emplace_back(-(b.x1 - b.x0) * (b.y1 - b.y0), &o);
  }
  std::stable_sort(by_size.begin(), by_size.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [_, o] : by_size) {
    const Point p = label_point(fr, *o);
    if (p[0] < 0 || p[0] > kWidth || p[1] < 0 || p[1] > fr.height) continue;
    const std::string code = d.taxonomy.provinces.code(o->province);
    const int province = o->province;  // (clang 14 captures no structured binding)
    const bool audited = std::any_of(a.provinces.begin(), a.provinces.end(),
                                     [&](const ProvinceFigures& f) { return f.province == province; });
    Point at = p;
    for (const Point off : {Point{0, 0}, Point{0, -18}, Point{0, 18}, Point{24, 0}, Point{-24, 0}, Point{0, -34}, Point{0, 34}})
      if (placer.free(text_box(p[0] + off[0], p[1] + off[1] + 6, code, kProvinceFont, "middle", true))) {
        at = {p[0] + off[0], p[1] + off[1]};
        break;
      }
    placer.block(text_box(at[0], at[1] + 6, code, kProvinceFont, "middle", true));
    s += fmt::format("<text class=\"region-label\" data-province=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:g}\" "
                     "font-weight=\"bold\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                     code, at[0], at[1] + 6, kProvinceFont, audited ? "#2b3a4a" : "#8a949e", code);
  }
  const auto worst = worst_served(r);
  // The labelled dots themselves stay visible: no label covers a candidate's dot.
  std::vector<std::pair<std::size_t, Point>> candidates;
  for (std::size_t k = 0; k < worst.size() && k < 5 * kCommunityLabels; ++k) {
    const Community& com = d.geography[a.communities[worst[k]]];
    const Point p = fr.at(com.latitude, com.longitude);
    const double rad = dot_radius(com.population, fr.zoom);
    placer.block({p[0] - rad, p[1] - rad, p[0] + rad, p[1] + rad});
    candidates.emplace_back(worst[k], p);
  }
  int placed = 0;
  for (const auto& [pos, p] : candidates) {
    if (placed == kCommunityLabels) break;
    const Community& com = d.geography[a.communities[pos]];
    const double rad = dot_radius(com.population, fr.zoom) + 2;
    struct Try { double dx, dy; const char* anchor; };
    const Try tries[] = {{rad, 4.5, "start"}, {-rad, 4.5, "end"}, {rad, -rad - 1, "start"}, {rad, rad + 10, "start"},
                         {-rad, -rad - 1, "end"}, {-rad, rad + 10, "end"}, {0, -rad - 4, "middle"}, {0, rad + 14, "middle"}};
    for (const Try& t : tries) {
      const Box b = text_box(p[0] + t.dx, p[1] + t.dy, com.name, kCommunityFont, t.anchor, false);
      if (!placer.free(b)) continue;
      placer.block(b);
      s += fmt::format("<text class=\"community-label\" data-community=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" "
                       "font-size=\"{:g}\" text-anchor=\"{}\" fill=\"#1d2733\">{}</text>\n",
                       com.id, p[0] + t.dx, p[1] + t.dy, kCommunityFont, t.anchor, html_escape(com.name));
      ++placed;
      break;
    }
  }
  return s + "</g>\n";
}

// Below the frame: the bands (the dot or square of each) and dot sizes for some populations.
std::string legend_svg(const Audit& a, const Frame& fr) {
  std::string s = "<g class=\"legend\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1d2733\">\n";
  double x = 20;
  const double y = fr.height + 24;
  for (int k = 0; k <= kNoPathway; ++k) {
    const std::string label = band_label(a, k);
    s += marker(x, y, 6, k, "class=\"legend-band\" ", "") +
         fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", x + 11, y + 4.5, label);
    x += 24 + static_cast<double>(glyphs(label)) * 7.2;
  }
  x = 20;
  const double y2 = fr.height + 62;
  const std::string people_word = tr(Msg::audit_map_people) + end_colon();
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", x, y2 + 4.5, html_escape(people_word));
  x += std::max(62.0, static_cast<double>(glyphs(people_word)) * 7.2 + 10);
  for (std::int64_t people : {1000, 10000, 100000, 1000000}) {
    const double rad = dot_radius(people, fr.zoom);
    s += fmt::format("<circle class=\"legend-size\" data-population=\"{}\" cx=\"{:.1f}\" cy=\"{:.0f}\" r=\"{:.1f}\" "
                     "fill=\"#ffffff\" stroke=\"#333333\" stroke-width=\"0.6\"/><text x=\"{:.1f}\" y=\"{:.0f}\">{}</text>\n",
                     people, x + rad, y2, rad, x + 2 * rad + 5, y2 + 4.5, thousands(people));
    x += 2 * rad + 5 + static_cast<double>(glyphs(thousands(people))) * 7.2 + 22;
  }
  return s + "</g>\n";
}

}  // namespace

std::string gaps_words(const Audit& a, const Directory& d, const Cell& c) {
  std::string out;
  for (const auto& u : c.unmet)
    out += (out.empty() ? "" : i18n::semicolon()) + label(d.taxonomy.needs[u.need]) + " (" + reason_text(a, u.blocked_by) + ")";
  return out.empty() ? tr(Msg::audit_no_pathway) : out;
}

std::string cell_stale_words(const Directory& d, const Cell& c) {
  std::string out;
  for (ProviderIndex p : c.stale) out += (out.empty() ? "" : i18n::semicolon()) + stale_provider_text(d, p);
  if (out.empty()) return out;
  return " (" + tr(c.stale.size() == 1 ? Msg::audit_relies_on_stale_one : Msg::audit_relies_on_stale_many) +
         i18n::colon() + out + ")";
}

int band_of(const Audit& a, const Cell& c) {
  const int b = band(a, c);
  return b < 0 ? kNoPathway : b;
}

const char* band_colour(int band) { return kBandColours[static_cast<std::size_t>(band)]; }

std::string band_label(const Audit& a, int k) {
  if (k == 0) return tr(Msg::audit_band_within, {{"hours", hours_text(a.threshold(0))}});
  if (k < kThresholdCount)
    return tr(Msg::audit_band_between, {{"from", hours_text(a.threshold(k - 1))}, {"to", hours_text(a.threshold(k))}});
  if (k == kThresholdCount) return tr(Msg::audit_band_over, {{"hours", hours_text(a.threshold(kThresholdCount - 1))}});
  return tr(Msg::audit_no_pathway);
}

std::string share_style(double share) {
  const double v = std::clamp(share, 0.0, 1.0) * 4;
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(v), 3);
  const double f = v - static_cast<double>(i);
  int rgb[3];
  for (std::size_t c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(std::lround(kViridis[i][c] + f * (kViridis[i + 1][c] - kViridis[i][c])));
  // Dark text where the background is light (the upper half of viridis), white below.
  return fmt::format("background:#{:02x}{:02x}{:02x};color:{}", rgb[0], rgb[1], rgb[2],
                     share >= 0.5 ? "#1d2733" : "#ffffff");
}

double dot_radius(std::optional<std::int64_t> population, double zoom) {
  const double people = static_cast<double>(population.value_or(0));
  return zoom * std::clamp(1.4 + std::sqrt(people) / 140.0, 1.6, 9.0);
}

std::string map_svg(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  if (!r.outlines) throw std::logic_error("map_svg: the report has no outlines");
  const Frame fr = make_frame(r);
  const double total = fr.height + kLegendHeight;
  std::string s = fmt::format(
      "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "data-zoom=\"{:g}\" aria-label=\"{}\">\n",
      kWidth, total, fr.zoom, html_escape(tr(Msg::audit_map_aria)));
  s += fmt::format("<rect class=\"water\" x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#dcebf5\"/>\n",
                   kWidth, fr.height);
  s += fmt::format("<rect x=\"0\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#ffffff\"/>\n", fr.height,
                   kWidth, kLegendHeight);
  // Everything drawn on the map stays in its frame (a zoomed map's neighbours reach beyond it).
  s += fmt::format("<clipPath id=\"map-frame\"><rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.1f}\"/></clipPath>\n"
                   "<g clip-path=\"url(#map-frame)\">\n", kWidth, fr.height);
  s += graticule(fr);
  s += provinces_svg(r, fr);
  // Dots: the map profile's cells, biggest first so that small places stay visible on top.
  const auto mp = static_cast<std::size_t>(r.map_profile);
  std::vector<std::size_t> order(a.communities.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const auto px = pop(d, a.communities[x]), py = pop(d, a.communities[y]);
    return px != py ? px > py : x < y;
  });
  s += "<g class=\"communities\">\n";
  for (std::size_t pos : order) {
    const Cell& c = a.cell(pos, mp);
    const Community& com = d.geography[c.community];
    const Point p = fr.at(com.latitude, com.longitude);
    const std::string title =
        com.name + ", " + d.taxonomy.provinces.code(com.province) + " (" +
        (com.population ? tr(Msg::audit_pop_short, {{"n", thousands(*com.population)}}) : tr(Msg::audit_population_unknown)) +
        ")" + i18n::colon() +
        (c.feasible ? i18n::decimal(c.travel_hours, 1) + " h" : tr(Msg::audit_no_pathway) + i18n::semicolon() + gaps_words(a, d, c)) +
        cell_stale_words(d, c);
    const int band = band_of(a, c);
    s += marker(p[0], p[1], dot_radius(com.population, fr.zoom), band,
                fmt::format("class=\"community\" data-band=\"{}\" ", band == kNoPathway ? "none" : std::to_string(band)),
                "<title>" + html_escape(title) + "</title>") + "\n";
  }
  s += "</g>\n";
  s += labels_svg(r, fr);
  s += "</g>\n";
  s += legend_svg(a, fr);
  s += "</svg>\n";
  s += "<p class=\"map-caption\">" + map_words(tr(Msg::audit_map_caption, {{"n", std::to_string(kCommunityLabels)}})) +
       " <code>" + html_escape(r.outlines->file) + "</code> (FNV-1a " + r.outlines->digest + ")" + i18n::colon() +
       html_escape(r.outlines->source) + "</p>\n";
  return s;
}

std::string bars_svg(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const std::size_t p = static_cast<std::size_t>(r.map_profile);
  const double row = 26, left = 60, width = 700;
  const double height = row * static_cast<double>(a.provinces.size()) + 70;
  std::string s = fmt::format(
      "<svg id=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"13\">\n",
      left + width + 120, height, html_escape(tr(Msg::audit_coverage_aria)));
  double y = 10;
  for (const auto& f : a.provinces) {
    const auto& pp = f.profiles[p];
    const double total = static_cast<double>(std::max<std::int64_t>(1, pp.population));
    const double parts[kNoPathway + 1] = {
        static_cast<double>(pp.within[0]), static_cast<double>(pp.within[1] - pp.within[0]),
        static_cast<double>(pp.within[2] - pp.within[1]), static_cast<double>(pp.served - pp.within[2]),
        static_cast<double>(pp.population - pp.served)};
    const std::string code = d.taxonomy.provinces.code(f.province);
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\">{}</text>\n", 10.0, y + 15, code);
    double x = left;
    for (int k = 0; k <= kNoPathway; ++k) {
      const double w = width * parts[k] / total;
      if (w <= 0) continue;
      s += fmt::format("<rect class=\"bar\" data-province=\"{}\" data-band=\"{}\" x=\"{:.1f}\" y=\"{:.0f}\" "
                       "width=\"{:.1f}\" height=\"{:.0f}\" fill=\"{}\"><title>{}</title></rect>\n",
                       code, k == kNoPathway ? "none" : std::to_string(k), x, y, w, row - 6, band_colour(k),
                       html_escape(band_label(a, k) + i18n::colon() + pct(parts[k] / total)));
      x += w;
    }
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}{} &#8804; {} h</text>\n", left + width + 8, y + 15,
                     i18n::decimal(100.0 * pp.share(kThresholdCount - 1), 0), percent_sign(),
                     hours_text(a.threshold(kThresholdCount - 1)));
    y += row;
  }
  for (int t = 0; t <= 4; ++t) {
    const double x = left + width * t / 4.0;
    s += fmt::format("<line x1=\"{:.0f}\" y1=\"6\" x2=\"{:.0f}\" y2=\"{:.0f}\" stroke=\"#999\" stroke-width=\"0.5\" "
                     "stroke-dasharray=\"2,3\"/><text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}{}</text>\n",
                     x, x, y, x, y + 16, t * 25, percent_sign());
  }
  // The bands again, so that the chart reads alone on a printed page.
  double x = left;
  for (int k = 0; k <= kNoPathway; ++k) {
    const std::string label = band_label(a, k);
    s += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#333333\" "
                     "stroke-width=\"0.4\"/><text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n",
                     x, y + 30, band_colour(k), x + 16, y + 40.5, label);
    x += 28 + static_cast<double>(glyphs(label)) * 7.2;
  }
  return s + "</svg>\n";
}

}  // namespace detail

}  // namespace nrm::audit
