// Travel model construction: the road, ferry and air network (Boost.Graph), shortest times from
// one source at a time (Dijkstra, computed on first use), and journeys read back from the
// shortest-path tree. See travel.hpp for the invariants and docs/travel.md for the model.
#include "geo/travel.hpp"

#include <algorithm>
#include <cassert>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <limits>
#include <numbers>

namespace nrm::geo {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kRoad: return "road";
    case Mode::kFerry: return "ferry";
    case Mode::kAir: return "air";
  }
  return "road";
}

namespace {

double whole_seconds(double hours) { return std::round(hours * 3600.0); }

// Expected extra wait for a service that runs `days` days a week, compared with a daily one
// (departures evenly spread, arrival at a random time): 12 h x (7 / days - 1).
double frequency_wait_hours(int days, const TravelParams& p) {
  return p.wait_scale * 12.0 * (7.0 / std::max(1, days) - 1.0);
}

double speed(RoadClass c, const TravelParams& p) {
  switch (c) {
    case RoadClass::kFreeway: return p.freeway_kmh;
    case RoadClass::kDivided: return p.divided_kmh;
    case RoadClass::kTwoLane: return p.two_lane_kmh;
    case RoadClass::kMountain: return p.mountain_kmh;
    case RoadClass::kGravel: return p.gravel_kmh;
  }
  return p.two_lane_kmh;
}

// A cheap stand-in for distance, for ranking neighbours: the squared chord between two points of
// the unit sphere, which orders pairs exactly as the great-circle distance does. (An equirectangular
// x = lon cos(own lat) did not: a farther hub could come first, and the local-leg search, which
// stops at the first hub beyond local_max_km, then left a community within reach stranded.)
struct Flat {
  double x, y, z;
};
Flat flat(const Community& c) {
  const double lat = c.latitude * std::numbers::pi / 180, lon = c.longitude * std::numbers::pi / 180;
  return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}
double flat2(const Flat& a, const Flat& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z);
}

}  // namespace

TravelModel::TravelModel(const Geography& geo, const TravelParams& params) : n_(geo.size()) {
  const auto& cs = geo.communities;
  // Airports: one vertex per community with a scheduled route, after the communities.
  std::vector<std::uint32_t> airport(n_, 0);
  std::vector<bool> has_airport(n_, false);
  for (const auto& r : geo.routes) has_airport[r.from] = has_airport[r.to] = true;
  for (CommunityIndex c = 0; c < n_; ++c)
    if (has_airport[c]) {
      airport[c] = static_cast<std::uint32_t>(n_ + airport_of_.size());
      airport_of_.push_back(c);
    }

  // Links, keyed by their two vertices: the fastest kept where two would join the same pair.
  std::map<std::pair<std::uint32_t, std::uint32_t>, Link> links;
  auto add = [&](std::uint32_t a, std::uint32_t b, Link::Kind kind, double hours) {
    auto key = std::minmax(a, b);
    Link l{key.first, key.second, kind, whole_seconds(hours)};
    auto it = links.find(key);
    if (it == links.end() || l.seconds < it->second.seconds) links[key] = l;
  };

  // 1. Highway segments.
  std::vector<bool> on_network(n_, false);
  for (const auto& s : geo.roads) {
    add(s.from, s.to, Link::Kind::kRoad, s.km / speed(s.road_class, params));
    on_network[s.from] = on_network[s.to] = true;
  }
  // 2. Ferries: crossing, typical wait, the expected wait for a non-daily service, and the road
  //    between the named communities and their terminals.
  for (const auto& f : geo.ferries) {
    double h = f.crossing_hours + f.wait_hours + frequency_wait_hours(f.days_per_week, params) +
               f.approach_km / params.local_kmh;
    add(f.from, f.to, Link::Kind::kFerry, h);
    on_network[f.from] = on_network[f.to] = true;
  }
  // 3. Local legs. Pieces of the highway network joined by road alone (not by ferry): a local leg
  //    stays in the piece of its nearest highway community, so it never crosses water.
  std::vector<int> piece(n_, -1);
  {
    Graph roads(n_);
    for (const auto& s : geo.roads) boost::add_edge(s.from, s.to, roads);
    std::vector<int> comp(n_);
    if (n_ > 0) boost::connected_components(roads, comp.data());
    for (CommunityIndex c = 0; c < n_; ++c)
      if (on_network[c]) piece[c] = comp[c];
  }
  std::vector<CommunityIndex> hubs;  // highway and ferry communities with road access
  std::vector<Flat> hub_flat;
  for (CommunityIndex c = 0; c < n_; ++c)
    if (on_network[c] && cs[c].road_access) {
      hubs.push_back(c);
      hub_flat.push_back(flat(cs[c]));
    }
  const auto links_wanted = static_cast<std::size_t>(std::max(1, params.local_links));
  // The squared chord of local_max_km (with a margin for rounding): a hub farther than that is
  // beyond local_max_km, where the loop below stops, so only nearer hubs need sorting.
  const double chord = 2 * std::sin(params.local_max_km / (2 * kEarthRadiusKm));
  const double near_enough = chord * chord * 1.001;
  std::vector<std::pair<double, std::size_t>> near;
  for (CommunityIndex c = 0; c < n_; ++c) {
    if (!cs[c].road_access || on_network[c]) continue;
    Flat fc = flat(cs[c]);
    near.clear();
    for (std::size_t h = 0; h < hubs.size(); ++h)
      if (const double d2 = flat2(fc, hub_flat[h]); d2 <= near_enough) near.emplace_back(d2, h);
    std::sort(near.begin(), near.end());
    std::size_t joined = 0;
    int own_piece = -1;
    for (const auto& [d2, h] : near) {
      (void)d2;
      const CommunityIndex hub = hubs[h];
      double km = great_circle_km(cs[c].latitude, cs[c].longitude, cs[hub].latitude, cs[hub].longitude);
      if (km > params.local_max_km) break;
      if (own_piece < 0) own_piece = piece[hub];
      if (piece[hub] != own_piece) continue;
      add(c, hub, Link::Kind::kLocal, km * params.local_detour / params.local_kmh);
      if (++joined == links_wanted) break;
    }
    if (joined == 0) stranded_.push_back(c);
  }
  // 4. Air: each community to its airport, and flights between airports. A trip of k flights
  //    costs departure + arrival + the block times + (k - 1) connections + the expected waits:
  //    each flight carries one connection, so each end carries (departure + arrival -
  //    connection) / 2 (docs/travel.md; the rules ensure it is not negative).
  const double end_hours =
      std::max(0.0, (params.air_departure_hours + params.air_arrival_hours - params.air_connection_hours) / 2);
  for (std::uint32_t k = 0; k < airport_of_.size(); ++k)
    add(airport_of_[k], static_cast<std::uint32_t>(n_ + k), Link::Kind::kAirport, end_hours);
  for (const auto& r : geo.routes)
    add(airport[r.from], airport[r.to], Link::Kind::kFlight,
        r.hours + params.air_connection_hours + frequency_wait_hours(r.days_per_week, params));

  const std::size_t vertices = n_ + airport_of_.size();
  graph_ = Graph(vertices);
  for (auto& [key, l] : links) {
    boost::add_edge(l.from, l.to, l.seconds, graph_);
    link_index_[key] = links_.size();
    links_.push_back(l);
  }
  once_ = std::make_unique<std::once_flag[]>(n_);
  ready_ = std::make_unique<std::atomic<bool>[]>(n_);
  for (std::size_t i = 0; i < n_; ++i) ready_[i].store(false);
  rows_.resize(n_);
  air_.resize(n_);
  order_.resize(n_);
  pred_.resize(n_);
  reachable_.assign(n_, 0);
}

void TravelModel::row(CommunityIndex from) const {
  std::call_once(once_[from], [&] { compute(from); });
}

const Link& TravelModel::link(std::uint32_t a, std::uint32_t b) const {
  return links_[link_index_.at(std::minmax(a, b))];
}

namespace {
// The communities (vertices below n) in the order Dijkstra settles them: by time, so the nearest
// first order needs no sort, only equal times put in index order.
struct SettleOrder : boost::default_dijkstra_visitor {
  std::vector<std::size_t>* order;
  std::size_t n;
  template <class Vertex, class G>
  void examine_vertex(Vertex u, const G&) {
    if (u < n) order->push_back(u);
  }
};
}  // namespace

void TravelModel::compute(CommunityIndex from) const {
  const std::size_t v = boost::num_vertices(graph_);
  std::vector<double> dist(v);
  std::vector<Graph::vertex_descriptor> pred(v);
  std::vector<std::size_t> order;
  order.reserve(n_);
  SettleOrder settle;
  settle.order = &order;
  settle.n = n_;
  auto index = boost::get(boost::vertex_index, graph_);
  boost::dijkstra_shortest_paths(
      graph_, from,
      boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), index))
          .distance_map(boost::make_iterator_property_map(dist.begin(), index))
          .visitor(settle));
  auto row = std::make_unique<float[]>(n_);
  auto tree = std::make_unique<std::uint32_t[]>(v);
  for (std::size_t t = 0; t < v; ++t) tree[t] = static_cast<std::uint32_t>(pred[t]);
  // Whether the way to each vertex takes a flight: inherited along the tree (walked from the
  // root down, so zero-second links cannot put a child before its parent).
  std::vector<signed char> flies(v, -1);
  flies[from] = 0;
  std::vector<std::size_t> chain;
  for (std::size_t t = 0; t < v; ++t) {
    if (tree[t] == t) {
      if (flies[t] < 0) flies[t] = 0;  // unreachable (or the source)
      continue;
    }
    chain.clear();
    std::size_t u = t;
    while (flies[u] < 0) {
      chain.push_back(u);
      u = tree[u];
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      std::size_t w = *it;
      const bool flight = tree[w] >= n_ && w >= n_;  // flights are the links between two airports
      flies[w] = static_cast<signed char>(flies[tree[w]] || flight);
    }
  }
  auto air = std::make_unique<unsigned char[]>(n_);
  // Settled in time order already; ties (equal times) go in index order: an insertion sort, which
  // only moves the few vertices a tie put out of place.
  auto before = [&](std::size_t a, std::size_t b) { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b); };
  for (std::size_t i = 1; i < order.size(); ++i)
    for (std::size_t j = i; j > 0 && before(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
  auto nearest = std::make_unique<CommunityIndex[]>(n_);
  std::uint32_t reachable = 0;
  for (std::size_t t : order)
    if (std::isfinite(dist[t])) nearest[reachable++] = static_cast<CommunityIndex>(t);
  assert(std::is_sorted(order.begin(), order.end(), before));
  for (std::size_t t = 0; t < n_; ++t) {
    row[t] = std::isfinite(dist[t]) ? static_cast<float>(dist[t]) : std::numeric_limits<float>::infinity();
    air[t] = static_cast<unsigned char>(t != from && flies[t] > 0);
  }
  rows_[from] = std::move(row);
  air_[from] = std::move(air);
  order_[from] = std::move(nearest);
  pred_[from] = std::move(tree);
  reachable_[from] = reachable;
  ready_[from].store(true, std::memory_order_release);
}

std::vector<std::uint32_t> TravelModel::vertices(CommunityIndex from, CommunityIndex to) const {
  row(from);
  std::vector<std::uint32_t> path;
  if (from == to || !std::isfinite(rows_[from][to])) return path;
  const std::uint32_t* tree = pred_[from].get();
  for (std::uint32_t u = to; u != from; u = tree[u]) path.push_back(u);
  path.push_back(from);
  std::reverse(path.begin(), path.end());
  return path;
}

Journey TravelModel::journey(CommunityIndex from, CommunityIndex to) const {
  Journey j;
  row(from);
  j.seconds = rows_[from][to];
  const auto path = vertices(from, to);
  double pending = 0;  // time at an airport before the next flight
  auto community = [&](std::uint32_t u) { return u < n_ ? u : airport_of_[u - n_]; };
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    const std::uint32_t a = path[i], b = path[i + 1];
    const Link& l = link(a, b);
    switch (l.kind) {
      case Link::Kind::kRoad:
      case Link::Kind::kLocal:
        if (!j.legs.empty() && j.legs.back().mode == Mode::kRoad && j.legs.back().to == a) {
          j.legs.back().via.push_back(a);
          j.legs.back().to = b;
          j.legs.back().seconds += l.seconds;
        } else {
          j.legs.push_back({a, b, Mode::kRoad, l.seconds, {}});
        }
        break;
      case Link::Kind::kFerry:
        j.legs.push_back({a, b, Mode::kFerry, l.seconds, {}});
        break;
      case Link::Kind::kFlight:
        j.legs.push_back({community(a), community(b), Mode::kAir, l.seconds + pending, {}});
        pending = 0;
        break;
      case Link::Kind::kAirport:
        if (a < n_) pending += l.seconds;              // into the airport: before the flight
        else if (!j.legs.empty()) j.legs.back().seconds += l.seconds;  // out: after the flight
        else pending += l.seconds;
        break;
    }
  }
  if (pending > 0 && !j.legs.empty()) j.legs.back().seconds += pending;
  return j;
}

std::vector<CommunityIndex> TravelModel::via(CommunityIndex from, CommunityIndex to) const {
  std::vector<CommunityIndex> out;
  const auto path = vertices(from, to);
  for (std::size_t i = 1; i + 1 < path.size(); ++i) {
    CommunityIndex c = path[i] < n_ ? path[i] : airport_of_[path[i] - n_];
    if (c != from && c != to && (out.empty() || out.back() != c)) out.push_back(c);
  }
  return out;
}

}  // namespace nrm::geo
