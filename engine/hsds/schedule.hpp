// HSDS 3.1 schedules as nrm intake hours and back: the structured weekly form (freq WEEKLY,
// byday "MO,TU,...", opens_at and closes_at "HH:MM") read into nrm's hours text, and nrm's hours
// written as such schedules by the export. See docs/data.md ("What the import reads").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/hours.hpp"

namespace nrm::hsds::detail {

// An opening on one day: day 0 is Monday, minutes from midnight, start < end <= 1440.
struct Opening {
  int day = 0;
  int start = 0;
  int end = 0;
};

// "MO,TU,FR" (iCal two-letter days, spaces allowed) -> day indices; nullopt and `error` on an
// unknown or numbered ("2MO", a monthly rule) day.
std::optional<std::vector<int>> byday_days(std::string_view text, std::string& error);

// An HSDS time, "HH:MM" or "HH:MM:SS", optionally with the location's UTC offset ("09:00-05:00",
// taken as the local clock time it is); "Z" (UTC) is refused, since nrm keeps local time.
// Minutes from midnight; nullopt and `error` otherwise.
std::optional<int> hsds_time(std::string_view text, std::string& error);

// The openings of `days` from `opens` to `closes` (minutes): closing at or before opening runs
// past midnight into the next day; closing at 23:59 (how the export writes midnight) is midnight.
std::vector<Opening> openings(const std::vector<int>& days, int opens, int closes);

// Openings as nrm's hours text, days with the same hours grouped: "Mon-Fri 09:00-17:00, Sat
// 10:00-14:00"; every day whole is "24/7". "" for no openings.
std::string hours_text(std::vector<Opening> openings);

// Weekly hours as HSDS schedules: each distinct (opens, closes) with its days, in day order.
struct WeeklyGroup {
  std::vector<int> days;
  int opens = 0, closes = 0;  // closes may be 1440 (midnight)
};
std::vector<WeeklyGroup> weekly_groups(const IntakeHours& hours);

// Day indices as "MO,TU,...", minutes as "HH:MM" (1440 as "23:59", HSDS having no 24:00).
std::string byday_text(const std::vector<int>& days);
std::string hsds_clock(int minutes);

}  // namespace nrm::hsds::detail
