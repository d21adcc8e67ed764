// The audit's renderings on the test world: JSON fields, CSV rows, the table, the HTML report
// (self-contained, map and tables present), the conic projection, the nrm audit command, and the
// report as rendered by headless Chromium (skipped, with a message, when Chromium is absent).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/render.hpp"
#include "audit_util.hpp"

using namespace nrm;

namespace {

struct Rendered {
  Rendered() = default;
  explicit Rendered(const std::string& providers) : engine(api::Engine::load(test::audit_world_paths(dir, providers))) {}
  test::TempDir dir;
  std::shared_ptr<const api::Engine> engine = api::Engine::load(test::audit_world_paths(dir));
  std::vector<audit::Profile> profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  audit::Audit audit = audit::run(*engine, profiles, test::audit_options());
  audit::Report report() const {
    audit::Report r;
    r.engine = engine.get();
    r.audit = &audit;
    r.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), audit.as_of);
    r.outlines = outlines;
    return r;
  }
  std::shared_ptr<const audit::Outlines> outlines =
      audit::load_outlines(test::audit_outlines_path(), engine->directory());
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("json: cells with the contract's fields, provinces, stamp", "[audit][render]") {
  Rendered x;
  auto j = audit::render_json(x.report());
  REQUIRE(j["cells"].size() == 15);
  for (const auto& c : j["cells"])
    for (const char* k : {"community", "profile", "feasible", "total_cost", "travel_hours", "binding_gap"})
      CHECK(c.contains(k));
  // cells are community-major, profiles in file order
  CHECK(j["cells"][0]["community"] == "alpha-on");
  CHECK(j["cells"][0]["profile"] == "shelter");
  CHECK(j["cells"][0]["feasible"] == true);
  CHECK(j["cells"][0]["travel_hours"] == 0.0);
  CHECK(j["cells"][0]["binding_gap"].is_null());
  const auto& delta = j["cells"][2 * 3];  // delta-mb (ids sorted: alpha beta delta gamma nordic), shelter
  CHECK(delta["community"] == "delta-mb");
  CHECK(delta["feasible"] == false);
  CHECK(delta["total_cost"].is_null());
  CHECK(delta["binding_gap"]["need"] == "shelter.emergency");
  CHECK(delta["binding_gap"]["blocked_by"] == "province-served");
  REQUIRE(j["provinces"].size() == 3);
  const auto& on = j["provinces"][2];
  CHECK(on["province"] == "ON");
  CHECK(on["profiles"][0]["population_within_2h"] == 150000);
  CHECK(on["profiles"][0]["share_within_2h"] == Approx(0.8824));
  CHECK(on["profiles"][0]["worst"][0]["community"] == "gamma-on");
  CHECK(j["provinces"][0]["profiles"][0]["binding_need"]["need"] == "shelter.emergency");
  CHECK(j["stamp"]["as_of"] == "2026-11-27");
  CHECK(j["stamp"]["files"].size() == 6);
  CHECK(j["stamp"]["files"][0]["fnv1a64"].get<std::string>().size() == 16);
  // Files by name and digest, never by a path of the machine.
  CHECK(j["stamp"]["files"][0]["path"] == "providers.yaml");
  CHECK(j["stamp"]["files"][5]["path"] == "rules");
  CHECK(j.dump().find(x.dir.path()) == std::string::npos);
  CHECK(j.dump().find(test::source_root()) == std::string::npos);
  // Deterministic: the same audit on the same bytes, elsewhere, renders the same bytes.
  Rendered y;
  CHECK(audit::render_json(y.report()).dump() == j.dump());
}

TEST_CASE("csv: a header and one row per cell; table: every province and profile", "[audit][render]") {
  Rendered x;
  std::string csv = audit::render_csv(x.report());
  CHECK(count(csv, "\n") == 16);
  CHECK(csv.rfind("community,name,province,population,profile,feasible,total_cost,travel_hours,binding_need", 0) == 0);
  CHECK(csv.find("delta-mb,Delta,MB,30000,shelter,false,,,shelter.emergency,province-served,") != std::string::npos);
  CHECK(csv.find("gamma-on,Gamma,ON,20000,shelter,true,") != std::string::npos);
  std::string table = audit::render_table(x.report());
  CHECK(table.find("== Shelter only (shelter)") != std::string::npos);
  CHECK(table.find("88.2%") != std::string::npos);
  CHECK(table.find("shelter.emergency (1)") != std::string::npos);
  CHECK(table.find("delta-mb NONE (shelter.emergency)") != std::string::npos);
}

// The line of `text` that starts with `prefix` (without its newline), or "".
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return {};
}

TEST_CASE("stale entries: every rendering marks the cells relying on one and counts them per province",
          "[audit][render][stale]") {
  // Alpha Shelter last verified 2025-06-01 (stale on 2026-11-27): 4 ON cells rely on it
  // (test_audit.cpp works them out), none in MB or NU.
  Rendered x(test::audit_world_providers_stale_alpha());
  const audit::Report r = x.report();
  auto j = audit::render_json(r);
  CHECK(j["cells"][0]["community"] == "alpha-on");
  CHECK(j["cells"][0]["relies_on_stale"] == true);
  CHECK(j["cells"][0]["stale_providers"] == nlohmann::json::array({"sh-alpha"}));
  CHECK(j["cells"][1 * 3 + 1]["relies_on_stale"] == false);  // beta, a woman: Gamma's shelter
  CHECK(j["cells"][1 * 3 + 1]["stale_providers"].empty());
  const auto& on = j["provinces"][2];
  REQUIRE(on["province"] == "ON");
  CHECK(on["stale"]["cells"] == 4);
  REQUIRE(on["stale"]["providers"].size() == 1);
  CHECK(on["stale"]["providers"][0]["provider"] == "sh-alpha");
  CHECK(on["stale"]["providers"][0]["name"] == "Alpha Shelter (fictitious)");
  CHECK(on["stale"]["providers"][0]["verified"] == "2025-06-01");
  CHECK(on["stale"]["text"] == "4 cells rely on stale entries (1 provider)");
  CHECK(on["profiles"][0]["stale_cells"] == 3);
  CHECK(on["profiles"][0]["stale_providers"] == nlohmann::json::array({"sh-alpha"}));
  CHECK(on["profiles"][0]["worst"][0]["stale_providers"] == nlohmann::json::array({"sh-alpha"}));
  CHECK(j["provinces"][0]["stale"]["cells"] == 0);
  CHECK(j["provinces"][0]["stale"]["text"] == "no cell relies on a stale entry");
  CHECK(j["stale"]["cells"] == 4);
  CHECK(j["stale"]["stale_after_days"] == 365);

  const std::string csv = audit::render_csv(r);
  CHECK(line_starting(csv, "community,").find(",reason,stale_providers") != std::string::npos);
  const std::string alpha = line_starting(csv, "alpha-on,Alpha,ON,100000,shelter,true,");
  INFO(alpha);
  CHECK(alpha.find(",sh-alpha") != std::string::npos);
  CHECK(line_starting(csv, "beta-on,Beta,ON,50000,shelter-counselling,true,").find("sh-alpha") == std::string::npos);

  const std::string table = audit::render_table(r);
  INFO(table);
  CHECK(table.find("-- ON: 4 cells rely on stale entries (1 provider):\n"
                   "   STALE Alpha Shelter (fictitious) (sh-alpha), last verified 2025-06-01\n") != std::string::npos);
  CHECK(table.find("-- MB: no cell relies on a stale entry\n") != std::string::npos);
  CHECK(table.find("gamma-on 3.0 h (STALE: sh-alpha)") != std::string::npos);
  CHECK(table.find("Stale entries: 4 cells rely on stale entries (1 provider).") != std::string::npos);

  const std::string html = audit::render_html(r);
  CHECK(html.find("<p class=\"stale\" data-province=\"ON\">4 cells rely on stale entries (1 provider): Alpha "
                  "Shelter (fictitious) (sh-alpha), last verified 2025-06-01.") != std::string::npos);
  CHECK(html.find("<p class=\"stale\" data-province=\"MB\">No pathway here relies on a stale entry.</p>") !=
        std::string::npos);
  CHECK(count(html, "<td class=\"num stale-cells\">3</td>") == 1);  // ON, shelter
  CHECK(html.find("STALE</span>") != std::string::npos);
  CHECK(html.find("(relies on a stale entry: Alpha Shelter (fictitious) (sh-alpha), last verified 2025-06-01)") !=
        std::string::npos);
  CHECK(html.find("Stale entries: 4 cells rely on stale entries (1 provider) in Canada") != std::string::npos);

  // Nothing stale: nothing marked.
  Rendered fresh;
  const std::string clean = audit::render_html(fresh.report());
  CHECK(clean.find("STALE</span>") == std::string::npos);
  CHECK(audit::render_table(fresh.report()).find("-- ON: no cell relies on a stale entry") != std::string::npos);
}

TEST_CASE("geojson: a FeatureCollection of Points per community for QGIS/ArcGIS; csv gains latitude/longitude",
          "[audit][render][geojson]") {
  Rendered x;
  // Through text, as a GIS reads the file.
  const auto g = nlohmann::json::parse(audit::render_geojson(x.report()).dump(2));
  CHECK(g["type"] == "FeatureCollection");
  CHECK(!g.contains("crs"));  // RFC 7946: WGS 84 always, no crs member
  REQUIRE(g["features"].is_array());
  REQUIRE(g["features"].size() == 5);  // one per community, in id order
  for (const auto& f : g["features"]) {
    CHECK(f["type"] == "Feature");
    CHECK(f["geometry"]["type"] == "Point");
    REQUIRE(f["geometry"]["coordinates"].size() == 2);
    const double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
    CHECK(lon >= -180);
    CHECK(lon <= -50);   // Canada: west of Greenwich, [longitude, latitude] in that order
    CHECK(lat >= 40);
    CHECK(lat <= 90);
    CHECK(f["id"] == f["properties"]["id"]);
    for (const char* p : {"shelter", "shelter_counselling", "counselling"})
      for (const std::string k : {"hours_", "binding_need_", "reason_", "stale_"})
        CHECK(f["properties"].contains(k + p));
  }
  // alpha-on,Alpha,ON,44.0,-79.0,100000 in the world's communities.csv.
  const auto& alpha = g["features"][0];
  CHECK(alpha["id"] == "alpha-on");
  CHECK(alpha["geometry"]["coordinates"] == nlohmann::json::array({-79.0, 44.0}));
  const auto& ap = alpha["properties"];
  // id, name, province, population first, in the file as a GIS reads it (its attribute table).
  const auto ordered = nlohmann::ordered_json::parse(audit::render_geojson(x.report()).dump());
  std::vector<std::string> keys;
  for (const auto& [k, v] : ordered["features"][0]["properties"].items()) keys.push_back(k);
  REQUIRE(keys.size() == 4 + 3 * 4);
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + 6) ==
        std::vector<std::string>{"id", "name", "province", "population", "hours_shelter", "binding_need_shelter"});
  CHECK(ap["name"] == "Alpha");
  CHECK(ap["province"] == "ON");
  CHECK(ap["population"] == 100000);
  CHECK(ap["hours_shelter"] == 0.0);
  CHECK(ap["binding_need_shelter"].is_null());
  CHECK(ap["reason_shelter"].is_null());
  CHECK(ap["stale_shelter"] == false);
  // delta-mb: a man finds no shelter serving Manitoba; gamma: 3 h to Alpha's.
  const auto& delta = g["features"][2]["properties"];
  CHECK(delta["id"] == "delta-mb");
  CHECK(delta["hours_shelter"].is_null());
  CHECK(delta["binding_need_shelter"] == "shelter.emergency");
  CHECK(delta["reason_shelter"] == "providers exist but do not serve this province or territory");
  CHECK(delta["hours_counselling"] == 0.0);  // by phone
  CHECK(g["features"][3]["properties"]["hours_shelter"] == 3.0);
  CHECK(g["nrm"]["as_of"] == "2026-11-27");
  CHECK(g["nrm"]["profiles"][1]["id"] == "shelter-counselling");
  CHECK(g["nrm"]["profiles"][1]["field"] == "shelter_counselling");
  CHECK(audit::geojson_field("man-labour.no status") == "man_labour_no_status");

  // CSV: the columns of before, in their order, then latitude and longitude; codes, not labels.
  const std::string csv = audit::render_csv(x.report());
  CHECK(line_starting(csv, "community,") ==
        "community,name,province,population,profile,feasible,total_cost,travel_hours,binding_need,blocked_by,"
        "nearest_provider,nearest_travel_hours,reason,stale_providers,latitude,longitude");
  CHECK(line_starting(csv, "alpha-on,Alpha,ON,100000,shelter,") == "alpha-on,Alpha,ON,100000,shelter,true,1.00,0.00,,,,,,,44,-79");
  const std::string delta_row = line_starting(csv, "delta-mb,Delta,MB,30000,shelter,");
  CHECK(delta_row.rfind("delta-mb,Delta,MB,30000,shelter,false,,,shelter.emergency,province-served,", 0) == 0);
  CHECK(delta_row.size() > 7);
  CHECK(delta_row.substr(delta_row.size() - 7) == ",50,-97");
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::size_t commas = 0;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) ++commas;
    }
    CHECK(commas == 15);  // 16 columns on every row
  }
}

TEST_CASE("lambert conformal conic: StatCan's parameters", "[audit][render]") {
  // Origin 63.390675 N, 91.866667 W maps to (0, 0); meridians converge northward.
  auto o = audit::lambert(63.390675, -91.866667);
  CHECK(std::abs(o.x) < 1e-9);
  CHECK(std::abs(o.y) < 1e-9);
  CHECK(audit::lambert(49, -91.866667).x == Approx(0).margin(1e-12));
  auto sw = audit::lambert(49, -120), nw = audit::lambert(70, -120);
  CHECK(nw.x > sw.x);  // the same meridian leans toward the central one as it goes north
  // Scale is true (1) along the standard parallels: d(y)/d(latitude) in radians on the central meridian.
  for (double lat : {49.0, 77.0}) {
    const double h = 1e-4;
    const double dy = audit::lambert(lat + h, -91.866667).y - audit::lambert(lat - h, -91.866667).y;
    CHECK(dy / (2 * h * M_PI / 180) == Approx(1.0).epsilon(1e-6));
  }
  const double h = 1e-4;
  const double dy63 = audit::lambert(63 + h, -91.866667).y - audit::lambert(63 - h, -91.866667).y;
  CHECK(dy63 / (2 * h * M_PI / 180) < 1.0);  // between the parallels the scale is below 1
}

TEST_CASE("html: one self-contained file with the map, charts, tables and stamp", "[audit][render]") {
  Rendered x;
  auto r = x.report();
  std::string html = audit::render_html(r);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "<svg id=\"map\"") == 1);
  CHECK(count(html, "class=\"community\"") == 5);
  CHECK(count(html, "class=\"region-label\"") == 3);
  CHECK(count(html, "<svg id=\"bars\"") == 1);
  CHECK(count(html, "<table class=\"gaps\"") == 3);
  CHECK(html.find("id=\"coverage-matrix\"") != std::string::npos);
  CHECK(html.find("Computed as of 2026-11-27") != std::string::npos);
  // Nothing is fetched: no scripts, no external references.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
}

#ifdef NRM_BINARY
TEST_CASE("nrm audit: formats, what-if and bad options", "[audit][cli]") {
  test::TempDir dir;
  auto paths = test::audit_world_paths(dir);
  const std::string data = " --taxonomy " + paths.data.taxonomy + " --communities " + paths.data.communities +
                           " --routes " + paths.data.routes + " --providers " + paths.data.providers + " --rules " +
                           paths.rules_dir + " --profiles " + test::audit_profiles_path() +
                           " --outlines " + test::audit_outlines_path() + " --as-of 2026-11-27";
  auto run = [&](const std::string& args, const std::string& out) {
    std::string cmd = std::string(NRM_BINARY) + " audit" + data + " " + args + " > " + out + " 2> " + out + ".err";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  REQUIRE(run("--format json", dir.path("a.json")) == 0);
  auto j = nlohmann::json::parse(slurp(dir.path("a.json")));
  CHECK(j["cells"].size() == 15);
  REQUIRE(run("--format json --province ON --profile shelter --without sh-alpha", dir.path("b.json")) == 0);
  auto b = nlohmann::json::parse(slurp(dir.path("b.json")));
  CHECK(b["cells"].size() == 3);
  CHECK(b["what_if"]["changes"][0]["within_24h"]["change"] == -170000);
  REQUIRE(run("--format html --out " + dir.path("r.html"), dir.path("c.out")) == 0);
  CHECK(slurp(dir.path("r.html")).find("<svg id=\"map\"") != std::string::npos);
  REQUIRE(run("--profile shelter --suggest 1", dir.path("s.txt")) == 0);
  CHECK(slurp(dir.path("s.txt")).find("1. Delta (delta-mb): offer shelter.emergency; gain 30,000 people within 2 h") != std::string::npos);
  CHECK(run("--province XX", dir.path("e1")) == 2);
  CHECK(slurp(dir.path("e1.err")).find("--province") != std::string::npos);
  CHECK(run("--format pdf", dir.path("e2")) == 2);
  CHECK(slurp(dir.path("e2.err")).find("geojson") != std::string::npos);
  REQUIRE(run("--format geojson --province ON --out " + dir.path("on.geojson"), dir.path("g.out")) == 0);
  auto geo = nlohmann::json::parse(slurp(dir.path("on.geojson")));
  CHECK(geo["type"] == "FeatureCollection");
  CHECK(geo["features"].size() == 3);
  CHECK(geo["features"][1]["properties"]["id"] == "beta-on");
  CHECK(geo["features"][1]["geometry"]["coordinates"] == nlohmann::json::array({-79.5, 44.5}));
  REQUIRE(run("--help", dir.path("h.txt")) == 0);
  CHECK(slurp(dir.path("h.txt")).find("geojson") != std::string::npos);
  CHECK(run("--suggest 2", dir.path("e3")) == 2);
  CHECK(run("--without nobody", dir.path("e4")) == 2);
}
#endif

TEST_CASE("the HTML report renders in headless Chromium: map and tables in the DOM", "[audit][chromium]") {
  const std::string chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) {
    WARN("SKIPPED: " << chromium << " is absent (scripts/setup installs Debian's chromium package)");
    return;
  }
  Rendered x;
  std::string html = audit::render_html(x.report());
  test::TempDir dir;
  const std::string page = dir.write("report.html", html);
  const std::string profile = dir.path("chromium-profile");
  const std::string flags = " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
                            " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir=" +
                            profile;
  const std::string dom = dir.path("dom.html");
  std::string cmd = "timeout 60 " + chromium + flags + " --dump-dom file://" + page + " > " + dom + " 2> " +
                    dir.path("chromium.err");
  int rc = std::system(cmd.c_str());
  INFO("chromium stderr: " << slurp(dir.path("chromium.err")));
  REQUIRE(rc == 0);
  std::string out = slurp(dom);
  CHECK(out.find("<svg id=\"map\"") != std::string::npos);
  CHECK(count(out, "class=\"community\"") == 5);
  CHECK(out.find("id=\"coverage-matrix\"") != std::string::npos);
  CHECK(count(out, "class=\"gaps\"") == 3);
  CHECK(out.find("Computed as of 2026-11-27") != std::string::npos);
  // And a screenshot: a real PNG of some size.
  const std::string png = dir.path("report.png");
  cmd = "timeout 60 " + chromium + flags + " --window-size=1100,1400 --screenshot=" + png + " file://" + page +
        " > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string bytes = slurp(png);
  REQUIRE(bytes.size() > 10000);
  CHECK(bytes.substr(1, 3) == "PNG");
}

namespace {

// The text of an HTML fragment as a reader sees it: tags dropped, entities of the report decoded.
std::string visible(const std::string& html) {
  std::string out;
  bool tag = false;
  for (char c : html) {
    if (c == '<') tag = true;
    else if (c == '>') tag = false;
    else if (!tag) out += c;
  }
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"&#39;", "'"}, {"&amp;", "&"}})
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) out.replace(at, from.size(), to);
  return out;
}

std::string section(const std::string& html, const std::string& id) {
  const auto a = html.find("<section id=\"" + id + "\">");
  if (a == std::string::npos) return {};
  return html.substr(a, html.find("</section>", a) - a);
}

}  // namespace

TEST_CASE("html summary: plain sentences with counts, shares and need labels, Canada and per province", "[audit][render]") {
  Rendered x;
  std::string html = audit::render_html(x.report());
  // The summary comes first, before the stamp and the map.
  const auto at = html.find("<section id=\"summary\">");
  REQUIRE(at != std::string::npos);
  CHECK(at < html.find("id=\"stamp\""));
  CHECK(at < html.find("<svg id=\"map\""));
  const std::string text = visible(section(html, "summary"));
  INFO(text);
  // shelter (a man): 170,000 of 205,000 people within 24 h; MB and NU have no shelter serving them.
  CHECK(text.find("Shelter only: 35,000 people in Canada (17.1%) cannot reach every service needed within 24 h: "
                  "35,000 with no pathway at all. Missing: Emergency shelter in 2 communities (providers exist but do "
                  "not serve this province or territory: 2).") != std::string::npos);
  CHECK(text.find("Shelter only: 30,000 people in Manitoba (100.0%) cannot reach every service needed within 24 h")
        != std::string::npos);
  CHECK(text.find("Counselling only: everyone in Canada can reach every service needed within 24 h.") != std::string::npos);
  CHECK(text.find("Ontario") != std::string::npos);
  CHECK(text.find("Every profile audited can reach every service needed within 24 h from every community.") !=
        std::string::npos);  // Ontario: a man reaches alpha's shelter, a woman gamma's
  CHECK(text.find("shelter.emergency") == std::string::npos);  // labels, not codes
  // JSON and the table carry the same sentences.
  auto j = audit::render_json(x.report());
  CHECK(j["summary"][0]["text"].get<std::string>().rfind("Shelter only: 35,000 people in Canada (17.1%)", 0) == 0);
  CHECK(audit::render_table(x.report()).find("  Shelter only: 35,000 people in Canada (17.1%)") != std::string::npos);
  CHECK(audit::thousands(1234567) == "1,234,567");
  CHECK(audit::thousands(-4497) == "-4,497");
  CHECK(audit::thousands(999) == "999");
}

TEST_CASE("reasons: every missing need of a gap, why in words, with counts", "[audit][render]") {
  // A man needing a bed and labour-rights legal help: in Ontario the shelters are there (alpha's
  // takes men; gamma's is women-only) but nobody offers labour-rights help; in MB and NU the
  // shelters do not serve the province and nobody offers the legal help either.
  Rendered x;
  test::TempDir dir;
  const std::string path = dir.write("profiles.yaml", std::string(R"(schema: 1
thresholds_hours: [2, 8, 24]
reasons:
  - {id: none, text: no provider offers it at all, blocked_by: [directory]}
  - {id: gender, text: providers exist but refuse this gender, blocked_by: [gender-accepted]}
profiles:
  - {id: man, label: Man needing a bed and labour rights help, description: d, gender: male, needs: [shelter.emergency, legal.labour]}
  - {id: woman-unknown, label: Woman, description: d, gender: female, needs: [shelter.emergency]}
)"));
  auto profiles = audit::load_profiles(path, *x.engine);
  auto a = audit::run(*x.engine, profiles, test::audit_options());
  audit::Report r = x.report();
  r.audit = &a;
  const auto& mb = a.provinces[0].profiles[0];
  REQUIRE(mb.causes.size() == 2);  // both needs, not only the first
  CHECK(x.engine->directory().taxonomy.needs.code(mb.causes[0].need) == "shelter.emergency");
  CHECK(mb.causes[0].blocked_by == "province-served");
  CHECK(mb.causes[1].blocked_by == "directory");
  CHECK(mb.causes[1].population == 30000);
  const std::string text = visible(section(audit::render_html(r), "summary"));
  INFO(text);
  CHECK(text.find("Missing: Emergency shelter in 2 communities (blocked by rule province-served: 2); Labour "
                  "legal help in 5 communities (no provider offers it at all: 5).") != std::string::npos);
  // The gap table says the same per province; each of the worst communities names every gap.
  std::string html = audit::render_html(r);
  CHECK(html.find("Delta <b>none</b>: Emergency shelter (blocked by rule province-served); Labour legal help "
                  "(no provider offers it at all)") != std::string::npos);
  auto j = audit::render_json(r);
  const auto& delta = j["cells"][2 * 2];
  REQUIRE(delta["gaps"].size() == 2);
  CHECK(delta["gaps"][1]["why"] == "no provider offers it at all");
  CHECK(j["provinces"][0]["profiles"][0]["causes"][1]["communities"] == 1);
}

TEST_CASE("unknown populations are shown as unknown and counted apart, never as 0 people", "[audit][render]") {
  test::TempDir dir;
  auto paths = test::audit_world_paths(dir);
  std::string csv = slurp(paths.data.communities);
  const std::string nordic = "nordic-nu,Nordic,NU,63.0,-68.0,5000";
  REQUIRE(csv.find(nordic) != std::string::npos);
  csv.replace(csv.find(nordic), nordic.size(), "nordic-nu,Nordic,NU,63.0,-68.0,");
  paths.data.communities = dir.write("communities.csv", csv);
  auto engine = api::Engine::load(paths);
  auto profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  auto a = audit::run(*engine, profiles, test::audit_options());
  audit::Report r;
  r.engine = engine.get();
  r.audit = &a;
  r.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), a.as_of);
  r.outlines = audit::load_outlines(test::audit_outlines_path(), engine->directory());
  const auto& nu = a.provinces[1];
  CHECK(nu.population == 0);
  CHECK(nu.unknown_population == 1);
  CHECK(nu.profiles[0].unknown_none == 1);
  const std::string html = audit::render_html(r);
  const std::string text = visible(section(html, "summary"));
  INFO(text);
  // Canada: 30,000 (delta) without, of 200,000 known; Nordic is counted apart.
  CHECK(text.find("Shelter only: 30,000 people in Canada (15.0%) cannot reach every service needed within 24 h") !=
        std::string::npos);
  CHECK(text.find("1 community of unknown population has no pathway within 24 h either (population unknown, not "
                  "counted above).") != std::string::npos);
  CHECK(text.find("1 community has no known population; it is counted apart, never as 0 people.") != std::string::npos);
  CHECK(html.find("Nordic, NU (population unknown): no pathway") != std::string::npos);
  CHECK(html.find("Nordic (population unknown)") != std::string::npos);
  CHECK(html.find("pop. 0") == std::string::npos);
  auto j = audit::render_json(r);
  CHECK(j["cells"][4 * 3]["community"] == "nordic-nu");
  CHECK(j["cells"][4 * 3]["population"].is_null());
  CHECK(audit::render_csv(r).find("nordic-nu,Nordic,NU,,shelter,false") != std::string::npos);
}

TEST_CASE("atomic writes: a failed write leaves the previous report byte for byte", "[audit][render]") {
  test::TempDir dir;
  const std::string path = dir.path("report.html");
  audit::write_atomically(path, "first report\n");
  CHECK(slurp(path) == "first report\n");
  audit::write_atomically(path, "second report\n");  // replaced whole
  CHECK(slurp(path) == "second report\n");
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  CHECK(files == 1);
  // An impossible path: the folder does not exist. The error names the file.
  const std::string nowhere = dir.path("no-such-folder/report.html");
  std::string report = test::load_error([&] { audit::write_atomically(nowhere, "x"); });
  CHECK(report.find(nowhere + ": cannot create a temporary file in") != std::string::npos);
  CHECK(report.find("No such file or directory") != std::string::npos);
  CHECK(report.find("the previous file, if any, is unchanged") != std::string::npos);
}

#ifdef NRM_BINARY
TEST_CASE("nrm audit --out: a write that fails midway exits 2, names the file, keeps the old report", "[audit][cli]") {
  // The file-size limit (ulimit -f, with SIGXFSZ ignored so that write() fails with EFBIG) stops
  // the write after 10 KB, even for root; the HTML report is far bigger.
  test::TempDir dir;
  auto paths = test::audit_world_paths(dir);
  const std::string data = " --taxonomy " + paths.data.taxonomy + " --communities " + paths.data.communities +
                           " --routes " + paths.data.routes + " --providers " + paths.data.providers + " --rules " +
                           paths.rules_dir + " --profiles " + test::audit_profiles_path() +
                           " --outlines " + test::audit_outlines_path() + " --as-of 2026-11-27";
  const std::string out = dir.path("report.html");
  const std::string old = "<!DOCTYPE html>\n<p>the report of last month</p>\n";
  { std::ofstream(out, std::ios::binary) << old; }
  const std::string cmd = "sh -c \"trap '' XFSZ; ulimit -f 10; exec " + std::string(NRM_BINARY) + " audit" + data +
                          " --format html --out " + out + "\" > " + dir.path("o") + " 2> " + dir.path("e");
  int rc = std::system(cmd.c_str());
  const std::string err = slurp(dir.path("e"));
  INFO(err);
  REQUIRE(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 2);
  CHECK(err.find(out + ": cannot write the temporary file") != std::string::npos);
  CHECK(err.find("the previous file, if any, is unchanged") != std::string::npos);
  CHECK(slurp(out) == old);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.path().filename().string().rfind(".report.html.tmp", 0) == 0;
  CHECK(files == 0);
  // Without the limit the same command replaces it whole.
  const std::string ok = std::string(NRM_BINARY) + " audit" + data + " --format html --out " + out + " 2> " + dir.path("e");
  REQUIRE(std::system(ok.c_str()) == 0);
  CHECK(slurp(out).rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(slurp(out).size() > 10000);
}
#endif

TEST_CASE("a what-if report opens with its scenario: what was added or removed, the change, no paths", "[audit][render]") {
  Rendered x;
  test::TempDir dir;
  const std::string extra = dir.write("new-shelters.yaml", R"(providers:
  - {id: sh-delta, name: Delta Shelter (fictitious), community: delta-mb, services: [shelter.emergency], delivery: in_person, serves: [MB], languages: [eng], accepts_trafficking_victims: true, verified: 2026-06-01}
)");
  auto with = audit::with_changes(*x.engine, extra, {"sh-gamma"});
  auto after = audit::run(*with, x.profiles, test::audit_options());
  audit::Report r;
  r.engine = with.get();
  r.audit = &after;
  r.stamp = audit::make_stamp(*with, test::audit_profiles_path(), after.as_of, extra);
  r.outlines = x.outlines;
  r.what_if = audit::make_what_if(*x.engine, *with, extra, {"sh-gamma"}, audit::compare(x.audit, after));
  const std::string html = audit::render_html(r);
  const auto at = html.find("<section id=\"scenario\">");
  REQUIRE(at != std::string::npos);
  CHECK(at < html.find("<section id=\"summary\">"));
  CHECK(at < html.find("<svg id=\"map\""));
  const std::string text = visible(section(html, "scenario"));
  INFO(text);
  const std::string digest = audit::detail::fnv1a_hex(slurp(extra));
  CHECK(text.find("This report shows a changed network, not today's.") != std::string::npos);
  CHECK(text.find("Added: 1 provider from new-shelters.yaml (FNV-1a " + digest +
                  "): Delta Shelter (fictitious) (sh-delta, Delta).") != std::string::npos);
  CHECK(text.find("Removed: sh-gamma.") != std::string::npos);
  CHECK(text.find("Manitoba, Shelter only: +30,000 people within 2 h, +30,000 people within 8 h, +30,000 people within "
                  "24 h (0 then 30,000 of 30,000 within 24 h); a pathway where there was none: Delta.") !=
        std::string::npos);
  // Without gamma's women-only shelter, a woman in gamma travels 3 h to alpha's.
  CHECK(text.find("Ontario, Shelter and counselling: -20,000 people within 2 h, +0 people within 8 h") !=
        std::string::npos);
  // The stamp names the --with file by name, with its digest; no path of this machine anywhere.
  CHECK(html.find("with: <code>new-shelters.yaml</code> (FNV-1a " + digest + ")") != std::string::npos);
  CHECK(html.find(dir.path()) == std::string::npos);
  CHECK(html.find(x.dir.path()) == std::string::npos);
  CHECK(html.find(test::source_root()) == std::string::npos);
  auto j = audit::render_json(r);
  CHECK(j["what_if"]["with"]["file"] == "new-shelters.yaml");
  CHECK(j["what_if"]["added"] == nlohmann::json::array({"sh-delta"}));
  CHECK(j.dump().find(dir.path()) == std::string::npos);
  // A report without a what-if or suggestions has no scenario.
  CHECK(audit::render_html(x.report()).find("id=\"scenario\"") == std::string::npos);
}
