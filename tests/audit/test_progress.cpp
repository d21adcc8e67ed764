// Progress over time on the test world (nrm audit --compare): the JSON names its format and lists its
// providers; an earlier audit read back and compared (people newly within reach, communities that
// lost their pathway, providers added, removed, gone stale); every kind of bad PREVIOUS refused
// with the file and the field; the JSON of nrm before format 2 still compared; the command.
#include <fstream>
#include <sstream>

#include "audit/render.hpp"
#include "audit_util.hpp"

using namespace nrm;
using nlohmann::json;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The world audited on `as_of` on `engine`, as a report.
struct Audited {
  std::shared_ptr<const api::Engine> engine;
  std::vector<audit::Profile> profiles;
  audit::Audit audit;
  audit::Report report;
  Audited(std::shared_ptr<const api::Engine> e, const std::string& as_of)
      : engine(std::move(e)), profiles(audit::load_profiles(test::audit_profiles_path(), *engine)) {
    audit::Options o = test::audit_options();
    o.as_of = *Date::parse(as_of);
    audit = audit::run(*engine, profiles, o);
    report.engine = engine.get();
    report.audit = &audit;
    report.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), audit.as_of);
    report.outlines = audit::load_outlines(test::audit_outlines_path(), engine->directory());
  }
};

constexpr std::array<double, audit::kThresholdCount> kHours = {2, 8, 24};

const char* kDeltaShelter = R"(providers:
  - {id: sh-delta, name: Delta Shelter (fictitious), community: delta-mb, services: [shelter.emergency], delivery: in_person, serves: [MB], languages: [eng], accepts_trafficking_victims: true, verified: 2027-06-20}
)";

const audit::ProgressRow& row(const audit::Progress& p, const Directory& d, const std::string& province,
                              int profile) {
  for (const auto& r : p.rows)
    if (d.taxonomy.provinces.code(r.province) == province && r.profile == profile) return r;
  FAIL("no row for " << province << " " << profile);
  return p.rows.front();
}

}  // namespace

TEST_CASE("json: names its format, lists its providers with their dates, and each cell's band", "[audit][progress]") {
  test::TempDir dir;
  Audited x(api::Engine::load(test::audit_world_paths(dir)), "2026-11-27");
  const json j = audit::render_json(x.report);
  CHECK(j["format"] == "nrm-audit");
  CHECK(j["format_version"] == 2);
  REQUIRE(j["directory"].size() == 3);
  CHECK(j["directory"][0] == json({{"provider", "co-alpha"}, {"name", "Alpha Counselling (fictitious)"},
                                   {"community", "alpha-on"}, {"province", "ON"}, {"serves", {"national"}},
                                   {"verified", "2026-06-01"}, {"stale", false}}));
  CHECK(j["directory"][1]["serves"] == json::array({"ON"}));
  CHECK(j["cells"][0]["band"] == 0);                 // alpha, shelter: 0 h
  CHECK(j["cells"][3 * 3]["band"] == 1);             // gamma, shelter: 3 h to Alpha's
  CHECK(j["cells"][2 * 3]["band"].is_null());        // delta, shelter: no pathway
  // The fields of earlier versions are unchanged.
  for (const char* k : {"stamp", "province", "profiles", "thresholds_hours", "cells", "provinces", "summary", "stale"})
    CHECK(j.contains(k));
}

TEST_CASE("compare: people newly within reach, pathways lost and gained, providers added, removed, gone stale",
          "[audit][progress]") {
  test::TempDir dir;
  Audited before(api::Engine::load(test::audit_world_paths(dir)), "2026-11-27");
  const std::string previous = dir.write("audit-2026-11.json", audit::render_json(before.report).dump(2));
  // Seven months on: Alpha's shelter has closed, Delta has one, and the others were not verified
  // since 2026-06-01 (more than the test ranking's 365 days before 2027-07-01).
  auto changed = audit::with_changes_text(*before.engine, kDeltaShelter, "delta.yaml", {"sh-alpha"});
  Audited now(changed, "2027-07-01");
  const audit::PreviousAudit prev = audit::read_previous(previous, kHours);
  CHECK(prev.file == "audit-2026-11.json");
  CHECK(prev.as_of == "2026-11-27");
  CHECK(prev.format_version == 2);
  const audit::Progress p = audit::progress(*now.engine, now.audit, prev);
  const Directory& d = now.engine->directory();
  REQUIRE(p.rows.size() == 9);  // 3 provinces x 3 profiles, all audited both times
  // Shelter only (a man): Ontario's three communities lost their pathway (Gamma's shelter takes women).
  const auto& on = row(p, d, "ON", 0);
  CHECK(on.then == std::array<std::int64_t, 3>{150000, 170000, 170000});
  CHECK(on.now == std::array<std::int64_t, 3>{0, 0, 0});
  CHECK(on.no_longer == std::array<std::int64_t, 3>{150000, 170000, 170000});
  CHECK(on.newly == std::array<std::int64_t, 3>{0, 0, 0});
  REQUIRE(on.lost.size() == 3);
  CHECK(d.geography[on.lost[0]].id == "alpha-on");
  // Manitoba: Delta newly within 2 h.
  const auto& mb = row(p, d, "MB", 0);
  CHECK(mb.newly == std::array<std::int64_t, 3>{30000, 30000, 30000});
  REQUIRE(mb.gained.size() == 1);
  CHECK(d.geography[mb.gained[0]].id == "delta-mb");
  CHECK(audit::progress_sentence(d, now.audit, mb) ==
        "Manitoba, Shelter only: within 2 h, 30,000 people newly and none no longer (0 then, 30,000 now); within 8 h, "
        "30,000 people newly and none no longer (0 then, 30,000 now); within 24 h, 30,000 people newly and none no "
        "longer (0 then, 30,000 now). A pathway now where there was none: Delta.");
  CHECK_FALSE(row(p, d, "NU", 2).changed());  // counselling by phone reaches Nordic both times
  // Providers.
  REQUIRE(p.providers_known);
  REQUIRE(p.added.size() == 1);
  CHECK(p.added[0].id == "sh-delta");
  REQUIRE(p.removed.size() == 1);
  CHECK(p.removed[0].id == "sh-alpha");
  REQUIRE(p.gone_stale.size() == 2);
  CHECK(p.gone_stale[0].id == "co-alpha");
  CHECK(p.gone_stale[0].verified == "2026-06-01");
  CHECK(p.gone_stale[1].id == "sh-gamma");
  CHECK(p.confirmed_again.empty());
  const std::string providers = audit::progress_providers_text(p);
  CHECK(providers.find("1 added: Delta Shelter (fictitious) (sh-delta, delta-mb)") != std::string::npos);
  CHECK(providers.find("2 gone stale (not verified in time since): Alpha Counselling (fictitious) (co-alpha, alpha-on, "
                       "last verified 2026-06-01)") != std::string::npos);
  // For Manitoba alone: the providers located in or serving it (Alpha's counselling is national;
  // Alpha's and Gamma's shelters serve Ontario only).
  audit::Options only_mb = test::audit_options();
  only_mb.as_of = *Date::parse("2027-07-01");
  only_mb.province = d.taxonomy.provinces.find("MB");
  const audit::Audit manitoba = audit::run(*now.engine, now.profiles, only_mb);
  const audit::Progress pm = audit::progress(*now.engine, manitoba, prev);
  CHECK(pm.rows.size() == 3);
  REQUIRE(pm.added.size() == 1);
  CHECK(pm.removed.empty());
  REQUIRE(pm.gone_stale.size() == 1);
  CHECK(pm.gone_stale[0].id == "co-alpha");

  // Every rendering says it.
  now.report.progress = p;
  const std::string html = audit::render_html(now.report);
  const auto at = html.find("<section id=\"compare\">");
  REQUIRE(at != std::string::npos);
  CHECK(at > html.find("<section id=\"summary\">"));
  CHECK(at < html.find("<svg id=\"map\""));
  const std::string compare = html.substr(at, html.find("</section>", at) - at);
  CHECK(compare.find("Progress since the audit of 2026-11-27") != std::string::npos);
  CHECK(compare.find("<code>audit-2026-11.json</code>") != std::string::npos);
  CHECK(compare.find("No pathway any more: Alpha, Beta, Gamma.") != std::string::npos);
  CHECK(compare.find("<table id=\"compare-table\">") != std::string::npos);
  CHECK(compare.find("150,000, 0 (-150,000)") != std::string::npos);
  CHECK(html.find(dir.path()) == std::string::npos);
  const json j = audit::render_json(now.report);
  CHECK(j["compare"]["previous"]["file"] == "audit-2026-11.json");
  CHECK(j["compare"]["providers"]["removed"][0]["provider"] == "sh-alpha");
  CHECK(j["compare"]["changes"][0]["province"] == "MB");
  CHECK(j["compare"]["changes"][0]["within_2h"] ==
        json({{"then", 0}, {"now", 30000}, {"change", 30000}, {"newly", 30000}, {"no_longer", 0}}));
  const std::string csv = audit::render_csv(now.report);
  CHECK(csv.substr(0, csv.find('\n')).ends_with(",latitude,longitude,previous_feasible,previous_travel_hours"));
  CHECK(csv.find("alpha-on,Alpha,ON,100000,shelter,false,") != std::string::npos);
  CHECK(csv.find(",44,-79,true,0.00\n") != std::string::npos);
  const std::string table = audit::render_table(now.report);
  CHECK(table.find("Since the audit of 2026-11-27 (audit-2026-11.json, FNV-1a " + prev.digest + "):") !=
        std::string::npos);
  CHECK(table.find("Ontario, Shelter only: within 2 h, none newly and 150,000 no longer") != std::string::npos);
}

TEST_CASE("compare: the JSON of nrm before format 2 is still compared, without its providers", "[audit][progress]") {
  test::TempDir dir;
  Audited before(api::Engine::load(test::audit_world_paths(dir)), "2026-11-27");
  json old = audit::render_json(before.report);
  old.erase("format");
  old.erase("format_version");
  old.erase("directory");
  for (auto& c : old["cells"]) c.erase("band");
  const std::string previous = dir.write("old.json", old.dump());
  auto changed = audit::with_changes_text(*before.engine, kDeltaShelter, "delta.yaml", {});
  Audited now(changed, "2026-11-27");
  const audit::Progress p = audit::progress(*now.engine, now.audit, audit::read_previous(previous, kHours));
  CHECK(p.format_version == 1);
  CHECK(row(p, now.engine->directory(), "MB", 0).newly[0] == 30000);
  CHECK_FALSE(p.providers_known);
  CHECK(audit::progress_providers_text(p).find("does not list its providers") != std::string::npos);
}

TEST_CASE("compare: a PREVIOUS that is not an nrm audit JSON, or of a newer format, is refused naming file and field",
          "[audit][progress]") {
  test::TempDir dir;
  Audited before(api::Engine::load(test::audit_world_paths(dir)), "2026-11-27");
  const json good = audit::render_json(before.report);
  auto refused = [&](const std::string& name, const std::string& text) {
    const std::string path = dir.write(name, text);
    return test::load_error([&] { audit::read_previous(path, kHours); });
  };
  std::string e = refused("syntax.json", "{\n  \"cells\": [,\n");
  CHECK(e.find(dir.path("syntax.json") + ":2:") != std::string::npos);
  CHECK(e.find("not JSON") != std::string::npos);
  e = refused("map.geojson", audit::render_geojson(before.report).dump());
  CHECK(e.find(dir.path("map.geojson") + ": type: this is a GeoJSON export") != std::string::npos);
  e = refused("other.json", "{\"hello\": 1}");
  CHECK(e.find(dir.path("other.json") + ": stamp: missing: not an nrm audit") != std::string::npos);
  json newer = good;
  newer["format_version"] = 3;
  e = refused("newer.json", newer.dump());
  CHECK(e.find(dir.path("newer.json") + ": format_version: 3 is newer than this nrm reads (1 to 2)") != std::string::npos);
  json foreign = good;
  foreign["format"] = "something-else";
  CHECK(refused("foreign.json", foreign.dump()).find("format: expected 'nrm-audit'") != std::string::npos);
  // Every broken field at once.
  json broken = good;
  broken["cells"][0].erase("feasible");
  broken["cells"][1]["band"] = "x";
  broken["provinces"][0]["profiles"][0].erase("population_within_2h");
  broken["directory"][2]["verified"] = 20260601;
  e = refused("broken.json", broken.dump());
  INFO(e);
  CHECK(e.find(dir.path("broken.json") + ": cells[0].feasible: missing") != std::string::npos);
  CHECK(e.find("cells[1].band: expected 0 to 3 or null, found \"x\"") != std::string::npos);
  CHECK(e.find("provinces[0].profiles[0].population_within_2h: missing") != std::string::npos);
  CHECK(e.find("directory[2].verified: expected a date YYYY-MM-DD or null, found 20260601") != std::string::npos);
  // Other thresholds cannot be compared.
  const std::string path = dir.write("good.json", good.dump());
  e = test::load_error([&] { audit::read_previous(path, {3, 8, 24}); });
  CHECK(e.find(path + ": thresholds_hours: [2, 8, 24] in the earlier audit, [3, 8, 24] now") != std::string::npos);
}

#ifdef NRM_BINARY
TEST_CASE("nrm audit --compare: every format but geojson; a bad PREVIOUS exits 2 naming it", "[audit][progress][cli]") {
  test::TempDir dir;
  auto paths = test::audit_world_paths(dir);
  const std::string data = " --taxonomy " + paths.data.taxonomy + " --communities " + paths.data.communities +
                           " --routes " + paths.data.routes + " --providers " + paths.data.providers + " --rules " +
                           paths.rules_dir + " --profiles " + test::audit_profiles_path() + " --outlines " +
                           test::audit_outlines_path() + " --as-of 2026-11-27";
  auto run = [&](const std::string& args, const std::string& out) {
    std::string cmd = std::string(NRM_BINARY) + " audit" + data + " " + args + " > " + out + " 2> " + out + ".err";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  const std::string prev = dir.path("prev.json");
  REQUIRE(run("--format json --out " + prev, dir.path("p")) == 0);
  REQUIRE(run("--without sh-alpha --compare " + prev + " --format html", dir.path("h.html")) == 0);
  CHECK(read_all(dir.path("h.html")).find("<section id=\"compare\">") != std::string::npos);
  CHECK(read_all(dir.path("h.html")).find("No pathway any more: Alpha, Beta, Gamma.") != std::string::npos);
  REQUIRE(run("--without sh-alpha --compare " + prev, dir.path("t.txt")) == 0);
  CHECK(read_all(dir.path("t.txt")).find("Since the audit of 2026-11-27 (prev.json") != std::string::npos);
  REQUIRE(run("--compare " + prev + " --format csv", dir.path("c.csv")) == 0);
  CHECK(read_all(dir.path("c.csv")).find("previous_travel_hours\n") != std::string::npos);
  REQUIRE(run("--compare " + prev + " --format json", dir.path("j.json")) == 0);
  CHECK(json::parse(read_all(dir.path("j.json")))["compare"]["previous"]["as_of"] == "2026-11-27");
  CHECK(run("--compare " + prev + " --format geojson", dir.path("g")) == 2);
  CHECK(read_all(dir.path("g.err")).find("--compare: not available with --format geojson") != std::string::npos);
  const std::string bad = dir.write("bad.json", "[1, 2, 3]");
  CHECK(run("--compare " + bad, dir.path("b")) == 2);
  CHECK(read_all(dir.path("b.err")).find(bad + ": (top level): not an nrm audit") != std::string::npos);
  CHECK(run("--compare " + dir.path("none.json"), dir.path("n")) == 2);
  CHECK(read_all(dir.path("n.err")).find(dir.path("none.json")) != std::string::npos);
  REQUIRE(run("--help", dir.path("help")) == 0);
  CHECK(read_all(dir.path("help")).find("--compare") != std::string::npos);
  CHECK(read_all(dir.path("help")).find("--outlines") != std::string::npos);
}
#endif
