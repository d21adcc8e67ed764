// nrm serve: the HTTP API (engine/server) on the loaded engine and a SQLite store. Prints
// "listening on ADDRESS:PORT" once bound, then serves until SIGTERM (drains, exits 0).
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "model/diagnostics.hpp"
#include "server/http_server.hpp"
#include "server/service.hpp"

namespace nrm::cli {

namespace {

using i18n::Msg;
using i18n::tr;

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

// CLI::Range without CLI11's English words ("INT in [1 - 64]"): "[1 - 64]", the same in both
// languages.
template <typename T>
CLI::Validator serve_range(T min, T max) {
  CLI::Validator v = CLI::Range(min, max);
  std::ostringstream text;
  text << "[" << min << " - " << max << "]";
  v.description(text.str());
  return v;
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

const Registration serve_command(50, "serve", Msg::cli_serve,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<ServeOptions>();
    const std::string n = tr(Msg::cli_type_n), seconds = tr(Msg::cli_type_seconds), days = tr(Msg::cli_type_days);
    sub.add_option("--port", o->port, tr(Msg::cli_opt_port))
        ->type_name("PORT")
        ->check(serve_range(0, 65535))
        ->capture_default_str();
    sub.add_option("--db", o->db, tr(Msg::cli_opt_serve_db))->type_name(tr(Msg::cli_type_file))->required();
    sub.add_option("--profiles", o->profiles, tr(Msg::cli_opt_profiles))->type_name(tr(Msg::cli_type_file));
    sub.add_option("--bind", o->bind, tr(Msg::cli_opt_bind))->type_name(tr(Msg::cli_type_address))->capture_default_str();
    sub.add_option("--threads", o->threads, tr(Msg::cli_opt_threads))
        ->type_name(n)
        ->check(serve_range(1, 64))
        ->capture_default_str();
    sub.add_option("--max-connections", o->max_connections, tr(Msg::cli_opt_max_connections))
        ->type_name(n)
        ->check(serve_range(1, 100000))
        ->capture_default_str();
    sub.add_option("--max-connections-per-address", o->max_connections_per_address,
                   tr(Msg::cli_opt_max_connections_per_address))
        ->type_name(n)
        ->check(serve_range(1, 100000))
        ->capture_default_str();
    sub.add_option("--header-timeout", o->header_timeout, tr(Msg::cli_opt_header_timeout))
        ->type_name(seconds)
        ->check(serve_range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--idle-timeout", o->idle_timeout, tr(Msg::cli_opt_idle_timeout))
        ->type_name(seconds)
        ->check(serve_range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--body-timeout", o->body_timeout, tr(Msg::cli_opt_body_timeout))
        ->type_name(seconds)
        ->check(serve_range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--drain-timeout", o->drain_timeout, tr(Msg::cli_opt_drain_timeout))
        ->type_name(seconds)
        ->check(serve_range(0.05, 3600.0))
        ->capture_default_str();
    sub.add_option("--log-retention-days", o->log_retention_days, tr(Msg::cli_opt_log_retention_days))
        ->type_name(days)
        ->check(serve_range(1, 36500))
        ->capture_default_str();
    sub.add_option("--case-retention-days", o->case_retention_days, tr(Msg::cli_opt_case_retention_days))
        ->type_name(days)
        ->check(serve_range(1, 36500))
        ->capture_default_str();
    sub.footer(tr(Msg::cli_serve_footer));
    return [o, &data]() {
      auto engine = data.load();
      if (const SnapshotUse& u = engine->snapshot(); !u.problem.empty())  // a slower start, said once
        std::cerr << "nrm serve: directory snapshot " << snapshot_kind_name(u.kind) << ": " << u.problem << "\n";
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
