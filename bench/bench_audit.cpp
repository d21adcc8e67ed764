// bench_audit: times the full audit (every community x every profile) on a data set; prints the
// load time, the cell computation time and the per-cell cost. Build Release to measure.
// Usage: bench_audit [--providers F] [--communities F] [--routes F] [--profiles F]
//                    [--threads N] [--as-of YYYY-MM-DD] [--province XX]
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <string>

#include "api/engine.hpp"
#include "audit/audit.hpp"

int main(int argc, char** argv) {
  using namespace nrm;
  auto paths = api::EnginePaths::shipped(NRM_SOURCE_ROOT);
  std::string profiles = std::string(NRM_SOURCE_ROOT) + "/data/profiles.yaml";
  audit::Options opts;
  opts.as_of = *Date::parse("2026-06-01");
  std::string province;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--providers") paths.data.providers = v;
    else if (k == "--communities") paths.data.communities = v;
    else if (k == "--routes") paths.data.routes = v;
    else if (k == "--profiles") profiles = v;
    else if (k == "--threads") opts.threads = std::stoi(v);
    else if (k == "--as-of") opts.as_of = *Date::parse(v);
    else if (k == "--province") province = v;
    else {
      fmt::print(stderr, "bench_audit: unknown option {}\n", k);
      return 2;
    }
  }
  try {
    auto t0 = std::chrono::steady_clock::now();
    auto engine = api::Engine::load(paths);
    auto t1 = std::chrono::steady_clock::now();
    if (!province.empty()) opts.province = engine->directory().taxonomy.provinces.find(province);
    auto prof = audit::load_profiles(profiles, *engine);
    auto a = audit::run(*engine, prof, opts);
    auto t2 = std::chrono::steady_clock::now();
    std::size_t feasible = 0;
    for (const auto& c : a.cells) feasible += c.feasible;
    const double load = std::chrono::duration<double>(t1 - t0).count();
    const double total = std::chrono::duration<double>(t2 - t1).count();
    fmt::print("providers {}  communities {}  profiles {}  threads {}\n", engine->directory().providers.size(),
               a.communities.size(), a.profiles.size(), opts.threads);
    fmt::print("load {:.2f} s   audit {:.2f} s ({} cells, {} feasible, {:.3f} ms per cell, cells only {:.2f} s)\n",
               load, total, a.cells.size(), feasible, 1000.0 * a.seconds / static_cast<double>(a.cells.size()),
               a.seconds);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_audit: {}\n", e.what());
    return 1;
  }
  return 0;
}
