// Planner test helpers: an engine on the test world (tests/fixtures/world, round travel hours)
// with the test policy (tests/fixtures/rules) and a directory given as YAML text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "test_util.hpp"

namespace nrm::test {

inline std::shared_ptr<const api::Engine> world_engine(const TempDir& dir, const std::string& providers_yaml) {
  api::EnginePaths p;
  p.data = world_paths();
  p.data.providers = dir.write("providers.yaml", "schema: 1\nsynthetic: true\nproviders:\n" + providers_yaml);
  p.rules_dir = test_dir() + "/fixtures/rules";
  return api::Engine::load(p);
}

inline std::vector<std::string> ids(const api::Engine& e, const planner::PlannedPathway& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(e.directory().providers[s.provider].id);
  return out;
}

inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

inline Date test_date() { return *Date::parse("2026-11-27"); }

}  // namespace nrm::test
