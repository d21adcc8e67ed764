// bench_route: figures for the travel model on the shipped data (docs/travel.md): building it,
// computing every row of shortest times, and answering journeys (what nrm route does after load).
// Prints figures; never a timed assertion.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "api/engine.hpp"

int main() {
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto t0 = Clock::now();
  auto engine = nrm::api::Engine::load(nrm::api::EnginePaths::shipped(NRM_SOURCE_ROOT));
  auto t1 = Clock::now();
  const auto& g = engine->directory().geography;
  // A fresh model, so that its rows are not yet computed.
  auto t2 = Clock::now();
  nrm::geo::TravelModel model(g, engine->policy().travel());
  auto t3 = Clock::now();
  double sum = 0;
  for (nrm::CommunityIndex c = 0; c < g.size(); ++c) sum += model.seconds_from(c)[0];
  auto t4 = Clock::now();
  fmt::print("engine load (data, rules, travel model): {:.1f} ms\n", ms(t1 - t0));
  fmt::print("travel model build ({} communities, {} links): {:.1f} ms\n", g.size(), model.links().size(), ms(t3 - t2));
  fmt::print("every row of shortest times ({} rows): {:.1f} ms (checksum {:.0f})\n", g.size(), ms(t4 - t3), sum);
  // Journeys between random pairs on a fresh model (each pays for its row), then route_json.
  nrm::geo::TravelModel cold(g, engine->policy().travel());
  std::mt19937 rng(19);
  std::uniform_int_distribution<nrm::CommunityIndex> pick(0, static_cast<nrm::CommunityIndex>(g.size() - 1));
  std::vector<double> times;
  std::size_t legs = 0;
  for (int i = 0; i < 500; ++i) {
    auto a = pick(rng), b = pick(rng);
    auto s = Clock::now();
    legs += cold.journey(a, b).legs.size();
    times.push_back(ms(Clock::now() - s));
  }
  std::sort(times.begin(), times.end());
  fmt::print("journey, cold row (500 random pairs): p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms ({} legs)\n",
             times[250], times[495], times.back(), legs);
  times.clear();
  for (int i = 0; i < 500; ++i) {
    auto a = pick(rng), b = pick(rng);
    auto s = Clock::now();
    auto j = engine->route_json(g[a].id, g[b].id);
    times.push_back(ms(Clock::now() - s));
  }
  std::sort(times.begin(), times.end());
  fmt::print("Engine::route_json (500 random pairs): p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms\n", times[250],
             times[495], times.back());
  return 0;
}
