// The engine on the SHIPPED data and rules (data/, rules/), loaded once per test binary: for the
// tests that say they run on what ships.
#pragma once

#include "api/engine.hpp"
#include "test_util.hpp"

namespace nrm::test {

inline const api::Engine& shipped() {
  static auto e = api::Engine::load(api::EnginePaths::shipped(source_root()));
  return *e;
}

// A case (YAML or JSON text) referred on the shipped engine, with its answer as JSON.
struct Ran {
  Case c;
  api::Answer a;
  nlohmann::json j;
};

inline Ran refer_shipped(const std::string& text, const std::string& origin, Date as_of) {
  const auto& e = shipped();
  Case c = e.parse_case(text, origin);
  api::Answer a = e.refer(c, as_of);
  return {c, a, e.answer_json(a)};
}

// A shipped community by id (the id must exist), and the provider of a planned step.
inline CommunityIndex community_at(const char* id) { return *shipped().directory().geography.find(id); }
inline const Provider& step_provider(const planner::PlannedStep& s) { return shipped().directory().providers[s.provider]; }

}  // namespace nrm::test
