// The shipped geography (data/ and rules/travel.yaml; these tests say so): the invariants the
// planner's exactness needs, over roads, ferries and flights with their waits, and the
// validation table of published travel times (tests/geo/published_times.csv, docs/travel.md).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "api/engine.hpp"
#include "shipped_engine.hpp"
#include "test_util.hpp"

using namespace nrm;

namespace {

using test::community_at;

using test::shipped;
std::string fmt_hours(const std::string& h) {  // "1.5" -> "1.5", "3" -> "3.0": the doc's 0.1 h
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", std::stod(h));
  return buf;
}

}  // namespace

TEST_CASE("shipped: travel is symmetric, zero on the diagonal, whole seconds, triangle-exact", "[geo][shipped]") {
  const auto& t = shipped().travel();
  const auto& g = shipped().directory().geography;
  // Every community against a sample that covers ferries, fly-in communities and twice-weekly flights.
  std::vector<CommunityIndex> sample;
  for (const char* id : {"grise-fiord-nu", "sachs-harbour-nt", "les-iles-de-la-madeleine-qc", "masset-bc",
                         "channel-port-aux-basques-nl", "victoria-bc", "iqaluit-nu", "toronto-on",
                         "old-crow-yt", "wabana-nl", "moose-factory-on", "fort-severn-on", "inuvik-nt"})
    sample.push_back(community_at(id));
  for (CommunityIndex c = 0; c < g.size(); c += 37) sample.push_back(c);
  for (CommunityIndex a : sample) {
    const float* ra = t.seconds_from(a);
    CHECK(ra[a] == 0);
    for (CommunityIndex b = 0; b < g.size(); ++b) {
      REQUIRE(std::isfinite(ra[b]));  // everything is reachable
      CHECK(ra[b] == std::floor(ra[b]));
      CHECK(ra[b] == t.seconds_from(b)[a]);
    }
    for (CommunityIndex b : sample)
      for (CommunityIndex c : sample) CHECK(ra[c] <= ra[b] + t.seconds_from(b)[c]);
  }
}

TEST_CASE("shipped: no road touches a fly-in community; journeys add up", "[geo][shipped]") {
  const auto& t = shipped().travel();
  const auto& g = shipped().directory().geography;
  for (const auto& l : t.links())
    if (l.kind == geo::Link::Kind::kRoad || l.kind == geo::Link::Kind::kLocal) {
      CHECK(g[l.from].road_access);
      CHECK(g[l.to].road_access);
    }
  CHECK(t.stranded().empty());
  for (auto [a, b] : {std::pair{"iqaluit-nu", "ottawa-on"}, std::pair{"thunder-bay-on", "sault-ste-marie-on"},
                      std::pair{"sydney-mines-ns", "st-johns-nl"}, std::pair{"masset-bc", "vancouver-bc"}}) {
    auto j = t.journey(community_at(a), community_at(b));
    double sum = 0;
    for (const auto& l : j.legs) sum += l.seconds;
    CHECK(sum == j.seconds);
    CHECK(j.seconds == t.seconds_from(community_at(a))[community_at(b)]);
    CHECK(j.legs.front().from == community_at(a));
    CHECK(j.legs.back().to == community_at(b));
  }
  // Newfoundland is reached by the Cabot Strait ferry (or by air), never by a road across the water.
  auto nl = t.journey(community_at("sydney-mines-ns"), community_at("channel-port-aux-basques-nl"));
  REQUIRE(nl.legs.size() == 1);
  CHECK(nl.legs.front().mode == geo::Mode::kFerry);
  for (const char* id : {"st-johns-nl", "corner-brook-nl", "channel-port-aux-basques-nl"})
    for (const auto& l : t.journey(community_at("halifax-ns"), community_at(id)).legs)
      if (l.mode == geo::Mode::kRoad) CHECK(g[l.from].province == g[l.to].province);
  // Iqaluit flies.
  CHECK(t.by_air(community_at("iqaluit-nu"), community_at("ottawa-on")));
}

TEST_CASE("shipped: the validation table: 90% of published times within 25%, none off by 2x", "[geo][shipped]") {
  std::ifstream in(test::test_dir() + "/geo/published_times.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "from,to,published_hours,basis");
  int pairs = 0, within = 0;
  std::set<std::string> provinces;
  const auto& g = shipped().directory().geography;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string from, to, hours, basis;
    std::getline(s, from, ',');
    std::getline(s, to, ',');
    std::getline(s, hours, ',');
    std::getline(s, basis, ',');
    INFO(line);
    REQUIRE(g.find(from));
    REQUIRE(g.find(to));
    const double published = std::stod(hours), nrm = shipped().travel().hours(community_at(from.c_str()), community_at(to.c_str()));
    const double ratio = nrm / published;
    CHECK(ratio > 0.5);
    CHECK(ratio < 2.0);
    if (std::abs(ratio - 1) <= 0.25) ++within;
    ++pairs;
    for (const auto& id : {from, to}) provinces.insert(id.substr(id.size() - 2));
  }
  CHECK(pairs >= 40);
  // docs/travel.md shows the same pairs (tools/geo/validation_table.py generates its table).
  std::ifstream doc(test::source_root() + "/docs/travel.md");
  std::stringstream text;
  text << doc.rdbuf();
  std::ifstream again(test::test_dir() + "/geo/published_times.csv");
  std::getline(again, line);
  while (std::getline(again, line)) {
    auto a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    std::string row = "| " + line.substr(0, a) + " | " + line.substr(a + 1, b - a - 1) + " | " +
                      fmt_hours(line.substr(b + 1, c - b - 1)) + " |";
    INFO(row);
    CHECK(text.str().find(row) != std::string::npos);
  }
  CHECK(provinces.size() == 13);
  CHECK(within >= 0.9 * pairs);
}
