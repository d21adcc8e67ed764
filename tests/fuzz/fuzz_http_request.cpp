// libFuzzer target: the HTTP request path up to the engine. The input is raw bytes from a client:
// Beast's request parser with the server's limits and a read buffer bounded as the server bounds
// it; for a request read whole, its body through the strict JSON reader and the case reader (the
// test world). Every refusal (a Beast error, a full buffer, a LoadError) is expected; a crash, a
// sanitizer report or another exception is a bug. (The Service and the engine are not linked:
// see CMakeLists.txt.)
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "directory/loader.hpp"
#include "model/diagnostics.hpp"
#include "server/json_body.hpp"

namespace http = boost::beast::http;

namespace {
const nrm::Directory& world() {
  static const nrm::Directory d = nrm::load_directory({NRM_TEST_DIR "/fixtures/world/taxonomy.yaml",
                                                       NRM_TEST_DIR "/fixtures/world/communities.csv",
                                                       NRM_TEST_DIR "/fixtures/world/routes.csv",
                                                       NRM_TEST_DIR "/fixtures/world/providers.yaml"});
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  boost::beast::flat_buffer buffer(8 * 1024 + 1024);  // as the server bounds its read buffer
  std::size_t fed = 0;
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    // What one read would add: as much as fits the buffer, in pieces of at most 4 KiB.
    std::size_t room = buffer.max_size() - buffer.size();
    std::size_t n = std::min({room, bytes.size() - fed, std::size_t{4096}});
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
  try {
    nlohmann::json doc = nrm::server::parse_json_body(parser.get().body(), "the case");
    nrm::case_from_json(doc, "case", world());
  } catch (const nrm::LoadError&) {
  }
  return 0;
}
