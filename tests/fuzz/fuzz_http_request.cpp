// libFuzzer target: the HTTP request path. The input is raw bytes from a client: Beast's request
// parser with the server's limits and a read buffer bounded as the server bounds it, then, for a
// request read whole, the Service (routing, token, role, strict JSON, case reader, engine) on the
// test world and test policy. The text "TOKEN" in the input is replaced by a valid frontline
// token, so the fuzzer reaches past authentication. Any response is fine; a crash, a sanitizer
// report or a 500 is a bug.
#include <unistd.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api/engine.hpp"
#include "server/service.hpp"
#include "store/store.hpp"

namespace http = boost::beast::http;

namespace {

struct World {
  std::string dir = "/tmp/nrm-fuzz-http-" + std::to_string(::getpid());
  std::string token;
  std::unique_ptr<nrm::server::Service> service;
  World() {
    std::filesystem::create_directories(dir);
    nrm::api::EnginePaths paths;
    paths.data = {NRM_TEST_DIR "/fixtures/world/taxonomy.yaml", NRM_TEST_DIR "/fixtures/world/communities.csv",
                  NRM_TEST_DIR "/fixtures/world/routes.csv", NRM_TEST_DIR "/fixtures/world/providers.yaml"};
    paths.rules_dir = NRM_TEST_DIR "/fixtures/rules";
    auto engine = nrm::api::Engine::load(paths);
    {
      nrm::store::Store s(dir + "/nrm.db");
      token = s.create_token("frontline", "").secret;
    }
    service = std::make_unique<nrm::server::Service>(engine, dir + "/nrm.db", NRM_SOURCE_ROOT "/data/profiles.yaml");
  }
};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (std::size_t p = bytes.find("TOKEN"); p != std::string::npos; p = bytes.find("TOKEN", p + w.token.size()))
    bytes.replace(p, 5, w.token);

  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  boost::beast::flat_buffer buffer(8 * 1024 + 1024);  // as the server bounds its read buffer
  std::size_t fed = 0;
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    // What one read would add: as much as fits the buffer.
    std::size_t room = buffer.max_size() - buffer.size();
    std::size_t n = std::min(room, bytes.size() - fed);
    if (n == 0) return 0;  // buffer full (413) or input ended (a client still sending)
    auto mb = buffer.prepare(n);
    std::memcpy(mb.data(), bytes.data() + fed, n);
    buffer.commit(n);
    fed += n;
    std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) {
      ec = {};
      continue;
    }
    if (ec) return 0;  // refused as the server refuses it (400/413)
  }
  auto& req = parser.get();
  nrm::server::Request r;
  r.method = std::string_view(req.method_string().data(), req.method_string().size());
  r.target = std::string_view(req.target().data(), req.target().size());
  auto auth = req[http::field::authorization];
  r.authorization = std::string_view(auth.data(), auth.size());
  r.body = req.body();
  nrm::server::Response out = w.service->handle(r);
  if (out.status >= 500) std::abort();
  return 0;
}
