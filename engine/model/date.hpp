// Calendar dates (YYYY-MM-DD) as day numbers, for `verified` and `--as-of`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nrm {

struct Date {
  int days = 0;  // days since 1970-01-01

  static std::optional<Date> parse(std::string_view text);  // strict YYYY-MM-DD, a real day
  static Date today();                                      // UTC
  std::string str() const;
  friend auto operator<=>(const Date&, const Date&) = default;
};

}  // namespace nrm
