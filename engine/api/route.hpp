// nrm route without the whole engine: the travel network alone (taxonomy, communities, routes,
// roads, ferries, the travel parameters of rules/), so that a route answers in milliseconds
// instead of paying for the provider directory. The same renderings as Engine::route_json.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/engine.hpp"

namespace nrm::api {

// The JSON and text of a journey (Engine::route_json, route_text). Throws LoadError (field "from"
// or "to") for an unknown community id.
nlohmann::json route_json(const Geography& g, const geo::TravelModel& travel, const std::string& from,
                          const std::string& to);
std::string route_text(const Geography& g, const geo::TravelModel& travel, const std::string& from,
                       const std::string& to);
// Throws LoadError (communities file:line, field road_access) for every road community the
// network does not reach.
void refuse_stranded(const Geography& g, const geo::TravelModel& travel, const std::string& communities_path);

class TravelOnly {
 public:
  // Throws LoadError listing every problem in the geography and the rules.
  static std::shared_ptr<const TravelOnly> load(const EnginePaths& paths);
  nlohmann::json route_json(const std::string& from, const std::string& to) const;
  std::string route_text(const std::string& from, const std::string& to) const;
  const geo::TravelModel& travel() const { return *travel_; }

 private:
  TravelOnly() = default;
  Directory directory_;  // taxonomy and geography; no providers
  std::unique_ptr<geo::TravelModel> travel_;
};

}  // namespace nrm::api
