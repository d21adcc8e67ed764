// The travel model: how long it takes a person to get from one community to another. Road legs
// join road-connected communities to their nearest neighbours (great-circle km x detour / speed);
// air legs follow data/routes.csv; fly-in communities have no road legs at all. Shortest times
// come from Boost.Graph's Dijkstra, one source at a time, computed on first use and kept. See
// docs/travel.md.
#pragma once

#include <atomic>
#include <boost/graph/adjacency_list.hpp>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "model/geography.hpp"
#include "rules/policy.hpp"

namespace nrm::geo {

struct Leg {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  double hours = 0;
  bool air = false;
};

// Thread-safe: rows of shortest times are computed once, under std::call_once, and never change.
//
// Invariants: leg times are whole seconds, so every shortest time is an exact sum of integers:
// hours(a, b) == hours(b, a) to the last bit whichever row answers, hours(a, a) == 0, and the
// triangle inequality holds exactly (the planner's pruning relies on it).
class TravelModel {
 public:
  TravelModel(const Geography& geography, const rules::TravelParams& params);
  TravelModel(const TravelModel&) = delete;
  TravelModel& operator=(const TravelModel&) = delete;

  // Shortest travel time in hours (infinity if unreachable).
  double hours(CommunityIndex from, CommunityIndex to) const {
    if (ready_[from].load(std::memory_order_acquire)) return seconds(from, to) / 3600.0;
    if (ready_[to].load(std::memory_order_acquire)) return seconds(to, from) / 3600.0;
    row(from);
    return seconds(from, to) / 3600.0;
  }
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
  std::size_t size() const { return n_; }
  const std::vector<Leg>& legs() const { return legs_; }

 private:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, double>>;
  double seconds(CommunityIndex from, CommunityIndex to) const { return rows_[from][to]; }
  void row(CommunityIndex from) const;
  void compute(CommunityIndex from) const;

  std::size_t n_ = 0;
  Graph graph_;
  std::vector<Leg> legs_;
  std::vector<std::pair<CommunityIndex, CommunityIndex>> air_legs_;  // sorted (from < to)
  mutable std::unique_ptr<std::once_flag[]> once_;
  mutable std::unique_ptr<std::atomic<bool>[]> ready_;
  mutable std::vector<std::unique_ptr<float[]>> rows_;  // whole seconds: exact in a float
  mutable std::vector<std::unique_ptr<unsigned char[]>> air_;
  mutable std::vector<std::unique_ptr<CommunityIndex[]>> order_;  // nearest_first rows
  mutable std::vector<std::uint32_t> reachable_;
};

}  // namespace nrm::geo
