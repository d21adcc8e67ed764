// Loading data/routes.csv, data/roads.csv and data/ferries.csv (see travel_loader.hpp).
#include "directory/travel_loader.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "directory/csv.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::detail {

namespace {

// One row's checks: endpoints, numbers; `ok` false once anything is wrong.
class Row {
 public:
  Row(const std::string& file, const CsvRow& row, const Geography& geo, Diagnostics& diags)
      : file_(file), row_(row), geo_(geo), diags_(diags) {}

  void bad(const std::string& field, const std::string& message) {
    diags_.add(file_, row_.line, 0, field, message);
    ok = false;
  }
  const std::string& at(std::size_t i) const { return row_.fields[i]; }

  CommunityIndex community(std::size_t i, const char* field) {
    const std::string& id = at(i);
    if (auto c = geo_.find(id)) return *c;
    std::string near = closest_name(id, geo_.ids());
    bad(field, "unknown community '" + id + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    return 0;
  }
  // A number in (min, max] (or [min, max] when zero_ok); `what` says what it is.
  double number(std::size_t i, const char* field, double min, double max, bool zero_ok, const std::string& what) {
    const std::string& s = at(i);
    double v = 0;
    if (s.empty()) {
      bad(field, "missing (" + what + ")");
      return 0;
    }
    if (!parse_double(s, v)) {
      bad(field, "'" + s + "' is not a number (" + what + ")");
      return 0;
    }
    if (v < 0 || (v == 0 && !zero_ok)) {
      bad(field, std::string(field) + " " + s + " is " + (v < 0 ? "negative" : "zero") + " (expected " +
                     (zero_ok ? ">= 0" : "> 0") + ")");
      return 0;
    }
    if (v < min || v > max) {
      bad(field, std::string(field) + " " + s + " is out of range [" + fmt(min) + ", " + fmt(max) + "]");
      return 0;
    }
    return v;
  }
  int days(std::size_t i) {
    const std::string& s = at(i);
    if (s.empty()) return 7;  // daily unless said otherwise
    double v = 0;
    if (!parse_double(s, v) || v != std::floor(v) || v < 1 || v > 7) {
      bad("days_per_week", "'" + s + "' is not a whole number of days a week (1 to 7)");
      return 7;
    }
    return static_cast<int>(v);
  }
  // The two endpoints: distinct, and (for roads) both with road access.
  void endpoints(CommunityIndex a, CommunityIndex b) {
    if (ok && a == b) bad("to", "joins '" + at(0) + "' to itself");
  }
  bool unique(std::set<std::pair<CommunityIndex, CommunityIndex>>& seen, CommunityIndex a, CommunityIndex b,
              const char* what) {
    if (!ok) return false;
    if (!seen.insert(std::minmax(a, b)).second) {
      bad("", std::string("duplicate ") + what + " " + at(0) + " - " + at(1));
      return false;
    }
    return true;
  }

  bool ok = true;

 private:
  static std::string fmt(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  const std::string& file_;
  const CsvRow& row_;
  const Geography& geo_;
  Diagnostics& diags_;
};

void load_routes(const std::string& path, Geography& geo, Diagnostics& diags) {
  // The header of this version, or the earlier one without days_per_week (every leg daily).
  const std::vector<std::string> header = {"from", "to", "hours", "days_per_week", "source"};
  const std::vector<std::string> daily = {"from", "to", "hours", "source"};
  auto text = read_text_file(path, diags);
  if (!text) return;
  bool old = parse_csv(text->substr(0, text->find('\n')), path, diags).front().fields == daily;
  std::set<std::pair<CommunityIndex, CommunityIndex>> seen;
  for (const auto& csv : read_csv(path, old ? daily : header, diags)) {
    Row row(path, csv, geo, diags);
    AirRoute r;
    r.line = csv.line;
    r.from = row.community(0, "from");
    r.to = row.community(1, "to");
    r.hours = row.number(2, "hours", 0, 24, false, "block time in hours, 0 to 24");
    r.days_per_week = old ? 7 : row.days(3);
    r.source = row.at(old ? 3 : 4);
    row.endpoints(r.from, r.to);
    if (row.unique(seen, r.from, r.to, "route")) geo.routes.push_back(std::move(r));
  }
}

void load_roads(const std::string& path, Geography& geo, Diagnostics& diags) {
  const std::vector<std::string> header = {"from", "to", "distance_km", "class", "route", "source"};
  static const std::vector<std::pair<std::string, RoadClass>> kClasses = {
      {"freeway", RoadClass::kFreeway},   {"divided", RoadClass::kDivided}, {"two_lane", RoadClass::kTwoLane},
      {"mountain", RoadClass::kMountain}, {"gravel", RoadClass::kGravel}};
  std::set<std::pair<CommunityIndex, CommunityIndex>> seen;
  for (const auto& csv : read_csv(path, header, diags)) {
    Row row(path, csv, geo, diags);
    RoadSegment s;
    s.line = csv.line;
    s.from = row.community(0, "from");
    s.to = row.community(1, "to");
    for (auto [c, field] : {std::pair{s.from, "from"}, std::pair{s.to, "to"}})
      if (row.ok && !geo[c].road_access)
        row.bad(field, "'" + geo[c].id + "' is a fly-in community (road_access false in communities.csv) "
                       "and cannot have a road");
    s.km = row.number(2, "distance_km", 0, 3000, false, "road distance in km, up to 3000");
    auto it = std::find_if(kClasses.begin(), kClasses.end(), [&](const auto& c) { return c.first == row.at(3); });
    if (it == kClasses.end()) row.bad("class", "'" + row.at(3) + "' is not a road class; expected one of "
                                                "freeway, divided, two_lane, mountain, gravel");
    else s.road_class = it->second;
    s.route = row.at(4);
    s.source = row.at(5);
    if (s.source.empty()) row.bad("source", "missing (where the distance comes from)");
    row.endpoints(s.from, s.to);
    if (row.unique(seen, s.from, s.to, "road segment")) geo.roads.push_back(std::move(s));
  }
}

void load_ferries(const std::string& path, Geography& geo, Diagnostics& diags) {
  const std::vector<std::string> header = {"from",          "to",          "crossing_hours", "wait_hours",
                                           "days_per_week", "approach_km", "source"};
  std::set<std::pair<CommunityIndex, CommunityIndex>> seen;
  for (const auto& csv : read_csv(path, header, diags)) {
    Row row(path, csv, geo, diags);
    Ferry f;
    f.line = csv.line;
    f.from = row.community(0, "from");
    f.to = row.community(1, "to");
    f.crossing_hours = row.number(2, "crossing_hours", 0, 48, false, "a ferry needs its crossing time in hours");
    f.wait_hours = row.number(3, "wait_hours", 0, 48, true, "the typical wait at the terminal in hours");
    f.days_per_week = row.days(4);
    f.approach_km = row.at(5).empty() ? 0 : row.number(5, "approach_km", 0, 500, true, "road km to the terminals");
    f.source = row.at(6);
    row.endpoints(f.from, f.to);
    if (row.unique(seen, f.from, f.to, "ferry")) geo.ferries.push_back(std::move(f));
  }
}

}  // namespace

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

void load_travel_network(const std::string& routes_path, Geography& geo, Diagnostics& diags) {
  load_routes(routes_path, geo, diags);
  load_roads(folder_of(routes_path) + "roads.csv", geo, diags);
  load_ferries(folder_of(routes_path) + "ferries.csv", geo, diags);
}

}  // namespace nrm::detail
