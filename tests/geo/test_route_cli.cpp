// nrm route as a user runs it (shipped data): the legs and modes, the JSON fields of the
// contract, an unknown community (exit 2, did you mean), --help.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "run_nrm.hpp"
#include "test_util.hpp"

namespace {

using nrm::test::Run;
using nrm::test::run_nrm;

}  // namespace

TEST_CASE("nrm route: Calgary to Red Deer is Hwy 2, about an hour and a half", "[geo][cli]") {
  Run r = run_nrm("route calgary-ab red-deer-ab");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Calgary to Red Deer: 1.5 h"));
  CHECK_THAT(r.out, Catch::Contains("via Airdrie"));
}

TEST_CASE("nrm route --json: from, to, hours, legs with mode, hours and via", "[geo][cli]") {
  Run r = run_nrm("route iqaluit-nu yellowknife-nt --json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["from"] == "iqaluit-nu");
  CHECK(j["to"] == "yellowknife-nt");
  double sum = 0;
  REQUIRE(j["legs"].size() >= 2);  // via a hub
  for (const auto& l : j["legs"]) {
    CHECK(l["mode"] == "air");  // the North is reached by air
    CHECK(l["via"].is_array());
    sum += l["hours"].get<double>();
  }
  CHECK(j["legs"].front()["from"] == "iqaluit-nu");
  CHECK(j["legs"].back()["to"] == "yellowknife-nt");
  CHECK(sum == Approx(j["hours"].get<double>()).margin(0.02));
  CHECK(j["hours"].get<double>() < 24);  // a day by air, not 28 h over taiga roads
  // A ferry leg to Newfoundland.
  auto f = nlohmann::json::parse(run_nrm("route sydney-mines-ns channel-port-aux-basques-nl --json").out);
  CHECK(f["legs"][0]["mode"] == "ferry");
}

TEST_CASE("nrm route: an unknown community exits 2 and suggests the id", "[geo][cli]") {
  Run r = run_nrm("route thunder-bay-on sault-ste-marie");
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains("to: unknown community 'sault-ste-marie' (did you mean 'sault-ste-marie-on'?)"));
  Run h = run_nrm("route --help");
  CHECK(h.status == 0);
  CHECK_THAT(h.out, Catch::Contains("--json"));
  CHECK_THAT(h.out, Catch::Contains("--communities"));
}
