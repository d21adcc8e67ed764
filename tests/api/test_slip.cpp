// What an answer leaves the person with (api/slip.hpp), on the test world and its fictitious
// fallbacks (tests/fixtures/world/fallbacks.yaml): the `fallbacks` every answer ends with, a
// pathway found or not, and the referral slip as the person reads it, in text and HTML.
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "api/slip.hpp"
#include "planner/planner_util.hpp"

using namespace nrm;

namespace {

// A confidential shelter and, in the same community, an immigration clinic with a street address
// and a name that needs escaping in HTML.
const char* kProviders = R"yaml(  - id: sh-alpha
    name: Alpha Safe House (fictitious)
    community: alpha-on
    services: [shelter.emergency]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    capacity: {beds: 4, available: 1}
    intake: {phone: "+1-416-555-0142", hours: "24/7"}
    confidential: true
    verified: 2026-06-01
  - id: le-alpha
    name: "Legal <Aid> & Co (fictitious)"
    community: alpha-on
    services: [legal.immigration]
    delivery: in_person
    serves: [ON]
    languages: [eng]
    accepts_trafficking_victims: true
    accepts_without_status: true
    wait_days: 2
    intake: {phone: "+1-416-555-0177", hours: "Mon-Fri 09:00-17:00"}
    address: "2 Test Street"
    verified: 2026-06-01
)yaml";

// A woman of 33, temporary resident: legal.immigration is derived; both needs are met in Alpha.
const char* kCase =
    "location: alpha-on\nage: 33\ngender: female\nstatus: temporary_resident\n"
    "exploitation: sex\nneeds: [shelter.emergency]\n";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// 80 columns of a terminal: UTF-8 code points, not bytes (French has accents).
void check_fits_80_columns(const std::string& text) {
  for (const auto& l : lines(text)) {
    INFO(l);
    std::size_t columns = 0;
    for (unsigned char ch : l) columns += (ch & 0xC0) != 0x80;
    CHECK(columns <= 80);
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("every answer ends with the fallbacks, in JSON and text", "[api][fallbacks]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a = e->refer(e->parse_case(kCase, "case"), test::test_date());
  REQUIRE(a.ok());
  nlohmann::json j = e->answer_json(a);
  REQUIRE(j["fallbacks"].size() == 2);
  CHECK(j["fallbacks"][0]["id"] == "test-line");
  CHECK(j["fallbacks"][0]["phone"] == "1-800-555-0199");
  CHECK(j["fallbacks"][0]["name_fr"] == "Ligne d'aide d'essai (fictive)");
  CHECK(j["fallbacks"][1]["when_en"] == "Immediate danger");
  CHECK(e->answer_json_text(a, 2) == j.dump(2));
  CHECK(e->answer_json_text(a, -1) == j.dump());
  const std::string text = e->answer_text(a);
  CHECK_THAT(text, Catch::Contains("Test Help Line (fictitious) 1-800-555-0199 (24/7)"));
  CHECK_THAT(text,
             Catch::EndsWith("Test Emergency (fictitious) 555 (24/7)\n    Immediate danger\n"));
  check_fits_80_columns(text.substr(text.find("Whatever the answer")));
}

TEST_CASE("an answer with no pathway still ends with the fallbacks", "[api][fallbacks]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a =
      e->refer(e->parse_case("location: nordic-nu\nneeds: [medical.emergency]\n", "case"),
               test::test_date());
  REQUIRE(a.plan.pathways.empty());
  nlohmann::json j = e->answer_json(a);
  REQUIRE(j["fallbacks"].size() == 2);
  CHECK(j["fallbacks"][0]["phone"] == "1-800-555-0199");
  CHECK(e->answer_json_text(a, 2) == j.dump(2));
  CHECK(e->answer_json_text(a, -1) == j.dump());
  CHECK_THAT(e->answer_text(a), Catch::Contains("NO PATHWAY") && Catch::Contains("1-800-555-0199"));
}

TEST_CASE(
    "the slip: numbers and hours of each step, no address for a confidential shelter, nothing of "
    "the case",
    "[api][slip]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a = e->refer(e->parse_case(kCase, "case"), test::test_date());
  REQUIRE(a.ok());
  const std::string s = api::slip_text(*e, a, 0, Lang::kEn);
  INFO(s);
  CHECK_THAT(s, Catch::StartsWith("Your appointments\n"));
  // The shelter, immediate, first; then the clinic.
  const auto shelter = s.find(
      "1. Alpha Safe House (fictitious)\n   Phone: +1-416-555-0142\n   Hours: 24/7\n"
      "   In person in Alpha: address given by phone\n");
  CHECK(shelter != std::string::npos);
  CHECK_THAT(s, Catch::Contains(
                    "2. Legal <Aid> & Co (fictitious)\n   Phone: +1-416-555-0177\n"
                    "   Hours: Mon-Fri 09:00-17:00\n   In person in Alpha: 2 Test Street\n"
                    "   Expect to wait about 2 days.\n"
                    "   Bring: any papers you have, even expired; it is OK if you have none\n"));
  CHECK_THAT(s, Catch::Contains("Bring: a change of clothes, if you can"));
  CHECK_THAT(s,
             Catch::Contains(
                 "Other numbers\n  Test line: 1-800-555-0199 (24/7)\n    If nothing here works\n"));
  // Nothing of the case: no need code or label, no age, gender, status or kind of exploitation.
  for (const char* word :
       {"shelter.emergency", "legal.immigration", "emergency shelter", "immigration legal", "33",
        "female", "woman", "temporary", "resident", "status", "traffick", "sex"}) {
    INFO(word);
    CHECK_THAT(lower(s), !Catch::Contains(word));
  }
  CHECK_THAT(s, !Catch::Contains("sh-alpha"));
  check_fits_80_columns(s);
}

TEST_CASE("the slip in French", "[api][slip]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a = e->refer(e->parse_case(kCase, "case"), test::test_date());
  const std::string s = api::slip_text(*e, a, 0, Lang::kFr);
  INFO(s);
  CHECK_THAT(s, Catch::StartsWith("Vos rendez-vous\n"));
  CHECK_THAT(
      s, Catch::Contains("Téléphone\u00a0: +1-416-555-0142") && Catch::Contains("Heures\u00a0: 24 h sur 24"));
  CHECK_THAT(s, Catch::Contains("En personne à Alpha\u00a0: adresse donnée par téléphone"));
  CHECK_THAT(s, Catch::Contains("Heures\u00a0: lun-ven 09:00-17:00"));
  CHECK_THAT(s, Catch::Contains("À apporter\u00a0: tous vos papiers, même expirés"));
  CHECK_THAT(s, Catch::Contains("Ligne d'essai\u00a0: 1-800-555-0199"));
  check_fits_80_columns(s);
}

TEST_CASE("the HTML slip is one standalone page with every string escaped", "[api][slip]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a = e->refer(e->parse_case(kCase, "case"), test::test_date());
  const std::string h = api::slip_html(*e, a, 0, Lang::kEn);
  INFO(h);
  CHECK_THAT(h, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  CHECK_THAT(
      h, Catch::Contains("<title>Your appointments</title>") && Catch::Contains("@media print"));
  CHECK_THAT(h, Catch::Contains("Legal &lt;Aid&gt; &amp; Co (fictitious)"));
  CHECK_THAT(h, !Catch::Contains("<Aid>") && !Catch::Contains("& Co"));
  CHECK_THAT(h, Catch::Contains("In person in Alpha: address given by phone"));
  for (const char* external : {"http:", "https:", "src=", "<link", "<script", "@import", "url("}) {
    INFO(external);
    CHECK_THAT(h, !Catch::Contains(external));
  }
  CHECK_THAT(
      api::slip_html(*e, a, 0, Lang::kFr),
      Catch::Contains("<html lang=\"fr\">") && Catch::Contains("<title>Vos rendez-vous</title>"));
}

TEST_CASE("a slip for a pathway the answer does not have is refused", "[api][slip]") {
  test::TempDir dir;
  auto e = test::world_engine(dir, kProviders);
  api::Answer a = e->refer(e->parse_case(kCase, "case"), test::test_date());
  CHECK_THROWS_AS(api::slip_text(*e, a, a.plan.pathways.size(), Lang::kEn), std::out_of_range);
  CHECK_THROWS_AS(api::slip_html(*e, a, 99, Lang::kEn), std::out_of_range);
}
