// The network side of `nrm serve`: Beast HTTP/1.1 on Asio, asynchronous, N threads, with a body
// cap (413), header and body read timeouts (408), a connection cap (503), SIGHUP = reload and
// SIGTERM/SIGINT = stop accepting, finish the requests in flight, exit. Beast types stay in the
// .cpp: the Service sees plain strings.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "server/service.hpp"

namespace nrm::server {

namespace detail {
struct ServerImpl;
}

struct ServerOptions {
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;  // 0: an ephemeral port
  int threads = 2;
  std::size_t max_connections = 512;
  std::size_t body_limit = 64 * 1024;
  std::size_t header_limit = 8 * 1024;
  std::chrono::milliseconds header_timeout{10000};  // also how long an idle keep-alive connection lives
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds drain_timeout{15000};  // after SIGTERM, the longest wait for requests in flight
};

class HttpServer {
 public:
  // Binds and listens; throws std::system_error (address in use, ...).
  HttpServer(Service& service, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string address() const;  // "127.0.0.1:8080"
  // Serves on options.threads threads (this one included) until stopped and drained.
  void run();
  // Starts the drain from any thread (what SIGTERM does).
  void stop();

 private:
  std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace nrm::server
