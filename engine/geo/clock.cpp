// geo::Clock on the date library's time zones (the system's /usr/share/zoneinfo).
#include "geo/clock.hpp"

#include <chrono>
#include <map>

#include <date/tz.h>

namespace nrm::geo {

struct Clock::Impl {
  std::vector<const date::time_zone*> zones{nullptr};  // index 0: no zone (UTC)
};

Clock::Clock(const Geography& g) : impl_(std::make_unique<Impl>()), zone_(g.size(), 0) {
  std::map<std::string, int> seen;
  for (CommunityIndex c = 0; c < g.size(); ++c) {
    const std::string& name = g[c].timezone;
    if (name.empty()) continue;
    auto [it, fresh] = seen.emplace(name, static_cast<int>(impl_->zones.size()));
    if (fresh) {
      const date::time_zone* z = nullptr;
      try {
        z = date::locate_zone(name);
      } catch (const std::exception&) {
        z = nullptr;  // the loader refuses unknown zones; a hand-made geography keeps UTC
      }
      impl_->zones.push_back(z);
    }
    zone_[c] = it->second;
  }
}

Clock::Clock(Clock&&) noexcept = default;
Clock::~Clock() = default;

int Clock::zones() const { return static_cast<int>(impl_->zones.size()); }

Clock::Instant Clock::instant(CommunityIndex c, LocalTime t) const {
  using namespace std::chrono;
  const auto wall = date::local_seconds{seconds{static_cast<std::int64_t>(t.days) * 86400 + t.minute * 60}};
  const date::time_zone* z = impl_->zones[static_cast<std::size_t>(zone_[c])];
  if (!z) return wall.time_since_epoch().count();
  const date::local_info info = z->get_info(wall);
  sys_seconds at;
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // the first of the two
      at = sys_seconds{wall.time_since_epoch() - info.first.offset};
      break;
    default:  // skipped by a change of clock: the moment the clock changed
      at = info.second.begin;
      break;
  }
  return at.time_since_epoch().count();
}

LocalTime Clock::local_in_zone(int zone, Instant at) const {
  using namespace std::chrono;
  std::int64_t wall = at;
  if (const date::time_zone* z = impl_->zones[static_cast<std::size_t>(zone)])
    wall += z->get_info(sys_seconds{seconds{at}}).offset.count();
  const std::int64_t day = wall >= 0 ? wall / 86400 : (wall - 86399) / 86400;
  return LocalTime{static_cast<int>(day), static_cast<int>((wall - day * 86400) / 60)};
}

LocalTime Clock::local(CommunityIndex c, Instant at) const { return local_in_zone(zone_[c], at); }

Clock::Instant Clock::now() const {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace nrm::geo
