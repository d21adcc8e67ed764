// nrm serve: the HTTP API (engine/server) on the loaded engine and a SQLite store. Prints
// "listening on ADDRESS:PORT" once bound, then serves until SIGTERM (drains, exits 0).
#include <iostream>

#include "cli/command.hpp"
#include "model/diagnostics.hpp"
#include "server/http_server.hpp"
#include "server/service.hpp"

namespace nrm::cli {

namespace {

struct ServeOptions {
  int port = 8080;
  std::string db;
  std::string profiles;
  std::string bind = "127.0.0.1";
  int threads = 2;
  int max_connections = 512;
  int max_connections_per_address = 64;
  double header_timeout = 10;
  double idle_timeout = 5;
  double body_timeout = 30;
  double drain_timeout = 15;
  int log_retention_days = store::ReferralLog::kDefaultRetentionDays;
  int case_retention_days = store::ReferralLog::kDefaultRetentionDays;
};

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

const Registration serve_command(50, "serve", "the HTTP API for hotlines, police liaison, coordinators and providers",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<ServeOptions>();
    sub.add_option("--port", o->port, "TCP port; 0 = any free port (the one chosen is printed)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    sub.add_option("--db", o->db, "the SQLite store: tokens, capacity updates, referral log, tracked cases")->required();
    sub.add_option("--profiles", o->profiles, "the audit's profiles (default data/profiles.yaml)");
    sub.add_option("--bind", o->bind, "address to listen on")->capture_default_str();
    sub.add_option("--threads", o->threads, "worker threads")->check(CLI::Range(1, 64))->capture_default_str();
    sub.add_option("--max-connections", o->max_connections, "connections served at once; more get 503")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    sub.add_option("--max-connections-per-address", o->max_connections_per_address,
                   "connections one client address may hold at once; more get 503")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    sub.add_option("--header-timeout", o->header_timeout, "seconds for a request's headers to arrive")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--idle-timeout", o->idle_timeout,
                   "seconds a connection may wait before starting a request (at most --header-timeout)")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--body-timeout", o->body_timeout, "seconds for a request's body to arrive")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--drain-timeout", o->drain_timeout,
                   "after SIGTERM, the longest wait in seconds for requests already accepted and in flight")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--log-retention-days", o->log_retention_days,
                   "days the referral log keeps a row (kept until its month's statistics are frozen)")
        ->check(CLI::Range(1, 36500))
        ->capture_default_str();
    sub.add_option("--case-retention-days", o->case_retention_days,
                   "days a tracked case is kept after it is closed, then deleted (its figures stay)")
        ->check(CLI::Range(1, 36500))
        ->capture_default_str();
    sub.footer(
        "Every /v1 request needs Authorization: Bearer TOKEN (nrm token create). Prints\n"
        "'listening on ADDRESS:PORT' once ready. SIGHUP reloads data and rules (kept if invalid);\n"
        "SIGTERM stops accepting, answers what was already accepted and in flight, then exits.\n"
        "Limits: body 64 KiB, headers (and each chunk header, and the trailer) 8 KiB. See docs/api.md.");
    return [o, &data]() {
      auto engine = data.load();
      server::Service service(engine, o->db, o->profiles.empty() ? data.root + "/data/profiles.yaml" : o->profiles,
                              o->log_retention_days, o->case_retention_days);
      if (service.replayed() > 0)
        std::cerr << "nrm serve: " << service.replayed() << " stored capacity updates applied\n";
      for (const auto& w : service.replay_warnings()) std::cerr << "nrm serve: skipped " << w << "\n";
      server::ServerOptions opts;
      opts.bind = o->bind;
      opts.port = static_cast<unsigned short>(o->port);
      opts.threads = o->threads;
      opts.max_connections = static_cast<std::size_t>(o->max_connections);
      opts.max_connections_per_address = static_cast<std::size_t>(o->max_connections_per_address);
      opts.header_timeout = millis(o->header_timeout);
      opts.idle_timeout = millis(o->idle_timeout);
      opts.body_timeout = millis(o->body_timeout);
      opts.drain_timeout = millis(o->drain_timeout);
      server::HttpServer http(service, opts);
      std::cout << "listening on " << http.address() << std::endl;
      http.run();
      service.flush_log();
      std::cerr << "nrm serve: stopped\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
