// Loader of data/fallbacks.yaml: the national numbers every answer ends with (docs/data.md). Every
// problem with file:line:column and field, all at once; a missing file is an error, as an empty
// list is: an answer must always leave the worker something to call.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"

namespace nrm {

namespace {

using detail::YamlNode;
using detail::YamlReader;

const std::vector<std::string> kFallbackFields = {
    "id",  "name_en",  "name_fr",  "slip_name_en", "slip_name_fr", "phone",
    "web", "hours_en", "hours_fr", "when_en",      "when_fr"};

// One entry; nothing when it has a problem (each reported).
std::optional<Fallback> read_fallback(YamlReader& r, YamlNode n, const std::string& base) {
  if (!r.expect_map(n, base)) return std::nullopt;
  r.check_keys(n, base, kFallbackFields);
  const std::size_t before = r.diags().size();
  Fallback f;
  f.line = n.mark().line;
  std::string* slots[] = {&f.id,           &f.name_en, &f.name_fr, &f.slip_name_en,
                          &f.slip_name_fr, &f.phone,   &f.web,     &f.hours_en,
                          &f.hours_fr,     &f.when_en, &f.when_fr};
  for (std::size_t i = 0; i < kFallbackFields.size(); ++i) {
    const std::string& k = kFallbackFields[i];
    const std::string field = base + "." + k;
    if (!n[k].defined()) {
      if (k != "web") r.error(n, field, "missing required field");
      continue;
    }
    auto v = r.string(n[k], field);
    if (!v) continue;
    if (v->empty()) r.error(n[k], field, "empty");
    *slots[i] = *v;
  }
  if (!f.id.empty() &&
      f.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    r.error(n["id"], base + ".id",
            "'" + f.id + "' is not an id (lower-case ascii, digits and hyphens)");
  if (!f.phone.empty()) {
    std::size_t digits = 0;
    for (char c : f.phone) digits += c >= '0' && c <= '9';
    if (f.phone.find_first_not_of("0123456789+-() ") != std::string::npos || digits < 3)
      r.error(n["phone"], base + ".phone",
              detail::quote_short(f.phone) +
                  " is not a phone number (digits, spaces, '+', '-', parentheses)");
  }
  if (r.diags().size() != before) return std::nullopt;
  return f;
}

}  // namespace

std::vector<Fallback> load_fallbacks(const std::string& path) {
  Diagnostics diags;
  std::vector<Fallback> out;
  std::optional<detail::YamlDocument> doc = detail::load_yaml_file(path, diags);
  YamlReader r(path, diags);
  if (doc && r.expect_map(doc->root(), "")) {
    const YamlNode root = doc->root();
    r.check_keys(root, "", {"schema", "fallbacks"});
    if (!root["schema"].defined())
      r.error(root, "schema", "missing schema version; expected schema: 1");
    else
      r.integer(root["schema"], "schema", 1, 1);
    const YamlNode list = root["fallbacks"];
    if (!list.defined())
      r.error(root, "fallbacks", "missing list 'fallbacks'");
    else if (r.expect_sequence(list, "fallbacks") && list.size() == 0)
      r.error(list, "fallbacks", "empty; every answer must end with at least one number to call");
    std::set<std::string> ids;
    for (std::size_t i = 0; list.is_sequence() && i < list.size(); ++i) {
      auto f = read_fallback(r, list[i], "fallbacks[" + std::to_string(i) + "]");
      if (!f) continue;
      if (!ids.insert(f->id).second)
        r.error(list[i]["id"], "fallbacks[" + std::to_string(i) + "].id",
                "duplicate id '" + f->id + "'");
      else
        out.push_back(std::move(*f));
    }
  }
  diags.throw_if_any("invalid fallbacks");
  return out;
}

}  // namespace nrm
