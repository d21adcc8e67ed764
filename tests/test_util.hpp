// Shared test helpers: temporary files, the test world under tests/fixtures/world, and
// assertions on LoadError diagnostics.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/diagnostics.hpp"
#include "model/directory.hpp"

namespace nrm::test {

inline std::string source_root() { return NRM_SOURCE_ROOT; }
inline std::string test_dir() { return NRM_TEST_DIR; }
inline std::string world(const std::string& file) { return test_dir() + "/fixtures/world/" + file; }

inline DataPaths world_paths() {
  return {world("taxonomy.yaml"), world("communities.csv"), world("routes.csv"), world("providers.yaml"),
          world("fallbacks.yaml")};
}

// A fresh temporary folder, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("nrm-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& name = "") const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs f, expects a LoadError, returns its report (one diagnostic per line).
template <typename F>
std::string load_error(F&& f) {
  try {
    f();
  } catch (const LoadError& e) {
    return e.report();
  }
  FAIL("expected a LoadError");
  return {};
}

}  // namespace nrm::test
