// The server's life, on one store and a copy of the shipped directory: a capacity update
// acknowledged, then kill -9, is there after the restart; reload (HTTP and SIGHUP) keeps the old
// directory when the new one is bad and swaps when it is good; SIGTERM answers the request in
// flight, then exits 0. And tokens made, listed and revoked with the CLI.
#include <filesystem>

#include "server_harness.hpp"

using namespace nrm::test;

namespace {

std::string first_shelter(const Server& srv, const std::string& token, const char* province) {
  Reply r = srv.get(std::string("/v1/providers?need=shelter.emergency&province=") + province, token);
  REQUIRE(r.status == 200);
  for (const auto& p : r.js()["providers"])
    if (p.contains("capacity") && p["capacity"]["available"].get<int>() > 0) return p["id"];
  FAIL("no shelter with a free bed in " << province);
  return "";
}

bool uses(const json& answer, const std::string& provider) {
  for (const auto& p : answer["pathways"])
    for (const auto& s : p["steps"])
      if (s["provider"] == provider) return true;
  return false;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool wait_for_log(const Server& srv, const std::string& text) {
  for (int i = 0; i < 600; ++i) {
    if (srv.log_text().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("kill -9 keeps acknowledged capacity; reload keeps the old data when the new is bad; SIGTERM drains",
          "[server][durability][reload][drain]") {
  TempDir tmp;
  std::string db = tmp.path("nrm.db");
  std::string providers = tmp.path("providers.yaml");
  std::filesystem::copy_file(source_root() + "/data/providers.yaml", providers);
  const std::string good = read_file(providers);
  const std::vector<std::string> args = {"--providers", providers};
  std::string coord = make_token(db, "coordinator");
  std::string front = make_token(db, "frontline");

  // 1. An update acknowledged, then kill -9: nothing after the 200 had a chance to run.
  std::string shelter, admin;
  int beds = 0;
  {
    Server a(db, args, tmp.path("a.log"));
    shelter = first_shelter(a, coord, "ON");
    admin = make_token(db, "provider_admin", shelter);
    beds = a.get("/v1/providers/" + shelter, coord).js()["capacity"]["beds"];
    Reply put = a.put("/v1/providers/" + shelter + "/capacity",
                      "{\"available\": 0, \"beds\": " + std::to_string(beds + 3) + "}", admin);
    REQUIRE(put.status == 200);
    a.kill9();
  }
  Server b(db, args, tmp.path("b.log"));
  Reply got = b.get("/v1/providers/" + shelter, coord);
  REQUIRE(got.status == 200);
  CHECK(got.js()["capacity"]["available"] == 0);
  CHECK(got.js()["capacity"]["beds"] == beds + 3);
  CHECK(b.log_text().find("1 stored capacity updates applied") != std::string::npos);
  // A referral at the shelter's own community no longer gets a bed there.
  std::string community = got.js()["community"];
  std::string c = R"({"location": ")" + community + R"(", "gender": "female", "needs": ["shelter.emergency"]})";
  Reply r = b.post("/v1/referrals", c, front);
  REQUIRE(r.status == 200);
  CHECK_FALSE(uses(r.js(), shelter));
  int count = b.get("/healthz").js()["providers"];

  // 2. A broken directory: the reload is refused with the problem, and nothing changes.
  tmp.write("providers.yaml", good + "\n  - id: broken\n    community: atlantis-on\n");
  Reply bad = b.post("/v1/admin/reload", "", coord);
  CHECK(bad.status == 400);
  CHECK(bad.code() == "bad_input");
  CHECK(bad.js()["message"].get<std::string>().find("stays in service") != std::string::npos);
  CHECK_FALSE(bad.js()["errors"].empty());
  CHECK(b.get("/healthz").status == 200);
  CHECK(b.post("/v1/referrals", kCase, front).status == 200);
  CHECK(b.get("/v1/providers/" + shelter, coord).js()["capacity"]["available"] == 0);

  // 3. Mended, one provider fewer, reloaded by SIGHUP: swapped, live capacity kept. The provider
  //    dropped is the last one no other provider names (as a partner), so the rest stays valid.
  std::string fewer = good;
  const std::string entry = "\n  - id: ";
  std::size_t drop = std::string::npos, end = fewer.size();
  for (std::size_t at = fewer.rfind(entry); at != std::string::npos && at > 0;
       end = at, at = fewer.rfind(entry, at - 1)) {
    std::size_t from = at + entry.size();
    std::string id = fewer.substr(from, fewer.find('\n', from) - from);
    std::size_t uses = 0;
    for (std::size_t p = fewer.find(id); p != std::string::npos; p = fewer.find(id, p + 1)) ++uses;
    if (uses == 1 && id != shelter) {
      drop = at;
      break;
    }
  }
  REQUIRE(drop != std::string::npos);
  fewer.erase(drop + 1, end - drop);
  tmp.write("providers.yaml", fewer);
  b.signal(SIGHUP);
  REQUIRE(wait_for_log(b, "SIGHUP reload:"));
  CHECK(b.log_text().find("SIGHUP reload: ok") != std::string::npos);
  CHECK(b.get("/healthz").js()["providers"] == count - 1);
  CHECK(b.get("/v1/providers/" + shelter, coord).js()["capacity"]["available"] == 0);
  std::string metrics = b.get("/metrics").body;
  CHECK(metrics.find("nrm_reloads_total{result=\"error\"} 1") != std::string::npos);
  CHECK(metrics.find("nrm_reloads_total{result=\"ok\"} 1") != std::string::npos);
  // Reloaded again, nothing changed: the directory comes from the snapshot the SIGHUP reload wrote
  // (ctest gives every test NRM_CACHE, a folder in the build tree).
  Reply again = b.post("/v1/admin/reload", "", coord);
  REQUIRE(again.status == 200);
  CHECK(again.js()["snapshot"] == "read");
  CHECK(b.get("/healthz").js()["providers"] == count - 1);

  // 4. SIGTERM with one idle keep-alive connection and one request half sent.
  int idle = connect_to(b.port());
  REQUIRE(send_all(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  char buf[4096];
  REQUIRE(::recv(idle, buf, sizeof buf, 0) > 0);
  std::string body = kCase;
  int busy = connect_to(b.port());
  REQUIRE(send_all(busy, "POST /v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + front +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the server has read the start
  b.signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(send_all(busy, body.substr(10)));
  Reply last_answer = parse_reply(read_all(busy));
  ::close(busy);
  CHECK(last_answer.status == 200);
  CHECK(last_answer.headers["connection"] == "close");
  CHECK(::recv(idle, buf, sizeof buf, 0) == 0);  // closed by the server
  ::close(idle);
  CHECK(b.wait_exit(20) == 0);
  CHECK(connect_to(b.port()) < 0);
}

TEST_CASE("nrm token create, list and revoke", "[server][tokens]") {
  auto& s = shared();
  std::string bin = "'" + nrm_binary() + "'";
  std::string db = " --db " + s.db;
  int status = -1;
  std::string secret = run(bin + " token create --role coordinator" + db + " 2>/dev/null", &status);
  REQUIRE(status == 0);
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();
  CHECK(secret.rfind("nrm_", 0) == 0);
  CHECK(s.server->get("/v1/stats", secret).status == 200);

  run(bin + " token create --role provider_admin" + db + " 2>/dev/null", &status);
  CHECK(status == 2);  // needs --provider
  run(bin + " token create --role janitor" + db + " 2>/dev/null", &status);
  CHECK(status == 2);
  run(bin + " token create --role frontline --provider on-toronto-001" + db + " 2>/dev/null", &status);
  CHECK(status == 2);

  std::string list = run(bin + " token list" + db, &status);
  CHECK(status == 0);
  CHECK(list.find("provider_admin\t" + s.shelters[0]) != std::string::npos);
  CHECK(list.find(secret.substr(secret.rfind('_') + 1)) == std::string::npos);  // no secret
  std::string id = secret.substr(4, secret.find('_', 4) - 4);
  run(bin + " token revoke --id " + id + db, &status);
  CHECK(status == 0);
  CHECK(s.server->get("/v1/stats", secret).status == 401);
  run(bin + " token revoke --id 4242" + db + " 2>/dev/null", &status);
  CHECK(status == 2);
}
