// Travel model construction: the road and air graph (Boost.Graph), and shortest times from one
// source at a time (Dijkstra), computed on first use.
#include "geo/travel.hpp"

#include <algorithm>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

namespace nrm::geo {

namespace {

double km(const Community& a, const Community& b) {
  return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude);
}

// A cheap monotone stand-in for distance, for choosing neighbours (equirectangular, squared).
struct Flat {
  double x, y;
};
double flat2(const Flat& a, const Flat& b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }

double whole_seconds(double hours) { return std::round(hours * 3600.0); }

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
  std::vector<Flat> flat;
  for (std::size_t i = 0; i < n_; ++i)
    if (cs[i].road_access) {
      road.push_back(i);
      double lat = cs[i].latitude * std::numbers::pi / 180;
      flat.push_back({cs[i].longitude * std::numbers::pi / 180 * std::cos(lat), lat});
    }
  std::vector<std::pair<double, std::size_t>> near;
  for (std::size_t a = 0; a < road.size(); ++a) {
    near.clear();
    for (std::size_t b = 0; b < road.size(); ++b)
      if (b != a) near.emplace_back(flat2(flat[a], flat[b]), b);
    std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(params.road_neighbours), near.size());
    std::partial_sort(near.begin(), near.begin() + static_cast<long>(k), near.end());
    for (std::size_t j = 0; j < k; ++j) {
      std::size_t b = road[near[j].second];
      if (j == 0 || km(cs[road[a]], cs[b]) <= params.road_max_leg_km) add_leg(road[a], b, road_hours(road[a], b), false);
    }
  }
  // Keep the road network connected: while it has several components, join each to its nearest
  // other component by one road leg (a long leg here stands for a ferry or a remote highway).
  std::map<std::size_t, std::size_t> local;
  for (std::size_t i = 0; i < road.size(); ++i) local[road[i]] = i;
  for (;;) {
    Graph g(road.size());
    for (auto& [key, leg] : legs)
      if (!leg.air) boost::add_edge(local[leg.from], local[leg.to], g);
    std::vector<int> comp(road.size());
    int count = road.empty() ? 1 : boost::connected_components(g, comp.data());
    if (count <= 1) break;
    std::vector<std::tuple<double, std::size_t, std::size_t>> best(
        static_cast<std::size_t>(count), {std::numeric_limits<double>::infinity(), 0, 0});
    for (std::size_t i = 0; i < road.size(); ++i)
      for (std::size_t j = 0; j < road.size(); ++j)
        if (comp[i] != comp[j]) {
          double d = flat2(flat[i], flat[j]);
          auto& b = best[static_cast<std::size_t>(comp[i])];
          if (d < std::get<0>(b)) b = {d, road[i], road[j]};
        }
    for (auto& [d, a, b] : best)
      if (std::isfinite(d)) add_leg(a, b, road_hours(a, b), false);
  }
  // Air legs.
  for (const auto& r : geo.routes) add_leg(r.from, r.to, r.hours + params.air_transfer_hours, true);

  graph_ = Graph(n_);
  for (auto& [key, leg] : legs) {
    boost::add_edge(leg.from, leg.to, whole_seconds(leg.hours), graph_);
    legs_.push_back(leg);
    if (leg.air) air_legs_.emplace_back(leg.from, leg.to);
  }
  once_ = std::make_unique<std::once_flag[]>(n_);
  ready_ = std::make_unique<std::atomic<bool>[]>(n_);
  for (std::size_t i = 0; i < n_; ++i) ready_[i].store(false);
  rows_.resize(n_);
  air_.resize(n_);
  order_.resize(n_);
  reachable_.assign(n_, 0);
}

void TravelModel::row(CommunityIndex from) const {
  std::call_once(once_[from], [&] { compute(from); });
}

void TravelModel::compute(CommunityIndex from) const {
  std::vector<double> dist(n_);
  std::vector<Graph::vertex_descriptor> pred(n_);
  auto index = boost::get(boost::vertex_index, graph_);
  boost::dijkstra_shortest_paths(
      graph_, from,
      boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), index))
          .distance_map(boost::make_iterator_property_map(dist.begin(), index)));
  auto row = std::make_unique<float[]>(n_);
  auto air = std::make_unique<unsigned char[]>(n_);
  std::vector<std::size_t> order(n_);
  for (std::size_t t = 0; t < n_; ++t) order[t] = t;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b); });
  auto nearest = std::make_unique<CommunityIndex[]>(n_);
  std::uint32_t reachable = 0;
  for (std::size_t t : order)
    if (std::isfinite(dist[t])) nearest[reachable++] = static_cast<CommunityIndex>(t);
  for (std::size_t t : order) {
    row[t] = std::isfinite(dist[t]) ? static_cast<float>(dist[t]) : std::numeric_limits<float>::infinity();
    air[t] = 0;
    if (t == from || pred[t] == t) continue;
    // Whether the fastest way takes a flight: inherited from the predecessor, in distance order.
    const auto a = static_cast<CommunityIndex>(pred[t]), b = static_cast<CommunityIndex>(t);
    const std::pair<CommunityIndex, CommunityIndex> key{std::min(a, b), std::max(a, b)};
    bool leg_is_air = std::binary_search(air_legs_.begin(), air_legs_.end(), key);
    air[t] = air[pred[t]] || leg_is_air;
  }
  rows_[from] = std::move(row);
  air_[from] = std::move(air);
  order_[from] = std::move(nearest);
  reachable_[from] = reachable;
  ready_[from].store(true, std::memory_order_release);
}

}  // namespace nrm::geo
