// The travel model on a small drawn network with round numbers (test policy, not the shipped
// rules/travel.yaml): road classes, local legs that never cross water, ferries and their waits,
// flights with time at the airports and the expected wait of a non-daily flight, journeys.
#include <catch2/catch.hpp>
#include <cmath>

#include "geo/travel.hpp"

using namespace nrm;
using geo::Mode;

namespace {

//   west (island) ~~ferry~~ port ===freeway 200 km=== city --two_lane 100 km-- town
//                                         |  .               .
//                                       village (no highway: a local leg)      far (fly-in)
//   islet: 10 km off the island, no highway (a local leg to west, never to port)
//   lost: road access but 1,000 km from any highway (stranded)
Geography drawn() {
  Geography g;
  auto add = [&](const char* id, double lat, double lon, bool road) {
    Community c;
    c.id = id;
    c.name = id;
    c.latitude = lat;
    c.longitude = lon;
    c.road_access = road;
    g.communities.push_back(c);
  };
  add("city", 45.0, -75.0, true);
  add("far", 60.0, -75.0, false);
  add("islet", 45.0, -78.6, true);
  add("lost", 54.0, -75.0, true);
  add("port", 45.0, -77.5, true);
  add("town", 45.0, -73.7, true);
  add("village", 45.2, -75.1, true);
  add("west", 45.0, -78.5, true);
  g.reindex();
  auto at = [&](const char* id) { return *g.find(id); };
  g.roads.push_back({at("city"), at("port"), 200, RoadClass::kFreeway, "test", "test", 0});
  g.roads.push_back({at("city"), at("town"), 100, RoadClass::kTwoLane, "test", "test", 0});
  g.ferries.push_back({at("port"), at("west"), 1.0, 0.5, 7, 0, "test", 0});
  g.routes.push_back({at("city"), at("far"), 2.0, 2, "test", 0});
  g.routes.push_back({at("city"), at("town"), 0.5, 7, "test", 0});
  return g;
}

geo::TravelParams round_params() {
  geo::TravelParams p;
  p.freeway_kmh = 100;
  p.two_lane_kmh = 50;
  p.local_detour = 1;
  p.local_kmh = 50;
  p.local_max_km = 150;
  p.local_links = 1;
  p.air_departure_hours = 2;
  p.air_arrival_hours = 1;
  p.air_connection_hours = 1;
  p.wait_scale = 1;
  return p;
}

}  // namespace

TEST_CASE("roads take their class's speed; ferries their crossing and wait", "[geo]") {
  Geography g = drawn();
  geo::TravelModel t(g, round_params());
  auto at = [&](const char* id) { return *g.find(id); };
  CHECK(t.hours(at("city"), at("port")) == 2.0);         // 200 km at 100 km/h
  CHECK(t.hours(at("city"), at("town")) == 2.0);         // 100 km at 50 km/h (the 0.5 h flight costs 3.5 h)
  CHECK(t.hours(at("port"), at("west")) == 1.5);         // crossing 1 h + wait 0.5 h
  CHECK(t.hours(at("city"), at("west")) == 3.5);
  CHECK(t.hours(at("city"), at("city")) == 0.0);
}

TEST_CASE("a flight costs the airports on top of its block time, and a twice-weekly one its wait", "[geo]") {
  Geography g = drawn();
  geo::TravelModel t(g, round_params());
  auto at = [&](const char* id) { return *g.find(id); };
  // departure 2 + arrival 1 + block 2 + expected wait 12 h x (7/2 - 1) = 30 h.
  CHECK(t.hours(at("city"), at("far")) == Approx(35.0).margin(1e-9));
  CHECK(t.by_air(at("city"), at("far")));
  CHECK_FALSE(t.by_air(at("city"), at("town")));  // the road (2 h) beats the hop (3.5 h door to door)
  // From town, the 0.5 h hop connects at city (block + connection, no second departure): 1 + 1.5
  // + 33 + 1 = 36.5 h, less than driving to city first (2 + 35).
  CHECK(t.hours(at("town"), at("far")) == Approx(36.5).margin(1e-9));
  CHECK(t.by_air(at("town"), at("far")));
}

TEST_CASE("local legs join the nearest highway community of the same land, never across water", "[geo]") {
  Geography g = drawn();
  geo::TravelModel t(g, round_params());
  auto at = [&](const char* id) { return *g.find(id); };
  // village: great-circle km to city at 50 km/h, detour 1.
  double km = great_circle_km(45.2, -75.1, 45.0, -75.0);
  CHECK(t.hours(at("village"), at("city")) == Approx(std::round(km / 50 * 3600) / 3600).margin(1e-9));
  // islet is nearer west (its own island) than port: it joins west, and reaches port by ferry.
  auto j = t.journey(at("islet"), at("port"));
  REQUIRE(j.legs.size() == 2);
  CHECK(j.legs[0].mode == Mode::kRoad);
  CHECK(j.legs[0].to == at("west"));
  CHECK(j.legs[1].mode == Mode::kFerry);
  // No road link touches the fly-in community; "lost" has no road within reach and is reported.
  for (const auto& l : t.links())
    if (l.kind == geo::Link::Kind::kRoad || l.kind == geo::Link::Kind::kLocal)
      CHECK((l.from != at("far") && l.to != at("far")));
  REQUIRE(t.stranded().size() == 1);
  CHECK(t.stranded()[0] == at("lost"));
  CHECK(std::isinf(t.hours(at("lost"), at("city"))));
}

TEST_CASE("a journey lists its legs with modes and the communities passed; they add up", "[geo]") {
  Geography g = drawn();
  geo::TravelModel t(g, round_params());
  auto at = [&](const char* id) { return *g.find(id); };
  auto j = t.journey(at("town"), at("west"));
  REQUIRE(j.legs.size() == 2);
  CHECK(j.legs[0].mode == Mode::kRoad);
  CHECK(j.legs[0].from == at("town"));
  CHECK(j.legs[0].to == at("port"));
  CHECK(j.legs[0].via == std::vector<CommunityIndex>{at("city")});
  CHECK(j.legs[1].mode == Mode::kFerry);
  CHECK(j.legs[0].seconds + j.legs[1].seconds == j.seconds);
  CHECK(j.seconds == t.seconds_from(at("town"))[at("west")]);
  CHECK(t.via(at("town"), at("west")) == std::vector<CommunityIndex>{at("city"), at("port")});
  // A flight is one air leg carrying the time at both airports.
  auto f = t.journey(at("far"), at("city"));
  REQUIRE(f.legs.size() == 1);
  CHECK(f.legs[0].mode == Mode::kAir);
  CHECK(f.legs[0].seconds == 35 * 3600);
  auto v = t.journey(at("far"), at("village"));
  REQUIRE(v.legs.size() == 2);
  CHECK(v.legs[1].mode == Mode::kRoad);
  CHECK(v.legs[0].seconds + v.legs[1].seconds == v.seconds);
  CHECK(t.journey(at("city"), at("city")).legs.empty());
}

TEST_CASE("two flights pay one connection, not two departures", "[geo]") {
  Geography g;
  for (const char* id : {"a", "b", "c"}) {
    Community c;
    c.id = id;
    c.name = id;
    c.road_access = false;
    g.communities.push_back(c);
  }
  g.reindex();
  g.routes.push_back({0, 1, 1.0, 7, "test", 0});
  g.routes.push_back({1, 2, 1.0, 7, "test", 0});
  geo::TravelModel t(g, round_params());
  CHECK(t.hours(0, 1) == 4.0);  // 2 + 1 + 1
  CHECK(t.hours(0, 2) == 6.0);  // 2 + 1 + 1 + 1 (connection) + 1
  auto j = t.journey(0, 2);
  REQUIRE(j.legs.size() == 2);
  CHECK(j.legs[0].seconds + j.legs[1].seconds == 6 * 3600);
}
