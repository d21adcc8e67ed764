// Engine::route_json and route_text: the travel between two communities as nrm sees it (nrm
// route): hours, and each leg with its mode and the communities it passes through.
#include <fmt/format.h>

#include <cmath>

#include "api/engine.hpp"

namespace nrm::api {

using nlohmann::json;

namespace {

CommunityIndex community(const Geography& g, const std::string& id, const char* field) {
  if (auto c = g.find(id)) return *c;
  std::string near = closest_name(id, g.ids());
  throw LoadError("unknown community",
                  {{"", 0, 0, field, "unknown community '" + id + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)")}});
}

double hours2(double seconds) { return std::round(seconds / 36.0) / 100.0; }

}  // namespace

json Engine::route_json(const std::string& from, const std::string& to) const {
  const Geography& g = directory_->geography;
  const CommunityIndex a = community(g, from, "from"), b = community(g, to, "to");
  const geo::Journey j = travel_->journey(a, b);
  json out;
  out["from"] = g[a].id;
  out["to"] = g[b].id;
  out["hours"] = std::isfinite(j.seconds) ? json(hours2(j.seconds)) : json(nullptr);
  json legs = json::array();
  for (const auto& l : j.legs) {
    json via = json::array();
    for (CommunityIndex c : l.via) via.push_back(g[c].id);
    legs.push_back({{"from", g[l.from].id}, {"to", g[l.to].id}, {"mode", geo::mode_name(l.mode)},
                    {"hours", hours2(l.seconds)}, {"via", via}});
  }
  out["legs"] = legs;
  return out;
}

std::string Engine::route_text(const std::string& from, const std::string& to) const {
  const Geography& g = directory_->geography;
  const json j = route_json(from, to);
  auto name = [&](const json& id) { return g[*g.find(id.get<std::string>())].name; };
  if (j["hours"].is_null())
    return fmt::format("{} to {}: no way by road, ferry or air in the data\n", name(j["from"]), name(j["to"]));
  std::string out = fmt::format("{} to {}: {:.1f} h\n", name(j["from"]), name(j["to"]), j["hours"].get<double>());
  for (const auto& l : j["legs"]) {
    out += fmt::format("  {:<5} {:>5.1f} h  {} - {}\n", l["mode"].get<std::string>(), l["hours"].get<double>(),
                       name(l["from"]), name(l["to"]));
    if (!l["via"].empty()) {
      std::string via;
      for (const auto& v : l["via"]) via += (via.empty() ? "" : ", ") + name(v);
      out += "               via " + via + "\n";
    }
  }
  return out;
}

}  // namespace nrm::api
