// HSDS schedules and nrm intake hours (schedule.hpp).
#include "hsds/schedule.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

namespace nrm::hsds::detail {

namespace {

constexpr std::array<std::string_view, 7> kIcal = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::array<std::string_view, 7> kNrm = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool two_digits(std::string_view t, std::size_t at, int& out) {
  if (at + 2 > t.size() || t[at] < '0' || t[at] > '9' || t[at + 1] < '0' || t[at + 1] > '9') return false;
  out = (t[at] - '0') * 10 + (t[at + 1] - '0');
  return true;
}

std::string clock(int minutes) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

std::optional<std::vector<int>> byday_days(std::string_view text, std::string& error) {
  std::vector<int> days;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view token = trim(text.substr(at, comma - at));
    const auto it = std::find(kIcal.begin(), kIcal.end(), token);
    if (it == kIcal.end()) {
      error = "'" + std::string(token) + "' is not a day; expected MO, TU, WE, TH, FR, SA or SU, comma-separated" +
              (token.size() > 2 ? " (numbered days belong to monthly schedules, which nrm does not read)" : "");
      return std::nullopt;
    }
    const int d = static_cast<int>(it - kIcal.begin());
    if (std::find(days.begin(), days.end(), d) == days.end()) days.push_back(d);
    at = comma + 1;
  }
  std::sort(days.begin(), days.end());
  return days;
}

std::optional<int> hsds_time(std::string_view text, std::string& error) {
  int h = 0, m = 0, s = 0;
  std::size_t rest = 5;
  bool ok = two_digits(text, 0, h) && text.size() >= 5 && text[2] == ':' && two_digits(text, 3, m);
  if (ok && text.size() >= 8 && text[5] == ':') ok = two_digits(text, 6, s), rest = 8;
  std::string_view zone = ok ? text.substr(rest) : std::string_view{};
  if (ok && zone == "Z") {
    error = "'" + std::string(text) + "' is in UTC; give the location's local time (HH:MM, or with its offset, 09:00-05:00)";
    return std::nullopt;
  }
  if (ok && !zone.empty()) {  // "+HH:MM" or "-HH:MM": the local offset; the clock time is local
    int oh = 0, om = 0;
    ok = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && two_digits(zone, 1, oh) && zone[3] == ':' &&
         two_digits(zone, 4, om) && oh <= 14 && om <= 59;
  }
  if (!ok || h > 23 || m > 59 || s > 59) {
    error = "'" + std::string(text) + "' is not a time; expected HH:MM or HH:MM:SS (local time)";
    return std::nullopt;
  }
  return h * 60 + m;
}

std::vector<Opening> openings(const std::vector<int>& days, int opens, int closes) {
  if (closes == 23 * 60 + 59) closes = kMinutesPerDay;  // the export's midnight
  std::vector<Opening> out;
  for (int d : days) {
    if (closes > opens) {
      out.push_back({d, opens, closes});
    } else {  // past midnight: to the end of the day, then the next morning
      out.push_back({d, opens, kMinutesPerDay});
      if (closes > 0) out.push_back({(d + 1) % 7, 0, closes});
    }
  }
  return out;
}

std::string hours_text(std::vector<Opening> openings) {
  if (openings.empty()) return "";
  // Each day's openings, sorted and merged.
  std::array<std::vector<std::pair<int, int>>, 7> day;
  for (const Opening& o : openings) day[static_cast<std::size_t>(o.day)].emplace_back(o.start, o.end);
  bool whole_week = true;
  for (auto& v : day) {
    std::sort(v.begin(), v.end());
    std::vector<std::pair<int, int>> merged;
    for (const auto& iv : v) {
      if (!merged.empty() && iv.first <= merged.back().second) merged.back().second = std::max(merged.back().second, iv.second);
      else merged.push_back(iv);
    }
    v = std::move(merged);
    whole_week = whole_week && v.size() == 1 && v[0] == std::make_pair(0, kMinutesPerDay);
  }
  if (whole_week) return "24/7";
  // Runs of consecutive days with the same openings, each opening written per run.
  std::string out;
  for (std::size_t first = 0; first < 7;) {
    std::size_t last = first;
    while (last + 1 < 7 && day[last + 1] == day[first]) ++last;
    const std::string days = first == last ? std::string(kNrm[first]) : std::string(kNrm[first]) + "-" + std::string(kNrm[last]);
    for (const auto& [start, end] : day[first]) out += (out.empty() ? "" : ", ") + days + " " + clock(start) + "-" + clock(end);
    first = last + 1;
  }
  return out;
}

std::vector<WeeklyGroup> weekly_groups(const IntakeHours& hours) {
  std::vector<std::pair<int, int>> week;
  if (hours.kind == IntakeHours::Kind::kAlways) week.emplace_back(0, kMinutesPerWeek);
  else if (hours.kind == IntakeHours::Kind::kWeekly) week = hours.open;
  // Each interval cut at midnights into (day, opens, closes) pieces, grouped by their hours.
  std::map<std::pair<int, int>, std::vector<int>> groups;
  for (auto [a, b] : week) {
    while (a < b) {
      const int d = a / kMinutesPerDay, day_end = (d + 1) * kMinutesPerDay;
      auto& days = groups[{a - d * kMinutesPerDay, std::min(b, day_end) - d * kMinutesPerDay}];
      if (std::find(days.begin(), days.end(), d % 7) == days.end()) days.push_back(d % 7);
      a = std::min(b, day_end);
    }
  }
  std::vector<WeeklyGroup> out;
  for (auto& [span, days] : groups) {
    std::sort(days.begin(), days.end());
    out.push_back({days, span.first, span.second});
  }
  std::sort(out.begin(), out.end(), [](const WeeklyGroup& x, const WeeklyGroup& y) {
    return std::tie(x.days.front(), x.opens) < std::tie(y.days.front(), y.opens);
  });
  return out;
}

std::string byday_text(const std::vector<int>& days) {
  std::string out;
  for (int d : days) out += (out.empty() ? "" : ",") + std::string(kIcal[static_cast<std::size_t>(d)]);
  return out;
}

std::string hsds_clock(int minutes) { return minutes >= kMinutesPerDay ? "23:59" : clock(minutes); }

}  // namespace nrm::hsds::detail
