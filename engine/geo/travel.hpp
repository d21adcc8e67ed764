// The travel model: how long it takes a person to get from one community to another, and by
// which way. Roads follow the curated highway segments of data/roads.csv (km / speed of their
// class); a road community off those highways joins its nearest highway communities by a local
// leg; ferries (data/ferries.csv) cross with their typical wait; flights (data/routes.csv) go
// between airports, with time at each airport and the expected wait for flights that do not run
// daily. Fly-in communities have no road at all. Shortest times come from Boost.Graph's Dijkstra,
// one source at a time, computed on first use and kept. See docs/travel.md.
#pragma once

#include <atomic>
#include <boost/graph/adjacency_list.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "geo/params.hpp"
#include "model/geography.hpp"

namespace nrm::geo {

enum class Mode { kRoad, kFerry, kAir };
const char* mode_name(Mode m);  // "road", "ferry", "air"

// One link of the network. A road link is a highway segment or a local leg; an air link is a
// flight between two airports (or the way between a community and its airport).
struct Link {
  enum class Kind { kRoad, kLocal, kFerry, kFlight, kAirport };
  std::uint32_t from = 0;  // vertex: a community index, or size() + k for the k-th airport
  std::uint32_t to = 0;
  Kind kind = Kind::kRoad;
  double seconds = 0;  // whole seconds
};

// One leg of a journey: consecutive road links make one road leg; each ferry crossing and each
// flight is a leg of its own (a flight's leg includes the time at the airports around it).
struct JourneyLeg {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  Mode mode = Mode::kRoad;
  double seconds = 0;                // whole seconds
  std::vector<CommunityIndex> via;   // communities the leg passes through, in order (road legs)
};

struct Journey {
  double seconds = 0;  // the shortest time (infinity if unreachable); the sum of the legs
  std::vector<JourneyLeg> legs;  // empty when from == to or unreachable
};

// Thread-safe: rows of shortest times are computed once, under std::call_once, and never change.
//
// Invariants (the planner's exactness relies on them; tests/geo asserts them):
//  1. every link is a whole number of seconds, so every shortest time is an exact sum of integers;
//  2. links are undirected: hours(a, b) == hours(b, a) to the last bit whichever row answers;
//  3. hours(a, a) == 0, and the triangle inequality holds exactly (shortest paths);
//  4. no road link touches a fly-in community (road_access false): the North is reached by air;
//  5. journey(a, b).seconds == seconds_from(a)[b], and its legs add up to it.
class TravelModel {
 public:
  TravelModel(const Geography& geography, const TravelParams& params);
  TravelModel(const TravelModel&) = delete;
  TravelModel& operator=(const TravelModel&) = delete;

  // Shortest travel time in whole seconds (infinity if unreachable), from whichever of the two
  // rows is there (links are undirected), else from the row of `from`.
  float seconds_between(CommunityIndex from, CommunityIndex to) const {
    if (ready_[from].load(std::memory_order_acquire)) return seconds(from, to);
    if (ready_[to].load(std::memory_order_acquire)) return seconds(to, from);
    row(from);
    return seconds(from, to);
  }
  // The same in hours.
  double hours(CommunityIndex from, CommunityIndex to) const { return seconds_between(from, to) / 3600.0; }
  // Every shortest time from `from`, in whole seconds (infinity where unreachable), by
  // community: hours(from, to) is seconds_from(from)[to] / 3600.
  const float* seconds_from(CommunityIndex from) const {
    row(from);
    return rows_[from].get();
  }
  // Whether the fastest way from `from` to `to` takes a flight.
  bool by_air(CommunityIndex from, CommunityIndex to) const {
    row(from);
    return air_[from][to] != 0;
  }
  // Every community reachable from `from`, nearest first (ties in index order): the order in
  // which the planner visits places.
  std::span<const CommunityIndex> nearest_first(CommunityIndex from) const {
    row(from);
    return {order_[from].get(), reachable_[from]};
  }
  // The fastest journey, leg by leg (from the row of `from`).
  Journey journey(CommunityIndex from, CommunityIndex to) const;
  // The communities the fastest journey passes through, in order, without its two ends.
  std::vector<CommunityIndex> via(CommunityIndex from, CommunityIndex to) const;

  std::size_t size() const { return n_; }
  const std::vector<Link>& links() const { return links_; }
  // Road communities with no highway segment, ferry or local leg: they cannot be reached by road
  // (a data error: mark them fly-in or add their highway). Sorted.
  const std::vector<CommunityIndex>& stranded() const { return stranded_; }

 private:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, double>>;
  float seconds(CommunityIndex from, CommunityIndex to) const { return rows_[from][to]; }
  void row(CommunityIndex from) const;
  void compute(CommunityIndex from) const;
  const Link& link(std::uint32_t a, std::uint32_t b) const;
  std::vector<std::uint32_t> vertices(CommunityIndex from, CommunityIndex to) const;  // from .. to

  std::size_t n_ = 0;                      // communities: vertices 0 .. n_-1
  std::vector<CommunityIndex> airport_of_;  // airport vertex k (n_ + k) -> its community
  Graph graph_;
  std::vector<Link> links_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> link_index_;  // (lo, hi) -> links_
  std::vector<CommunityIndex> stranded_;
  mutable std::unique_ptr<std::once_flag[]> once_;
  mutable std::unique_ptr<std::atomic<bool>[]> ready_;
  mutable std::vector<std::unique_ptr<float[]>> rows_;  // whole seconds: exact in a float
  mutable std::vector<std::unique_ptr<unsigned char[]>> air_;
  mutable std::vector<std::unique_ptr<CommunityIndex[]>> order_;  // nearest_first rows
  mutable std::vector<std::unique_ptr<std::uint32_t[]>> pred_;    // shortest-path tree, all vertices
  mutable std::vector<std::uint32_t> reachable_;
};

}  // namespace nrm::geo
