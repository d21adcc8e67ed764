// Bad travel-network data is refused with file:line, every problem at once, nothing loaded:
// data/roads.csv and data/ferries.csv beside the routes file (test data, not the shipped files).
#include <catch2/catch.hpp>

#include "api/engine.hpp"
#include "directory/loader.hpp"
#include "test_util.hpp"

using namespace nrm;
using test::TempDir;

namespace {

const char* kCommunities =
    "id,name,province,latitude,longitude,population,road_access,source\n"
    "alpha-on,Alpha,ON,44.0,-79.0,100000,true,test\n"
    "beta-on,Beta,ON,44.5,-79.5,50000,true,test\n"
    "nordic-nu,Nordic,NU,63.0,-68.0,5000,false,test\n";

DataPaths paths_with(TempDir& dir, const std::string& roads, const std::string& ferries) {
  DataPaths p = test::world_paths();
  p.communities = dir.write("c.csv", kCommunities);
  p.routes = dir.write("routes.csv", "from,to,hours,days_per_week,source\nalpha-on,nordic-nu,3,2,test\n");
  p.providers = dir.write("p.yaml", "[]\n");
  dir.write("roads.csv", roads);
  dir.write("ferries.csv", ferries);
  return p;
}

const std::string kRoadHeader = "from,to,distance_km,class,route,source\n";
const std::string kFerryHeader = "from,to,crossing_hours,wait_hours,days_per_week,approach_km,source\n";

}  // namespace

TEST_CASE("good roads, ferries and routes load", "[geo][data]") {
  TempDir dir;
  auto p = paths_with(dir, kRoadHeader + "alpha-on,beta-on,80,freeway,test,test\n",
                      kFerryHeader + "alpha-on,beta-on,1,0.5,7,,test\n");
  Directory d = load_directory(p);
  REQUIRE(d.geography.roads.size() == 1);
  CHECK(d.geography.roads[0].km == 80);
  REQUIRE(d.geography.ferries.size() == 1);
  CHECK(d.geography.ferries[0].approach_km == 0);
  REQUIRE(d.geography.routes.size() == 1);
  CHECK(d.geography.routes[0].days_per_week == 2);
}

TEST_CASE("bad roads and ferries are refused with file:line, all at once", "[geo][data]") {
  TempDir dir;
  auto p = paths_with(dir,
                      kRoadHeader + "alpha-on,gamma-on,80,freeway,test,test\n"  // line 2
                                    "alpha-on,beta-on,-3,freeway,test,test\n"   // line 3
                                    "alpha-on,nordic-nu,500,gravel,test,test\n"  // line 4
                                    "beta-on,alpha-on,80,motorway,test,test\n",  // line 5
                      kFerryHeader + "alpha-on,beta-on,,0.5,7,0,test\n"        // line 2
                                     "alpha-on,beta-on,1,0.5,9,0,test\n");     // line 3
  std::string report = test::load_error([&] { load_directory(p); });
  CHECK_THAT(report, Catch::Contains(dir.path("roads.csv") + ":2: to: unknown community 'gamma-on'"));
  CHECK_THAT(report, Catch::Contains(dir.path("roads.csv") + ":3: distance_km: distance_km -3 is negative (expected > 0)"));
  CHECK_THAT(report, Catch::Contains(dir.path("roads.csv") + ":4: to: 'nordic-nu' is a fly-in community"));
  CHECK_THAT(report, Catch::Contains(dir.path("roads.csv") + ":5: class: 'motorway' is not a road class"));
  CHECK_THAT(report, Catch::Contains(dir.path("ferries.csv") +
                                     ":2: crossing_hours: missing (a ferry needs its crossing time in hours)"));
  CHECK_THAT(report, Catch::Contains(dir.path("ferries.csv") + ":3: days_per_week: '9' is not a whole number"));
}

TEST_CASE("a missing roads file or a bad header is refused", "[geo][data]") {
  TempDir dir;
  auto p = paths_with(dir, "from,to,km\n", kFerryHeader);
  std::string report = test::load_error([&] { load_directory(p); });
  CHECK_THAT(report, Catch::Contains(dir.path("roads.csv") + ":1: expected the header line"));
  std::filesystem::remove(dir.path("ferries.csv"));
  report = test::load_error([&] { load_directory(p); });
  CHECK_THAT(report, Catch::Contains(dir.path("ferries.csv")));
}

TEST_CASE("a road community that no road reaches is refused at load", "[geo][data]") {
  TempDir dir;
  auto p = paths_with(dir, kRoadHeader, kFerryHeader);  // alpha and beta: road access, no road at all
  api::EnginePaths ep{p, test::test_dir() + "/fixtures/rules", ""};
  std::string report = test::load_error([&] { api::Engine::load(ep); });
  CHECK_THAT(report, Catch::Contains(dir.path("c.csv") + ":2: road_access: 'alpha-on' has road access but no highway"));
  CHECK_THAT(report, Catch::Contains(dir.path("c.csv") + ":3: road_access: 'beta-on'"));
}
