// Counters and their Prometheus rendering.
#include "server/metrics.hpp"

#include <fmt/format.h>

namespace nrm::server {

std::string_view route_name(Route r) {
  static constexpr std::string_view kNames[] = {
      "referrals",  "explain",    "providers",  "provider",     "capacity",     "audit",
      "stats",      "reload",     "case_open",  "case",         "case_steps",   "case_close",
      "step_accept", "step_decline", "step_withdraw", "requests", "healthz",   "metrics",
      "other"};
  static_assert(sizeof kNames / sizeof kNames[0] == static_cast<std::size_t>(Route::kCount));
  return kNames[static_cast<int>(r)];
}

void Metrics::record(Route route, int status, std::string_view error_code, double seconds) {
  Histogram& h = latency_[static_cast<std::size_t>(route)];
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++h.buckets[b];
  ++h.count;
  h.sum_ns += static_cast<std::uint64_t>(seconds * 1e9);
  std::lock_guard lock(mu_);
  ++requests_[{static_cast<int>(route), status}];
  if (!error_code.empty()) {
    auto it = errors_.find(error_code);
    if (it == errors_.end()) errors_.emplace(std::string(error_code), 1);
    else ++it->second;
  }
}

void Metrics::case_event(std::string_view event) {
  std::lock_guard lock(mu_);
  auto it = case_events_.find(event);
  if (it == case_events_.end()) case_events_.emplace(std::string(event), 1);
  else ++it->second;
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP nrm_http_requests_total HTTP requests answered, by endpoint and status.\n";
  out += "# TYPE nrm_http_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_)
      out += fmt::format("nrm_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n",
                         route_name(static_cast<Route>(key.first)), key.second, n);
    out += "# HELP nrm_http_errors_total Refused requests, by error code.\n";
    out += "# TYPE nrm_http_errors_total counter\n";
    for (const auto& [code, n] : errors_) out += fmt::format("nrm_http_errors_total{{code=\"{}\"}} {}\n", code, n);
    out += "# HELP nrm_case_transitions_total Acknowledged case transitions, by kind.\n";
    out += "# TYPE nrm_case_transitions_total counter\n";
    for (const auto& [event, n] : case_events_)
      out += fmt::format("nrm_case_transitions_total{{event=\"{}\"}} {}\n", event, n);
  }
  out += "# HELP nrm_http_request_duration_seconds Time from a complete request to its response, by endpoint.\n";
  out += "# TYPE nrm_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRoutes; ++r) {
    const Histogram& h = latency_[static_cast<std::size_t>(r)];
    std::uint64_t count = h.count.load();
    if (count == 0) continue;
    auto name = route_name(static_cast<Route>(r));
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += h.buckets[b].load();
      out += fmt::format("nrm_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n", name,
                         kBuckets[b], cumulative);
    }
    cumulative += h.buckets[kBuckets.size()].load();
    out += fmt::format("nrm_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n", name,
                       cumulative);
    out += fmt::format("nrm_http_request_duration_seconds_sum{{endpoint=\"{}\"}} {:.6f}\n", name,
                       static_cast<double>(h.sum_ns.load()) / 1e9);
    out += fmt::format("nrm_http_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n", name, cumulative);
  }
  out += "# HELP nrm_http_connections_open Connections open now.\n# TYPE nrm_http_connections_open gauge\n";
  out += fmt::format("nrm_http_connections_open {}\n", connections_.load());
  out += "# HELP nrm_http_connections_refused_total Connections refused at the connection cap.\n";
  out += "# TYPE nrm_http_connections_refused_total counter\n";
  out += fmt::format("nrm_http_connections_refused_total {}\n", refused_.load());
  out += "# HELP nrm_reloads_total Directory reloads, by result.\n# TYPE nrm_reloads_total counter\n";
  out += fmt::format("nrm_reloads_total{{result=\"ok\"}} {}\nnrm_reloads_total{{result=\"error\"}} {}\n",
                     reloads_ok_.load(), reloads_failed_.load());
  out += "# HELP nrm_capacity_updates_total Capacity updates acknowledged.\n";
  out += "# TYPE nrm_capacity_updates_total counter\n";
  out += fmt::format("nrm_capacity_updates_total {}\n", capacity_updates_.load());
  return out;
}

}  // namespace nrm::server
