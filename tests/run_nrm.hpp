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

// Columns a line takes on a terminal: its UTF-8 code points.
inline std::size_t columns(const std::string& line) {
  std::size_t n = 0;
  for (unsigned char ch : line) n += (ch & 0xC0) != 0x80;
  return n;
}

// `args` are shell words. Every text answer of `nrm refer` (not --json) that any test runs is
// checked to fit an 80-column terminal, line by line.
// The locale is pinned to C (English) so that a developer's French locale does not change the
// answers the tests read; --lang in `args` still chooses.
// `env` is put before the command (NAME=value words).
inline Run run_nrm(const std::string& args, const std::string& env = "") {
  std::string cmd = "LC_ALL=C LC_MESSAGES= LANG= " + env + " " + std::string(NRM_BINARY) + " " + args + " 2>&1";
  Run r;
  FILE* f = popen(cmd.c_str(), "r");
  REQUIRE(f != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.out.append(buf.data(), n);
  int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  const bool answer = r.status == 0 || r.status == 3;  // not an error message naming a long path
  if (answer && args.rfind("refer ", 0) == 0 && args.find("--json") == std::string::npos && args.find("--help") == std::string::npos &&
      args.find("--slip html") == std::string::npos) {  // a page to print, not a terminal's text
    std::size_t at = 0;
    while (at < r.out.size()) {
      std::size_t end = r.out.find('\n', at);
      if (end == std::string::npos) end = r.out.size();
      const std::string line = r.out.substr(at, end - at);
      if (columns(line) > 80) FAIL_CHECK("wider than 80 columns: " << line);
      at = end + 1;
    }
  }
  return r;
}

}  // namespace nrm::test
