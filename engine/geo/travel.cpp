// Travel model construction: the road and air graph (Boost.Graph) and all-pairs shortest times.
//
// Invariants: hours(a, a) == 0; hours(a, b) == hours(b, a) (legs are undirected); hours obeys the
// triangle inequality (it is a shortest-path metric), which the planner's pruning relies on.
#include "geo/travel.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <limits>
#include <map>

namespace nrm::geo {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;

double km(const Community& a, const Community& b) {
  return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude);
}

}  // namespace

TravelModel::TravelModel(const Geography& geo, const rules::TravelParams& params) : n_(geo.size()) {
  const auto& cs = geo.communities;
  auto road_hours = [&](std::size_t a, std::size_t b) {
    return km(cs[a], cs[b]) * params.road_detour / params.road_kmh;
  };
  std::map<std::pair<std::size_t, std::size_t>, Leg> legs;  // ordered: deterministic
  auto add_leg = [&](std::size_t a, std::size_t b, double h, bool air) {
    auto key = std::minmax(a, b);
    auto it = legs.find(key);
    if (it == legs.end() || h < it->second.hours)
      legs[key] = Leg{static_cast<CommunityIndex>(key.first), static_cast<CommunityIndex>(key.second), h, air};
  };

  // Road legs: each road community to its k nearest road communities within the leg limit.
  std::vector<std::size_t> road;
  for (std::size_t i = 0; i < n_; ++i)
    if (cs[i].road_access) road.push_back(i);
  std::vector<std::pair<double, std::size_t>> near;
  for (std::size_t a : road) {
    near.clear();
    for (std::size_t b : road)
      if (b != a) near.emplace_back(km(cs[a], cs[b]), b);
    std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(params.road_neighbours), near.size());
    std::partial_sort(near.begin(), near.begin() + static_cast<long>(k), near.end());
    for (std::size_t j = 0; j < k; ++j)
      if (near[j].first <= params.road_max_leg_km || j == 0) add_leg(a, near[j].second, road_hours(a, near[j].second), false);
  }
  // Keep the road network connected: while it has several components, join each to its nearest
  // other component by one road leg (a long leg here stands for a ferry or a remote highway).
  for (;;) {
    Graph g(road.size());
    std::map<std::size_t, std::size_t> local;
    for (std::size_t i = 0; i < road.size(); ++i) local[road[i]] = i;
    for (auto& [key, leg] : legs)
      if (!leg.air) boost::add_edge(local[leg.from], local[leg.to], g);
    std::vector<int> comp(road.size());
    int count = road.empty() ? 1 : boost::connected_components(g, comp.data());
    if (count <= 1) break;
    std::vector<std::tuple<double, std::size_t, std::size_t>> best(static_cast<std::size_t>(count),
        {std::numeric_limits<double>::infinity(), 0, 0});
    for (std::size_t i = 0; i < road.size(); ++i)
      for (std::size_t j = 0; j < road.size(); ++j)
        if (comp[i] != comp[j]) {
          double d = km(cs[road[i]], cs[road[j]]);
          auto& b = best[static_cast<std::size_t>(comp[i])];
          if (d < std::get<0>(b)) b = {d, road[i], road[j]};
        }
    for (auto& [d, a, b] : best)
      if (std::isfinite(d)) add_leg(a, b, road_hours(a, b), false);
  }
  // Air legs.
  for (const auto& r : geo.routes) add_leg(r.from, r.to, r.hours + params.air_transfer_hours, true);

  Graph g(n_);
  for (auto& [key, leg] : legs) {
    boost::add_edge(leg.from, leg.to, leg.hours, g);
    legs_.push_back(leg);
  }

  matrix_.assign(n_ * n_, std::numeric_limits<double>::infinity());
  air_.assign(n_ * n_, 0);
  std::vector<double> dist(n_);
  std::vector<Graph::vertex_descriptor> pred(n_);
  std::vector<std::size_t> order(n_);
  auto index = boost::get(boost::vertex_index, g);
  for (std::size_t s = 0; s < n_; ++s) {
    boost::dijkstra_shortest_paths(
        g, s,
        boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), index))
            .distance_map(boost::make_iterator_property_map(dist.begin(), index)));
    // Whether the fastest way takes a flight: inherited from the predecessor, in distance order.
    for (std::size_t t = 0; t < n_; ++t) order[t] = t;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dist[a] < dist[b]; });
    unsigned char* air = &air_[s * n_];
    for (std::size_t t : order) {
      matrix_[s * n_ + t] = dist[t];
      if (t == s || pred[t] == t) continue;
      auto e = legs.find(std::minmax<std::size_t>(t, pred[t]));
      air[t] = air[pred[t]] || (e != legs.end() && e->second.air);
    }
  }
  // Symmetrise exactly (two Dijkstra runs may sum the same legs in another order).
  for (std::size_t a = 0; a < n_; ++a)
    for (std::size_t b = a + 1; b < n_; ++b) {
      double m = std::min(matrix_[a * n_ + b], matrix_[b * n_ + a]);
      matrix_[a * n_ + b] = matrix_[b * n_ + a] = m;
    }
}

}  // namespace nrm::geo
