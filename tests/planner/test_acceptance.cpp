// Acceptance: the six scenarios of the discussion paper (shared/scenarios, copied to
// tests/fixtures/scenarios) on the SHIPPED data and rules. Each test checks what the scenario's
// comment expects, plus what must hold for every answer: complete, every step eligible, every
// need covered by exactly the steps that list it, immediate needs first.
#include <set>

#include "directory/loader.hpp"
#include "planner_util.hpp"
#include "shipped_engine.hpp"

using namespace nrm;

namespace {

using test::step_provider;

using test::Ran;
using test::shipped;

Ran run_scenario(const std::string& scenario) {
  std::string file = test::test_dir() + "/fixtures/scenarios/" + scenario;
  return test::refer_shipped(read_text(file), file, test::test_date());
}

bool derived(const Ran& r, const std::string& need) {
  for (const auto& d : r.j["derived_needs"])
    if (d["need"] == need) return true;
  return false;
}

bool has_attr(const Provider& p, const char* a) {
  return p.attributes & attr_bit(*shipped().directory().taxonomy.attributes.find(a));
}
bool speaks(const Provider& p, const char* lang) {
  const auto& t = shipped().directory().taxonomy;
  for (LangId l : p.languages)
    if (t.languages_match(l, *t.languages.find(lang))) return true;
  return false;
}

// What every answer must satisfy.
void check_common(const Ran& r) {
  const auto& e = shipped();
  REQUIRE(r.a.ok());
  REQUIRE(!r.a.plan.pathways.empty());
  const NeedSet immediate = e.directory().taxonomy.immediate_needs();
  for (const auto& p : r.a.plan.pathways) {
    NeedSet covered = 0;
    bool non_immediate_seen = false;
    for (const auto& s : p.steps) {
      INFO("step " << step_provider(s).id);
      CHECK((covered & s.covers) == 0);  // exactly one step per need
      covered |= s.covers;
      auto ex = e.explain(r.c, step_provider(s).id, test::test_date());
      CHECK(ex.assessment.eligible);
      if (s.covers & immediate) CHECK_FALSE(non_immediate_seen);
      else non_immediate_seen = true;
    }
    CHECK((covered & r.a.plan.needs.needs) == r.a.plan.needs.needs);
  }
}

}  // namespace

TEST_CASE("scenario 1: a minor in the child welfare system (shipped data)", "[acceptance]") {
  Ran r = run_scenario("1-minor-in-child-welfare.yaml");
  check_common(r);
  CHECK(derived(r, "child.protection"));
  for (const auto& p : r.a.plan.pathways)
    for (const auto& s : p.steps) {
      const Provider& prov = step_provider(s);
      CHECK((!prov.age_min || *prov.age_min <= 15));
      CHECK((!prov.age_max || *prov.age_max >= 15));
    }
  // Youth-serving and trauma-informed providers rank higher: the best pathway earns preferences.
  CHECK(r.a.plan.pathways[0].cost.preferences < 0);
}

TEST_CASE("scenario 2: an Inuit girl leaving her community (shipped data)", "[acceptance]") {
  Ran r = run_scenario("2-inuit-girl-leaving-community.yaml");
  check_common(r);
  CHECK(derived(r, "child.protection"));
  const auto& e = shipped();
  auto iqaluit = *e.directory().geography.find("iqaluit-nu");
  for (const auto& p : r.a.plan.pathways) {
    bool interpretation = false;
    for (const auto& s : p.steps)
      if (s.covers & need_bit(*e.directory().taxonomy.needs.find("interpretation"))) interpretation = true;
    for (const auto& s : p.steps) {
      if (!s.in_person) continue;
      const Provider& prov = step_provider(s);
      CHECK(has_attr(prov, "trauma_informed"));  // require: hard for in-person steps
      CHECK((speaks(prov, "iku") || speaks(prov, "eng") || interpretation));
      // Leaving a fly-in community goes by air.
      if (prov.community != s.from && s.from == iqaluit) CHECK(e.travel().by_air(s.from, prov.community));
    }
  }
  CHECK(r.a.plan.pathways[0].cost.preferences < 0);  // Inuit-specific / Indigenous-led rank higher
}

TEST_CASE("scenario 3: a minor lured online (shipped data)", "[acceptance]") {
  Ran r = run_scenario("3-minor-lured-online.yaml");
  check_common(r);
  CHECK(derived(r, "child.protection"));
  for (const auto& p : r.a.plan.pathways)
    for (const auto& s : p.steps) CHECK_FALSE(step_provider(s).law_enforcement);
}

TEST_CASE("scenario 4: a migrant construction worker (shipped data)", "[acceptance]") {
  Ran r = run_scenario("4-migrant-construction-worker.yaml");
  check_common(r);
  CHECK(derived(r, "legal.immigration"));
  CHECK(derived(r, "legal.labour"));
  const auto& t = shipped().directory().taxonomy;
  for (const auto& p : r.a.plan.pathways) {
    bool interpretation = false;
    for (const auto& s : p.steps)
      if (s.covers & need_bit(*t.needs.find("interpretation"))) interpretation = true;
    for (const auto& s : p.steps) {
      const Provider& prov = step_provider(s);
      INFO(prov.id);
      CHECK((!prov.genders || (*prov.genders & code_bit(*t.genders.find("male")))));  // no women-only provider
      if (s.in_person) CHECK((speaks(prov, "hun") || interpretation));
    }
  }
}

TEST_CASE("scenario 5: a youth leaving care (shipped data)", "[acceptance]") {
  Ran r = run_scenario("5-youth-leaving-care.yaml");
  check_common(r);
  CHECK_FALSE(derived(r, "child.protection"));
  const auto& t = shipped().directory().taxonomy;
  for (const auto& p : r.a.plan.pathways) {
    bool transitional = false;
    for (const auto& s : p.steps)
      if (s.covers & need_bit(*t.needs.find("shelter.transitional"))) transitional = true;
    CHECK(transitional);
  }
}

TEST_CASE("scenario 6: a suburban high-school girl (shipped data)", "[acceptance]") {
  Ran r = run_scenario("6-suburban-high-school-girl.yaml");
  check_common(r);
  CHECK(derived(r, "child.protection"));
  // Nearby: no relocation needed.
  CHECK(r.a.plan.pathways[0].travel_hours <= 1.0);
  const auto& t = shipped().directory().taxonomy;
  bool sexual_health = false;
  for (const auto& s : r.a.plan.pathways[0].steps)
    if (s.covers & need_bit(*t.needs.find("medical.sexual_health"))) sexual_health = true;
  CHECK(sexual_health);
}

TEST_CASE("the scenarios behave the same wherever they are placed (shipped data)", "[acceptance]") {
  // The README says locations are examples: move each scenario to another large city.
  const auto& e = shipped();
  for (const char* where : {"winnipeg-mb", "vancouver-bc", "montreal-qc"}) {
    for (const char* s : {"1-minor-in-child-welfare.yaml", "3-minor-lured-online.yaml", "6-suburban-high-school-girl.yaml"}) {
      INFO(s << " at " << where);
      std::string text = read_text(test::test_dir() + "/fixtures/scenarios/" + s);
      text = text.substr(0, text.find("location:")) + "location: " + where + "\n" +
             text.substr(text.find('\n', text.find("location:")) + 1);
      Case c = e.parse_case(text, s);
      api::Answer a = e.refer(c, test::test_date());
      CHECK(a.ok());
    }
  }
}

TEST_CASE("the answer's JSON text is its document's dump, byte for byte (shipped data)", "[acceptance]") {
  // The server sends answer_json_text; the CLI prints answer_json(a).dump(2). Every scenario, as
  // given and with more pathways, an unmet need with its nearest provider, pretty and compact.
  const auto& e = shipped();
  std::vector<std::string> texts;
  for (const char* s : {"1-minor-in-child-welfare.yaml", "2-inuit-girl-leaving-community.yaml",
                        "3-minor-lured-online.yaml", "4-migrant-construction-worker.yaml",
                        "5-youth-leaving-care.yaml", "6-suburban-high-school-girl.yaml"}) {
    std::string file = test::test_dir() + "/fixtures/scenarios/" + s;
    texts.push_back(read_text(file));
    texts.push_back(read_text(file) + "\ntop: 6\n");
  }
  texts.push_back("location: iqaluit-nu\nneeds: [shelter.emergency, legal.labour]\nmax_travel_hours: 1\n");
  texts.push_back("location: quebec-qc\nlanguages: [fra]\nneeds: [shelter.emergency]\navoid: [quebec-qc]\n");
  for (const auto& text : texts) {
    INFO(text);
    Case c = e.parse_case(text, "case");
    api::Answer a = e.refer(c, test::test_date());
    nlohmann::json j = e.answer_json(a);
    CHECK(e.answer_json_text(a, 2) == j.dump(2));
    CHECK(e.answer_json_text(a, -1) == j.dump());
  }
}
