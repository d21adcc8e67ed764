// The whole role x endpoint matrix, one row per (role, endpoint) with a stable id, and the
// token checks in front of it (missing, malformed, unknown, revoked).
#include "server_harness.hpp"

using namespace nrm::test;

TEST_CASE("role x endpoint matrix", "[server][roles]") {
  auto& s = shared();
  const std::string own = s.shelters[0], other = s.shelters[1];
  json explain = {{"provider", own}, {"case", json::parse(kCase)}};
  Reply own_now = s.server->get("/v1/providers/" + own, s.token["coordinator"]);
  Reply other_now = s.server->get("/v1/providers/" + other, s.token["coordinator"]);
  std::string own_cap = json{{"available", own_now.js()["capacity"]["available"]}}.dump();
  std::string other_cap = json{{"available", other_now.js()["capacity"]["available"]}}.dump();

  struct Call {
    const char* id;
    const char* method;
    std::string target;
    std::string body;
  };
  const std::vector<Call> calls = {
      {"referrals", "POST", "/v1/referrals", kCase},
      {"explain", "POST", "/v1/explain", explain.dump()},
      {"providers", "GET", "/v1/providers?province=PE", ""},
      {"provider", "GET", "/v1/providers/" + own, ""},
      {"capacity-own", "PUT", "/v1/providers/" + own + "/capacity", own_cap},
      {"capacity-other", "PUT", "/v1/providers/" + other + "/capacity", other_cap},
      {"audit", "GET", "/v1/audit?province=PE", ""},
      {"stats", "GET", "/v1/stats", ""},
      {"reload", "POST", "/v1/admin/reload", ""},
  };
  // 'y' allowed, 'n' forbidden (403). Columns: frontline, police_liaison, coordinator, provider_admin.
  const std::map<std::string, std::string> allowed = {
      {"referrals", "yyyn"}, {"explain", "yyyn"},      {"providers", "yyyn"},
      {"provider", "yyyn"},  {"capacity-own", "nnyy"}, {"capacity-other", "nnyn"},
      {"audit", "nnyn"},     {"stats", "nnyn"},        {"reload", "nnyn"},
  };
  const std::vector<std::string> roles = {"frontline", "police_liaison", "coordinator", "provider_admin"};
  for (std::size_t r = 0; r < roles.size(); ++r) {
    for (const auto& c : calls) {
      INFO("row " << roles[r] << "/" << c.id);
      Reply rep = s.server->call(c.method, c.target, c.body, s.token[roles[r]]);
      if (allowed.at(c.id)[r] == 'y') {
        CHECK(rep.status == 200);
      } else {
        CHECK(rep.status == 403);
        CHECK(rep.code() == "forbidden");
      }
    }
  }
}

TEST_CASE("police_liaison sees exactly what frontline sees", "[server][roles]") {
  auto& s = shared();
  for (const std::string& target : {std::string("/v1/providers?province=NU"), "/v1/providers/" + s.shelters[3]}) {
    Reply f = s.server->get(target, s.token["frontline"]);
    Reply p = s.server->get(target, s.token["police_liaison"]);
    REQUIRE(f.status == 200);
    CHECK(f.body == p.body);
  }
  std::string q = std::string("/v1/referrals?as_of=") + kAsOf;
  CHECK(s.server->post(q, kCase, s.token["frontline"]).body == s.server->post(q, kCase, s.token["police_liaison"]).body);
}

TEST_CASE("tokens: missing, malformed, unknown and revoked are 401", "[server][roles]") {
  auto& s = shared();
  auto& srv = *s.server;
  Reply none = srv.get("/v1/providers");
  CHECK(none.status == 401);
  CHECK(none.code() == "unauthorized");
  CHECK(none.headers["www-authenticate"].rfind("Bearer", 0) == 0);
  for (const std::string& header : {std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"),
                                    std::string("Bearer nrm_1_00"), std::string("Bearer ") + std::string(300, 'x'),
                                    "Token " + s.token["coordinator"]}) {
    INFO(header);
    Reply r = raw_request(srv.port(), "GET /v1/providers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: " +
                                          header + "\r\n\r\n");
    CHECK(r.status == 401);
  }
  // A token with one character changed.
  std::string t = s.token["frontline"];
  t.back() = t.back() == 'a' ? 'b' : 'a';
  CHECK(srv.get("/v1/providers", t).status == 401);
  // Lower-case scheme is fine.
  CHECK(raw_request(srv.port(), "GET /v1/providers/" + s.shelters[2] +
                                    " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: bearer " +
                                    s.token["frontline"] + "\r\n\r\n")
            .status == 200);
  // Revoked: refused from the next request on.
  std::string doomed = make_token(s.db, "frontline");
  CHECK(srv.get("/v1/providers/" + s.shelters[2], doomed).status == 200);
  {
    nrm::store::Store st(s.db);
    auto list = st.tokens();
    st.revoke_token(list.back().id);
  }
  CHECK(srv.get("/v1/providers/" + s.shelters[2], doomed).status == 401);
}
