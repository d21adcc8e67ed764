// The audit's computation on the test world: profiles, cells against Engine::refer, per-province
// figures worked out by hand, determinism across thread counts, what-if and suggestions.
#include <algorithm>

#include "audit/audit.hpp"
#include "audit_util.hpp"

using namespace nrm;

namespace {

struct World {
  test::TempDir dir;
  std::shared_ptr<const api::Engine> engine = api::Engine::load(test::audit_world_paths(dir));
  std::vector<audit::Profile> profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  std::string id(CommunityIndex c) const { return engine->directory().geography[c].id; }
  std::vector<std::string> ids(const std::vector<CommunityIndex>& v) const {
    std::vector<std::string> out;
    for (auto c : v) out.push_back(id(c));
    return out;
  }
  const audit::ProvinceFigures& province(const audit::Audit& a, const std::string& code) const {
    for (const auto& f : a.provinces)
      if (engine->directory().taxonomy.provinces.code(f.province) == code) return f;
    throw std::runtime_error("no province " + code);
  }
};

}  // namespace

TEST_CASE("profiles load as cases without a location", "[audit]") {
  World w;
  REQUIRE(w.profiles.size() == 3);
  CHECK(w.profiles[0].id == "shelter");
  CHECK(w.profiles[1].label == "Shelter and counselling");
  CHECK(audit::case_text(w.profiles[0], "beta-on").rfind("{location: beta-on, ", 0) == 0);
  Case c = w.engine->parse_case(audit::case_text(w.profiles[1], "gamma-on"), "case");
  CHECK(w.id(c.location) == "gamma-on");
  CHECK(c.needs.size() == 2);
}

TEST_CASE("bad profile files: every problem at once, with file:line and field", "[audit]") {
  World w;
  test::TempDir dir;
  const std::string path = dir.write("profiles.yaml", R"(schema: 1
profiles:
  - id: one
    label: One
    description: d
    location: alpha-on
    needs: [shelter.emergency]
  - id: one
    label: Duplicate
    description: d
    needs: [shelter.emergency]
  - id: two
    description: no label
    needz: [shelter.emergency]
)");
  std::string report = test::load_error([&] { audit::load_profiles(path, *w.engine); });
  INFO(report);
  CHECK(report.find(path + ":6:") != std::string::npos);  // location
  CHECK(report.find("a profile has no location") != std::string::npos);
  CHECK(report.find("duplicate profile id 'one'") != std::string::npos);
  CHECK(report.find("profiles[2].label") != std::string::npos);
  CHECK(report.find("needz") != std::string::npos);
  CHECK(test::load_error([&] { audit::load_profiles(dir.path("missing.yaml"), *w.engine); }).find("missing.yaml") !=
        std::string::npos);
}

TEST_CASE("every cell of the test world is exactly what refer answers", "[audit]") {
  World w;
  auto a = audit::run(*w.engine, w.profiles, test::audit_options());
  REQUIRE(a.communities.size() == 5);
  REQUIRE(a.cells.size() == 15);
  for (std::size_t pos = 0; pos < a.communities.size(); ++pos)
    for (std::size_t p = 0; p < a.profiles.size(); ++p) {
      const auto& cell = a.cell(pos, p);
      CHECK(cell.community == a.communities[pos]);
      CHECK(cell.profile == static_cast<int>(p));
      test::check_cell_is_refer(*w.engine, a.profiles[p], cell, a.as_of);
    }
}

TEST_CASE("per-province figures on the drawn world", "[audit]") {
  World w;
  auto a = audit::run(*w.engine, w.profiles, test::audit_options());
  REQUIRE(a.provinces.size() == 3);  // MB, NU, ON in code order
  CHECK(w.engine->directory().taxonomy.provinces.code(a.provinces[0].province) == "MB");
  const auto& on = w.province(a, "ON");
  CHECK(on.communities == 3);
  CHECK(on.population == 170000);
  // shelter (a man): alpha 0 h, beta 1 h, gamma 3 h (the gamma shelter is women-only).
  const auto& shelter = on.profiles[0];
  CHECK(shelter.within[0] == 150000);
  CHECK(shelter.within[1] == 170000);
  CHECK(shelter.within[2] == 170000);
  CHECK(shelter.none.empty());
  CHECK(shelter.binding_need == -1);
  REQUIRE(shelter.worst.size() == 3);
  CHECK(w.id(a.cells[shelter.worst[0]].community) == "gamma-on");
  CHECK(a.cells[shelter.worst[0]].travel_hours == 3.0);
  CHECK(w.id(a.cells[shelter.worst[2]].community) == "alpha-on");
  // shelter and counselling (a woman): gamma has its own shelter now.
  CHECK(on.profiles[1].within[0] == 170000);
  // MB and NU: no shelter serves them.
  const auto& mb = w.province(a, "MB").profiles[0];
  CHECK(mb.within[2] == 0);
  CHECK(w.ids(mb.none) == std::vector<std::string>{"delta-mb"});
  CHECK(w.engine->directory().taxonomy.needs.code(mb.binding_need) == "shelter.emergency");
  CHECK(mb.binding_count == 1);
  CHECK(w.ids(w.province(a, "NU").profiles[0].none) == std::vector<std::string>{"nordic-nu"});
  // counselling: by phone, national, everywhere.
  for (const auto& f : a.provinces) CHECK(f.profiles[2].within[0] == f.population);
}

TEST_CASE("narrowing by province and profile; unknown profile is a clear error", "[audit]") {
  World w;
  auto o = test::audit_options();
  o.province = w.engine->directory().taxonomy.provinces.find("ON");
  o.profile_ids = {"counselling", "shelter"};
  auto a = audit::run(*w.engine, w.profiles, o);
  CHECK(a.communities.size() == 3);
  REQUIRE(a.profiles.size() == 2);
  CHECK(a.profiles[0].id == "counselling");
  CHECK(a.provinces.size() == 1);
  o.profile_ids = {"shelterr"};
  std::string report = test::load_error([&] { audit::run(*w.engine, w.profiles, o); });
  CHECK(report.find("--profile: unknown profile 'shelterr' (did you mean 'shelter'?)") != std::string::npos);
}

TEST_CASE("the result does not depend on the number of threads", "[audit]") {
  World w;
  auto one = audit::run(*w.engine, w.profiles, test::audit_options(1));
  auto four = audit::run(*w.engine, w.profiles, test::audit_options(4));
  REQUIRE(one.cells.size() == four.cells.size());
  for (std::size_t i = 0; i < one.cells.size(); ++i) {
    CHECK(one.cells[i].community == four.cells[i].community);
    CHECK(one.cells[i].feasible == four.cells[i].feasible);
    CHECK(one.cells[i].total_cost == four.cells[i].total_cost);
    CHECK(one.cells[i].travel_hours == four.cells[i].travel_hours);
  }
}

TEST_CASE("what-if: removing and adding providers", "[audit]") {
  World w;
  const auto o = test::audit_options();
  auto before = audit::run(*w.engine, w.profiles, o);

  auto without = audit::with_changes(*w.engine, "", {"sh-alpha"});
  CHECK(without->directory().providers.size() == 2);
  auto after = audit::run(*without, w.profiles, o);
  auto changes = audit::compare(before, after);
  REQUIRE(changes.size() == 9);  // 3 provinces x 3 profiles
  const auto& on_shelter = changes[6];  // ON, shelter
  CHECK(w.engine->directory().taxonomy.provinces.code(on_shelter.province) == "ON");
  CHECK(on_shelter.profile == 0);
  CHECK(on_shelter.before[2] == 170000);
  CHECK(on_shelter.after[2] == 0);
  CHECK(w.ids(on_shelter.lost) == std::vector<std::string>{"alpha-on", "beta-on", "gamma-on"});
  CHECK(changes[8].after[2] == changes[8].before[2]);  // counselling unchanged

  test::TempDir dir;
  const std::string extra = dir.write("extra.yaml", R"(providers:
  - {id: sh-delta, name: Delta Shelter (fictitious), community: delta-mb, services: [shelter.emergency], delivery: in_person, serves: [MB], languages: [eng], accepts_trafficking_victims: true, partners: [co-alpha], verified: 2026-06-01}
)");
  auto with = audit::with_changes(*w.engine, extra, {});
  auto after2 = audit::run(*with, w.profiles, o);
  auto changes2 = audit::compare(before, after2);
  CHECK(w.ids(changes2[0].gained) == std::vector<std::string>{"delta-mb"});  // MB, shelter
  CHECK(changes2[0].after[0] == 30000);
  for (std::size_t i = 0; i < after2.cells.size(); ++i)
    test::check_cell_is_refer(*with, after2.profiles[static_cast<std::size_t>(after2.cells[i].profile)],
                              after2.cells[i], o.as_of);

  // Errors point at the added file, and unknown ids are named.
  const std::string bad = dir.write("bad.yaml", "providers:\n  - {id: x, name: X, community: nowhere-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n");
  std::string report = test::load_error([&] { audit::with_changes(*w.engine, bad, {}); });
  INFO(report);
  CHECK(report.find(bad + ":2") != std::string::npos);
  CHECK(report.find("nowhere-on") != std::string::npos);
  report = test::load_error([&] { audit::with_changes(*w.engine, "", {"sh-alpah"}); });
  CHECK(report.find("did you mean 'sh-alpha'") != std::string::npos);

  // Built in memory from the loaded engine: an added id already in the directory is refused where
  // it is written, naming where the first one is; a removed provider cannot be named as a partner.
  const std::string dup = dir.write("dup.yaml", "providers:\n  - {id: sh-alpha, name: Again, community: beta-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n");
  report = test::load_error([&] { audit::with_changes(*w.engine, dup, {}); });
  INFO(report);
  CHECK(report.find(dup + ":2") != std::string::npos);
  CHECK(report.find("duplicate provider id 'sh-alpha' (first at " + w.engine->directory().paths.providers) != std::string::npos);
  auto replaced = audit::with_changes(*w.engine, dup, {"sh-alpha"});  // replacing it is fine
  CHECK(replaced->directory().providers.size() == 3);
  CHECK(w.engine->directory().providers.size() == 3);  // the loaded engine is untouched
  const std::string dangling = dir.write("dangling.yaml", "providers:\n  - {id: sh-new, name: New, community: beta-on, services: [shelter.emergency], delivery: in_person, serves: [ON], accepts_trafficking_victims: true, partners: [sh-alpha]}\n");
  report = test::load_error([&] { audit::with_changes(*w.engine, dangling, {"sh-alpha"}); });
  CHECK(report.find(dangling + ":2") != std::string::npos);
  CHECK(report.find("no provider with id 'sh-alpha'") != std::string::npos);
}


TEST_CASE("suggestions: lexicographic gain (2 h, then 8 h, then 24 h), exact, stop when nothing gains", "[audit]") {
  World w;
  const auto o = test::audit_options();
  auto s = audit::suggest(*w.engine, w.profiles[0], 5, o);
  // shelter (a man): delta has nothing (30,000 newly within 2 h). Then 20,000 more within 2 h
  // (gamma, 3 h from alpha's shelter today) rank above nordic's 5,000 newly within 24 h; a
  // shelter in gamma or in beta brings gamma within 2 h, and beta's saves more travel (beta's
  // 50,000 people 1 h each, gamma's 20,000 1 h each: 70,000 person-hours, against 60,000).
  // Then nordic; then only travel can be saved: gamma's 20,000 people, 2 h each.
  REQUIRE(s.size() == 4);
  CHECK(w.id(s[0].community) == "delta-mb");
  CHECK(s[0].gain.within[0] == 30000);
  CHECK(s[0].gain.within[2] == 30000);
  CHECK(w.ids(s[0].newly_served) == std::vector<std::string>{"delta-mb"});
  CHECK(w.engine->directory().taxonomy.need_codes(s[0].services) == std::vector<std::string>{"shelter.emergency"});
  CHECK(w.id(s[1].community) == "beta-on");
  CHECK(s[1].gain.within[0] == 20000);
  CHECK(s[1].gain.within[1] == 0);
  CHECK(s[1].gain.within[2] == 0);
  CHECK(s[1].gain.person_hours_saved == Approx(50000 * 1.0 + 20000 * 1.0));
  CHECK(s[1].newly_served.empty());
  CHECK(w.id(s[2].community) == "nordic-nu");
  CHECK(s[2].gain.within[2] == 5000);
  CHECK(w.id(s[3].community) == "gamma-on");
  CHECK(s[3].gain.within[0] == 0);
  CHECK(s[3].gain.person_hours_saved == Approx(20000 * 2.0));
  test::check_gains_are_reruns(*w.engine, w.profiles[0], s, o);
  // The proposal is a valid provider entry: adding it serves delta.
  auto with = audit::with_changes_text(*w.engine, "providers:\n" + s[0].provider_yaml, "suggestion", {});
  Case c = with->parse_case(audit::case_text(w.profiles[0], "delta-mb"), "case");
  CHECK(with->refer(c, test::audit_date()).ok());
  // Counselling is met everywhere by phone: nothing to gain, nothing proposed.
  CHECK(audit::suggest(*w.engine, w.profiles[2], 2, o).empty());
}

TEST_CASE("suggestions: equal 24 h gains are decided by the people within 2 h, not by the id", "[audit]") {
  // Nobody offers labour-rights legal help in the test world. In Ontario a provider anywhere
  // reaches all 170,000 within 24 h; in beta (1 h from alpha, 2 h from gamma) all of them are
  // within 2 h, in alpha (first by id) only 150,000.
  World w;
  test::TempDir dir;
  const std::string path = dir.write("profiles.yaml", R"(schema: 1
thresholds_hours: [2, 8, 24]
profiles:
  - {id: labour, label: Labour rights, description: d, needs: [legal.labour]}
)");
  auto profiles = audit::load_profiles(path, *w.engine);
  auto o = test::audit_options();
  o.province = w.engine->directory().taxonomy.provinces.find("ON");
  auto s = audit::suggest(*w.engine, profiles[0], 1, o);
  REQUIRE(s.size() == 1);
  CHECK(w.id(s[0].community) == "beta-on");
  CHECK(s[0].gain.within[0] == 170000);
  CHECK(s[0].gain.within[2] == 170000);
  test::check_gains_are_reruns(*w.engine, profiles[0], s, o);
}

TEST_CASE("audit settings: thresholds and reasons from the profiles file, every problem named", "[audit]") {
  World w;
  const auto& st = *w.profiles[0].settings;
  CHECK(st.thresholds[0] == 2.0);
  CHECK(st.thresholds[2] == 24.0);
  REQUIRE(st.reason_of("gender-accepted"));
  CHECK(st.reason_of("gender-accepted")->text == "providers exist but refuse this gender");
  CHECK(st.reason_of("age-bounds") == nullptr);
  test::TempDir dir;
  const std::string path = dir.write("profiles.yaml", R"(schema: 1
thresholds_hours: [2, 24, 8]
reasons:
  - {id: g, text: gender, blocked_by: [gender-acepted]}
  - {id: h, text: none, blocked_by: [directory, directory]}
profiles:
  - {id: one, label: One, description: d, needs: [shelter.emergency]}
)");
  std::string report = test::load_error([&] { audit::load_profiles(path, *w.engine); });
  INFO(report);
  CHECK(report.find(path + ":2:") != std::string::npos);
  CHECK(report.find("thresholds_hours[2]: 8 is not above the previous threshold 24") != std::string::npos);
  CHECK(report.find("'gender-acepted' is neither a rule id") != std::string::npos);
  CHECK(report.find("did you mean 'gender-accepted'") != std::string::npos);
  CHECK(report.find("'directory' is already listed") != std::string::npos);
  const std::string none = dir.write("none.yaml", "schema: 1\nprofiles:\n  - {id: one, label: One, description: d, needs: [shelter.emergency]}\n");
  CHECK(test::load_error([&] { audit::load_profiles(none, *w.engine); }).find("thresholds_hours: missing") !=
        std::string::npos);
}

TEST_CASE("stale entries: the cells relying on one, and per province the cells and providers", "[audit][stale]") {
  // Alpha Shelter (ON only) last verified 2025-06-01, 544 days before the audit: stale. A man
  // needing a shelter anywhere in ON has no other (Gamma's takes women): 3 cells. A woman in
  // alpha still uses it (0 h + hand-off 1 + stale 2 = 3 beats Gamma's 3 h + 1 = 4); in beta Gamma's
  // is cheaper (2 h + 1 = 3 against 1 h + 1 + 2 = 4). Counselling relies on nothing stale.
  test::TempDir dir;
  auto engine = api::Engine::load(test::audit_world_paths(dir, test::audit_world_providers_stale_alpha()));
  auto profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  auto a = audit::run(*engine, profiles, test::audit_options());
  const Directory& d = engine->directory();
  auto stale_ids = [&](const std::vector<ProviderIndex>& v) {
    std::vector<std::string> out;
    for (auto i : v) out.push_back(d.providers[i].id);
    return out;
  };
  const std::vector<std::string> alpha_shelter = {"sh-alpha"};
  REQUIRE(a.provinces.size() == 3);  // MB NU ON
  const auto& on = a.provinces[2];
  CHECK(on.stale_cells == 4);
  CHECK(stale_ids(on.stale_providers) == alpha_shelter);
  CHECK(on.profiles[0].stale_cells == 3);
  CHECK(on.profiles[1].stale_cells == 1);
  CHECK(on.profiles[2].stale_cells == 0);
  CHECK(on.profiles[2].stale_providers.empty());
  CHECK(a.provinces[0].stale_cells == 0);
  CHECK(a.provinces[1].stale_cells == 0);
  CHECK(audit::stale_cells(a) == 4);
  CHECK(stale_ids(audit::stale_providers(a)) == alpha_shelter);
  CHECK(audit::national(a, 0).stale_cells == 3);
  // Cell by cell (communities in id order: alpha beta delta gamma nordic).
  CHECK(stale_ids(a.cell(0, 0).stale) == alpha_shelter);
  CHECK(stale_ids(a.cell(0, 1).stale) == alpha_shelter);
  CHECK(a.cell(1, 1).stale.empty());  // beta, a woman: Gamma's shelter
  CHECK(a.cell(1, 1).feasible);
  CHECK(stale_ids(a.cell(3, 0).stale) == alpha_shelter);  // gamma, a man: 3 h to Alpha's
  CHECK(!a.cell(2, 0).feasible);
  CHECK(a.cell(2, 0).stale.empty());  // no pathway relies on nothing
  // Each cell agrees with refer, STALE steps included; and the one-cell path says the same.
  for (std::size_t pos = 0; pos < a.communities.size(); ++pos)
    for (std::size_t p = 0; p < a.profiles.size(); ++p) {
      test::check_cell_is_refer(*engine, a.profiles[p], a.cell(pos, p), a.as_of);
      CHECK(audit::compute_cell(*engine, a.profiles[p], a.communities[pos], a.as_of).stale == a.cell(pos, p).stale);
    }
  // Verified again: nothing is stale.
  auto fresh = api::Engine::load(test::audit_world_paths(dir));
  auto b = audit::run(*fresh, audit::load_profiles(test::audit_profiles_path(), *fresh), test::audit_options());
  CHECK(audit::stale_cells(b) == 0);
}
