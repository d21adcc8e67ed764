// libFuzzer target: the rules compiler's file-reading entry and everything behind it. The input is
// one rules file (in place of the test policy's eligibility.yaml, the other files as shipped with
// the tests), loaded against the test world. A LoadError is the expected refusal.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "directory/loader.hpp"
#include "model/diagnostics.hpp"
#include "rules/policy.hpp"

namespace {
const nrm::Directory& world() {
  static const nrm::Directory d = nrm::load_directory({NRM_TEST_DIR "/fixtures/world/taxonomy.yaml",
                                                       NRM_TEST_DIR "/fixtures/world/communities.csv",
                                                       NRM_TEST_DIR "/fixtures/world/routes.csv",
                                                       NRM_TEST_DIR "/fixtures/world/providers.yaml",
                                                       NRM_TEST_DIR "/fixtures/world/fallbacks.yaml"});
  return d;
}
const std::string& scratch() {
  static const std::string p = "/tmp/nrm-fuzz-rules-" + std::to_string(::getpid()) + ".yaml";
  return p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(scratch(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::vector<std::string> files;
  for (const char* f : {"derived-needs.yaml", "language.yaml", "preferences.yaml", "ranking.yaml", "travel.yaml"})
    files.push_back(std::string(NRM_TEST_DIR "/fixtures/rules/") + f);
  files.push_back(scratch());
  try {
    nrm::rules::Policy::load_files(files, world());
  } catch (const nrm::LoadError&) {
  }
  return 0;
}
