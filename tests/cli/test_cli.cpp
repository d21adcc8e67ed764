// The nrm binary as a user runs it: exit statuses, messages on bad input, the JSON answer's
// fields, byte-for-byte determinism, the fallbacks and the slip, and --help naming every command.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <set>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <sstream>

#include "run_nrm.hpp"
#include "test_util.hpp"

namespace {

using nrm::test::Run;
using nrm::test::run_nrm;

std::string scenario(const char* name) { return nrm::test::test_dir() + "/fixtures/scenarios/" + name; }

}  // namespace

TEST_CASE("nrm refer: a referral on the shipped data exits 0 and reads at a glance", "[cli]") {
  Run r = run_nrm("refer --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("4-migrant-construction-worker.yaml"));
  CHECK(r.status == 0);
  // Labels, not codes; the first pathway whole; alternatives only where they differ.
  CHECK_THAT(r.out, Catch::Contains("+ Immigration legal help (rule status-immigration-help"));
  CHECK_THAT(r.out, !Catch::Contains("legal.immigration"));
  CHECK_THAT(r.out, Catch::Contains("#1 · cost 3.50"));
  CHECK_THAT(r.out, Catch::Contains("call +1-"));
  CHECK_THAT(r.out, Catch::Contains("Ironwood Men's Hostel (fictitious): as in #1"));
  // Interpretation, which the in-person steps rely on, is the first step.
  CHECK_THAT(r.out, Catch::Contains("  1. Many Voices National Interpretation Line (fictitious)\n"));
  // The header echoes what was typed, in words (run_nrm checks every line fits 80 columns).
  CHECK_THAT(r.out, Catch::Contains("Hungarian; no police consent"));
  CHECK_THAT(r.out, Catch::Contains("status Temporary resident"));
}

TEST_CASE("nrm refer echoes every constraint typed, so a mistyped one shows", "[cli]") {
  Run r = run_nrm("refer --as-of 2026-11-27 --when 2026-11-27T14:00 --at toronto-on --needs shelter.emergency "
                  "--avoid hamilton-on --prefer trauma_informed --max-travel-hours 3 --police-consent");
  CHECK(r.status == 0);
  std::string flat;  // the header's wrapped lines as one
  for (std::size_t i = 0; i < r.out.size(); ++i) {
    if (r.out[i] != '\n') flat += r.out[i];
    else if (i + 1 < r.out.size() && r.out[i + 1] == ' ') flat += ' ', i += 2;
    else flat += '\n';
  }
  CHECK_THAT(flat, Catch::Contains("avoids Hamilton"));
  CHECK_THAT(flat, Catch::Contains("prefers Trauma-informed"));
  CHECK_THAT(flat, Catch::Contains("travel at most 3 h"));
  CHECK_THAT(flat, Catch::Contains("consents to police"));
}

TEST_CASE("nrm refer --json has the contract's fields, and the same case prints the same bytes", "[cli]") {
  std::string args = "refer --json --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("1-minor-in-child-welfare.yaml");
  Run a = run_nrm(args), b = run_nrm(args);
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
  auto j = nlohmann::json::parse(a.out);
  CHECK(j["case"]["location"] == "toronto-on");
  CHECK(j["case"]["gender"] == "female");
  CHECK(j["derived_needs"][0]["need"] == "child.protection");
  CHECK(j["derived_needs"][0]["rule"] == "minor-child-protection");
  REQUIRE(!j["pathways"].empty());
  for (const auto& p : j["pathways"]) {
    double sum = 0;
    for (const auto& [k, v] : p["cost"].items()) sum += v.get<double>();
    CHECK(sum == Approx(p["total_cost"].get<double>()));
    for (const char* f : {"rank", "total_cost", "cost", "travel_hours", "steps"}) CHECK(p.contains(f));
    for (const auto& s : p["steps"]) {
      for (const char* f : {"provider", "name", "community", "covers", "mode", "travel_hours", "wait_days", "why"})
        CHECK(s.contains(f));
      if (s["confidential"].get<bool>()) CHECK_FALSE(s.contains("address"));
    }
  }
  CHECK(j["unmet"].empty());
}

TEST_CASE("nrm refer with flags instead of a file", "[cli]") {
  Run r = run_nrm("refer --at hamilton-on --needs shelter.emergency,medical.emergency --age 38 --gender male "
              "--languages hun --status temporary_resident --exploitation labour --as-of 2026-11-27 --when 2026-11-27T14:00 --json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["case"]["languages"][0] == "hun");
  CHECK(j["derived_needs"].size() == 2);
}

TEST_CASE("bad input exits 2 naming the field and the accepted values", "[cli]") {
  nrm::test::TempDir dir;
  Run r = run_nrm("refer --case " + dir.write("c.yaml", "location: hamilton-on\nage: 300\ngender: woman\nneeds: [shelter.emergency]\n"));
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains("c.yaml:2:6: age: 300 is out of range; expected 0 to 120"));
  CHECK_THAT(r.out, Catch::Contains("gender: 'woman' is not accepted; expected one of female, male, nonbinary, unknown"));
  Run consent = run_nrm("refer --at toronto-on --needs police.liaison");
  CHECK(consent.status == 2);
  CHECK_THAT(consent.out, Catch::Contains("police_consent"));
  CHECK(run_nrm("refer --case /nonexistent.yaml").status == 2);
  CHECK(run_nrm("refer --at toronto-on --needs shelter.emergency --top 0").status == 2);
  CHECK(run_nrm("refer --at toronto-on --needs shelter.emergency --as-of yesterday").status == 2);
  CHECK(run_nrm("frobnicate").status == 2);
}

TEST_CASE("no pathway exits 3 and still prints what is missing", "[cli]") {
  Run r = run_nrm("refer --at grise-fiord-nu --needs shelter.emergency --max-travel-hours 1 --as-of 2026-11-27 --when 2026-11-27T14:00");
  CHECK(r.status == 3);
  CHECK_THAT(r.out, Catch::Contains("NO PATHWAY MEETS EVERY NEED"));
  CHECK_THAT(r.out, Catch::Contains("blocked by"));
}

TEST_CASE("every answer ends with the national fallbacks, a pathway found or not", "[cli]") {
  const std::string none = "refer --at grise-fiord-nu --needs shelter.emergency --max-travel-hours 1 --as-of 2026-11-27";
  Run text = run_nrm(none);
  CHECK(text.status == 3);
  CHECK_THAT(text.out, Catch::Contains("Canadian Human Trafficking Hotline 1-833-900-1010 (24/7)"));
  CHECK_THAT(text.out, Catch::EndsWith("Police, ambulance, fire 911 (24/7)\n    Immediate danger\n"));
  Run json = run_nrm(none + " --json");
  CHECK(json.status == 3);
  auto j = nlohmann::json::parse(json.out);
  CHECK(j["pathways"].empty());
  REQUIRE(j["fallbacks"].size() == 2);
  CHECK(j["fallbacks"][0]["phone"] == "1-833-900-1010");
  CHECK(j["fallbacks"][0]["name_fr"] == "Ligne d'urgence canadienne contre la traite des personnes");
  CHECK(j["fallbacks"][1]["phone"] == "911");
  Run found = run_nrm("refer --json --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("4-migrant-construction-worker.yaml"));
  CHECK(found.status == 0);
  CHECK(nlohmann::json::parse(found.out)["fallbacks"].size() == 2);
}

TEST_CASE("nrm refer --slip: a slip for the person, with nothing of the case on it", "[cli]") {
  // Scenario 1: a 15-year-old; the first step is a confidential youth safe house.
  const std::string args = "refer --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("1-minor-in-child-welfare.yaml");
  Run r = run_nrm(args + " --slip");
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("Your appointments\n"));
  CHECK_THAT(r.out, Catch::Contains("1. ") && Catch::Contains("   Phone: +1-"));
  CHECK_THAT(r.out, Catch::Contains("In person in Toronto: address given by phone"));
  CHECK_THAT(r.out, Catch::Contains("Confidential help line: 1-833-900-1010 (24/7)"));
  for (const char* word : {"shelter.emergency", "counselling.trauma", "child.protection", "age 15", "female",
                           "citizen", "traffick", "Traffick", "rule", "cost"}) {
    INFO(word);
    CHECK_THAT(r.out, !Catch::Contains(word));
  }
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 80);
  }
  Run two = run_nrm(args + " --slip text --pathway 2 --lang fr");
  CHECK(two.status == 0);
  CHECK_THAT(two.out, Catch::StartsWith("Vos rendez-vous\n") && Catch::Contains("Téléphone\u00a0: +1-"));
  Run html = run_nrm(args + " --slip html");
  CHECK(html.status == 0);
  CHECK_THAT(html.out, Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("address given by phone"));
  CHECK_THAT(html.out, !Catch::Contains("<script") && !Catch::Contains("http"));
}

TEST_CASE("nrm refer --slip refuses a pathway the answer does not have, and a slip with no pathway", "[cli]") {
  const std::string args = "refer --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("1-minor-in-child-welfare.yaml");
  Run nine = run_nrm(args + " --slip --pathway 9");
  CHECK(nine.status == 2);
  CHECK_THAT(nine.out, Catch::Contains("--pathway: 9 is out of range; this answer has 3 pathways (1 to 3)"));
  CHECK(run_nrm(args + " --slip --pathway 0").status == 2);
  CHECK(run_nrm(args + " --slip pdf").status == 2);
  CHECK(run_nrm(args + " --slip --json").status == 2);
  CHECK(run_nrm(args + " --pathway 2").status == 2);  // --pathway without --slip
  CHECK(run_nrm(args + " --slip --lang de").status == 2);
  Run none = run_nrm("refer --at grise-fiord-nu --needs shelter.emergency --max-travel-hours 1 --slip");
  CHECK(none.status == 2);
  CHECK_THAT(none.out, Catch::Contains("no pathway was found, so there is no slip to print"));
}

TEST_CASE("nrm explain says why a provider is in or out", "[cli]") {
  Run r = run_nrm("explain --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("4-migrant-construction-worker.yaml") +
              " --provider on-toronto-001 --json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["eligible"] == false);  // a youth safe house does not take a 38-year-old man
  bool age_or_gender = false;
  for (const auto& rule : j["rules"])
    if (rule["rule"] == "age-bounds" || rule["rule"] == "gender-accepted") age_or_gender = true;
  CHECK(age_or_gender);
  CHECK(run_nrm("explain --at toronto-on --needs shelter.emergency --provider no-such-provider").status == 2);
}

TEST_CASE("nrm validate: 0 on the shipped data, 2 with every error on bad data", "[cli]") {
  Run ok = run_nrm("validate");
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains("ok: ") && Catch::Contains("providers"));
  nrm::test::TempDir dir;
  std::string bad = dir.write("p.yaml",
                              "schema: 1\nproviders:\n  - {id: x, name: X, community: nowhere-on, services: [bogus], "
                              "delivery: in_person, serves: [ON], accepts_trafficking_victims: true}\n");
  Run r = run_nrm("validate --providers " + bad);
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains("p.yaml:3:") && Catch::Contains("nowhere-on") && Catch::Contains("bogus"));
}

TEST_CASE("nrm validate checks that child-protection and police catchments tile each province", "[cli]") {
  // Prince Edward Island's nine communities: pe-a and pe-b both hold Summerside, nobody holds
  // Souris or Three Rivers, and pe-c has no catchment at all. The Indigenous agency for First
  // Nations (peoples) may overlap the agencies for everyone.
  nrm::test::TempDir dir;
  auto entry = [](const std::string& id, const std::string& extra) {
    return "  - id: " + id + "\n    name: " + id + " (fictitious)\n    community: charlottetown-pe\n"
           "    services: [child.protection]\n    delivery: both\n    serves: [PE]\n"
           "    accepts_trafficking_victims: true\n" + extra;
  };
  std::string bad = dir.write(
      "p.yaml", "schema: 1\nproviders:\n" +
                    entry("pe-a", "    catchment: [alberton-pe, kensington-pe, summerside-pe]\n") +
                    entry("pe-b", "    catchment: [belfast-pe, charlottetown-pe, cornwall-pe, montague-pe, summerside-pe]\n") +
                    entry("pe-c", "") +
                    entry("pe-fn", "    peoples: [first_nations]\n    catchment: [charlottetown-pe, summerside-pe]\n"));
  Run r = run_nrm("validate --providers " + bad);
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains("p.yaml:") && Catch::Contains("pe-b's catchment for child.protection overlaps "
                                                                   "pe-a's in 1 community (summerside-pe)"));
  CHECK_THAT(r.out, Catch::Contains("pe-c offers child.protection but has no catchment"));
  CHECK_THAT(r.out, Catch::Contains("child.protection: 2 communities of PE in no catchment (souris-pe, three-rivers-pe)"));
  CHECK_THAT(r.out, !Catch::Contains("pe-fn"));
  // Fixed: the same file with the overlap, the gap and the missing catchment mended passes.
  std::string good = dir.write(
      "q.yaml", "schema: 1\nproviders:\n" +
                    entry("pe-a", "    catchment: [alberton-pe, kensington-pe, summerside-pe]\n") +
                    entry("pe-b", "    catchment: [belfast-pe, charlottetown-pe, cornwall-pe, montague-pe]\n") +
                    entry("pe-c", "    catchment: [souris-pe, three-rivers-pe]\n") +
                    entry("pe-fn", "    peoples: [first_nations]\n    catchment: [charlottetown-pe, summerside-pe]\n"));
  Run fixed = run_nrm("validate --providers " + good);
  CHECK(fixed.status == 0);
  CHECK_THAT(fixed.out, Catch::Contains("ok: 4 providers"));
}

TEST_CASE("--help names every command", "[cli]") {
  Run r = run_nrm("--help");
  CHECK(r.status == 0);
  for (const char* cmd : {"refer", "explain", "validate", "audit", "serve", "token"}) CHECK_THAT(r.out, Catch::Contains(cmd));
  CHECK_THAT(run_nrm("refer --help").out, Catch::Contains("--max-travel-hours") && Catch::Contains("Exit status"));
  CHECK_THAT(run_nrm("refer --help").out, Catch::Contains("--exclude") && Catch::Contains("said no"));
  CHECK_THAT(run_nrm("refer --help").out, Catch::Contains("--slip") && Catch::Contains("--pathway") &&
                                              Catch::Contains("--lang") && Catch::Contains("--fallbacks"));
}

namespace {

const char* kWhen = " --as-of 2026-11-27 --when 2026-11-27T14:00";

std::vector<std::string> first_steps(const nlohmann::json& answer) {
  std::vector<std::string> out;
  for (const auto& p : answer["pathways"]) out.push_back(p["steps"][0]["provider"]);
  return out;
}

}  // namespace

TEST_CASE("nrm refer --exclude: that shelter said no, the next best takes its place", "[cli]") {
  const std::string base = std::string("refer --json --at toronto-on --needs shelter.emergency --age 30 --gender female") + kWhen;
  Run before = run_nrm(base);
  REQUIRE(before.status == 0);
  auto b = nlohmann::json::parse(before.out);
  CHECK(b["case"]["exclude"] == nlohmann::json::array());
  const auto was = first_steps(b);
  REQUIRE(was.size() >= 2);
  Run after = run_nrm(base + " --exclude " + was[0]);
  REQUIRE(after.status == 0);
  auto a = nlohmann::json::parse(after.out);
  CHECK(a["case"]["exclude"] == nlohmann::json::array({was[0]}));
  const auto now = first_steps(a);
  CHECK(std::find(now.begin(), now.end(), was[0]) == now.end());
  CHECK(now[0] == was[1]);  // the former second option is now the first
  // The first step's fallback said so before it was asked: the same pathway, at the same cost.
  const auto& fb = b["pathways"][0]["steps"][0]["fallback"];
  REQUIRE(fb.is_object());
  REQUIRE(fb["steps"].size() >= 1);
  CHECK(fb["steps"][0]["provider"] == a["pathways"][0]["steps"][0]["provider"]);
  CHECK(fb["total_cost"] == a["pathways"][0]["total_cost"]);
  // The text's header echoes the exclusion.
  std::string text = base.substr(0, base.find(" --json")) + base.substr(base.find(" --json") + 7);
  CHECK_THAT(run_nrm(text + " --exclude " + was[0]).out, Catch::Contains("excludes " + was[0]));
  // Several, with a space after the comma; the same from a case file.
  Run two = run_nrm(base + " --exclude '" + was[0] + ", " + was[1] + "'");
  REQUIRE(two.status == 0);
  const auto rest = first_steps(nlohmann::json::parse(two.out));
  CHECK(std::find(rest.begin(), rest.end(), was[1]) == rest.end());
  nrm::test::TempDir dir;
  Run file = run_nrm("refer --json" + std::string(kWhen) + " --case " +
                     dir.write("c.yaml", "location: toronto-on\nage: 30\ngender: female\nneeds: [shelter.emergency]\n"
                                         "exclude: [" + was[0] + "]\n"));
  CHECK(file.out == after.out);
  // --exclude adds to a case file's own list; given twice or as several words, it is one list.
  Run more = run_nrm("refer --json" + std::string(kWhen) + " --case " + dir.path("c.yaml") + " --exclude " + was[1]);
  REQUIRE(more.status == 0);
  CHECK(nlohmann::json::parse(more.out)["case"]["exclude"].size() == 2);
  CHECK(run_nrm(base + " --exclude " + was[0] + " " + was[1]).out == two.out);
  CHECK(run_nrm(base + " --exclude " + was[0] + " --exclude " + was[1]).out == two.out);
  Run typo = run_nrm("refer --case " + dir.path("c.yaml") + " --exclude on-toronto-01");
  CHECK(typo.status == 2);
  CHECK(typo.out == "nrm: --exclude: unknown provider 'on-toronto-01' (did you mean 'on-toronto-001'?)\n");
  // explain takes it too.
  CHECK(run_nrm("explain --at toronto-on --needs shelter.emergency --exclude " + was[0] + " --provider " + was[1] + kWhen)
            .status == 0);
}

TEST_CASE("case flags are checked exactly like a case file, errors named by flag, without a position", "[cli]") {
  struct Row {
    const char* id;
    const char* args;
    const char* expected;  // the whole output
  };
  const Row rows[] = {
      {"negative-age", "--at toronto-on --needs shelter.emergency --age -4",
       "nrm: --age: -4 is out of range; expected 0 to 120\n"},
      {"text-age", "--at toronto-on --needs shelter.emergency --age fifteen",
       "nrm: --age: expected a whole number, found 'fifteen'\n"},
      {"misspelled-need", "--at toronto-on --needs shelter.emergncy",
       "nrm: --needs: unknown need 'shelter.emergncy' (did you mean 'shelter.emergency'?)\n"},
      {"misspelled-location", "--at torontoo-on --needs shelter.emergency",
       "nrm: --at: unknown community 'torontoo-on' (did you mean 'toronto-on'?)\n"},
      {"bad-hours", "--at toronto-on --needs shelter.emergency --max-travel-hours -1",
       "nrm: --max-travel-hours: -1 is out of range; expected 0 to 240\n"},
      {"bad-top", "--at toronto-on --needs shelter.emergency --top 0", "nrm: --top: 0 is out of range; expected 1 to 20\n"},
      {"text-top", "--at toronto-on --needs shelter.emergency --top many", "nrm: --top: expected a whole number, found 'many'\n"},
      {"unknown-exclude", "--at toronto-on --needs shelter.emergency --exclude on-toronto-01",
       "nrm: --exclude: unknown provider 'on-toronto-01' (did you mean 'on-toronto-001'?)\n"},
      {"two-mistakes", "--at toronto-on --needs shelter.emergency --age 300 --gender woman",
       "nrm: --age: 300 is out of range; expected 0 to 120\n"
       "--gender: 'woman' is not accepted; expected one of female, male, nonbinary, unknown\n"},
      {"empty-needs", "--at toronto-on --needs ''", "nrm: --needs: empty; expected at least one need code\n"},
  };
  for (const auto& row : rows) {
    INFO("case " << row.id);
    Run r = run_nrm("refer " + std::string(row.args) + kWhen);
    CHECK(r.status == 2);
    CHECK(r.out == row.expected);
    CHECK_THAT(r.out, !Catch::Contains("case:"));
  }
  // A policy check on the case (consent for a police step) names the flag too.
  Run consent = run_nrm("refer --at toronto-on --needs police.liaison" + std::string(kWhen));
  CHECK(consent.status == 2);
  CHECK_THAT(consent.out, Catch::StartsWith("nrm: --police-consent: ") && !Catch::Contains("case:"));
  // In a file the position is kept: the file exists.
  nrm::test::TempDir dir;
  Run file = run_nrm("refer --case " + dir.write("c.yaml", "location: toronto-on\nneeds: [shelter.emergncy]\n"));
  CHECK(file.status == 2);
  CHECK_THAT(file.out, Catch::Contains("c.yaml:2:9: needs: unknown need 'shelter.emergncy'"));
  CHECK(std::count(file.out.begin(), file.out.end(), '\n') == 1);
}

TEST_CASE("list flags take spaces after commas", "[cli]") {
  Run r = run_nrm("refer --json --at toronto-on --needs 'shelter.emergency, counselling.trauma' --languages 'fra, eng' "
                  "--avoid 'hamilton-on,  oshawa-on'" + std::string(kWhen));
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["case"]["needs"] == nlohmann::json::array({"shelter.emergency", "counselling.trauma"}));
  CHECK(j["case"]["languages"] == nlohmann::json::array({"fra", "eng"}));
  CHECK(j["case"]["avoid"].size() == 2);
}

TEST_CASE("a case naming the person is refused, and nothing is planned", "[cli][privacy]") {
  nrm::test::TempDir dir;
  Run r = run_nrm("refer --case " + dir.write("c.yaml", "location: toronto-on\nname: Jane Roe\ndob: 2001-02-03\n"
                                                        "needs: [shelter.emergency]\n"));
  CHECK(r.status == 2);
  CHECK(r.out == "nrm: " + dir.path("c.yaml") + ":2:1: name: cases never hold identifying details: remove 'name'\n" +
                     dir.path("c.yaml") + ":3:1: dob: cases never hold identifying details: remove 'dob'\n");
}

TEST_CASE("nrm refer: warnings, fallbacks and phone/video alternates a worker can act on", "[cli]") {
  // Kuujjuaq to a shelter near Montréal, which the case avoids: the flight lands there.
  Run r = run_nrm("refer --json --as-of 2026-11-27 --when 2026-11-27T14:00 --at kuujjuaq-qc "
                  "--needs shelter.emergency,legal.immigration --avoid montreal-qc");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  const auto& best = j["pathways"][0];
  REQUIRE(best["warnings"].size() >= 1);
  CHECK_THAT(best["warnings"][0].get<std::string>(),
             Catch::Contains("passes through Montréal, which the case avoids: arrange an escort"));
  std::set<std::vector<std::string>> visits;  // distinct options: never the same in-person providers
  for (const auto& p : j["pathways"]) {
    std::vector<std::string> v;
    for (const auto& s : p["steps"])
      if (s["mode"] == "in_person") v.push_back(s["provider"]);
    std::sort(v.begin(), v.end());
    CHECK(visits.insert(v).second);
  }
  for (const auto& s : best["steps"]) {
    INFO(s.dump());
    // Every step has a fallback: a whole pathway without its provider, dearer or no cheaper.
    REQUIRE(s.contains("fallback"));
    if (!s["fallback"].is_null()) {
      for (const auto& f : s["fallback"]["steps"]) CHECK(f["provider"] != s["provider"]);
      CHECK(s["fallback"]["extra_cost"].get<double>() >= 0);
    }
    // A remote step lists the phone/video providers that could take its place, within 1.0 more.
    if (s["mode"] == "remote") {
      REQUIRE(s["alternates"].size() >= 1);
      for (const auto& alt : s["alternates"]) {
        CHECK(alt["extra_cost"].get<double>() <= 1.0);
        CHECK(alt["provider"] != s["provider"]);
      }
    } else {
      CHECK_FALSE(s.contains("alternates"));
    }
  }
  // The text says the same in words.
  Run t = run_nrm("refer --as-of 2026-11-27 --when 2026-11-27T14:00 --at kuujjuaq-qc "
                  "--needs shelter.emergency,legal.immigration --avoid montreal-qc");
  CHECK_THAT(t.out, Catch::Contains("  ! the journey to"));
  CHECK_THAT(t.out, Catch::Contains("     if it says no: "));
  CHECK_THAT(t.out, Catch::Contains("     or: "));
  // A fallback says where its new in-person provider is and what the whole pathway travels.
  const auto fb = t.out.find("     if it says no: ");
  REQUIRE(fb != std::string::npos);
  const std::string fb_text = t.out.substr(fb, t.out.find("(travel ", fb) + 40 - fb);
  CHECK_THAT(fb_text, Catch::Matches(R"([\s\S]* in [A-Z][\s\S]*\(travel [0-9]+\.[0-9] h, cost [-+][0-9.]+\)[\s\S]*)"));
}

TEST_CASE("snapshots: refer writes one and reads it back; validate and NRM_CACHE=off never touch them", "[cli][snapshot]") {
  namespace fs = std::filesystem;
  nrm::test::TempDir dir;
  const std::string cache = dir.path("cache");
  const std::string in_cache = "NRM_CACHE=" + cache;
  auto snapshots = [&] {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache, ec))
      if (e.path().extension() == ".nrmsnap") out.push_back(e.path());
    return out;
  };
  const std::string args = "refer --json --as-of 2026-11-27 --when 2026-11-27T14:00 --case " + scenario("2-inuit-girl-leaving-community.yaml");

  CHECK(run_nrm("validate", in_cache).status == 0);
  CHECK(snapshots().empty());  // validate reads the sources, always
  Run off = run_nrm(args, "NRM_CACHE=off");
  CHECK(snapshots().empty());

  Run first = run_nrm(args, in_cache);  // from the sources; the snapshot written
  REQUIRE(snapshots().size() == 1);
  const fs::path snap = snapshots().front();
  const auto size = fs::file_size(snap);
  Run second = run_nrm(args, in_cache);  // from the snapshot
  CHECK(first.status == off.status);
  CHECK(first.out == off.out);
  CHECK(second.out == off.out);

  // a damaged snapshot: the same answer, and the file rebuilt
  {
    std::fstream f(snap, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size / 2));
    const char c = static_cast<char>(f.get() ^ 0x20);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put(c);
  }
  Run third = run_nrm(args, in_cache);
  CHECK(third.out == off.out);
  CHECK(fs::file_size(snap) == size);
  CHECK(snapshots().size() == 1);
}
