// The intake-hours grammar and local times (model/hours.hpp).
#include "model/hours.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace nrm {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

bool digits(std::string_view t, std::size_t from, std::size_t n, int& out) {
  if (from + n > t.size()) return false;
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

std::optional<int> day_index(std::string_view t) {
  for (std::size_t i = 0; i < kDays.size(); ++i)
    if (kDays[i] == t) return static_cast<int>(i);
  return std::nullopt;
}

// "HH:MM", 00:00 to 24:00.
std::optional<int> clock_minute(std::string_view t) {
  int h = 0, m = 0;
  if (t.size() != 5 || t[2] != ':' || !digits(t, 0, 2, h) || !digits(t, 3, 2, m)) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

std::optional<LocalTime> LocalTime::parse(std::string_view t) {
  if (t.size() != 16 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':') return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (!digits(t, 0, 4, y) || !digits(t, 5, 2, mo) || !digits(t, 8, 2, d) || !digits(t, 11, 2, h) ||
      !digits(t, 14, 2, mi))
    return std::nullopt;
  if (h > 23 || mi > 59) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return LocalTime{static_cast<int>(std::chrono::sys_days{ymd}.time_since_epoch().count()), h * 60 + mi};
}

std::string LocalTime::str() const {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), (minute / 60) % 24, minute % 60);
  return buf;
}

// 1970-01-01 was a Thursday (index 3 from Monday).
int LocalTime::minute_of_week() const { return (((days + 3) % 7 + 7) % 7) * kMinutesPerDay + minute; }

const char* LocalTime::weekday() const { return kDays[static_cast<std::size_t>(minute_of_week() / kMinutesPerDay)].data(); }

std::optional<IntakeHours> IntakeHours::parse(std::string_view text, std::string& error) {
  IntakeHours h;
  if (text == "24/7") {
    h.kind = Kind::kAlways;
    return h;
  }
  if (text == "by appointment") {
    h.kind = Kind::kAppointment;
    return h;
  }
  h.kind = Kind::kWeekly;
  const std::string expected =
      "; expected \"24/7\", \"by appointment\" or day ranges with times, such as \"Mon-Fri 09:00-17:00, Sat "
      "10:00-14:00\"";
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = text.find(", ", at);
    const std::string_view part = text.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
    const std::size_t space = part.find(' ');
    if (space == std::string_view::npos) {
      error = "'" + std::string(part) + "' has no times" + expected;
      return std::nullopt;
    }
    const std::string_view days = part.substr(0, space), times = part.substr(space + 1);
    std::optional<int> first, last;
    if (const std::size_t dash = days.find('-'); dash != std::string_view::npos) {
      first = day_index(days.substr(0, dash));
      last = day_index(days.substr(dash + 1));
    } else {
      first = last = day_index(days);
    }
    if (!first || !last) {
      error = "'" + std::string(days) + "' is not a day or a range of days (Mon Tue Wed Thu Fri Sat Sun, as Mon-Fri)" ;
      return std::nullopt;
    }
    const std::size_t tdash = times.find('-');
    const auto start = tdash == std::string_view::npos ? std::nullopt : clock_minute(times.substr(0, tdash));
    const auto end = tdash == std::string_view::npos ? std::nullopt : clock_minute(times.substr(tdash + 1));
    if (!start || !end || *end <= *start) {
      error = "'" + std::string(times) + "' is not a time range HH:MM-HH:MM ending after it starts (24:00 at most)";
      return std::nullopt;
    }
    // A range wraps past Sunday (Sat-Mon) as written.
    for (int d = *first;; d = (d + 1) % 7) {
      h.open.emplace_back(d * kMinutesPerDay + *start, d * kMinutesPerDay + *end);
      if (d == *last) break;
    }
    if (comma == std::string_view::npos) break;
    at = comma + 2;
  }
  std::sort(h.open.begin(), h.open.end());
  std::vector<std::pair<int, int>> merged;
  for (const auto& iv : h.open) {
    if (!merged.empty() && iv.first <= merged.back().second) merged.back().second = std::max(merged.back().second, iv.second);
    else merged.push_back(iv);
  }
  // Sunday night running into Monday morning.
  if (merged.size() > 1 && merged.back().second == kMinutesPerWeek && merged.front().first == 0) {
    merged.back().second = kMinutesPerWeek + merged.front().second;
    merged.erase(merged.begin());
  }
  if (merged.size() == 1 && merged[0].second - merged[0].first >= kMinutesPerWeek) {
    h.kind = Kind::kAlways;
    merged.clear();
  }
  h.open = std::move(merged);
  return h;
}

bool IntakeHours::open_at(int m) const {
  switch (kind) {
    case Kind::kUnknown:
    case Kind::kAlways:
      return true;
    case Kind::kAppointment:
      return false;
    case Kind::kWeekly:
      break;
  }
  for (const auto& [s, e] : open)
    if ((s <= m && m < e) || (s <= m + kMinutesPerWeek && m + kMinutesPerWeek < e)) return true;
  return false;
}

std::optional<int> IntakeHours::minutes_until_open(int m) const {
  if (kind == Kind::kAppointment) return std::nullopt;
  if (open_at(m)) return 0;
  int best = kMinutesPerWeek;
  for (const auto& iv : open) {
    const int start = iv.first % kMinutesPerWeek;
    best = std::min(best, ((start - m) % kMinutesPerWeek + kMinutesPerWeek) % kMinutesPerWeek);
  }
  return best;
}

}  // namespace nrm
