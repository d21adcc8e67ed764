// The travel between two communities as nrm sees it (nrm route, Engine::route_json): hours, and
// each leg with its mode and the communities it passes through; and the travel network loaded
// alone (TravelOnly), without the provider directory.
#include "api/route.hpp"

#include <fmt/format.h>

#include <cmath>

#include "directory/loader.hpp"

namespace nrm::api {

using nlohmann::json;

namespace {

CommunityIndex community(const Geography& g, const std::string& id, const char* field) {
  if (auto c = g.find(id)) return *c;
  std::string near = closest_name(id, g.ids());
  throw LoadError("unknown community",
                  {{"", 0, 0, field, "unknown community '" + id + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)")}});
}

double seconds_to_hours2(double seconds) { return std::round(seconds / 36.0) / 100.0; }

}  // namespace

void refuse_stranded(const Geography& g, const geo::TravelModel& travel, const std::string& communities_path) {
  if (travel.stranded().empty()) return;
  std::vector<Diagnostic> problems;
  for (CommunityIndex c : travel.stranded())
    problems.push_back({communities_path, g[c].line, 0, "road_access",
                        "'" + g[c].id + "' has road access but no highway segment, ferry or highway community "
                        "within travel.local_max_km; mark it fly-in or add its road to roads.csv"});
  throw LoadError("invalid travel network", std::move(problems));
}

json route_json(const Geography& g, const geo::TravelModel& travel, const std::string& from, const std::string& to) {
  const CommunityIndex a = community(g, from, "from"), b = community(g, to, "to");
  const geo::Journey j = travel.journey(a, b);
  json out;
  out["from"] = g[a].id;
  out["to"] = g[b].id;
  out["hours"] = std::isfinite(j.seconds) ? json(seconds_to_hours2(j.seconds)) : json(nullptr);
  json legs = json::array();
  for (const auto& l : j.legs) {
    json via = json::array();
    for (CommunityIndex c : l.via) via.push_back(g[c].id);
    legs.push_back({{"from", g[l.from].id}, {"to", g[l.to].id}, {"mode", geo::mode_name(l.mode)},
                    {"hours", seconds_to_hours2(l.seconds)}, {"via", via}});
  }
  out["legs"] = legs;
  return out;
}

std::string route_text(const Geography& g, const geo::TravelModel& travel, const std::string& from,
                       const std::string& to) {
  const json j = route_json(g, travel, from, to);
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

json Engine::route_json(const std::string& from, const std::string& to) const {
  return api::route_json(directory_->geography, *travel_, from, to);
}

std::string Engine::route_text(const std::string& from, const std::string& to) const {
  return api::route_text(directory_->geography, *travel_, from, to);
}

std::shared_ptr<const TravelOnly> TravelOnly::load(const EnginePaths& paths) {
  std::shared_ptr<TravelOnly> t(new TravelOnly());
  t->directory_.taxonomy = load_taxonomy(paths.data.taxonomy);
  t->directory_.geography = load_geography(paths.data.communities, paths.data.routes, t->directory_.taxonomy);
  t->directory_.paths = paths.data;
  // The rules are read whole (so a bad rules folder is refused as by every command); only the
  // travel parameters are used. No providers: the rules do not need them to compile.
  const rules::Policy policy = rules::Policy::load(paths.rules_dir, t->directory_);
  t->travel_ = std::make_unique<geo::TravelModel>(t->directory_.geography, policy.travel());
  refuse_stranded(t->directory_.geography, *t->travel_, paths.data.communities);
  return t;
}

json TravelOnly::route_json(const std::string& from, const std::string& to) const {
  return api::route_json(directory_.geography, *travel_, from, to);
}

std::string TravelOnly::route_text(const std::string& from, const std::string& to) const {
  return api::route_text(directory_.geography, *travel_, from, to);
}

}  // namespace nrm::api
