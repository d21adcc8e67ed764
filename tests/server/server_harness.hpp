// Test harness for the server: start `nrm serve --port 0` as a child process (its address is
// read from its first line of output), a small raw-socket HTTP/1.1 client, and tokens made
// directly in the store.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/store.hpp"
#include "test_util.hpp"

namespace nrm::test {

using json = nlohmann::json;

inline std::string nrm_binary() { return NRM_BINARY; }
// A path for a shell command line (the test paths hold no quote).
inline std::string shell_quote(const std::string& s) { return "'" + s + "'"; }

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  // The body as JSON, parsed once; the reference lives as long as this Reply.
  const json& js() const {
    if (!parsed_) parsed_ = json::parse(body);
    return *parsed_;
  }
  std::string code() const {
    auto j = json::parse(body, nullptr, false);
    return j.is_object() && j.contains("code") ? j["code"].get<std::string>() : "";
  }

 private:
  mutable std::optional<json> parsed_;
};

// Connects to 127.0.0.1:port; -1 on failure.
inline int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Connects to 127.0.0.1:port from the loopback address `source` (any of 127.0.0.0/8 works on
// Linux): how a test plays a second client address. -1 on failure.
inline int connect_from(const char* source, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &src.sin_addr);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

inline std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

inline Reply parse_reply(const std::string& raw) {
  Reply r;
  std::size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
  r.status = std::atoi(raw.c_str() + 9);
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[name] = value;
  }
  r.body = raw.substr(end + 4);
  if (r.headers.count("content-length")) r.body.resize(std::min(r.body.size(), std::stoul(r.headers["content-length"])));
  return r;
}

// Sends raw bytes on a fresh connection, reads until the server closes.
inline Reply raw_request(int port, const std::string& bytes) {
  int fd = connect_to(port);
  if (fd < 0) return {};
  send_all(fd, bytes);
  std::string raw = read_all(fd);
  ::close(fd);
  return parse_reply(raw);
}

// One request on a fresh connection from `source`, read until the server closes.
inline Reply raw_request_from(const char* source, int port, const std::string& bytes) {
  int fd = connect_from(source, port);
  if (fd < 0) return {};
  send_all(fd, bytes);
  std::string raw = read_all(fd);
  ::close(fd);
  return parse_reply(raw);
}

inline std::string request_text(const std::string& method, const std::string& target, const std::string& body,
                                 const std::string& token, const std::string& extra = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + extra + "\r\n" + body;
}

// The running `nrm serve`, stopped (SIGKILL) when the object goes unless stopped before.
class Server {
 public:
  Server(const std::string& db, std::vector<std::string> extra = {}, const std::string& log = "")
      : log_(log.empty() ? db + ".log" : log) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    std::vector<std::string> args = {nrm_binary(), "serve", "--port", "0", "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) ::dup2(err, 2);
      ::close(out[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
    // "listening on 127.0.0.1:PORT"
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char c[256];
      ssize_t n = ::read(out_, c, sizeof c);
      if (n <= 0) break;
      line.append(c, static_cast<std::size_t>(n));
    }
    INFO("server log:\n" << log_text());
    REQUIRE(line.rfind("listening on 127.0.0.1:", 0) == 0);
    port_ = std::stoi(line.substr(std::strlen("listening on 127.0.0.1:")));
  }
  ~Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log_text() const {
    std::ifstream f(log_);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  void signal(int sig) const { ::kill(pid_, sig); }
  // Waits for the process to end (up to `seconds`); its exit status, or -1 if it did not end.
  int wait_exit(int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void kill9() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  Reply get(const std::string& target, const std::string& token = "") const {
    return raw_request(port_, request_text("GET", target, "", token));
  }
  Reply post(const std::string& target, const std::string& body, const std::string& token) const {
    return raw_request(port_, request_text("POST", target, body, token));
  }
  Reply put(const std::string& target, const std::string& body, const std::string& token) const {
    return raw_request(port_, request_text("PUT", target, body, token));
  }
  Reply call(const std::string& method, const std::string& target, const std::string& body,
             const std::string& token) const {
    return raw_request(port_, request_text(method, target, body, token));
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  std::string log_;
};

// A token of `role` straight into the store (the CLI is tested separately).
inline std::string make_token(const std::string& db, const std::string& role, const std::string& provider = "") {
  store::Store s(db);
  return s.create_token(role, provider).secret;
}

// Runs a command, returns its standard output; `status` gets the exit status.
inline std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// A fixed date and time, so answers do not depend on the day or the hour the tests run (a case
// without `when` is planned at the time now where the person is).
inline const char* kAsOf = "2026-06-01";

inline const char* kCase = R"({"location": "thunder-bay-on", "age": 24, "gender": "female",
  "languages": ["eng"], "exploitation": "sex", "when": "2026-06-01T14:00",
  "needs": ["shelter.emergency", "counselling.trauma"]})";

}  // namespace nrm::test

namespace nrm::test {

// One server on the shipped data for the endpoint, role, robustness and token tests, started on
// first use and killed at exit (engine loads are the slow part of these tests), with a token per
// role. Tests that change capacity use providers of
// their own (shelters[2..]); shelters[0] belongs to the provider_admin token.
struct Shared {
  TempDir tmp;
  std::string db = tmp.path("nrm.db");
  std::unique_ptr<Server> server;
  std::map<std::string, std::string> token;  // role -> secret
  std::vector<std::string> shelters;         // providers with capacity, in directory order
  Shared() {
    // Short read timeouts and a small connection cap, so test_robustness can reach them.
    server = std::make_unique<Server>(db, std::vector<std::string>{"--header-timeout", "2", "--body-timeout", "2",
                                                                   "--max-connections", "8"});
    for (const char* r : {"frontline", "police_liaison", "coordinator"}) token[r] = make_token(db, r);
    Reply all = server->get("/v1/providers?need=shelter.emergency", token["coordinator"]);
    REQUIRE(all.status == 200);
    for (const auto& p : all.js()["providers"])
      if (p.contains("capacity") && p["capacity"]["beds"].get<int>() >= 2) shelters.push_back(p["id"]);
    REQUIRE(shelters.size() >= 6);
    token["provider_admin"] = make_token(db, "provider_admin", shelters[0]);
  }
};

inline Shared& shared() {
  static Shared s;
  return s;
}

}  // namespace nrm::test
