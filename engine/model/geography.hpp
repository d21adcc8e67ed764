// Communities (data/communities.csv) and air routes (data/routes.csv): the places a person can be
// and the flights between fly-in communities and their hubs.
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
  std::string source;
  int line = 0;
};

struct AirRoute {
  CommunityIndex from = 0;
  CommunityIndex to = 0;
  double hours = 0;
  std::string source;
  int line = 0;
};

class Geography {
 public:
  std::vector<Community> communities;  // sorted by id
  std::vector<AirRoute> routes;

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
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace nrm
