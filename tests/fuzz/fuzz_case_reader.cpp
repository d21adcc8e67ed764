// libFuzzer target: the case reader. Any bytes, as YAML/JSON text and (when they are JSON) as a
// parsed document through the server's strict JSON reader, against the test world. A LoadError is
// the expected refusal; anything else escaping (or a sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "directory/loader.hpp"
#include "model/diagnostics.hpp"
#include "server/json_body.hpp"

namespace {
const nrm::Directory& world() {
  static const nrm::Directory d = nrm::load_directory({NRM_TEST_DIR "/fixtures/world/taxonomy.yaml",
                                                       NRM_TEST_DIR "/fixtures/world/communities.csv",
                                                       NRM_TEST_DIR "/fixtures/world/routes.csv",
                                                       NRM_TEST_DIR "/fixtures/world/providers.yaml",
                                                       NRM_TEST_DIR "/fixtures/world/fallbacks.yaml"});
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    nrm::parse_case(text, "case", world());
  } catch (const nrm::LoadError&) {
  }
  try {
    nlohmann::json doc = nrm::server::parse_json_body(text, "the case");
    nrm::case_from_json(doc, "case", world());
  } catch (const nrm::LoadError&) {
  }
  return 0;
}
