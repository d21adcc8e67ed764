// The coordinators' audit in French (`nrm audit --lang fr`) on the shipped data, Nunavut alone: the
// HTML report and the table read for English left behind (each fixed part of the catalogue's audit
// messages, the profiles' English labels, descriptions and reasons, the needs' English labels),
// placeholders left unfilled and French typography; the CSV, GeoJSON and JSON exports keep exactly
// the same headers and keys in both languages (codes, not labels). And the profiles' French
// labels, read from data/profiles.yaml, with the English ones shown when a file gives none.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "audit/render.hpp"
#include "audit_util.hpp"
#include "english_phrases.hpp"
#include "i18n/text.hpp"

using namespace nrm;

namespace {

const api::Engine& fr_shipped() {
  static auto e = api::Engine::load(api::EnginePaths::shipped(test::source_root()));
  return *e;
}

const std::vector<audit::Profile>& fr_shipped_profiles() {
  static auto p = audit::load_profiles(test::source_root() + "/data/profiles.yaml", fr_shipped());
  return p;
}

// What `nrm audit ARGS` writes on standard output (the shipped data, 2026-11-27).
std::string fr_run_audit(const std::string& args) {
#ifdef NRM_BINARY
  const std::string cmd = "env -u LC_ALL -u LC_MESSAGES -u LANG " + std::string(NRM_BINARY) +
                          " audit --as-of 2026-11-27 " + args + " 2>/dev/null";
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  REQUIRE(f != nullptr);
  char buf[8192];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  CHECK(pclose(f) == 0);
  return out;
#else
  (void)args;
  return {};
#endif
}

// English a French audit must not hold: the fixed parts (between placeholders) of every audit
// message, the profiles' English labels, descriptions and reasons, the needs' English labels; each
// of two words or more and not found in any French text (a code or a name is shared).
const std::vector<std::string>& fr_english_audit_phrases() {
  static const std::vector<std::string> phrases = [] {
    std::vector<std::string> french, candidates;
    for (std::size_t i = 0; i < i18n::kMessageCount; ++i) {
      const i18n::MessageText& m = i18n::kMessages[i];
      french.emplace_back(m.fr);
      if (std::string(m.key).rfind("audit.", 0) != 0 || std::string(m.en) == m.fr) continue;
      test::add_message_parts(m.en, candidates);
    }
    for (const audit::Profile& p : fr_shipped_profiles()) {
      candidates.push_back(p.label), candidates.push_back(p.description);
      french.push_back(p.label_fr), french.push_back(p.description_fr);
    }
    for (const audit::ReasonKind& k : fr_shipped_profiles().at(0).settings->reasons)
      candidates.push_back(k.text), french.push_back(k.text_fr);
    for (const auto& c : fr_shipped().directory().taxonomy.needs.items())
      if (c.en != c.fr) candidates.push_back(c.en), french.push_back(c.fr);
    return test::not_in_french(candidates, french);
  }();
  return phrases;
}

// The text a person reads in an HTML report: the style sheet dropped, tags dropped (an SVG
// <title>'s text stays), title="..." and aria-label="..." tooltips kept, entities decoded.
std::string fr_visible_text(const std::string& html) {
  // (by hand: std::regex recurses once per character matched, and an SVG path is long)
  std::string s = html, tips;
  if (auto a = s.find("<style>"), b = s.find("</style>"); a != std::string::npos && b != std::string::npos)
    s.erase(a, b - a + 8);
  for (const std::string attr : {" title=\"", " aria-label=\""})
    for (std::size_t at = s.find(attr); at != std::string::npos; at = s.find(attr, at + 1)) {
      const std::size_t from = at + attr.size();
      tips += "\n" + s.substr(from, s.find('"', from) - from);
    }
  std::string text;
  bool in_tag = false;
  for (char c : s + tips) {
    if (c == '<') in_tag = true, text += '\n';
    else if (c == '>' && in_tag) in_tag = false;
    else if (!in_tag) text += c;
  }
  for (auto [from, to] : std::initializer_list<std::pair<const char*, const char*>>{
           {"&#39;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#8804;", "≤"}, {"&#916;", "Δ"},
           {"&#215;", "×"}, {"&#176;", "°"}, {"&#8212;", "—"}, {"&amp;", "&"}})
    for (std::size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, std::string(from).size(), to);
  return text;
}

// No English phrase, no placeholder left, no ordinary space before : ; ? !
void fr_check_french(const std::string& what, const std::string& text) {
  INFO(what);
  REQUIRE(fr_english_audit_phrases().size() > 60);  // the check has teeth
  for (const std::string& p : fr_english_audit_phrases()) {
    INFO("English phrase: " << p);
    CHECK(text.find(p) == std::string::npos);
  }
  std::smatch m;
  CHECK_FALSE(std::regex_search(text, m, std::regex(R"(\{[a-z_]+\})")));
  if (std::regex_search(text, m, std::regex(R"(\S [:;?!](\s|$))"))) {
    const auto at = static_cast<std::size_t>(m.position(0));
    FAIL_CHECK("ordinary space before a high punctuation mark: ..." << text.substr(at < 60 ? 0 : at - 60, 120) << "...");
  }
}

std::string fr_csv_header(const std::string& csv) { return csv.substr(0, csv.find('\n')); }

// CSV rows and their fields (RFC 4180 quoting).
std::vector<std::vector<std::string>> fr_csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') rows.back().back() += '"', ++i;
      else if (c == '"') quoted = false;
      else rows.back().back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

// Every key path of a JSON document, arrays' items merged: "cells[].binding_gap.need".
void fr_keys(const nlohmann::json& j, const std::string& at, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      out.insert(at + "." + k);
      fr_keys(v, at + "." + k, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) fr_keys(v, at + "[]", out);
  }
}

}  // namespace

TEST_CASE("profiles: label_fr, description_fr and text_fr read; English without them", "[audit][french]") {
  const auto& p = fr_shipped_profiles();
  for (const auto& x : p) {
    INFO(x.id);
    CHECK_FALSE(x.label_fr.empty());
    CHECK_FALSE(x.description_fr.empty());
  }
  for (const auto& k : p.at(0).settings->reasons) {
    INFO(k.id);
    CHECK_FALSE(k.text_fr.empty());
  }
  const auto& first = p.at(0);
  CHECK(first.label_text() == "Minor in child welfare");
  {
    i18n::LangScope fr(Lang::kFr);
    CHECK(first.label_text() == "Mineure en protection de l'enfance");
    CHECK(first.description_text() == first.description_fr);
    CHECK(p.at(0).settings->reasons.at(1).words() == "des fournisseurs existent mais refusent ce genre");
  }
  // The test profiles have no French: a French report shows their English labels and reasons.
  test::TempDir dir;
  auto engine = api::Engine::load(test::audit_world_paths(dir));
  const auto test_profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  i18n::LangScope fr(Lang::kFr);
  for (const auto& x : test_profiles) {
    CHECK(x.label_fr.empty());
    CHECK(x.label_text() == x.label);
    CHECK(x.description_text() == x.description);
  }
  const audit::Audit a = audit::run(*engine, test_profiles, test::audit_options());
  audit::Report r;
  r.engine = engine.get();
  r.audit = &a;
  r.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), a.as_of);
  r.outlines = audit::load_outlines(test::audit_outlines_path(), engine->directory());
  const std::string html = audit::render_html(r);
  CHECK(html.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(html.find(audit::detail::html_escape(test_profiles.at(0).label)) != std::string::npos);
  CHECK(html.find("<h2>Résumé</h2>") != std::string::npos);
}

TEST_CASE("French: numbers as French writes them in the audit's words", "[audit][french]") {
  i18n::LangScope fr(Lang::kFr);
  CHECK(audit::thousands(1234567) == "1\u202f234\u202f567");
  CHECK(audit::pct(0.1234) == "12,3\u00a0%");
  CHECK(audit::hours_text(0.5) == "0,5");
  CHECK(audit::in_place("Nunavut") == "au Nunavut");
  CHECK(audit::in_place("Ontario") == "en Ontario");
  CHECK(audit::in_place("Territoires du Nord-Ouest") == "dans les Territoires du Nord-Ouest");
  CHECK(audit::in_place("Canada") == "au Canada");
  i18n::LangScope en(Lang::kEn);
  CHECK(audit::pct(0.1234) == "12.3%");
  CHECK(audit::in_place("Nunavut") == "in Nunavut");
}

TEST_CASE("French: the what-if, suggestion and progress sections, and the table's", "[audit][french]") {
  test::TempDir dir;
  auto engine = api::Engine::load(test::audit_world_paths(dir));
  const auto profiles = audit::load_profiles(test::audit_profiles_path(), *engine);
  const audit::Audit before = audit::run(*engine, profiles, test::audit_options());
  audit::Report b;
  b.engine = engine.get();
  b.audit = &before;
  b.stamp = audit::make_stamp(*engine, test::audit_profiles_path(), before.as_of);
  const std::string previous = dir.write("before.json", audit::render_json(b).dump());  // in English
  const std::string extra = dir.write("new-shelters.yaml", R"(providers:
  - {id: sh-delta, name: Delta Shelter (fictitious), community: delta-mb, services: [shelter.emergency], delivery: in_person, serves: [MB], languages: [eng], accepts_trafficking_victims: true, verified: 2026-06-01}
)");
  i18n::LangScope fr(Lang::kFr);
  auto with = audit::with_changes(*engine, extra, {"sh-gamma"});
  const audit::Audit after = audit::run(*with, profiles, test::audit_options());
  audit::Report r;
  r.engine = with.get();
  r.audit = &after;
  r.stamp = audit::make_stamp(*with, test::audit_profiles_path(), after.as_of, extra);
  r.outlines = audit::load_outlines(test::audit_outlines_path(), with->directory());
  r.what_if = audit::make_what_if(*engine, *with, extra, {"sh-gamma"}, audit::compare(before, after));
  r.progress = audit::progress(*with, after, audit::read_previous(previous, profiles.at(0).settings->thresholds));
  r.suggest_profile = profiles.at(0).id;
  r.suggestions = audit::suggest(*with, profiles.at(0), 1, test::audit_options());
  const std::string html = audit::render_html(r);
  const std::string text = fr_visible_text(html);
  INFO(text);
  // (the test profiles have no French: their English labels are left out of the phrases)
  CHECK(text.find("Ce rapport montre un réseau modifié, et non le réseau actuel.") != std::string::npos);
  CHECK(text.find("Ajout\u00a0: 1 fournisseur de new-shelters.yaml (FNV-1a ") != std::string::npos);
  CHECK(text.find("Retrait\u00a0: sh-gamma.") != std::string::npos);
  CHECK(text.find("Manitoba, Shelter only\u00a0: +30\u202f000 personnes à 2 h ou moins, +30\u202f000 personnes à 8 h ou "
                  "moins, +30\u202f000 personnes à 24 h ou moins (0 puis 30\u202f000 sur 30\u202f000 à 24 h ou moins)\u00a0; "
                  "un parcours là où il n'y en avait pas\u00a0: Delta.") != std::string::npos);
  CHECK(html.find("<h2 id=\"what-if\">Simulation</h2>") != std::string::npos);
  CHECK(text.find("Progrès depuis l'audit du 2026-11-27") != std::string::npos);
  CHECK(text.find("Fournisseurs depuis le 2026-11-27\u00a0: 1 ajouté\u00a0: Delta Shelter (fictitious) (sh-delta, ") != std::string::npos);
  CHECK(text.find("Nouveaux fournisseurs suggérés\u00a0: ") != std::string::npos);
  CHECK(text.find("ajouts (--with)\u00a0:") != std::string::npos);
  CHECK(text.find("Manitoba\u00a0: tout le monde") == std::string::npos);  // Manitoba is named in French
  // (the test profiles' reasons have no text_fr: their English words are shown, so only the
  // sections' own words are looked at here; the shipped report is checked in full below)
  CHECK(text.find("This report shows") == std::string::npos);
  const std::string table = audit::render_table(r);
  CHECK(table.find("Since the audit of") == std::string::npos);
  CHECK(table.find("\nSimulation avec new-shelters.yaml (FNV-1a ") != std::string::npos);
  CHECK(table.find("\nDepuis l'audit du 2026-11-27 (") != std::string::npos);
  CHECK(table.find("\nFournisseurs suggérés pour " + profiles.at(0).id + " (choix glouton\u00a0; ") != std::string::npos);
}

#ifdef NRM_BINARY
TEST_CASE("French: the HTML report of Nunavut", "[audit][french][shipped]") {
  const std::string html = fr_run_audit("--lang fr --province NU --format html");
  REQUIRE(html.size() > 10000);
  CHECK(html.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(html.find("<title>nrm, audit des lacunes de services - NU</title>") != std::string::npos);
  CHECK(html.find("<h1>Audit des lacunes de services du réseau d'orientation</h1>") != std::string::npos);
  CHECK(html.find("<h2>Résumé</h2>") != std::string::npos);
  const std::string text = fr_visible_text(html);
  fr_check_french("HTML report, NU", text);
  // The summary: each profile with a gap in a French sentence, French figures.
  CHECK((std::regex_search(text, std::regex("\u00a0: [0-9\u202f]+ personnes? au Nunavut \\(([0-9]+,[0-9]|moins de 0,1)"
                                            "\u00a0%\\) ne peu(t|vent) pas joindre chaque service nécessaire en 24 h ou "
                                            "moins")) ||
         text.find("dans les communautés de population connue au Nunavut, personne") != std::string::npos ||
         text.find("Chaque profil audité peut joindre") != std::string::npos));
  CHECK(text.find("Calculé au 2026-11-27") != std::string::npos);
  CHECK(html.find("taxonomie\u00a0: <code>taxonomy.yaml</code>") != std::string::npos);
  CHECK(std::regex_search(text, std::regex("sur [0-9\u202f]+ fournisseurs, [0-9\u202f]+ communautés et [0-9]+ règles\\.")));
  // Headers, legend, labels.
  for (const char* th : {"<th>profil</th>", "<th>sans parcours</th>", "<th>reposant sur une fiche à vérifier</th>",
                         "<th>besoins non comblés, et pourquoi (communautés)</th>", "<th>province</th>",
                         "<th>identifiant</th><th>libellé</th><th>description</th>"}) {
    INFO(th);
    CHECK(html.find(th) != std::string::npos);
  }
  CHECK(html.find(">Personnes\u00a0:</text>") != std::string::npos);
  CHECK(html.find(">de 2 à 8 h</text>") != std::string::npos);
  CHECK(html.find(">plus de 24 h</text>") != std::string::npos);
  CHECK(html.find(">aucun parcours</text>") != std::string::npos);
  CHECK(html.find("<title>Territoires du Nord-Ouest</title>") != std::string::npos);  // a neighbour's outline
  CHECK(html.find("<h3 id=\"gaps-NU\">Nunavut (NU)\u00a0: 25 communautés, population ") != std::string::npos);
  CHECK(html.find("<span>Homme exploité au travail, sans statut</span>") != std::string::npos);
  // Shares as French writes them: "87,5 %", never "87.5%".
  CHECK(std::regex_search(html, std::regex("<td class=\"num\" style=\"[^\"]*\">[0-9]+,[0-9]\u00a0%</td>")));
  CHECK_FALSE(std::regex_search(text, std::regex(R"([0-9]\.[0-9]%)")));
  // No number of four digits or more without its thousands space (dates, digests and files aside).
  const std::string figures = std::regex_replace(
      text, std::regex(R"(FNV-1a [0-9a-f]{16}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[\w.-]*[0-9][\w.-]*\.(yaml|csv|geojson|json))"), "");
  CHECK_FALSE(std::regex_search(figures, std::regex(R"((^|[^0-9,.\w-])[0-9]{4,}([^0-9\w-]|$))")));
}

TEST_CASE("French: the table of Nunavut", "[audit][french][shipped]") {
  const std::string out = fr_run_audit("--lang fr --province NU");
  REQUIRE(!out.empty());
  fr_check_french("table, NU", out);
  CHECK(out.rfind("nrm audit\u00a0: 25 communautés × 11 profils, au 2026-11-27\u00a0; ", 0) == 0);
  CHECK(out.find("\nRésumé\u00a0:\n") != std::string::npos);
  CHECK(out.find("  Fiches à vérifier\u00a0: ") != std::string::npos);
  CHECK(out.find("prov  comm.  population    <=2h    <=8h   <=24h  aucun vérif.  besoin limitant (communautés)") !=
        std::string::npos);
  CHECK(std::regex_search(out, std::regex("\nNU +25 +[0-9\u202f]+ +[0-9]+,[0-9]\u00a0%")));
  CHECK(out.find("\n== Homme exploité au travail, sans statut (man-labour-no-status)\n") != std::string::npos);
  const std::string en = fr_run_audit("--lang en --province NU");
  CHECK(en.rfind("nrm audit: 25 communities x 11 profiles, as of 2026-11-27; ", 0) == 0);
  CHECK(en.find("\nSummary:\n") != std::string::npos);
}

TEST_CASE("French: CSV, GeoJSON and JSON keep their headers and keys", "[audit][french][shipped]") {
  const std::string args = " --province NU --profile need-shelter-emergency,man-labour-no-status,minor-in-child-welfare";
  const std::string csv_en = fr_run_audit("--lang en --format csv" + args);
  const std::string csv_fr = fr_run_audit("--lang fr --format csv" + args);
  REQUIRE(!csv_en.empty());
  CHECK(fr_csv_header(csv_fr) == fr_csv_header(csv_en));
  CHECK(fr_csv_header(csv_en) ==
        "community,name,province,population,profile,feasible,total_cost,travel_hours,binding_need,blocked_by,"
        "nearest_provider,nearest_travel_hours,reason,stale_providers,latitude,longitude");
  // Codes and figures too: every column but `reason` (words) is the same.
  const auto rows_en = fr_csv_rows(csv_en), rows_fr = fr_csv_rows(csv_fr);
  REQUIRE(rows_fr.size() == rows_en.size());
  const auto& head = rows_en.at(0);
  const auto reason = static_cast<std::size_t>(std::find(head.begin(), head.end(), "reason") - head.begin());
  for (std::size_t i = 0; i < rows_en.size(); ++i) {
    REQUIRE(rows_fr[i].size() == rows_en[i].size());
    for (std::size_t c = 0; c < rows_en[i].size(); ++c)
      if (c != reason) CHECK(rows_fr[i][c] == rows_en[i][c]);
  }

  const auto geo_en = nlohmann::ordered_json::parse(fr_run_audit("--lang en --format geojson" + args));
  const auto geo_fr = nlohmann::ordered_json::parse(fr_run_audit("--lang fr --format geojson" + args));
  REQUIRE(geo_en["features"].size() == 25);
  REQUIRE(geo_fr["features"].size() == geo_en["features"].size());
  auto key_list = [](const nlohmann::ordered_json& o) {
    std::vector<std::string> k;
    for (const auto& [key, _] : o.items()) k.push_back(key);
    return k;
  };
  CHECK(key_list(geo_fr) == key_list(geo_en));
  CHECK(key_list(geo_fr["nrm"]) == key_list(geo_en["nrm"]));
  for (std::size_t i = 0; i < geo_en["features"].size(); ++i) {
    const auto &fe = geo_en["features"][i], &ff = geo_fr["features"][i];
    CHECK(key_list(ff) == key_list(fe));
    CHECK(key_list(ff["properties"]) == key_list(fe["properties"]));
    CHECK(ff["id"] == fe["id"]);
    CHECK(ff["geometry"] == fe["geometry"]);
    for (const auto& [key, value] : fe["properties"].items())
      if (key.rfind("reason_", 0) != 0) CHECK(ff["properties"][key] == value);  // codes and figures
  }
  // A reason in words is the only thing that speaks French.
  bool french_reason = false;
  for (const auto& f : geo_fr["features"])
    for (const auto& [key, value] : f["properties"].items())
      if (key.rfind("reason_", 0) == 0 && value.is_string())
        french_reason = french_reason || value.get<std::string>().find("fournisseur") != std::string::npos;
  CHECK(french_reason);

  std::set<std::string> keys_en, keys_fr;
  fr_keys(nlohmann::json::parse(fr_run_audit("--lang en --format json" + args)), "", keys_en);
  fr_keys(nlohmann::json::parse(fr_run_audit("--lang fr --format json" + args)), "", keys_fr);
  CHECK(keys_fr == keys_en);
}
#endif
