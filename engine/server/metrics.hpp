// Prometheus counters of the server: requests by endpoint and status, a latency histogram per
// endpoint, refusals by error code, open connections, reloads, capacity updates and case
// transitions (by kind only). Lock-free
// on the hot path except the (endpoint, status) map.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace nrm::server {

// Labels of the `endpoint` dimension.
enum class Route { kReferrals, kExplain, kProviders, kProvider, kCapacity, kAudit, kStats, kReload,
                   kCaseOpen, kCase, kCaseSteps, kCaseClose, kStepAccept, kStepDecline, kStepWithdraw, kRequests,
                   kHealthz, kMetrics, kOther, kCount };
std::string_view route_name(Route r);

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void record(Route route, int status, std::string_view error_code, double seconds);
  void connection_opened() { ++connections_; }
  void connection_closed() { --connections_; }
  void connection_refused() { ++refused_; }
  void reload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }
  void capacity_update() { ++capacity_updates_; }
  // An acknowledged case transition: opened, requested, accepted, declined, withdrawn, closed.
  void case_event(std::string_view event);
  // The Prometheus text exposition format, version 0.0.4.
  std::string render() const;

 private:
  static constexpr int kRoutes = static_cast<int>(Route::kCount);
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::array<Histogram, kRoutes> latency_;
  mutable std::mutex mu_;
  std::map<std::pair<int, int>, std::uint64_t> requests_;  // (route, status) -> count
  std::map<std::string, std::uint64_t, std::less<>> errors_;
  std::map<std::string, std::uint64_t, std::less<>> case_events_;
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::uint64_t> refused_{0}, reloads_ok_{0}, reloads_failed_{0}, capacity_updates_{0};
};

}  // namespace nrm::server
