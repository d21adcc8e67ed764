// Every text face of nrm in French (on the shipped data and rules): the answer of each scenario,
// an answer with no pathway, the JSON answer's sentences, nrm explain, route, validate, every
// command's --help and the person's slip. Each output is read for English left behind (a phrase of
// an English message or label that French does not share), placeholders left unfilled, French
// typography, and 80 columns where a terminal reads it.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "i18n/text.hpp"
#include "run_nrm.hpp"
#include "shipped_engine.hpp"
#include "english_phrases.hpp"
#include "test_util.hpp"

using namespace nrm;
using test::run_nrm;
using test::Run;

namespace {

const std::string kWhen = " --as-of 2026-11-27 --when 2026-11-27T14:00";

std::string scenario(const std::string& name) { return test::test_dir() + "/fixtures/scenarios/" + name; }

// Phrases a French text must not hold: each English message's fixed parts (between placeholders)
// and each English label of the taxonomy, of two words or more, that no French message or label
// holds too ("24/7" or a code is shared by both).
const std::vector<std::string>& english_phrases() {
  static const std::vector<std::string> phrases = [] {
    std::vector<std::string> french, candidates;
    for (std::size_t i = 0; i < i18n::kMessageCount; ++i) french.emplace_back(i18n::kMessages[i].fr);
    const Taxonomy& t = test::shipped().directory().taxonomy;
    auto labels = [&](const auto& list) {
      for (const auto& c : list.items())
        if (c.en != c.fr) candidates.push_back(c.en), french.push_back(c.fr);
    };
    labels(t.needs), labels(t.attributes), labels(t.identities), labels(t.statuses), labels(t.genders),
        labels(t.exploitation);
    for (std::size_t i = 0; i < i18n::kMessageCount; ++i)
      if (std::string(i18n::kMessages[i].en) != i18n::kMessages[i].fr) test::add_message_parts(i18n::kMessages[i].en, candidates);
    // Each rule's English reason, by its first three words (a reason may wrap after them).
    for (const auto& r : test::shipped().policy().rules()) {
      std::size_t end = 0;
      for (int w = 0; w < 3 && end != std::string::npos; ++w) end = r.reason.find(' ', end + 1);
      candidates.push_back(r.reason.substr(0, end));
    }
    return test::not_in_french(candidates, french);
  }();
  return phrases;
}

// What every French output must be: no English phrase, no placeholder left, no ordinary space
// before a French high punctuation mark.
void check_french(const std::string& what, const std::string& out) {
  INFO(what << "\n" << out);
  REQUIRE(english_phrases().size() > 100);  // the check has teeth
  for (const std::string& p : english_phrases()) {
    INFO("English phrase: " << p);
    CHECK(out.find(p) == std::string::npos);
  }
  CHECK_FALSE(std::regex_search(out, std::regex(R"(\{[a-z_]+\})")));
  // (a line's own "!" marks a warning: only a mark after a word counts)
  CHECK_FALSE(std::regex_search(out, std::regex(R"(\S [:;?!](\s|$))")));
}

}  // namespace

TEST_CASE("French: the answer of every scenario, at a glance", "[i18n][french]") {
  for (const char* s : {"1-minor-in-child-welfare.yaml", "2-inuit-girl-leaving-community.yaml", "3-minor-lured-online.yaml",
                        "4-migrant-construction-worker.yaml", "5-youth-leaving-care.yaml", "6-suburban-high-school-girl.yaml"}) {
    Run fr = run_nrm("refer --lang fr --case " + scenario(s) + kWhen);  // 80 columns checked by run_nrm
    Run en = run_nrm("refer --lang en --case " + scenario(s) + kWhen);
    INFO(s);
    CHECK(fr.status == en.status);
    check_french(s, fr.out);
    CHECK_THAT(fr.out, Catch::StartsWith("Cas à "));
    CHECK_THAT(fr.out, Catch::Contains("parcours") && Catch::Contains("Quelle que soit la réponse, la personne peut appeler\u00a0:"));
    CHECK_THAT(fr.out, Catch::Contains("n° 1 · coût "));
    CHECK_THAT(en.out, Catch::StartsWith("Case at "));
  }
}

TEST_CASE("French: the scenario 2 answer reads as a French worker expects", "[i18n][french]") {
  Run r = run_nrm("refer --lang fr --case " + scenario("2-inuit-girl-leaving-community.yaml") + kWhen);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Cas à Iqaluit (iqaluit-nu)\u00a0: Hébergement d'urgence"));
  CHECK_THAT(r.out, Catch::Contains("17 ans\u00a0; genre Femme"));
  // (the line may wrap anywhere: compare with its breaks and indents as single spaces)
  const std::string flat = std::regex_replace(r.out, std::regex("\n +"), " ");
  CHECK_THAT(flat, Catch::Contains("(au ven. 2026-11-27 14:00, heure locale)\u00a0:"));
  CHECK_THAT(r.out, Catch::Contains("Protection de l'enfance (règle minor-child-protection\u00a0: "));
  CHECK_THAT(r.out, Catch::Contains(" h de trajet") || Catch::Contains("par téléphone ou vidéo"));
  // Decimal commas in prose: "coût 0,98", "trajet 0,0 h".
  CHECK(std::regex_search(r.out, std::regex(R"(n° 1 · coût -?[0-9]+,[0-9]{2} · trajet [0-9]+,[0-9] h)")));
  CHECK_FALSE(std::regex_search(r.out, std::regex(R"(coût [0-9]+\.[0-9])")));
}

TEST_CASE("French: no pathway, what is missing and what to relax", "[i18n][french]") {
  Run r = run_nrm("refer --lang fr --at kuujjuaq-qc --needs shelter.emergency --max-travel-hours 1 --avoid kuujjuaq-qc" + kWhen);
  CHECK(r.status == 3);
  check_french("no pathway", r.out);
  CHECK_THAT(r.out, Catch::Contains("AUCUN PARCOURS NE RÉPOND À TOUS LES BESOINS"));
  CHECK_THAT(r.out, Catch::Contains("Besoins non comblés\u00a0:"));
  CHECK_THAT(r.out, Catch::Contains("pourquoi\u00a0: le plus proche est"));
}

TEST_CASE("French: the JSON answer keeps its codes and writes its sentences in French", "[i18n][french]") {
  Run fr = run_nrm("refer --json --lang fr --case " + scenario("4-migrant-construction-worker.yaml") + kWhen);
  Run en = run_nrm("refer --json --lang en --case " + scenario("4-migrant-construction-worker.yaml") + kWhen);
  REQUIRE(fr.status == 0);
  const auto jf = nlohmann::json::parse(fr.out), je = nlohmann::json::parse(en.out);
  // The same pathways, codes and figures: only sentences differ.
  REQUIRE(jf["pathways"].size() == je["pathways"].size());
  for (std::size_t i = 0; i < jf["pathways"].size(); ++i) {
    CHECK(jf["pathways"][i]["total_cost"] == je["pathways"][i]["total_cost"]);
    for (std::size_t k = 0; k < jf["pathways"][i]["steps"].size(); ++k) {
      CHECK(jf["pathways"][i]["steps"][k]["provider"] == je["pathways"][i]["steps"][k]["provider"]);
      CHECK(jf["pathways"][i]["steps"][k]["covers"] == je["pathways"][i]["steps"][k]["covers"]);
      CHECK(jf["pathways"][i]["steps"][k]["mode"] == je["pathways"][i]["steps"][k]["mode"]);
    }
  }
  CHECK(jf["case"] == je["case"]);
  std::string sentences;
  for (const auto& p : jf["pathways"]) {
    for (const auto& w : p["warnings"]) sentences += w.get<std::string>() + "\n";
    for (const auto& s : p["steps"])
      for (const auto& w : s["why"]) sentences += w.get<std::string>() + "\n";
  }
  check_french("JSON sentences", sentences);
  CHECK_THAT(sentences, Catch::Contains("répond à "));
}

TEST_CASE("French: every shipped rule gives its reason in French", "[i18n][french]") {
  const auto en = test::shipped().policy().rules();
  REQUIRE(en.size() > 20);
  i18n::LangScope fr(Lang::kFr);
  const auto in_french = test::shipped().policy().rules();
  for (std::size_t i = 0; i < en.size(); ++i) {
    INFO(en[i].id);
    CHECK(en[i].french);
    CHECK(in_french[i].reason != en[i].reason);
    check_french(en[i].id, in_french[i].reason);
  }
}

TEST_CASE("nrm validate names a rule without its French reason, and still passes", "[i18n][french]") {
  test::TempDir dir;
  for (const auto& f : std::filesystem::directory_iterator(test::source_root() + "/rules")) {
    std::ifstream in(f.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (f.path().filename() == "eligibility.yaml")  // gender-accepted loses its reason_fr
      text = std::regex_replace(text, std::regex(R"((id: gender-accepted\n(?:.*\n)*?)\s*reason_fr: .*\n)"), "$1");
    dir.write("rules/" + f.path().filename().string(), text);
  }
  Run r = run_nrm("validate --lang en --rules " + dir.path("rules"));
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ok: ") &&
                        Catch::Contains("note: these rules have no reason_fr, so French answers show their English "
                                        "reason: gender-accepted (eligibility.yaml:"));
  Run shipped = run_nrm("validate --lang en");
  CHECK_THAT(shipped.out, !Catch::Contains("reason_fr"));
}

TEST_CASE("French: nrm explain, route and validate", "[i18n][french]") {
  Run explain = run_nrm("explain --lang fr --provider nu-iqaluit-001 --case " + scenario("2-inuit-girl-leaving-community.yaml") + kWhen);
  REQUIRE(explain.status == 0);
  check_french("explain", explain.out);
  CHECK_THAT(explain.out, Catch::Contains("Règles, dans l'ordre\u00a0:"));
  Run route = run_nrm("route --lang fr iqaluit-nu yellowknife-nt");
  REQUIRE(route.status == 0);
  check_french("route", route.out);
  CHECK_THAT(route.out, Catch::StartsWith("Iqaluit à Yellowknife\u00a0: "));
  CHECK_THAT(route.out, Catch::Contains("avion"));
  Run validate = run_nrm("validate --lang fr");
  REQUIRE(validate.status == 0);
  check_french("validate", validate.out);
  CHECK_THAT(validate.out, Catch::StartsWith("ok\u00a0: "));
}

TEST_CASE("French: --help of nrm and of each command", "[i18n][french]") {
  for (const char* cmd : {"", "refer", "explain", "validate", "route", "token", "serve", "cases", "audit"}) {
    Run r = run_nrm(std::string(cmd) + " --help --lang fr");
    INFO(cmd);
    CHECK(r.status == 0);
    check_french(std::string("--help ") + cmd, r.out);
    CHECK_THAT(r.out, Catch::Contains("Utilisation\u00a0:"));
    CHECK_THAT(r.out, Catch::Contains("Affiche cette aide et quitte"));
  }
}

TEST_CASE("French: the help of serve, cases and audit, and of stats", "[i18n][french]") {
  Run serve = run_nrm("serve --help --lang fr");
  CHECK_THAT(serve.out, Catch::Contains("l'API HTTP") && Catch::Contains("--header-timeout SECONDES") &&
                            Catch::Contains("Accept-Language"));
  Run cases = run_nrm("cases --help --lang fr");
  CHECK_THAT(cases.out, Catch::Contains("en lecture seule") && Catch::Contains("list") && Catch::Contains("show"));
  Run audit = run_nrm("audit --help --lang fr");
  CHECK_THAT(audit.out, Catch::Contains("lacunes de couverture") && Catch::Contains("--compare") &&
                            Catch::Contains("--outlines"));
  Run stats = run_nrm("stats --help --lang fr");
  CHECK(stats.status == 0);
  check_french("--help stats", stats.out);
  // English stays as it was.
  CHECK_THAT(run_nrm("serve --help --lang en").out, Catch::Contains("the HTTP API for hotlines"));
  CHECK_THAT(run_nrm("audit --help --lang en").out, Catch::Contains("coverage gaps for coordinators"));
}

TEST_CASE("French: a case file's mistakes, at the same file:line:column and field", "[i18n][french]") {
  test::TempDir dir;
  const std::string file = dir.write("case.yaml", "location: toronto-on\nage: 150\nneeds: [shelter.emergancy]\n"
                                                  "gender: woman\nlocaton: x\n");
  Run fr = run_nrm("refer --lang fr --case " + file + kWhen);
  Run en = run_nrm("refer --lang en --case " + file + kWhen);
  CHECK(fr.status == 2);
  CHECK(en.status == 2);
  check_french("case file errors", fr.out);
  INFO(en.out);
  CHECK_THAT(en.out, Catch::Contains(file + ":3:9: needs: unknown need 'shelter.emergancy' (did you mean "
                                            "'shelter.emergency'?)"));
  CHECK_THAT(fr.out, Catch::Contains(file + ":3:9: needs: code inconnu (besoin) 'shelter.emergancy' (vouliez-vous "
                                            "dire 'shelter.emergency'\u00a0?)"));
  CHECK_THAT(en.out, Catch::Contains(file + ":2:6: age: 150 is out of range; expected 0 to 120"));
  CHECK_THAT(fr.out, Catch::Contains(file + ":2:6: age: 150 est hors limites\u00a0; attendu de 0 à 120"));
  CHECK_THAT(fr.out, Catch::Contains(file + ":4:9: gender: 'woman' n'est pas accepté\u00a0; valeurs attendues\u00a0: "));
  CHECK_THAT(fr.out, Catch::Contains(file + ":5:1: locaton: champ inconnu 'locaton' (vouliez-vous dire 'location'\u00a0?)"));
  // The same problems, in the same order, at the same places.
  auto places = [](const std::string& out) {
    std::vector<std::string> at;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) at.push_back(line.substr(0, line.find(": ", line.find(".yaml:") + 6)));
    return at;
  };
  CHECK(places(fr.out) == places(en.out));
}

TEST_CASE("French: bad case flags and option values, named by flag", "[i18n][french]") {
  struct Row {
    const char* args;
    const char* french;  // the whole output
  };
  const Row rows[] = {
      {"--at toronto-on --needs shelter.emergency --age -4", "nrm: --age: -4 est hors limites\u00a0; attendu de 0 à 120\n"},
      {"--at toronto-on --needs shelter.emergncy",
       "nrm: --needs: code inconnu (besoin) 'shelter.emergncy' (vouliez-vous dire 'shelter.emergency'\u00a0?)\n"},
      {"--at torontoo-on --needs shelter.emergency",
       "nrm: --at: communauté inconnue 'torontoo-on' (vouliez-vous dire 'toronto-on'\u00a0?)\n"},
      {"--at toronto-on --needs shelter.emergency --top many",
       "nrm: --top: un nombre entier est attendu, trouvé\u00a0: 'many'\n"},
      {"--at toronto-on --needs shelter.emergency --as-of 2026-13-45",
       "nrm: --as-of: '2026-13-45' n'est pas une date AAAA-MM-JJ\n"},
      {"--at toronto-on --needs shelter.emergency --when noon",
       "nrm: --when: 'noon' n'est pas une heure locale AAAA-MM-JJTHH:MM\n"},
      {"--at toronto-on", "nrm: --needs: manquant\u00a0; une liste de codes de besoin est attendue, par exemple "
                          "[shelter.emergency]\n"},
  };
  for (const Row& row : rows) {
    Run r = run_nrm(std::string("refer --lang fr ") + row.args);
    INFO(row.args);
    CHECK(r.status == 2);
    CHECK(r.out == row.french);
    check_french(row.args, r.out);
  }
  Run audit = run_nrm("audit --lang fr --format pdf");
  CHECK(audit.status == 2);
  CHECK(audit.out == "nrm: --format: 'pdf' n'est pas un format\u00a0; formats attendus\u00a0: table, csv, json, html ou geojson\n");
}

TEST_CASE("French from the locale when --lang is not given; --lang wins over it", "[i18n][french]") {
  auto run_with = [](const std::string& env, const std::string& args) {
    std::string out;
    FILE* f = popen(("env -u LC_ALL -u LC_MESSAGES -u LANG " + env + " " + NRM_BINARY + " " + args + " 2>&1").c_str(), "r");
    REQUIRE(f != nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    pclose(f);
    return out;
  };
  CHECK_THAT(run_with("LANG=fr_CA.UTF-8", "validate"), Catch::StartsWith("ok\u00a0: "));
  CHECK_THAT(run_with("LC_ALL=fr_CA.UTF-8 LANG=en_CA.UTF-8", "validate"), Catch::StartsWith("ok\u00a0: "));
  CHECK_THAT(run_with("LANG=fr_CA.UTF-8", "validate --lang en"), Catch::StartsWith("ok: "));
  CHECK_THAT(run_with("LANG=de_DE.UTF-8", "validate"), Catch::StartsWith("ok: "));
  CHECK_THAT(run_with("", "validate"), Catch::StartsWith("ok: "));
}

TEST_CASE("French: the person's slip, text and HTML", "[i18n][french]") {
  Run text = run_nrm("refer --lang fr --slip --case " + scenario("4-migrant-construction-worker.yaml") + kWhen);
  REQUIRE(text.status == 0);
  check_french("slip", text.out);
  CHECK_THAT(text.out, Catch::StartsWith("Vos rendez-vous\n"));
  Run html = run_nrm("refer --lang fr --slip html --case " + scenario("4-migrant-construction-worker.yaml") + kWhen);
  REQUIRE(html.status == 0);
  CHECK_THAT(html.out, Catch::Contains("<html lang=\"fr\">"));
}
