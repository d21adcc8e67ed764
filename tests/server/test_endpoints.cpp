// Every endpoint of the API on the shipped data, as a client sees it: the referral and the
// explanation byte for byte what the CLI prints, filters, live capacity, statistics, metrics.
#include "server_harness.hpp"

using namespace nrm::test;

namespace {

bool step_uses(const json& answer, const std::string& provider) {
  for (const auto& p : answer["pathways"])
    for (const auto& s : p["steps"])
      if (s["provider"] == provider) return true;
  return false;
}

}  // namespace

TEST_CASE("healthz and metrics answer without a token", "[server]") {
  auto& s = shared();
  Reply h = s.server->get("/healthz");
  REQUIRE(h.status == 200);
  CHECK(h.js()["status"] == "ok");
  CHECK(h.js()["providers"].get<int>() > 1000);
  Reply m = s.server->get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.headers["content-type"].rfind("text/plain", 0) == 0);
  CHECK(m.body.find("# TYPE nrm_http_requests_total counter") != std::string::npos);
  CHECK(m.body.find("nrm_http_requests_total{endpoint=\"healthz\",status=\"200\"}") != std::string::npos);
  CHECK(m.body.find("nrm_http_request_duration_seconds_bucket{endpoint=\"healthz\",le=\"+Inf\"}") != std::string::npos);
  s.server->get("/v1/providers/nope", s.token["frontline"]);
  m = s.server->get("/metrics");
  CHECK(m.body.find("nrm_http_errors_total{code=\"not_found\"}") != std::string::npos);
}

TEST_CASE("POST /v1/referrals returns exactly what nrm refer --json prints", "[server]") {
  auto& s = shared();
  std::string file = s.tmp.write("case.json", kCase);
  std::string cli = run(shell_quote(nrm_binary()) + " refer --json --as-of " + kAsOf + " --case " + file);
  Reply r = s.server->post(std::string("/v1/referrals?as_of=") + kAsOf, kCase, s.token["frontline"]);
  REQUIRE(r.status == 200);
  CHECK(r.headers["content-type"] == "application/json");
  CHECK(r.body == cli);
  json a = r.js();
  CHECK(a["complete"] == true);
  CHECK_FALSE(a["pathways"].empty());
}

TEST_CASE("POST /v1/referrals with exclude re-plans without the providers that said no", "[server]") {
  auto& s = shared();
  const std::string url = std::string("/v1/referrals?as_of=") + kAsOf;
  Reply first = s.server->post(url, kCase, s.token["frontline"]);
  REQUIRE(first.status == 200);
  std::string used = first.js()["pathways"][0]["steps"][0]["provider"];
  json body = json::parse(kCase);
  body["exclude"] = {used};
  Reply again = s.server->post(url, body.dump(), s.token["frontline"]);
  REQUIRE(again.status == 200);
  CHECK(again.js()["case"]["exclude"] == json::array({used}));
  CHECK(again.js()["complete"] == true);
  CHECK_FALSE(step_uses(again.js(), used));
  body["exclude"] = {used + "x"};
  Reply typo = s.server->post(url, body.dump(), s.token["frontline"]);
  CHECK(typo.status == 400);
  CHECK(typo.js()["errors"][0]["field"] == "exclude");
  CHECK_THAT(typo.js()["message"].get<std::string>(), Catch::Contains("did you mean '" + used + "'?"));
  // A case that names the person: refused by the field's name, the value never echoed.
  json named = json::parse(kCase);
  named["name"] = "Jane Roe";
  Reply refused = s.server->post(url, named.dump(), s.token["frontline"]);
  CHECK(refused.status == 400);
  CHECK(refused.js()["errors"][0]["field"] == "name");
  CHECK_THAT(refused.body, Catch::Contains("cases never hold identifying details: remove 'name'") && !Catch::Contains("Roe"));
}

TEST_CASE("POST /v1/explain: the provider judged rule by rule for the case", "[server]") {
  auto& s = shared();
  Reply r = s.server->post(std::string("/v1/referrals?as_of=") + kAsOf, kCase, s.token["frontline"]);
  REQUIRE(r.status == 200);
  std::string provider = r.js()["pathways"][0]["steps"][0]["provider"];
  json body = {{"provider", provider}, {"case", json::parse(kCase)}};
  Reply e = s.server->post(std::string("/v1/explain?as_of=") + kAsOf, body.dump(), s.token["police_liaison"]);
  REQUIRE(e.status == 200);
  // The CLI's rendering (nrm explain --json prints explanation_json(...).dump(2)).
  CHECK(e.body.rfind("{\n  \"", 0) == 0);
  CHECK(e.js()["provider"]["id"] == provider);
  CHECK(e.js()["eligible"] == true);
  CHECK(e.js()["in_best_pathway"] == true);
  CHECK(e.js()["rules"].is_array());

  SECTION("an unknown provider is 404, a missing one 400 naming the field") {
    body["provider"] = "xx-nowhere-999";
    CHECK(s.server->post("/v1/explain", body.dump(), s.token["frontline"]).status == 404);
    body.erase("provider");
    Reply bad = s.server->post("/v1/explain", body.dump(), s.token["frontline"]);
    CHECK(bad.status == 400);
    CHECK(bad.js()["errors"][0]["field"] == "provider");
  }
}

TEST_CASE("GET /v1/providers filters by province, need, attribute and language", "[server]") {
  auto& s = shared();
  const std::string& t = s.token["frontline"];
  Reply all = s.server->get("/v1/providers", t);
  REQUIRE(all.status == 200);
  json a = all.js();
  CHECK(a["count"] == a["providers"].size());
  CHECK(a["count"].get<int>() > 1000);

  Reply nu = s.server->get("/v1/providers?province=NU&need=shelter.emergency", t);
  REQUIRE(nu.status == 200);
  CHECK(nu.js()["count"].get<int>() > 0);
  CHECK(nu.js()["count"].get<int>() < a["count"].get<int>());
  for (const auto& p : nu.js()["providers"]) {
    CHECK(p["province"] == "NU");
    auto services = p["services"].get<std::vector<std::string>>();
    CHECK(std::find(services.begin(), services.end(), "shelter.emergency") != services.end());
  }
  Reply iku = s.server->get("/v1/providers?language=iku&attribute=trauma_informed", t);
  REQUIRE(iku.status == 200);
  CHECK(iku.js()["count"].get<int>() > 0);
  for (const auto& p : iku.js()["providers"]) {
    auto attrs = p["attributes"].get<std::vector<std::string>>();
    CHECK(std::find(attrs.begin(), attrs.end(), "trauma_informed") != attrs.end());
  }
  Reply two = s.server->get("/v1/providers?province=NU,YT", t);
  CHECK(two.js()["count"].get<int>() > nu.js()["count"].get<int>());

  Reply bad = s.server->get("/v1/providers?need=shelter.emergncy&colour=blue", t);
  CHECK(bad.status == 400);
  CHECK(bad.code() == "bad_input");
  CHECK(bad.body.find("colour") != std::string::npos);
  Reply bad2 = s.server->get("/v1/providers?need=shelter.emergncy", t);
  CHECK(bad2.status == 400);
  CHECK(bad2.js()["errors"][0]["field"] == "need");
  CHECK(bad2.body.find("shelter.emergency") != std::string::npos);  // did you mean
}

TEST_CASE("no confidential provider's address reaches any role", "[server]") {
  auto& s = shared();
  for (const char* role : {"frontline", "police_liaison", "coordinator"}) {
    Reply all = s.server->get("/v1/providers", s.token[role]);
    REQUIRE(all.status == 200);
    int confidential = 0;
    for (const auto& p : all.js()["providers"]) {
      if (!p["confidential"].get<bool>()) continue;
      ++confidential;
      CHECK_FALSE(p.contains("address"));
      Reply one = s.server->get("/v1/providers/" + p["id"].get<std::string>(), s.token[role]);
      CHECK_FALSE(one.js().contains("address"));
      if (confidential > 5) break;
    }
    CHECK(confidential > 0);
  }
}

TEST_CASE("GET /v1/providers/{id} and PUT capacity: the next referral uses the new count", "[server]") {
  auto& s = shared();
  const std::string& coord = s.token["coordinator"];
  Reply missing = s.server->get("/v1/providers/xx-nowhere-999", s.token["frontline"]);
  CHECK(missing.status == 404);
  CHECK(missing.code() == "not_found");

  // A referral where the city's emergency shelter is used; fill every bed; it is gone at once.
  Reply r = s.server->post(std::string("/v1/referrals?as_of=") + kAsOf, kCase, s.token["frontline"]);
  REQUIRE(r.status == 200);
  std::string shelter;
  for (const auto& st : r.js()["pathways"][0]["steps"])
    for (const auto& c : st["covers"])
      if (c == "shelter.emergency") shelter = st["provider"];
  REQUIRE_FALSE(shelter.empty());
  Reply before = s.server->get("/v1/providers/" + shelter, coord);
  REQUIRE(before.status == 200);
  int beds = before.js()["capacity"]["beds"];

  Reply put = s.server->put("/v1/providers/" + shelter + "/capacity", R"({"available": 0})", coord);
  REQUIRE(put.status == 200);
  CHECK(put.js()["capacity"]["available"] == 0);
  CHECK(put.js()["capacity"]["beds"] == beds);
  CHECK(s.server->get("/v1/providers/" + shelter, coord).js()["capacity"]["available"] == 0);
  Reply after = s.server->post(std::string("/v1/referrals?as_of=") + kAsOf, kCase, s.token["frontline"]);
  REQUIRE(after.status == 200);
  CHECK_FALSE(step_uses(after.js(), shelter));

  SECTION("beds too; bad values are 400 naming the field; nothing changes") {
    Reply both = s.server->put("/v1/providers/" + shelter + "/capacity",
                               "{\"available\": 1, \"beds\": " + std::to_string(beds + 1) + "}", coord);
    REQUIRE(both.status == 200);
    CHECK(both.js()["capacity"]["beds"] == beds + 1);
    struct Bad {
      const char* id;
      std::string body;
      const char* field;
    };
    for (const Bad& b : {Bad{"over-beds", R"({"available": 100000})", "available"},
                         Bad{"negative", R"({"available": -1})", "available"},
                         Bad{"string", R"({"available": "2"})", "available"},
                         Bad{"fraction", R"({"available": 1.5})", "available"},
                         Bad{"missing", R"({"beds": 3})", "available"},
                         Bad{"unknown-field", R"({"available": 1, "colour": 1})", "colour"},
                         Bad{"not-json", R"({"available": )", "body"},
                         Bad{"array", R"([1])", "body"}}) {
      INFO("case " << b.id);
      Reply bad = s.server->put("/v1/providers/" + shelter + "/capacity", b.body, coord);
      CHECK(bad.status == 400);
      CHECK(bad.js()["errors"][0]["field"] == b.field);
    }
    CHECK(s.server->get("/v1/providers/" + shelter, coord).js()["capacity"]["available"] == 1);
    CHECK(s.server->put("/v1/providers/xx-nowhere-999/capacity", R"({"available": 0})", coord).status == 404);
  }
  s.server->put("/v1/providers/" + shelter + "/capacity",
                before.js()["capacity"].dump(), coord);  // leave it as found
}

TEST_CASE("GET /v1/stats publishes closed months only, small cells hidden, the rest rounded", "[server][privacy]") {
  auto& s = shared();
  // A closed month in the log (as the server would have written it then).
  {
    nrm::store::Store store(s.db);
    std::vector<nrm::store::ReferralRecord> past;
    nrm::store::ReferralRecord r;
    r.hour = "2025-03-10T11";
    r.role = "frontline";
    r.province = "NU";
    r.needs = {{"legal.family", true}};
    for (int i = 0; i < 12; ++i) past.push_back(r);
    r.province = "YT";
    r.needs = {{"employment.training", true}};
    for (int i = 0; i < 4; ++i) past.push_back(r);
    store.log_referrals(past);
  }
  Reply st = s.server->get("/v1/stats", s.token["coordinator"]);
  REQUIRE(st.status == 200);
  json j = st.js();
  CHECK(j["period"] == "month");
  CHECK(j["min_cell"] == 10);
  CHECK(j["rounded_to"] == 5);
  json march;
  for (const auto& p : j["periods"])
    if (p["period"] == "2025-03") march = p;
  REQUIRE(march.is_object());
  bool nu = false;
  for (const auto& c : march["cells"]) {
    CHECK(c["count"].get<int>() >= 10);
    CHECK(c["count"].get<int>() % 5 == 0);
    CHECK_FALSE(c["need"] == "employment.training");
    if (c["province"] == "NU" && c["need"] == "legal.family") nu = c["count"] == 10;
  }
  CHECK(nu);
  CHECK(march["suppressed_cells"].get<int>() >= 1);
  // Referrals now (this month, still open) move nothing that is published.
  const std::string whitehorse = R"({"location": "whitehorse-yt", "needs": ["employment.training"]})";
  for (int i = 0; i < 12; ++i) REQUIRE(s.server->post("/v1/referrals", whitehorse, s.token["police_liaison"]).status == 200);
  CHECK(s.server->get("/v1/stats", s.token["coordinator"]).body == st.body);
  Reply yt = s.server->get("/v1/stats?province=YT", s.token["coordinator"]);
  REQUIRE(yt.status == 200);
  for (const auto& p : yt.js()["periods"]) CHECK(p["cells"].empty());
  CHECK(s.server->get("/v1/stats?province=XX", s.token["coordinator"]).status == 400);
}

TEST_CASE("GET /v1/audit returns what nrm audit --format json prints, with its filters", "[server]") {
  auto& s = shared();
  const std::string q = std::string("/v1/audit?province=PE&as_of=") + kAsOf;
  Reply a = s.server->get(q, s.token["coordinator"]);
  REQUIRE(a.status == 200);
  std::string cli = run(shell_quote(nrm_binary()) + " audit --format json --province PE --as-of " + kAsOf);
  CHECK(a.body == cli);
  CHECK(a.js()["province"] == "PE");
  CHECK(s.server->get(q, s.token["coordinator"]).body == a.body);  // the second time from the cache

  Reply bad = s.server->get("/v1/audit?province=XX", s.token["coordinator"]);
  CHECK(bad.status == 400);
  CHECK(bad.js()["errors"][0]["field"] == "province");
  Reply profile = s.server->get("/v1/audit?province=PE&profile=nobody", s.token["coordinator"]);
  CHECK(profile.status == 400);
  CHECK(s.server->get("/v1/audit?colour=red", s.token["coordinator"]).status == 400);
}
