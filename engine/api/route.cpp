// The travel between two communities as nrm sees it (nrm route, Engine::route_json): hours, and
// each leg with its mode and the communities it passes through; and the travel network loaded
// alone (TravelOnly), without the provider directory.
#include "api/route.hpp"

#include <fmt/format.h>

#include <cmath>

#include "api/text.hpp"
#include "directory/loader.hpp"
#include "i18n/text.hpp"

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
  using i18n::Msg;
  using i18n::tr;
  if (j["hours"].is_null()) return tr(Msg::route_none, {{"from", name(j["from"])}, {"to", name(j["to"])}}) + "\n";
  std::string out = tr(Msg::route_total, {{"from", name(j["from"])}, {"to", name(j["to"])},
                                          {"hours", i18n::decimal(j["hours"].get<double>(), 1)}}) +
                    "\n";
  auto mode = [&](const std::string& m) {
    return m == "ferry" ? tr(Msg::route_mode_ferry) : m == "air" ? tr(Msg::route_mode_air) : tr(Msg::route_mode_road);
  };
  // Modes in a column as wide as the longest in this language ("ferry", "traversier").
  std::size_t width = 0;
  for (const char* m : {"road", "ferry", "air"}) width = std::max(width, detail::columns(mode(m)));
  const std::string via_word = tr(Msg::step_via);
  for (const auto& l : j["legs"]) {
    std::string m = mode(l["mode"].get<std::string>());
    m.append(width - detail::columns(m), ' ');
    out += fmt::format("  {} {:>5} h  {} - {}\n", m, i18n::decimal(l["hours"].get<double>(), 1), name(l["from"]), name(l["to"]));
    if (!l["via"].empty()) {
      std::string via;
      for (const auto& v : l["via"]) via += (via.empty() ? "" : ", ") + name(v);
      out += std::string(width + 10, ' ') + via_word + " " + via + "\n";
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
