// Communities (data/communities.csv) and the travel network between them: scheduled air routes
// (data/routes.csv), road segments along the highways (data/roads.csv) and ferries
// (data/ferries.csv). See docs/data.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nrm {

using CommunityIndex = std::uint32_t;

struct Community {
  std::string id;  // slug, e.g. "val-dor-qc"
  std::string name;
  int province = 0;  // index into Taxonomy::provinces
  double latitude = 0;
  double longitude = 0;
  std::optional<std::int64_t> population;
  bool road_access = true;
  std::string timezone;  // IANA name (America/Toronto); empty when the file gives none
  std::string source;
  int line = 0;
};

struct AirRoute {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  double hours = 0;      // block time, gate to gate
  int days_per_week = 7;  // how many days a week the leg flies
  std::string source;
  int line = 0;
};

enum class RoadClass { kFreeway, kDivided, kTwoLane, kMountain, kGravel };

struct RoadSegment {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  double km = 0;  // road distance
  RoadClass road_class = RoadClass::kTwoLane;
  std::string route;  // the highway, e.g. "ON-17 Lake Superior"
  std::string source;
  int line = 0;
};

struct Ferry {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  double crossing_hours = 0;  // terminal to terminal
  double wait_hours = 0;      // typical wait: arriving ahead, check-in, loading
  int days_per_week = 7;
  double approach_km = 0;     // road between the named communities and their terminals
  std::string source;
  int line = 0;
};

class Geography {
 public:
  std::vector<Community> communities;  // sorted by id
  std::vector<AirRoute> routes;
  std::vector<RoadSegment> roads;
  std::vector<Ferry> ferries;

  std::optional<CommunityIndex> find(std::string_view id) const {
    auto it = index_.find(id);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> ids() const;
  const Community& operator[](CommunityIndex i) const { return communities[i]; }
  std::size_t size() const { return communities.size(); }
  void reindex();

 private:
  std::map<std::string, CommunityIndex, std::less<>> index_;
};

// Great-circle distance in kilometres.
inline constexpr double kEarthRadiusKm = 6371.0088;  // mean radius (IUGG)
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace nrm
