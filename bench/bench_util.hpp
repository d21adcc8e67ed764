// What the benchmarks share: elapsed milliseconds, the process's peak memory, and a generated
// directory of n providers (tools/gen/gen_directory.py, seed 2018, the shipped communities).
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace nrm::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// Writes `out`; the command that failed, or empty on success.
inline std::string generate_directory(const std::string& root, int providers, const std::string& out) {
  const std::string cmd = "python3 " + root + "/tools/gen/gen_directory.py --communities " + root +
                          "/data/communities.csv --seed 2018 --providers " + std::to_string(providers) + " --out " + out;
  return std::system(cmd.c_str()) == 0 ? std::string() : cmd;
}

}  // namespace nrm::bench
