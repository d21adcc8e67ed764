// The HTML report's map and print layout on the test world: outlines loaded and checked (every
// problem named), provinces drawn from them and framed to the audit (zoomed for one province), dots
// on a palette that stays ordered in grey, labels for the worst-served communities, the size legend,
// thousands separators, and the print stylesheet. (The report printed by Chromium: print_check.py.)
#include <cmath>
#include <regex>

#include "audit/map.hpp"
#include "audit/render.hpp"
#include "audit_util.hpp"

using namespace nrm;

namespace {

struct MapWorld {
  test::TempDir dir;
  std::shared_ptr<const api::Engine> engine = api::Engine::load(test::audit_world_paths(dir));
  std::vector<audit::Profile> profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  std::shared_ptr<const audit::Outlines> outlines =
      audit::load_outlines(test::audit_outlines_path(), engine->directory());
  std::string html(const std::optional<std::string>& province = std::nullopt) const {
    audit::Options o = test::audit_options();
    if (province) o.province = engine->directory().taxonomy.provinces.find(*province);
    const audit::Audit a = audit::run(*engine, profiles, o);
    audit::Report r;
    r.engine = engine.get();
    r.audit = &a;
    r.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), a.as_of, "", outlines.get());
    r.province = province;
    r.outlines = outlines;
    return audit::render_html(r);
  }
};

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// The element that starts with `start` (up to its first '>').
std::string element(const std::string& html, const std::string& start) {
  const auto at = html.find(start);
  if (at == std::string::npos) return {};
  return html.substr(at, html.find('>', at) - at + 1);
}

double attribute(const std::string& element, const std::string& name) {
  const auto at = element.find(" " + name + "=\"");
  REQUIRE(at != std::string::npos);
  return std::stod(element.substr(at + name.size() + 3));
}

// The numbers of an SVG path's data, as (x, y) pairs.
std::vector<std::pair<double, double>> path_points(const std::string& d) {
  std::vector<std::pair<double, double>> out;
  static const std::regex pair(R"((-?[0-9.]+),(-?[0-9.]+))");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), pair); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  return out;
}

std::string path_data(const std::string& html, const std::string& province) {
  const std::string el = element(html, "<path class=\"province\" data-province=\"" + province + "\"");
  const auto at = el.find(" d=\"");
  REQUIRE(at != std::string::npos);
  return el.substr(at + 4, el.find('"', at + 4) - at - 4);
}

// Relative luminance (WCAG) of "#rrggbb": what a grey print keeps of a colour.
double luminance(const std::string& hex) {
  double out = 0;
  const double weights[3] = {0.2126, 0.7152, 0.0722};
  for (int i = 0; i < 3; ++i) {
    const double c = std::stoi(hex.substr(1 + 2 * static_cast<std::size_t>(i), 2), nullptr, 16) / 255.0;
    out += weights[i] * (c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
  }
  return out;
}

}  // namespace

TEST_CASE("outlines: loaded from GeoJSON, polygons with their holes", "[audit][map]") {
  MapWorld w;
  const auto& o = *w.outlines;
  CHECK(o.file == "outlines.geojson");
  CHECK(o.digest.size() == 16);
  CHECK(o.source.rfind("Test outlines", 0) == 0);
  REQUIRE(o.provinces.size() == 3);
  const auto& t = w.engine->directory().taxonomy;
  const audit::Outline* nu = o.find(*t.provinces.find("NU"));
  REQUIRE(nu);
  CHECK(nu->name == "Nunavut");
  REQUIRE(nu->polygons.size() == 2);
  CHECK(nu->polygons[1].size() == 2);  // an exterior ring and a hole
  CHECK(nu->polygons[1][1][0] == std::array<double, 2>{-70, 64});
  CHECK(o.find(t.provinces.size()) == nullptr);  // a province without an outline
}

TEST_CASE("outlines: every problem at once, with file:line:column, the feature and the field", "[audit][map]") {
  MapWorld w;
  const auto& d = w.engine->directory();
  const std::string bad = w.dir.write("bad.geojson", R"({"type":"FeatureCollection","source":"test",
"features":[
{"type":"Feature","properties":{"province":"XX","name":"X","name_fr":"X"},"geometry":{"type":"Polygon","coordinates":[[[-80,50],[-79,50],[-79,51],[-80,50]]]}},
{"type":"Feature","properties":{"province":"ON","name":"Ontario","name_fr":"Ontario"},"geometry":{"type":"Polygon","coordinates":[[[-80,50],[-79,50],[-79,51],[-80,51]]]}},
{"type":"Feature","properties":{"province":"NU","name":"Nunavut"},"geometry":{"type":"Polygon","coordinates":[[[-80,60],[-79,-95],[-79,61],[-80,60]]]}},
{"type":"Feature","properties":{"province":"NU","name":"Nunavut","name_fr":"Nunavut"},"geometry":{"type":"Point","coordinates":[-80,60]}}
]}
)");
  const std::string report = test::load_error([&] { audit::load_outlines(bad, d); });
  INFO(report);
  CHECK(report.find(bad + ":3:") != std::string::npos);
  CHECK(report.find("features[0].properties.province: unknown province or territory 'XX'; expected one of MB, NU, ON") !=
        std::string::npos);
  CHECK(report.find(bad + ":4:") != std::string::npos);
  CHECK(report.find("features[1] (ON).geometry.coordinates[0]: the ring is not closed: it starts at [-80, 50] and "
                    "ends at [-80, 51]") != std::string::npos);
  CHECK(report.find("features[2] (NU).properties.name_fr: missing") != std::string::npos);
  CHECK(report.find("features[2] (NU).geometry.coordinates[0][1][1] (latitude)") != std::string::npos);
  CHECK(report.find("features[3] (NU).properties.province: 'NU' has an outline already") != std::string::npos);
  CHECK(report.find("features[3] (NU).geometry.type: expected Polygon or MultiPolygon, found 'Point'") !=
        std::string::npos);
  // Manitoba has a community (Delta) and no outline here.
  CHECK(report.find("features: no outline for MB (Manitoba), which has communities") != std::string::npos);

  CHECK(test::load_error([&] { audit::load_outlines(w.dir.path("none.geojson"), d); }).find(w.dir.path("none.geojson")) !=
        std::string::npos);
  const std::string broken = w.dir.write("broken.geojson", "{\"type\": \"FeatureCollection\",\n\"features\": [,]}\n");
  const std::string syntax = test::load_error([&] { audit::load_outlines(broken, d); });
  CHECK(syntax.find(broken + ":2:") != std::string::npos);
  CHECK(syntax.find("not JSON") != std::string::npos);
}

TEST_CASE("map: the provinces are the outlines, every ring a subpath; water behind; no hulls", "[audit][map]") {
  MapWorld w;
  const std::string html = w.html();
  CHECK(occurrences(html, "<path class=\"province\"") == 3);
  // Each ring of the outline is one subpath (NU: two polygons, one with a hole).
  CHECK(occurrences(path_data(html, "NU"), "M") == 3);
  CHECK(occurrences(path_data(html, "ON"), "M") == 1);
  CHECK(html.find("<rect class=\"water\"") != std::string::npos);
  CHECK(html.find("<polygon class=\"region\"") == std::string::npos);
  CHECK(occurrences(html, "class=\"region-label\"") == 3);
  // The caption names the outlines' source and the file with its digest, and no longer the hull.
  CHECK(html.find("Outlines: <code>outlines.geojson</code> (FNV-1a " + w.outlines->digest + "): Test outlines") !=
        std::string::npos);
  CHECK(html.find("outline around its communities") == std::string::npos);
  CHECK(html.find("outlines: <code>outlines.geojson</code>") != std::string::npos);  // in the stamp
  // Ontario's south-west corner (95 W, 42 N) lies left of and below its north-east one (75 W, 56 N).
  const auto on = path_points(path_data(html, "ON"));
  REQUIRE(on.size() == 4);
  CHECK(on[0].first < on[2].first);
  CHECK(on[0].second > on[2].second);
}

TEST_CASE("map: dots by band on a palette that stays ordered in grey; no pathway is a square", "[audit][map]") {
  MapWorld w;
  const std::string html = w.html();
  // Shelter only (the map's profile): Alpha within 2 h, Beta within 2 h, Gamma 3 h, Delta and Nordic none.
  CHECK(occurrences(html, "class=\"community\" data-band=\"0\"") == 2);
  CHECK(occurrences(html, "<circle class=\"community\" data-band=\"1\"") == 1);
  CHECK(occurrences(html, "<rect class=\"community\" data-band=\"none\"") == 2);
  // The legend's bands, in order: each darker than the one before, by a margin a grey print keeps.
  std::vector<std::string> fills;
  for (auto at = html.find("class=\"legend-band\""); at != std::string::npos; at = html.find("class=\"legend-band\"", at + 1)) {
    const auto f = html.find("fill=\"", at);
    fills.push_back(html.substr(f + 6, 7));
  }
  REQUIRE(fills.size() == 5);
  for (std::size_t i = 1; i < fills.size(); ++i) {
    INFO(fills[i - 1] << " then " << fills[i]);
    CHECK(luminance(fills[i - 1]) > 1.6 * luminance(fills[i]));
  }
  // The old red-green palette is gone from the map, the bars and the tables.
  for (const char* old : {"#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#7b3294"}) CHECK(html.find(old) == std::string::npos);
  // Bars and tables use the same colours: the bars' bands are the legend's.
  CHECK(element(html, "<rect class=\"bar\" data-province=\"ON\" data-band=\"0\"").find("fill=\"" + fills[0] + "\"") !=
        std::string::npos);
  CHECK(element(html, "<rect class=\"bar\" data-province=\"MB\" data-band=\"none\"").find("fill=\"" + fills[4] + "\"") !=
        std::string::npos);
  CHECK(audit::detail::share_style(1.0) == "background:#fde725;color:#1d2733");
  CHECK(audit::detail::share_style(0.0) == "background:#440154;color:#ffffff");
}

TEST_CASE("map: labels for the worst-served communities, none overlapping; a size legend", "[audit][map]") {
  MapWorld w;
  const std::string html = w.html();
  // Worst first: Delta (30,000, no pathway), Nordic (5,000, no pathway), Gamma (3 h).
  for (const char* id : {"delta-mb", "nordic-nu", "gamma-on"})
    CHECK(html.find("class=\"community-label\" data-community=\"" + std::string(id) + "\"") != std::string::npos);
  CHECK(html.find("data-community=\"alpha-on\"") == std::string::npos);  // within 2 h: served well
  CHECK(html.find("paint-order=\"stroke\"") != std::string::npos);        // a halo, for print
  // The size legend: the map's own radius for each population.
  for (std::int64_t people : {1'000, 10'000, 100'000, 1'000'000}) {
    const std::string el = element(html, "<circle class=\"legend-size\" data-population=\"" + std::to_string(people) + "\"");
    REQUIRE(!el.empty());
    CHECK(attribute(el, "r") == Approx(audit::detail::dot_radius(people, 1.0)).margin(0.05));
    CHECK(html.find(">" + audit::thousands(people) + "</text>") != std::string::npos);
  }
  // Alpha's dot (100,000 people) has the legend's 100,000 radius.
  const std::string alpha = element(html, "<circle class=\"community\" data-band=\"0\"");
  CHECK(attribute(alpha, "r") == Approx(audit::detail::dot_radius(100'000, 1.0)).margin(0.05));
}

TEST_CASE("map: zoomed to --province, the province fills the frame and its dots grow", "[audit][map]") {
  MapWorld w;
  const std::string national = w.html();
  const std::string nu = w.html("NU");
  CHECK(element(national, "<svg id=\"map\"").find("data-zoom=\"1\"") != std::string::npos);
  CHECK(element(nu, "<svg id=\"map\"").find("data-zoom=\"2\"") != std::string::npos);
  // Nunavut's outline spans the frame's width (960 less the margins) in its own map, a fraction of
  // it in the national one.
  auto span = [](const std::vector<std::pair<double, double>>& pts) {
    double lo = 1e9, hi = -1e9;
    for (const auto& p : pts) lo = std::min(lo, p.first), hi = std::max(hi, p.first);
    return hi - lo;
  };
  const double zoomed = span(path_points(path_data(nu, "NU")));
  CHECK(zoomed > 900);
  CHECK(span(path_points(path_data(national, "NU"))) < 0.8 * zoomed);
  // Nordic (5,000 people): twice its national radius, well over 3 units.
  const std::string dot = element(nu, "<rect class=\"community\" data-band=\"none\"");
  CHECK(attribute(dot, "width") > 5.5);
  // The neighbours in the frame are drawn as context, not audited.
  CHECK(nu.find("<path class=\"province\" data-province=\"NU\"") != std::string::npos);
  CHECK(nu.find("<path class=\"province\" data-province=\"ON\"") == std::string::npos);
}

TEST_CASE("html: thousands separators wherever figures appear; a print stylesheet", "[audit][map]") {
  MapWorld w;
  const std::string html = w.html();
  // The visible text (tags and the stamp's digests dropped): no figure of four digits or more
  // without separators (dates are YYYY-MM-DD).
  std::string text;
  bool tag = false;
  for (char c : html.substr(html.find("<body>"))) {
    if (c == '<') tag = true, text += ' ';
    else if (c == '>') tag = false;
    else if (!tag) text += c;
  }
  text = std::regex_replace(text, std::regex(R"(FNV-1a [0-9a-f]{16})"), "");
  text = std::regex_replace(text, std::regex(R"(&#\d+;)"), " ");  // entities: &#8804; is a sign
  text = std::regex_replace(text, std::regex(R"(\d{4}-\d\d-\d\d)"), "");
  std::smatch m;
  const bool bare = std::regex_search(text, m, std::regex(R"((^|[^\d,.])\d{4,})"));
  CHECK_FALSE(bare);
  if (bare) FAIL_CHECK("a figure without separators: '" << m.str() << "' in ..." << m.prefix().str().substr(std::max<std::ptrdiff_t>(0, m.prefix().length() - 80)));
  CHECK(html.find("100,000") != std::string::npos);
  // Printing: colours kept, each province's gaps on a new page, tables fitted to the page.
  CHECK(html.find("@media print{") != std::string::npos);
  CHECK(html.find("print-color-adjust:exact") != std::string::npos);
  CHECK(html.find("section.province-gaps") != std::string::npos);
  CHECK(occurrences(html, "<section class=\"province-gaps\"") == 3);
  CHECK(html.find("writing-mode:vertical-rl") != std::string::npos);
}

TEST_CASE("map on the SHIPPED data and outlines: 13 provinces from data/outlines.geojson, every community, zoom",
          "[audit][map][shipped][national]") {
  static auto engine = api::Engine::load(api::EnginePaths::shipped(test::source_root()));
  const auto profiles = audit::load_profiles(test::source_root() + "/data/profiles.yaml", *engine);
  const auto outlines = audit::load_outlines(test::source_root() + "/data/outlines.geojson", engine->directory());
  REQUIRE(outlines->provinces.size() == 13);
  CHECK(outlines->source.find("Natural Earth") != std::string::npos);
  auto render = [&](std::optional<std::string> province) {
    audit::Options o = test::audit_options();
    o.profile_ids = {"need-safety-planning"};  // one profile: the map is the point here
    if (province) o.province = engine->directory().taxonomy.provinces.find(*province);
    const audit::Audit a = audit::run(*engine, profiles, o);
    audit::Report r;
    r.engine = engine.get();
    r.audit = &a;
    r.stamp = audit::make_stamp(*engine, test::source_root() + "/data/profiles.yaml", a.as_of, "", outlines.get());
    r.province = province;
    r.outlines = outlines;
    return std::pair(audit::render_html(r), a.communities.size());
  };
  const auto [national, communities] = render(std::nullopt);
  CHECK(occurrences(national, "<path class=\"province\"") == 13);
  for (const auto& o : outlines->provinces) {
    std::size_t rings = 0;
    for (const auto& p : o.polygons) rings += p.size();
    const std::string code = engine->directory().taxonomy.provinces.code(o.province);
    INFO(code);
    CHECK(occurrences(path_data(national, code), "M") == rings);
  }
  CHECK(occurrences(national, "class=\"community\"") == communities);
  CHECK(occurrences(national, "class=\"region-label\"") == 13);
  // Yukon alone: its outline fills the frame; its neighbours are context.
  const auto [yukon, yt_communities] = render("YT");
  CHECK(occurrences(yukon, "<path class=\"province\"") == 1);
  CHECK(occurrences(yukon, "<path class=\"province context\"") >= 2);  // NT, BC
  CHECK(occurrences(yukon, "class=\"community\"") == yt_communities);
}
