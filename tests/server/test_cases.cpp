// Tracked cases through the real server on the shipped data (tests of the shipped data too): the
// lifecycle, the role x endpoint matrix of the case routes, refusals (400, 404, 409, 422), races on
// one step and on the last beds, the published figures, `nrm cases`, and kill -9 between transitions.
#include <atomic>
#include <functional>

#include "server_harness.hpp"

using namespace nrm::test;

namespace {

// A server of its own (beds are taken here), with a token per role and a second frontline token.
struct CaseServer {
  TempDir tmp;
  std::string db = tmp.path("nrm.db");
  std::unique_ptr<Server> server;
  std::map<std::string, std::string> token;
  CaseServer() {
    server = std::make_unique<Server>(db);
    for (const char* r : {"frontline", "police_liaison", "coordinator"}) token[r] = make_token(db, r);
    token["frontline-other"] = make_token(db, "frontline");
  }
  // The provider_admin token of `provider` (made once).
  const std::string& admin(const std::string& provider) {
    auto [it, fresh] = token.try_emplace("admin:" + provider);
    if (fresh) it->second = make_token(db, "provider_admin", provider);
    return it->second;
  }
  // The provider ids of the answer's pathway `rank` (1-based) for `kase`.
  std::vector<std::string> pathway(const std::string& kase, std::size_t rank = 1) {
    Reply r = server->post(std::string("/v1/referrals?as_of=") + kAsOf, kase, token["frontline"]);
    REQUIRE(r.status == 200);
    REQUIRE(r.js()["pathways"].size() >= rank);
    std::vector<std::string> ids;
    for (const auto& s : r.js()["pathways"][rank - 1]["steps"]) ids.push_back(s["provider"]);
    return ids;
  }
  Reply open(const std::string& kase, const std::vector<std::string>& steps, const std::string& as = "frontline",
             bool share = true) {
    json body = {{"case", json::parse(kase)}, {"steps", steps}, {"consent", {{"share", share}}}};
    return server->post("/v1/cases", body.dump(), token[as]);
  }
  int available(const std::string& provider) {
    Reply r = server->get("/v1/providers/" + provider, token["coordinator"]);
    REQUIRE(r.status == 200);
    return r.js()["capacity"]["available"];
  }
};

CaseServer& cases() {
  static CaseServer s;
  return s;
}

// Shelter, trauma counselling and criminal law at Thunder Bay: a shelter that counsels, then a
// legal clinic (two steps, two providers).
// (A fixed time, so intake hours rank the same whenever the tests run; a case stores no time.)
const std::string kThreeNeeds = R"({"location": "thunder-bay-on", "age": 24, "gender": "female", "languages": ["eng"],
  "exploitation": "sex", "when": "2026-06-01T14:00", "needs": ["shelter.emergency", "counselling.trauma", "legal.criminal"]})";
// Trauma counselling alone in Toronto: no bed is ever taken.
const std::string kCounselling = R"({"location": "toronto-on", "age": 30, "gender": "male", "languages": ["eng"],
  "exploitation": "labour", "when": "2026-06-01T14:00", "needs": ["counselling.trauma", "legal.labour"]})";

std::string step_status(const json& doc, const std::string& provider) {
  for (const auto& s : doc["steps"])
    if (s["provider"] == provider) return s["status"];
  return "";
}

std::vector<std::string> event_list(const json& doc) {
  std::vector<std::string> out;
  for (const auto& e : doc["history"]) out.push_back(e["event"].get<std::string>() + (e.contains("provider") ? " " + e["provider"].get<std::string>() : ""));
  return out;
}

}  // namespace

TEST_CASE("a case from referral to outcome: opened, accepted, declined and replaced, closed", "[server][cases]") {
  auto& s = cases();
  auto& srv = *s.server;
  const std::vector<std::string> steps = s.pathway(kThreeNeeds);
  REQUIRE(steps.size() == 2);
  const std::string shelter = steps[0], clinic = steps[1];
  const int beds = s.available(shelter);
  REQUIRE(beds > 0);

  // 1. The worker opens the case from the pathway the answer proposed.
  Reply opened = s.open(kThreeNeeds, steps);
  REQUIRE(opened.status == 201);
  const json doc = opened.js();
  const std::string ref = doc["reference"];
  CHECK(ref.size() == 9);
  CHECK(doc["status"] == "open");
  CHECK(doc["consent"] == json({{"share", true}, {"police", false}, {"duty_to_report", false}}));
  CHECK(doc["case"]["when"].is_null());  // nothing finer than the day
  for (const auto& st : doc["steps"]) CHECK(st["status"] == "requested");
  CHECK(doc["steps"][0]["covers"] == json({"shelter.emergency", "counselling.trauma"}));
  CHECK(doc["replacement"].is_null());
  CHECK_FALSE(opened.body.find("name\":\"Jane") != std::string::npos);

  // 2. The shelter reads its inbox: the reference, what it is asked, the person's band and languages.
  Reply inbox = srv.get("/v1/providers/" + shelter + "/requests", s.admin(shelter));
  REQUIRE(inbox.status == 200);
  json mine;
  for (const auto& r : inbox.js()["requests"])
    if (r["reference"] == ref) mine = r;
  REQUIRE(mine.is_object());
  CHECK(mine["status"] == "requested");
  CHECK(mine["age_band"] == "18-24");
  CHECK(mine["languages"] == json({"eng"}));
  CHECK(mine["covers"] == json({"shelter.emergency", "counselling.trauma"}));
  CHECK_FALSE(mine.contains("age"));
  CHECK_FALSE(mine.contains("location"));

  // 3. The shelter accepts: one bed fewer, at once, for every later lookup.
  Reply accepted = srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/accept", "", s.admin(shelter));
  REQUIRE(accepted.status == 200);
  CHECK(accepted.js()["status"] == "accepted");
  CHECK(accepted.js()["beds_available"] == beds - 1);
  CHECK(s.available(shelter) == beds - 1);
  CHECK(srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/accept", "", s.admin(shelter)).status == 409);

  // 4. The clinic declines; the answer carries the replacement: the shelter kept first, the clinic
  //    nowhere.
  Reply bad_reason = srv.post("/v1/cases/" + ref + "/steps/" + clinic + "/decline", R"({"reason": "busy"})", s.admin(clinic));
  CHECK(bad_reason.status == 400);
  CHECK(bad_reason.js()["errors"][0]["field"] == "reason");
  Reply declined = srv.post("/v1/cases/" + ref + "/steps/" + clinic + "/decline", R"({"reason": "full"})", s.admin(clinic));
  REQUIRE(declined.status == 200);
  const json replacement = declined.js()["replacement"];
  REQUIRE(replacement.is_object());
  CHECK(replacement["steps"][0]["provider"] == shelter);
  std::vector<std::string> next;
  for (const auto& st : replacement["steps"]) {
    CHECK(st["provider"] != clinic);
    next.push_back(st["provider"]);
  }
  REQUIRE(next.size() >= 2);
  for (const char* key : {"rank", "total_cost", "cost", "travel_hours", "warnings"}) CHECK(replacement.contains(key));

  // 5. The worker sees it too, and confirms it: the new step is requested.
  Reply seen = srv.get("/v1/cases/" + ref, s.token["frontline"]);
  REQUIRE(seen.status == 200);
  CHECK(seen.js()["replacement"] == replacement);
  Reply again = srv.post("/v1/cases/" + ref + "/steps", json{{"steps", steps}}.dump(), s.token["frontline"]);
  CHECK(again.status == 422);  // the clinic declined: never asked again
  CHECK(again.js()["errors"][0]["rule"] == "declined");
  Reply confirmed = srv.post("/v1/cases/" + ref + "/steps", json{{"steps", next}}.dump(), s.token["frontline"]);
  REQUIRE(confirmed.status == 200);
  CHECK(step_status(confirmed.js(), shelter) == "accepted");
  CHECK(step_status(confirmed.js(), next[1]) == "requested");
  CHECK(step_status(confirmed.js(), clinic) == "declined");
  CHECK(confirmed.js()["replacement"].is_null());
  REQUIRE(srv.post("/v1/cases/" + ref + "/steps/" + next[1] + "/accept", "{}", s.admin(next[1])).status == 200);

  // 6. Closed with an outcome; nothing moves after.
  CHECK(srv.post("/v1/cases/" + ref + "/close", R"({"outcome": "fine"})", s.token["frontline"]).status == 400);
  Reply closed = srv.post("/v1/cases/" + ref + "/close", R"({"outcome": "supported"})", s.token["frontline"]);
  REQUIRE(closed.status == 200);
  CHECK(closed.js()["status"] == "closed");
  CHECK(closed.js()["outcome"] == "supported");
  CHECK(closed.js()["closed"] == closed.js()["opened"]);
  CHECK(srv.post("/v1/cases/" + ref + "/close", R"({"outcome": "supported"})", s.token["frontline"]).status == 409);
  CHECK(srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/withdraw", "", s.token["frontline"]).status == 409);
  CHECK(event_list(closed.js()) == std::vector<std::string>{"opened", "requested " + shelter, "requested " + clinic,
                                                             "accepted " + shelter, "declined " + clinic,
                                                             "requested " + next[1], "accepted " + next[1], "closed"});
  for (const auto& e : closed.js()["history"]) CHECK(e["day"].get<std::string>().size() == 10);  // to the day
  const std::string metrics = srv.get("/metrics").body;
  CHECK(metrics.find("nrm_case_transitions_total{event=\"declined\"}") != std::string::npos);
  CHECK(metrics.find("nrm_http_requests_total{endpoint=\"step_accept\",status=\"200\"}") != std::string::npos);
}

TEST_CASE("withdrawing an accepted shelter step gives its bed back; a minor's child protection stays", "[server][cases]") {
  auto& s = cases();
  auto& srv = *s.server;
  const std::vector<std::string> steps = s.pathway(kThreeNeeds);
  const std::string shelter = steps[0];
  const std::string ref = s.open(kThreeNeeds, steps).js()["reference"];
  const int beds = s.available(shelter);
  REQUIRE(srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/accept", "", s.admin(shelter)).status == 200);
  CHECK(s.available(shelter) == beds - 1);
  Reply w = srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/withdraw", "", s.token["frontline"]);
  REQUIRE(w.status == 200);
  CHECK(step_status(w.js(), shelter) == "withdrawn");
  CHECK(s.available(shelter) == beds);
  CHECK(w.js()["replacement"].is_object());  // the shelter and counselling need meeting again

  // A minor, without consent to share: only the child-protection step opens, under the duty to report.
  const std::string minor =
      R"({"location": "thunder-bay-on", "age": 15, "gender": "female", "when": "2026-06-01T14:00", "needs": ["shelter.emergency"]})";
  std::string agency;
  Reply answer = srv.post("/v1/referrals", minor, s.token["frontline"]);
  for (const auto& st : answer.js()["pathways"][0]["steps"])
    for (const auto& c : st["covers"])
      if (c == "child.protection") agency = st["provider"];
  REQUIRE_FALSE(agency.empty());
  Reply refused = s.open(minor, s.pathway(minor), "frontline", false);
  CHECK(refused.status == 422);
  CHECK(refused.body.find("consent-share") != std::string::npos);
  Reply duty = s.open(minor, {agency}, "frontline", false);
  REQUIRE(duty.status == 201);
  CHECK(duty.js()["consent"]["duty_to_report"] == true);
  CHECK(duty.js()["steps"][0]["duty_to_report"] == true);
  const std::string dref = duty.js()["reference"];
  Reply stay = srv.post("/v1/cases/" + dref + "/steps/" + agency + "/withdraw", "", s.token["frontline"]);
  CHECK(stay.status == 422);
  CHECK(stay.js()["errors"][0]["rule"] == "duty-to-report");
}

TEST_CASE("opening a case: 422 naming step and rule, 400 for what is not a request", "[server][cases][errors]") {
  auto& s = cases();
  const std::vector<std::string> steps = s.pathway(kThreeNeeds);
  // A step short: the need left is named.
  Reply short_one = s.open(kThreeNeeds, {steps[0]});
  REQUIRE(short_one.status == 422);
  CHECK(short_one.code() == "invalid_pathway");
  CHECK(short_one.js()["errors"][0]["rule"] == "covers-every-need");
  CHECK(short_one.js()["errors"][0]["step"].is_null());
  CHECK_THAT(short_one.js()["message"].get<std::string>(), Catch::Contains("legal.criminal"));
  // A provider the rules exclude (a men's shelter for a woman, or any provider the case cannot use).
  Reply all = s.server->get("/v1/providers?need=shelter.emergency&province=ON", s.token["coordinator"]);
  std::string closed;
  for (const auto& p : all.js()["providers"])
    if (p["accepts_trafficking_victims"] == false) closed = p["id"];
  REQUIRE_FALSE(closed.empty());
  Reply refused = s.open(kThreeNeeds, {closed, steps[0], steps[1]});
  REQUIRE(refused.status == 422);
  bool rule_named = false;
  for (const auto& e : refused.js()["errors"]) {
    CHECK(e["field"] == "steps[0]");
    CHECK(e["provider"] == closed);
    rule_named = rule_named || e["rule"] == "trafficking-victims";
  }
  CHECK(rule_named);
  // Not requests at all: 400 naming the field.
  Reply typo = s.open(kThreeNeeds, {steps[0] + "x", steps[1]});
  CHECK(typo.status == 400);
  CHECK(typo.js()["errors"][0]["field"] == "steps[0]");
  CHECK_THAT(typo.body, Catch::Contains("did you mean '" + steps[0] + "'?"));
  const json kase = json::parse(kThreeNeeds);
  for (const auto& [body, field] : std::vector<std::pair<json, std::string>>{
           {{{"case", kase}, {"steps", steps}}, "consent"},
           {{{"case", kase}, {"steps", steps}, {"consent", {{"share", "yes"}}}}, "consent.share"},
           {{{"case", kase}, {"steps", steps}, {"consent", {{"share", true}, {"police", true}}}}, "consent.police"},
           {{{"case", kase}, {"steps", json::array()}, {"consent", {{"share", true}}}}, "steps"},
           {{{"case", kase}, {"steps", steps}, {"consent", {{"share", true}}}, {"note", "x"}}, "note"},
           {{{"case", kase}, {"steps", std::vector<std::string>(12, steps[0])}, {"consent", {{"share", true}}}}, "steps"},
       }) {
    INFO(field);
    Reply r = s.server->post("/v1/cases", body.dump(), s.token["frontline"]);
    CHECK(r.status == 400);
    CHECK(r.js()["errors"][0]["field"] == field);
  }
  json named = kase;
  named["name"] = "Jane Roe";
  Reply identifying = s.server->post("/v1/cases", json{{"case", named}, {"steps", steps}, {"consent", {{"share", true}}}}.dump(),
                                     s.token["frontline"]);
  CHECK(identifying.status == 400);
  CHECK(identifying.body.find("Roe") == std::string::npos);
  // Unknown references are 404, and a provider with no step in the case too.
  const std::string ref = s.open(kCounselling, s.pathway(kCounselling)).js()["reference"];
  CHECK(s.server->get("/v1/cases/ZZZZ-ZZZZ", s.token["frontline"]).status == 404);
  CHECK(s.server->post("/v1/cases/" + ref + "/steps/" + steps[0] + "/accept", "", s.admin(steps[0])).status == 404);
}

TEST_CASE("case routes: role x endpoint matrix, with the opener, another worker and another provider", "[server][cases][roles]") {
  auto& s = cases();
  auto& srv = *s.server;
  const std::vector<std::string> steps = s.pathway(kCounselling);
  const std::string provider = steps[0];
  const std::string other = s.pathway(kThreeNeeds)[0];
  s.admin(provider);
  s.admin(other);
  struct Call {
    const char* id;
    const char* method;
    std::string path;  // REF stands for a fresh case's reference
    std::string body;
    int ok;
  };
  const std::vector<Call> calls = {
      {"open", "POST", "/v1/cases", "", 201},
      {"read", "GET", "/v1/cases/REF", "", 200},
      {"steps", "POST", "/v1/cases/REF/steps", json{{"steps", steps}}.dump(), 200},
      {"close", "POST", "/v1/cases/REF/close", R"({"outcome": "lost_contact"})", 200},
      {"accept", "POST", "/v1/cases/REF/steps/" + provider + "/accept", "", 200},
      {"decline", "POST", "/v1/cases/REF/steps/" + provider + "/decline", R"({"reason": "safety_concern"})", 200},
      {"withdraw", "POST", "/v1/cases/REF/steps/" + provider + "/withdraw", "", 200},
      {"inbox", "GET", "/v1/providers/" + provider + "/requests", "", 200},
  };
  // Callers: frontline (the opener), frontline-other, police_liaison, coordinator, the provider's
  // admin, another provider's admin, no token. 'y' allowed, 'n' 403, 'u' 401.
  const std::vector<std::string> callers = {"frontline", "frontline-other", "police_liaison", "coordinator",
                                            "admin:" + provider, "admin:" + other, ""};
  const std::map<std::string, std::string> allowed = {
      {"open", "yyynnnu"},   {"read", "ynnynnu"},    {"steps", "ynnnnnu"},    {"close", "ynnynnu"},
      {"accept", "nnnnynu"}, {"decline", "nnnnynu"}, {"withdraw", "ynnnnnu"}, {"inbox", "nnnnynu"},
  };
  const json open_body = {{"case", json::parse(kCounselling)}, {"steps", steps}, {"consent", {{"share", true}}}};
  for (std::size_t who = 0; who < callers.size(); ++who)
    for (const auto& c : calls) {
      INFO("row " << c.id << " / " << (callers[who].empty() ? "no token" : callers[who]));
      const std::string ref = s.open(kCounselling, steps).js()["reference"];  // opened by "frontline"
      std::string path = c.path;
      if (auto at = path.find("REF"); at != std::string::npos) path.replace(at, 3, ref);
      const std::string body = c.body.empty() && std::string(c.id) == "open" ? open_body.dump() : c.body;
      Reply r = srv.call(c.method, path, body, callers[who].empty() ? "" : s.token[callers[who]]);
      const char expect = allowed.at(c.id)[who];
      if (expect == 'y') CHECK(r.status == c.ok);
      else if (expect == 'n') {
        CHECK(r.status == 403);
        CHECK(r.code() == "forbidden");
      } else {
        CHECK(r.status == 401);
      }
      // An unknown reference is 404 for every caller with a token, whatever its role.
      if (c.path.find("REF") != std::string::npos && !callers[who].empty()) {
        std::string unknown = c.path;
        unknown.replace(unknown.find("REF"), 3, "2222-2222");
        CHECK(srv.call(c.method, unknown, c.body, s.token[callers[who]]).status == 404);
      }
    }
}

TEST_CASE("races: accept against decline on one step, and more acceptances than beds", "[server][cases][race]") {
  auto& s = cases();
  auto& srv = *s.server;
  // One step, two answers at once: exactly one wins, and the case says which.
  const std::vector<std::string> steps = s.pathway(kCounselling);
  const std::string provider = steps[0];
  const std::string admin = s.admin(provider);  // made before the threads
  for (int round = 0; round < 10; ++round) {
    const std::string ref = s.open(kCounselling, steps).js()["reference"];
    std::atomic<int> ready{0};
    int status[2] = {0, 0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&, t] {
        const std::string action = t == 0 ? "/accept" : "/decline";
        const std::string body = t == 0 ? "" : R"({"reason": "full"})";
        ++ready;
        while (ready < 2) std::this_thread::yield();
        status[t] = srv.post("/v1/cases/" + ref + "/steps/" + provider + action, body, admin).status;
      });
    for (auto& t : threads) t.join();
    INFO("round " << round << ": accept " << status[0] << ", decline " << status[1]);
    CHECK(((status[0] == 200 && status[1] == 409) || (status[0] == 409 && status[1] == 200)));
    const json doc = srv.get("/v1/cases/" + ref, s.token["frontline"]).js();
    CHECK(step_status(doc, provider) == (status[0] == 200 ? "accepted" : "declined"));
    CHECK(doc["history"].size() == steps.size() + 2);  // opened, the requests, one answer
  }

  // Three beds, five cases asking that shelter, five acceptances at once: three get a bed, two 409.
  const std::string one =
      R"({"location": "thunder-bay-on", "age": 30, "gender": "female", "when": "2026-06-01T14:00", "needs": ["shelter.emergency"]})";
  const std::vector<std::string> shelter_only = s.pathway(one);
  REQUIRE(shelter_only.size() == 1);
  const std::string shelter = shelter_only[0];
  const Reply beds = srv.get("/v1/providers/" + shelter, s.token["coordinator"]);
  const int total = beds.js()["capacity"]["beds"];
  REQUIRE(total >= 3);
  REQUIRE(srv.put("/v1/providers/" + shelter + "/capacity", R"({"available": 3})", s.token["coordinator"]).status == 200);
  std::vector<std::string> refs;
  for (int i = 0; i < 5; ++i) {
    Reply r = s.open(one, shelter_only);
    REQUIRE(r.status == 201);
    refs.push_back(r.js()["reference"]);
  }
  std::vector<int> got(refs.size(), 0);
  std::vector<std::thread> threads;
  const std::string shelter_admin = s.admin(shelter);
  for (std::size_t i = 0; i < refs.size(); ++i)
    threads.emplace_back([&, i] {
      got[i] = srv.post("/v1/cases/" + refs[i] + "/steps/" + shelter + "/accept", "", shelter_admin).status;
    });
  for (auto& t : threads) t.join();
  CHECK(std::count(got.begin(), got.end(), 200) == 3);
  CHECK(std::count(got.begin(), got.end(), 409) == 2);
  CHECK(s.available(shelter) == 0);
  // Full now: a new case may not ask it (the rules say why), and the referral looks elsewhere.
  Reply full = s.open(one, shelter_only);
  CHECK(full.status == 422);
  CHECK(full.js()["errors"][0]["rule"] == "shelter-full");
  REQUIRE(srv.put("/v1/providers/" + shelter + "/capacity", "{\"available\": " + std::to_string(total) + "}",
                  s.token["coordinator"]).status == 200);
}

TEST_CASE("case figures: closed months only, small cells hidden; nrm cases reads the same store", "[server][cases][privacy]") {
  auto& s = cases();
  // A closed month of case events, as the server would have written them then: 11 requests in ON
  // declined as not_accepting_trafficking_victims; 2 cases opened in NU (too few to publish, and
  // ON's opened figure hides with them: 13 - ON would give NU away).
  {
    nrm::store::Store store(s.db);
    for (int i = 0; i < 13; ++i) {
      nrm::store::CaseRecord r;
      r.opened_by = 1;
      r.role = "frontline";
      r.case_json = R"({"location":"thunder-bay-on","needs":["shelter.emergency"]})";
      r.consent_json = R"({"duty_to_report":false,"police":false,"share":true})";
      r.province = i < 11 ? "ON" : "NU";
      r.exploitation = "labour";
      r.needs = {"shelter.emergency"};
      r.opened = "2025-04-02";
      r.steps = {nrm::store::CaseStep{"on-x-001", {"shelter.emergency"}, "in_person", "requested", "", false, false, "", ""}};
      const std::string ref = store.open_case(r);
      if (i < 11)
        REQUIRE(store.change_step({ref, "on-x-001", nrm::store::StepAction::kDecline, "not_accepting_trafficking_victims",
                                   std::nullopt, "2025-04-03"}));
    }
  }
  Reply st = s.server->get("/v1/stats?province=ON", s.token["coordinator"]);
  REQUIRE(st.status == 200);
  json april;
  for (const auto& p : st.js()["cases"]["periods"])
    if (p["period"] == "2025-04") april = p;
  REQUIRE(april.is_object());
  bool seen = false;
  for (const auto& c : april["by_province"]["cells"]) {
    CHECK(c["province"] == "ON");
    CHECK(c["count"].get<int>() % 5 == 0);
    CHECK(c["count"].get<int>() >= 10);
    if (c["event"] == "declined" && c["code"] == "not_accepting_trafficking_victims") seen = c["count"] == 10;
  }
  CHECK(seen);
  for (const auto& c : april["by_province"]["cells"]) CHECK(c["event"] != "opened");  // complementary
  CHECK(april["by_province"]["suppressed_cells"].get<int>() >= 2);
  for (const auto& c : april["by_need"]["cells"]) CHECK(c["province"] == "ON");
  // Cases opened now (this month) move nothing published.
  s.open(kCounselling, s.pathway(kCounselling));
  CHECK(s.server->get("/v1/stats?province=ON", s.token["coordinator"]).body == st.body);

  // nrm cases on the server's store, read-only, while it runs.
  const std::string bin = shell_quote(nrm_binary());
  int status = -1;
  std::string json_out = run(bin + " cases stats --province ON --format json --db " + shell_quote(s.db), &status);
  CHECK(status == 0);
  CHECK(json_out == st.body);
  CHECK(run(bin + " stats --province ON --format json --db " + shell_quote(s.db), &status) == st.body);
  std::string csv = run(bin + " cases stats --format csv --db " + shell_quote(s.db), &status);
  CHECK(status == 0);
  CHECK(csv.rfind("period,source,breakdown,province,value,event,code,count\n", 0) == 0);
  CHECK(csv.find("2025-04,cases,province,ON,,declined,not_accepting_trafficking_victims,10\n") != std::string::npos);
  CHECK(csv.find(",NU,") == std::string::npos);
  std::string list = run(bin + " cases list --status open --db " + shell_quote(s.db), &status);
  CHECK(status == 0);
  std::istringstream lines(list);
  std::string line;
  std::getline(lines, line);  // the header
  int listed = 0;
  while (std::getline(lines, line))
    if (line.size() > 10 && line[4] == '-') {
      CHECK(line.substr(11, 4) == "open");
      ++listed;
    }
  CHECK(listed > 0);
  const std::string ref = s.open(kCounselling, s.pathway(kCounselling)).js()["reference"];
  std::string shown = run(bin + " cases show " + ref + " --format json --db " + shell_quote(s.db), &status);
  CHECK(status == 0);
  json doc = json::parse(shown);
  json served = s.server->get("/v1/cases/" + ref, s.token["frontline"]).js();
  CHECK(doc["history"] == served["history"]);
  CHECK(doc["reference"] == ref);
  CHECK(run(bin + " cases show 2222-2222 --db " + shell_quote(s.db) + " 2>/dev/null", &status).empty());
  CHECK(status == 2);
  run(bin + " cases list --db " + shell_quote(s.tmp.path("none.db")) + " 2>/dev/null", &status);
  CHECK(status == 2);
  // Retention is a whole number of days, at least one.
  run(bin + " serve --port 0 --case-retention-days 0 --db " + shell_quote(s.tmp.path("x.db")) + " 2>/dev/null", &status);
  CHECK(status == 2);
}

TEST_CASE("kill -9 between acknowledged transitions loses none of them", "[server][cases][durability][drain]") {
  TempDir tmp;
  const std::string db = tmp.path("nrm.db");
  const std::string front = make_token(db, "frontline");
  const std::string coord = make_token(db, "coordinator");
  std::string ref, shelter, clinic, next;
  int beds = 0;
  struct Round {
    const char* name;
    std::function<void(Server&)> act;              // one transition, acknowledged
    std::function<void(const json&, Server&)> check;  // on the next server, after kill -9
  };
  const std::vector<Round> rounds = {
      {"open",
       [&](Server& srv) {
         Reply a = srv.post(std::string("/v1/referrals?as_of=") + kAsOf, kThreeNeeds, front);
         shelter = a.js()["pathways"][0]["steps"][0]["provider"];
         clinic = a.js()["pathways"][0]["steps"][1]["provider"];
         beds = srv.get("/v1/providers/" + shelter, coord).js()["capacity"]["available"];
         json body = {{"case", json::parse(kThreeNeeds)}, {"steps", {shelter, clinic}}, {"consent", {{"share", true}}}};
         Reply o = srv.post("/v1/cases", body.dump(), front);
         REQUIRE(o.status == 201);
         ref = o.js()["reference"];
       },
       [&](const json& doc, Server&) { CHECK(doc["steps"].size() == 2); }},
      {"accept",
       [&](Server& srv) {
         REQUIRE(srv.post("/v1/cases/" + ref + "/steps/" + shelter + "/accept", "",
                          make_token(db, "provider_admin", shelter)).status == 200);
       },
       [&](const json& doc, Server& srv) {
         CHECK(step_status(doc, shelter) == "accepted");
         CHECK(srv.get("/v1/providers/" + shelter, coord).js()["capacity"]["available"] == beds - 1);  // replayed
       }},
      {"decline",
       [&](Server& srv) {
         Reply d = srv.post("/v1/cases/" + ref + "/steps/" + clinic + "/decline", R"({"reason": "no_response"})",
                            make_token(db, "provider_admin", clinic));
         REQUIRE(d.status == 200);
         for (const auto& st : d.js()["replacement"]["steps"])
           if (st["provider"] != shelter) next = st["provider"];
       },
       [&](const json& doc, Server&) {
         CHECK(step_status(doc, clinic) == "declined");
         CHECK(doc["replacement"].is_object());
       }},
      {"confirm",
       [&](Server& srv) {
         REQUIRE(srv.post("/v1/cases/" + ref + "/steps", json{{"steps", {shelter, next}}}.dump(), front).status == 200);
       },
       [&](const json& doc, Server&) { CHECK(step_status(doc, next) == "requested"); }},
      {"close",
       [&](Server& srv) {
         REQUIRE(srv.post("/v1/cases/" + ref + "/close", R"({"outcome": "person_withdrew"})", front).status == 200);
       },
       [&](const json& doc, Server&) {
         CHECK(doc["status"] == "closed");
         CHECK(doc["outcome"] == "person_withdrew");
         CHECK(step_status(doc, next) == "withdrawn");
         CHECK(doc["history"].size() == 8);
       }},
  };
  auto srv = std::make_unique<Server>(db, std::vector<std::string>{}, tmp.path("0.log"));
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    INFO("round " << rounds[i].name);
    rounds[i].act(*srv);
    srv->kill9();  // nothing after the acknowledgement had a chance to run
    srv = std::make_unique<Server>(db, std::vector<std::string>{}, tmp.path(std::to_string(i + 1) + ".log"));
    Reply r = srv->get("/v1/cases/" + ref, front);
    REQUIRE(r.status == 200);
    rounds[i].check(r.js(), *srv);
  }
}
