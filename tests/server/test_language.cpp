// The server answers in the language of each request (Accept-Language): the sentences of an
// answer, the unmet needs and the `message` of a refusal are French for a French request, English
// without the header or without a French or English preference; codes, field names and figures
// never change, and Content-Language says which it is. A request that waits for the disk (a case
// opened) is answered by another thread: it is French too.
#include <regex>

#include "server_harness.hpp"

using namespace nrm::test;

namespace {

const std::string kFrench = "Accept-Language: fr-CA,fr;q=0.9\r\n";

Reply post_in(const std::string& target, const std::string& body, const std::string& token, const std::string& lang) {
  return raw_request(shared().server->port(), request_text("POST", target, body, token, lang));
}

std::string referrals() { return std::string("/v1/referrals?as_of=") + kAsOf; }

// Every sentence of an answer: warnings, the why of each step, the unmet reasons.
std::string sentences(const json& a) {
  std::string out;
  for (const auto& p : a["pathways"]) {
    for (const auto& w : p["warnings"]) out += w.get<std::string>() + "\n";
    for (const auto& s : p["steps"])
      for (const auto& w : s["why"]) out += w.get<std::string>() + "\n";
  }
  for (const auto& u : a["unmet"]) out += u["reason"].get<std::string>() + "\n";
  return out;
}

}  // namespace

TEST_CASE("a referral is answered in the request's language: French for fr-CA, English without", "[server][i18n]") {
  auto& s = shared();
  const std::string& t = s.token["frontline"];
  Reply fr = post_in(referrals(), kCase, t, kFrench);
  Reply en = post_in(referrals(), kCase, t, "");
  Reply de = post_in(referrals(), kCase, t, "Accept-Language: de-DE,de;q=0.9\r\n");
  REQUIRE(fr.status == 200);
  REQUIRE(en.status == 200);
  REQUIRE(de.status == 200);
  CHECK(fr.headers["content-language"] == "fr");
  CHECK(en.headers["content-language"] == "en");
  CHECK(de.headers["content-language"] == "en");
  // Only the sentences differ: the same pathways, providers, codes and figures.
  const json& jf = fr.js();
  const json& je = en.js();
  REQUIRE(jf["pathways"].size() == je["pathways"].size());
  REQUIRE(!jf["pathways"].empty());
  for (std::size_t i = 0; i < jf["pathways"].size(); ++i) {
    CHECK(jf["pathways"][i]["total_cost"] == je["pathways"][i]["total_cost"]);
    REQUIRE(jf["pathways"][i]["steps"].size() == je["pathways"][i]["steps"].size());
    for (std::size_t k = 0; k < jf["pathways"][i]["steps"].size(); ++k) {
      CHECK(jf["pathways"][i]["steps"][k]["provider"] == je["pathways"][i]["steps"][k]["provider"]);
      CHECK(jf["pathways"][i]["steps"][k]["covers"] == je["pathways"][i]["steps"][k]["covers"]);
    }
  }
  CHECK(jf["case"] == je["case"]);
  const std::string french = sentences(jf), english = sentences(je);
  INFO(french);
  CHECK_THAT(french, Catch::Contains("répond à "));
  CHECK(french.find("meets ") == std::string::npos);
  CHECK_THAT(english, Catch::Contains("meets "));
  CHECK(english.find("répond à ") == std::string::npos);
  // No header, or a language nrm does not write: English, byte for byte.
  CHECK(de.body == en.body);
}

TEST_CASE("unmet needs and the explanation are French for a French request", "[server][i18n]") {
  auto& s = shared();
  const std::string& t = s.token["frontline"];
  const std::string none = R"({"location": "kuujjuaq-qc", "needs": ["shelter.emergency"], "max_travel_hours": 1,
                               "avoid": ["kuujjuaq-qc"], "when": "2026-06-01T14:00"})";
  Reply fr = post_in(referrals(), none, t, kFrench);
  Reply en = post_in(referrals(), none, t, "");
  REQUIRE(fr.status == 200);
  REQUIRE(en.status == 200);
  REQUIRE(fr.js()["unmet"].size() == 1);
  CHECK(fr.js()["unmet"][0]["need"] == "shelter.emergency");
  CHECK(fr.js()["unmet"][0]["need"] == en.js()["unmet"][0]["need"]);
  CHECK(fr.js()["unmet"][0]["reason"] != en.js()["unmet"][0]["reason"]);

  // The rules' reasons of an explanation (reason_fr); their ids, effects and costs unchanged.
  const std::string body = R"({"provider": "nu-iqaluit-001", "case": {"location": "iqaluit-nu", "age": 17,
    "gender": "female", "identity": ["inuit"], "languages": ["iku", "eng"], "exploitation": "sex",
    "needs": ["shelter.emergency", "counselling.trauma"], "prefer": ["inuit_specific"], "when": "2026-06-01T14:00"}})";
  Reply xf = post_in(std::string("/v1/explain?as_of=") + kAsOf, body, t, kFrench);
  Reply xe = post_in(std::string("/v1/explain?as_of=") + kAsOf, body, t, "");
  REQUIRE(xf.status == 200);
  REQUIRE(xe.status == 200);
  CHECK(xf.headers["content-language"] == "fr");
  const json& rf = xf.js()["rules"];
  const json& re = xe.js()["rules"];
  REQUIRE(rf.size() == re.size());
  REQUIRE(!rf.empty());
  for (std::size_t i = 0; i < rf.size(); ++i) {
    CHECK(rf[i]["rule"] == re[i]["rule"]);
    CHECK(rf[i]["cost"] == re[i]["cost"]);
  }
  CHECK(rf[0]["reason"] != re[0]["reason"]);
  CHECK(re[0]["reason"] == "The provider has an attribute the person prefers.");
}

TEST_CASE("a refusal in French: the same code and field, its message in French", "[server][i18n]") {
  auto& s = shared();
  const std::string& t = s.token["frontline"];
  // A mistyped need.
  const std::string typo = R"({"location": "thunder-bay-on", "needs": ["shelter.emergancy"], "age": -4})";
  Reply fr = post_in(referrals(), typo, t, kFrench);
  Reply en = post_in(referrals(), typo, t, "");
  REQUIRE(fr.status == 400);
  REQUIRE(en.status == 400);
  CHECK(fr.code() == "bad_input");
  CHECK(fr.headers["content-language"] == "fr");
  INFO(fr.body);
  INFO(en.body);
  const json& ef = fr.js()["errors"];
  const json& ee = en.js()["errors"];
  REQUIRE(ef.size() == ee.size());
  for (std::size_t i = 0; i < ef.size(); ++i) CHECK(ef[i]["field"] == ee[i]["field"]);
  const std::string mf = fr.js()["message"], me = en.js()["message"];
  CHECK_THAT(me, Catch::Contains("needs: unknown need 'shelter.emergancy' (did you mean 'shelter.emergency'?)"));
  CHECK_THAT(me, Catch::Contains("age: -4 is out of range; expected 0 to 120"));
  CHECK_THAT(mf, Catch::Contains("needs\u00a0: code inconnu (besoin) 'shelter.emergancy' (vouliez-vous dire "
                                 "'shelter.emergency'\u00a0?)"));
  CHECK_THAT(mf, Catch::Contains("age\u00a0: -4 est hors limites\u00a0; attendu de 0 à 120"));
  CHECK(mf.find("unknown") == std::string::npos);
  CHECK(mf.find("expected") == std::string::npos);

  // No token; an unknown endpoint; malformed JSON: each refusal keeps its code.
  Reply no_token = post_in(referrals(), kCase, "", kFrench);
  CHECK(no_token.status == 401);
  CHECK(no_token.code() == "unauthorized");
  CHECK(no_token.js()["message"] == "l'en-tête Authorization: Bearer TOKEN manque");
  Reply nowhere = raw_request(s.server->port(), request_text("GET", "/v1/nowhere", "", t, kFrench));
  CHECK(nowhere.status == 404);
  CHECK(nowhere.code() == "not_found");
  CHECK_THAT(nowhere.js()["message"].get<std::string>(), Catch::StartsWith("aucun point d'accès /v1/nowhere"));
  Reply broken = post_in(referrals(), "{\"location\": ", t, kFrench);
  CHECK(broken.status == 400);
  CHECK(broken.code() == "bad_input");
  CHECK_THAT(broken.js()["message"].get<std::string>(), Catch::StartsWith("body\u00a0: JSON mal formé à l'octet "));
  Reply broken_en = post_in(referrals(), "{\"location\": ", t, "");
  CHECK_THAT(broken_en.js()["message"].get<std::string>(), Catch::StartsWith("body: malformed JSON at byte "));
}

TEST_CASE("a request answered on the writers' pool is in its language too", "[server][i18n]") {
  auto& s = shared();
  const std::string& t = s.token["frontline"];
  // POST /v1/cases waits for the disk: it runs on another thread than the one that read it.
  Reply fr = post_in("/v1/cases", "{}", t, kFrench);
  Reply en = post_in("/v1/cases", "{}", t, "");
  REQUIRE(fr.status == 400);
  REQUIRE(en.status == 400);
  CHECK(fr.code() == en.code());
  CHECK(fr.headers["content-language"] == "fr");
  CHECK(en.headers["content-language"] == "en");
  CHECK(fr.js()["message"] == "case\u00a0: le cas est attendu sous forme d'objet JSON");
  CHECK(en.js()["message"] == "case: expected the case as a JSON object");
}
