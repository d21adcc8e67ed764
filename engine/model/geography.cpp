// Geography: community lookup and great-circle distance.
#include "model/geography.hpp"

#include <cmath>
#include <numbers>

namespace nrm {

std::vector<std::string> Geography::ids() const {
  std::vector<std::string> out;
  out.reserve(communities.size());
  for (const auto& c : communities) out.push_back(c.id);
  return out;
}

void Geography::reindex() {
  index_.clear();
  for (CommunityIndex i = 0; i < communities.size(); ++i) index_.emplace(communities[i].id, i);
}

double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = std::numbers::pi / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace nrm
