// bench_load: the first load of the engine, phase by phase (read+parse of providers.yaml,
// directory validation, rules, travel model and planner), median of several runs, and the peak
// RSS of a process that loads one directory; then the same directory from its compiled snapshot
// (digest, read, whole Engine::load), in a process of its own. Prints figures; asserts nothing.
// Build Release:
//   build/release/bench/bench_load [--sizes 50000] [--runs 5] [--providers FILE]
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "api/route.hpp"
#include "bench_util.hpp"
#include "directory/loader.hpp"
#include "directory/snapshot.hpp"
#include "directory/yaml_util.hpp"

using namespace nrm;
using bench::Clock;
using bench::ms_since;
using bench::peak_rss_mb;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// One directory, `runs` times, in this process: the figures of each phase, their medians.
int measure(const std::string& label, const api::EnginePaths& paths, int runs) {
  std::vector<double> parse, directory, rules, travel, total;
  std::size_t providers = 0;
  for (int run = 0; run < runs; ++run) {
    // read+parse alone: the providers file read and turned into a document, nothing checked.
    auto t0 = Clock::now();
    {
      Diagnostics diags;
      auto doc = detail::load_yaml_file(paths.data.providers, diags);
      if (!doc) {
        fmt::print(stderr, "bench_load: {} does not parse\n", paths.data.providers);
        return 1;
      }
    }
    parse.push_back(ms_since(t0));
    // The engine's own sequence (Engine::load), phase by phase.
    auto t1 = Clock::now();
    Directory dir = load_directory(paths.data);
    const double dir_ms = ms_since(t1);
    directory.push_back(dir_ms - parse.back());  // load_directory parses, then validates
    auto t2 = Clock::now();
    rules::Policy policy = rules::Policy::load(paths.rules_dir, dir);
    rules.push_back(ms_since(t2));
    auto t3 = Clock::now();
    geo::TravelModel model(dir.geography, policy.travel());
    api::refuse_stranded(dir.geography, model, paths.data.communities);
    planner::Planner planner(dir, policy, model);
    travel.push_back(ms_since(t3));
    total.push_back(dir_ms + rules.back() + travel.back());
    providers = dir.providers.size();
  }
  fmt::print("{:<28} {:>6} providers | read+parse {:>7.0f} ms  validate {:>6.0f} ms  rules {:>5.0f} ms  "
             "travel+planner {:>5.0f} ms | total {:>7.0f} ms | peak RSS {:>5} MB  (median of {})\n",
             label, providers, median(parse), median(directory), median(rules), median(travel), median(total),
             peak_rss_mb(), runs);
  return 0;
}

// The same directory from its compiled snapshot in `cache` (written beforehand by --make-snapshot,
// in another process): the digest of the sources, the mapping and reading of the snapshot, and a
// whole Engine::load through the cache, which must have read the snapshot.
int measure_snapshot(const std::string& label, api::EnginePaths paths, const std::string& cache, int runs) {
  paths.cache_dir = cache;
  std::vector<double> key_ms, read_ms, engine_ms;
  std::size_t providers = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = Clock::now();
    const std::string key = snapshot_key(paths.data);
    key_ms.push_back(ms_since(t0));
    auto t1 = Clock::now();
    Directory dir;
    std::string problem;
    if (!read_snapshot(cache + "/" + key + ".nrmsnap", key, paths.data, dir, problem)) {
      fmt::print(stderr, "bench_load: the snapshot cannot be read: {}\n", problem);
      return 1;
    }
    read_ms.push_back(ms_since(t1));
    providers = dir.providers.size();
    auto t2 = Clock::now();
    auto engine = api::Engine::load(paths);
    engine_ms.push_back(ms_since(t2));
    if (engine->snapshot().kind != SnapshotUse::Kind::kRead) {
      fmt::print(stderr, "bench_load: Engine::load did not read the snapshot ({})\n",
                 snapshot_kind_name(engine->snapshot().kind));
      return 1;
    }
  }
  fmt::print("{:<28} {:>6} providers | snapshot: digest {:>4.0f} ms  read {:>5.0f} ms | Engine::load {:>5.0f} ms | "
             "peak RSS {:>5} MB  (median of {})\n",
             label, providers, median(key_ms), median(read_ms), median(engine_ms), peak_rss_mb(), runs);
  return 0;
}

// Measures one directory in a fresh process, so that its peak RSS is its own.
int measure_apart(const std::string& self, const std::string& label, const std::string& providers, int runs) {
  std::string cmd = "'" + self + "' --runs " + std::to_string(runs) + " --label '" + label + "'";
  if (!providers.empty()) cmd += " --providers '" + providers + "'";
  std::fflush(stdout);
  if (std::system((cmd + " --one").c_str()) != 0) return 1;
  // From the snapshot: written by one process, measured in another (its peak RSS its own).
  auto cache = std::filesystem::temp_directory_path() / ("nrm-bench-cache-" + std::to_string(::getpid()));
  const std::string in_cache = " --cache '" + cache.string() + "'";
  const bool ok = std::system((cmd + in_cache + " --make-snapshot").c_str()) == 0 &&
                  std::system((cmd + in_cache + " --one").c_str()) == 0;
  std::filesystem::remove_all(cache);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {50000};
  int runs = 5;
  std::string providers_file, label, cache;
  bool one = false, make_snapshot = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--one") one = true;
    else if (a == "--runs" && has_value) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--providers" && has_value) providers_file = argv[++i];
    else if (a == "--label" && has_value) label = argv[++i];
    else if (a == "--cache" && has_value) cache = argv[++i];
    else if (a == "--make-snapshot") make_snapshot = true;
    else if (a == "--sizes" && has_value) {
      sizes.clear();
      std::stringstream ss(argv[++i]);
      std::string s;
      while (std::getline(ss, s, ',')) sizes.push_back(std::stoi(s));
    } else {
      fmt::print(stderr, "usage: bench_load [--sizes 50000] [--runs 5] [--providers FILE]\n");
      return 2;
    }
  }
  const std::string root = NRM_SOURCE_ROOT;
  auto paths = api::EnginePaths::shipped(root);
  if (!providers_file.empty()) paths.data.providers = providers_file;
  if (make_snapshot) {
    paths.cache_dir = cache;
    auto t0 = Clock::now();
    auto engine = api::Engine::load(paths);
    fmt::print("{:<28} {:>6} providers | first load and snapshot written: {:.0f} ms\n", label,
               engine->directory().providers.size(), ms_since(t0));
    return engine->snapshot().kind == SnapshotUse::Kind::kWritten ? 0 : 1;
  }
  if (one && !cache.empty()) return measure_snapshot(label.empty() ? paths.data.providers : label, paths, cache, runs);
  if (one) return measure(label.empty() ? paths.data.providers : label, paths, runs);

  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  fmt::print("bench_load: Engine::load phase by phase, one process per directory\n");
  if (!providers_file.empty()) return measure_apart(self, providers_file, providers_file, runs);
  int status = measure_apart(self, "shipped", "", runs);
  auto tmp = std::filesystem::temp_directory_path() / ("nrm-bench-load-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  for (int n : sizes) {
    auto out = (tmp / ("providers-" + std::to_string(n) + ".yaml")).string();
    if (const std::string cmd = bench::generate_directory(root, n, out); !cmd.empty()) {
      fmt::print(stderr, "bench_load: generator failed: {}\n", cmd);
      status = 1;
      break;
    }
    status |= measure_apart(self, "generated", out, runs);
  }
  std::filesystem::remove_all(tmp);
  return status;
}
