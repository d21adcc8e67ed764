// Local time in the shipped communities (data/communities.csv's timezone column, on the system's
// tz database): the offsets a worker would find on a phone, across the zones Canada spans, in
// winter and in summer, at the change of clocks, and the default `when` of a case (now there).
#include <catch2/catch.hpp>

#include "api/engine.hpp"
#include "geo/clock.hpp"
#include "shipped_engine.hpp"
#include "test_util.hpp"

using namespace nrm;

namespace {

using test::community_at;

using test::shipped;
const geo::Clock& clock() { return shipped().planner().clock(); }

// The wall-clock time at `to` when it is `time` at `from`.
std::string there(const char* from, const char* time, const char* to) {
  return clock().local(community_at(to), clock().instant(community_at(from), *LocalTime::parse(time))).str();
}

}  // namespace

TEST_CASE("shipped: 2 p.m. in Toronto on a November Friday, across the country", "[geo][clock][shipped]") {
  const char* t = "2026-11-27T14:00";
  CHECK(there("toronto-on", t, "vancouver-bc") == "2026-11-27T11:00");
  CHECK(there("toronto-on", t, "calgary-ab") == "2026-11-27T12:00");
  CHECK(there("toronto-on", t, "regina-sk") == "2026-11-27T13:00");  // CST all year
  CHECK(there("toronto-on", t, "winnipeg-mb") == "2026-11-27T13:00");
  CHECK(there("toronto-on", t, "kenora-on") == "2026-11-27T13:00");  // west of 90 W
  CHECK(there("toronto-on", t, "thunder-bay-on") == "2026-11-27T14:00");
  CHECK(there("toronto-on", t, "iqaluit-nu") == "2026-11-27T14:00");
  CHECK(there("toronto-on", t, "rankin-inlet-nu") == "2026-11-27T13:00");
  CHECK(there("toronto-on", t, "cambridge-bay-nu") == "2026-11-27T12:00");
  CHECK(there("toronto-on", t, "halifax-ns") == "2026-11-27T15:00");
  CHECK(there("toronto-on", t, "st-johns-nl") == "2026-11-27T15:30");
  CHECK(there("toronto-on", t, "happy-valley-goose-bay-nl") == "2026-11-27T15:00");
  CHECK(there("toronto-on", t, "whitehorse-yt") == "2026-11-27T12:00");  // MST all year
  CHECK(there("toronto-on", t, "yellowknife-nt") == "2026-11-27T12:00");
}

TEST_CASE("shipped: in summer, Regina and Whitehorse keep their clocks while the others move", "[geo][clock][shipped]") {
  const char* t = "2026-07-01T14:00";  // EDT
  CHECK(there("toronto-on", t, "regina-sk") == "2026-07-01T12:00");
  CHECK(there("toronto-on", t, "whitehorse-yt") == "2026-07-01T11:00");
  CHECK(there("toronto-on", t, "vancouver-bc") == "2026-07-01T11:00");
  CHECK(there("toronto-on", t, "dawson-creek-bc") == "2026-07-01T11:00");  // MST all year (PDT-like)
  CHECK(there("toronto-on", t, "cranbrook-bc") == "2026-07-01T12:00");     // MDT
  CHECK(there("toronto-on", t, "atikokan-on") == "2026-07-01T13:00");      // EST all year
}

TEST_CASE("shipped: the change of clocks and a day boundary", "[geo][clock][shipped]") {
  // 2026-11-01 01:30 happens twice in Toronto: the earlier one (EDT) is taken.
  CHECK(there("toronto-on", "2026-11-01T01:30", "regina-sk") == "2026-10-31T23:30");
  // 02:30 on 2026-03-08 does not exist in Toronto: the moment the clock changed (03:00 EDT).
  CHECK(there("toronto-on", "2026-03-08T02:30", "toronto-on") == "2026-03-08T03:00");
  CHECK(there("vancouver-bc", "2026-11-27T23:30", "halifax-ns") == "2026-11-28T03:30");
}

TEST_CASE("shipped: a case without `when` is planned at the time now where the person is", "[geo][clock][shipped]") {
  LocalTime toronto = shipped().now_at(community_at("toronto-on"));
  LocalTime vancouver = shipped().now_at(community_at("vancouver-bc"));
  // Three hours apart (to the minute; the two calls may straddle a minute).
  const int diff = (toronto.days - vancouver.days) * kMinutesPerDay + toronto.minute - vancouver.minute;
  CHECK((diff == 180 || diff == 181));
}
