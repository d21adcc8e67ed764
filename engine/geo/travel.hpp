// The travel model: how long it takes a person to get from one community to another. Road legs
// join road-connected communities to their nearest neighbours (great-circle km x detour / speed);
// air legs follow data/routes.csv; fly-in communities have no road legs at all. Shortest times
// between every pair are computed once, at load, with Boost.Graph's Dijkstra. See docs/travel.md.
#pragma once

#include <string>
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

class TravelModel {
 public:
  TravelModel() = default;
  TravelModel(const Geography& geography, const rules::TravelParams& params);

  // Shortest travel time in hours (infinity if unreachable).
  double hours(CommunityIndex from, CommunityIndex to) const {
    return matrix_[static_cast<std::size_t>(from) * n_ + to];
  }
  std::size_t size() const { return n_; }
  const std::vector<Leg>& legs() const { return legs_; }
  // Whether the fastest way from `from` to `to` takes a flight.
  bool by_air(CommunityIndex from, CommunityIndex to) const {
    return air_[static_cast<std::size_t>(from) * n_ + to] != 0;
  }

 private:
  std::size_t n_ = 0;
  std::vector<double> matrix_;
  std::vector<unsigned char> air_;
  std::vector<Leg> legs_;
};

}  // namespace nrm::geo
