// libFuzzer target: the HTTP request path, request -> service -> engine -> answer. The input is raw
// bytes from a client: Beast's request parser with the server's limits and a read buffer bounded
// as the server bounds it; every request read whole goes to the real server::Service (tokens, role
// checks, the strict JSON reader, the case reader, the engine on the shipped data, the rendering,
// the referral log), as the server's session would hand it over. Every refusal (a Beast error, a
// full buffer, a 4xx) is expected; a crash, a sanitizer report or a 500 is a bug.
//
// Tokens: an Authorization value `Bearer @ROLE` (frontline, police_liaison, coordinator,
// provider_admin) is replaced by a real token of that role (the provider admin's is for
// ab-airdrie-002), so the fuzzer gets past authentication; any other value is passed as sent.
// NRM_FUZZ_VERBOSE=1 prints each response's status and start (to see which inputs reach the engine).
// Not fuzzed here: GET /v1/audit and POST /v1/admin/reload (seconds per call under the sanitizers;
// the server tests cover them), answered 404 by this harness instead.
#include <unistd.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "api/engine.hpp"
#include "server/service.hpp"
#include "store/store.hpp"

namespace http = boost::beast::http;

namespace {

struct Harness {
  std::unique_ptr<nrm::server::Service> service;
  std::map<std::string, std::string, std::less<>> tokens;  // "@role" -> secret
};

Harness& harness() {
  static Harness* h = [] {
    auto* x = new Harness();  // never destroyed: the log thread outlives static destruction order
    static const std::string dir = "/tmp/nrm-fuzz-http-" + std::to_string(::getpid());
    if (std::system(("mkdir -p " + dir).c_str()) != 0) std::abort();
    std::atexit([] { (void)!std::system(("rm -rf " + dir).c_str()); });  // the database goes too
    std::string db = dir + "/nrm.db";
    std::remove(db.c_str());
    {
      nrm::store::Store s(db);
      for (const char* role : {"frontline", "police_liaison", "coordinator"})
        x->tokens[std::string("@") + role] = s.create_token(role, "").secret;
      x->tokens["@provider_admin"] = s.create_token("provider_admin", "ab-airdrie-002").secret;
    }
    auto engine = nrm::api::Engine::load(nrm::api::EnginePaths::shipped(NRM_SOURCE_ROOT));
    x->service = std::make_unique<nrm::server::Service>(engine, db, NRM_SOURCE_ROOT "/data/profiles.yaml");
    return x;
  }();
  return *h;
}

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

void serve(const http::request<http::string_body>& req) {
  Harness& h = harness();
  nrm::server::Request r;
  r.method = sv(req.method_string());
  r.target = sv(req.target());
  std::string_view path = r.target.substr(0, r.target.find('?'));
  if (path == "/v1/audit" || path == "/v1/admin/reload") return;
  std::string auth(sv(req[http::field::authorization]));
  if (auth.rfind("Bearer @", 0) == 0) {
    auto it = h.tokens.find(std::string_view(auth).substr(7));
    if (it != h.tokens.end()) auth = "Bearer " + it->second;
  }
  r.authorization = auth;
  r.body = req.body();
  nrm::server::Response out = h.service->handle(r);
  static const bool verbose = std::getenv("NRM_FUZZ_VERBOSE") != nullptr;  // shows how far inputs get
  if (verbose)
    std::fprintf(stderr, "%d %.*s\n", out.status,
                 static_cast<int>(std::min<std::size_t>(out.body.size(), 120)), out.body.data());
  if (out.status >= 500 && out.status != 503) std::abort();  // 503 only while draining; never here
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  harness();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  boost::beast::flat_buffer buffer(8 * 1024 + 1024);  // as the server bounds its read buffer
  std::size_t fed = 0;
  // Requests one after another on one connection (pipelined), as the session reads them.
  for (int requests = 0; requests < 8; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    boost::beast::error_code ec;
    bool need_more = buffer.size() == 0;
    while (!parser.is_done()) {
      // Bytes already buffered are parsed first (a header, then its body, then the next
      // request); a read adds as much as fits the buffer, in pieces of at most 4 KiB.
      if (need_more) {
        std::size_t room = buffer.max_size() - buffer.size();
        std::size_t n = std::min({room, bytes.size() - fed, std::size_t{4096}});
        if (n == 0) return 0;  // buffer full (413) or input ended (a client still sending)
        auto mb = buffer.prepare(n);
        std::memcpy(mb.data(), bytes.data() + fed, n);
        buffer.commit(n);
        fed += n;
      }
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      need_more = ec == http::error::need_more || (!ec && used == 0) || buffer.size() == 0;
      if (ec == http::error::need_more) ec = {};
      if (ec) return 0;  // refused as the server refuses it (400/413), connection closed
    }
    serve(parser.get());
    if (!parser.get().keep_alive()) return 0;
  }
  return 0;
}
