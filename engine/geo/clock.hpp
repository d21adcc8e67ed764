// Local time in each community: the IANA time zones of communities.csv on the system's tz
// database (Howard Hinnant's date library, the basis of C++20's <chrono> zones). The planner
// asks it what time it is at a provider when the case says what time it is where the person is.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/geography.hpp"
#include "model/hours.hpp"

namespace nrm::geo {

class Clock {
 public:
  // Each community's zone; a community without one keeps the case's clock (UTC both ways).
  explicit Clock(const Geography& g);
  Clock(Clock&&) noexcept;
  ~Clock();

  using Instant = std::int64_t;  // seconds since 1970-01-01T00:00Z
  // The instant of a wall-clock time at community c (the earlier one when a change of clock
  // makes it ambiguous, the first one after it when it is skipped).
  Instant instant(CommunityIndex c, LocalTime t) const;
  LocalTime local(CommunityIndex c, Instant at) const;
  Instant now() const;
  // A small number per distinct zone (0 = none), so that callers compute per zone, not per
  // community.
  int zone_of(CommunityIndex c) const { return zone_[c]; }
  int zones() const;
  LocalTime local_in_zone(int zone, Instant at) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<int> zone_;
};

}  // namespace nrm::geo
