// The network side of `nrm serve`: Beast HTTP/1.1 on Asio, asynchronous, N threads, with bounded
// reads (body 413, headers/chunk headers/trailers 413: the read buffer itself has a maximum size),
// header and body read timeouts (408), a short idle timeout, a connection cap and a per-address
// cap (503), SIGHUP = reload and SIGTERM/SIGINT = stop accepting, serve what the kernel already
// accepted and what is in flight, exit. Beast types stay in the .cpp: the Service sees strings.
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
  int writer_threads = 2;  // requests that commit to disk before answering (Service::durable)
  std::size_t max_connections = 512;
  std::size_t max_connections_per_address = 64;  // one client address cannot take every slot
  std::size_t body_limit = 64 * 1024;
  std::size_t header_limit = 8 * 1024;  // also bounds one chunk header (with extensions) and the trailer
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{5000};  // a connection with no request started (at most header_timeout)
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
