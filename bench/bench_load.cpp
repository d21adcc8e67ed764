// bench_load: the first load of the engine, phase by phase (read+parse of providers.yaml,
// directory validation, rules, travel model and planner), median of several runs, and the peak
// RSS of a process that loads one directory. Prints figures; asserts nothing. Build Release:
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

// Measures one directory in a fresh process, so that its peak RSS is its own.
int measure_apart(const std::string& self, const std::string& label, const std::string& providers, int runs) {
  std::string cmd = "'" + self + "' --runs " + std::to_string(runs) + " --label '" + label + "'";
  if (!providers.empty()) cmd += " --providers '" + providers + "'";
  cmd += " --one";
  std::fflush(stdout);
  return std::system(cmd.c_str()) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {50000};
  int runs = 5;
  std::string providers_file, label;
  bool one = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--one") one = true;
    else if (a == "--runs" && has_value) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--providers" && has_value) providers_file = argv[++i];
    else if (a == "--label" && has_value) label = argv[++i];
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
