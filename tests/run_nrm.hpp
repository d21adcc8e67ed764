// Runs the nrm binary as a user would (NRM_BINARY, defined by the test target): its exit status
// and what it printed, stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace nrm::test {

struct Run {
  int status = -1;
  std::string out;
};

// `args` are shell words.
inline Run run_nrm(const std::string& args) {
  std::string cmd = std::string(NRM_BINARY) + " " + args + " 2>&1";
  Run r;
  FILE* f = popen(cmd.c_str(), "r");
  REQUIRE(f != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.out.append(buf.data(), n);
  int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace nrm::test
