// Intake hours and local times: when a provider takes a referral, and when the case is (`when`).
// Hours are written in the strict grammar of docs/data.md ("24/7", "by appointment",
// "Mon-Fri 09:00-17:00, Sat 10:00-14:00") and kept as minutes of the week in the provider's own
// local time; time zones are geo::Clock's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nrm {

inline constexpr int kMinutesPerDay = 24 * 60;
inline constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;

// A wall-clock time somewhere: a day (days since 1970-01-01) and the minute of that day.
struct LocalTime {
  int days = 0;
  int minute = 0;  // 0..1439

  // Strict "YYYY-MM-DDTHH:MM" (a real day, 00:00 to 23:59).
  static std::optional<LocalTime> parse(std::string_view text);
  std::string str() const;  // "YYYY-MM-DDTHH:MM"
  // Minutes since Monday 00:00 of its week.
  int minute_of_week() const;
  const char* weekday() const;  // "Mon".."Sun"
  friend auto operator<=>(const LocalTime&, const LocalTime&) = default;
};

struct IntakeHours {
  enum class Kind { kUnknown, kAlways, kAppointment, kWeekly };
  Kind kind = Kind::kUnknown;  // kUnknown: the entry gives no hours
  // kWeekly: open intervals [start, end) in minutes of the week (Monday 00:00 = 0), sorted,
  // merged, never empty; an interval may run past the week's end (Sunday 22:00-24:00 then
  // Monday 00:00-02:00 are one).
  std::vector<std::pair<int, int>> open;

  // Parses the grammar; on error, says what was expected where.
  static std::optional<IntakeHours> parse(std::string_view text, std::string& error);
  // Whether intake takes a call at `minute_of_week`: always for 24/7, never by appointment, and
  // "maybe" (true) when the hours are unknown.
  bool open_at(int minute_of_week) const;
  // Minutes from `minute_of_week` until intake opens: 0 when open (or unknown), nothing when it
  // never opens for a call (by appointment).
  std::optional<int> minutes_until_open(int minute_of_week) const;
};

}  // namespace nrm
