// The HSDS import map (docs/data.md, "Importing and exporting HSDS 3.1"): which HSDS taxonomy
// terms become which nrm needs and attributes, how a confidential location is marked, how far a
// location may be from its community, and defaults for what HSDS does not carry. Every problem is
// collected and thrown at once.
#include "hsds/hsds.hpp"

#include <algorithm>

#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::hsds {

using nrm::detail::YamlNode;
using nrm::detail::YamlReader;

namespace {

// {term_id} or {taxonomy, code}; `extra` is the key naming the nrm code (need, attribute) or "".
std::optional<TermKey> read_term_key(YamlReader& r, YamlNode n, const std::string& field, const std::string& extra,
                                     bool code_optional) {
  if (!r.expect_map(n, field)) return std::nullopt;
  std::vector<std::string> keys = {"term_id", "taxonomy", "code"};
  if (!extra.empty()) keys.push_back(extra);
  r.check_keys(n, field, keys);
  TermKey k;
  if (n["term_id"].defined()) {
    if (auto v = r.string(n["term_id"], field + ".term_id")) k.term_id = *v;
    if (n["taxonomy"].defined() || n["code"].defined())
      r.error(n, field, "give term_id, or taxonomy and code, not both");
    return k;
  }
  if (!n["taxonomy"].defined()) {
    r.error(n, field + ".taxonomy", "missing; give term_id, or taxonomy and code");
    return std::nullopt;
  }
  if (auto v = r.string(n["taxonomy"], field + ".taxonomy")) k.taxonomy = *v;
  if (n["code"].defined()) {
    if (auto v = r.string(n["code"], field + ".code")) k.code = *v;
  } else if (!code_optional) {
    r.error(n, field + ".code", "missing; give the term's code in its taxonomy");
  }
  return k;
}

template <typename T>
void read_mapped(YamlReader& r, YamlNode root, const std::string& key, const std::string& what,
                 const CodeList<T>& codes, std::vector<Map::Entry>& out) {
  const YamlNode list = root[key];
  if (!list.defined()) return;
  if (!r.expect_sequence(list, key)) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string field = key + "[" + std::to_string(i) + "]";
    auto k = read_term_key(r, list[i], field, what, false);
    if (!k) continue;
    const YamlNode v = list[i][what];
    if (!v.defined()) {
      r.error(list[i], field + "." + what, "missing; the nrm " + what + " code this term becomes");
      continue;
    }
    auto code = r.string(v, field + "." + what);
    if (!code) continue;
    auto c = codes.find(*code);
    if (!c) {
      std::string near = closest_name(*code, codes.codes());
      r.error(v, field + "." + what,
              "unknown " + what + " '" + *code + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      continue;
    }
    out.push_back({*k, *c});
  }
}

std::vector<std::string> read_names(YamlReader& r, YamlNode root, const std::string& key) {
  if (!root[key].defined()) return {};
  auto v = r.strings(root[key], key);
  return v ? *v : std::vector<std::string>{};
}

}  // namespace

Map parse_map(const std::string& text, const std::string& origin, const Directory& dir) {
  Diagnostics diags;
  Map m;
  std::optional<nrm::detail::YamlDocument> doc = nrm::detail::parse_yaml(text, origin, diags);
  if (doc) {
    const YamlNode root = doc->root();
    YamlReader r(origin, diags);
    if (r.expect_map(root, "")) {
      r.check_keys(root, "", {"schema", "needs", "attributes", "need_taxonomies", "attribute_taxonomies", "ignore",
                               "confidential", "max_km", "capacity_units", "languages", "defaults"});
      if (!root["schema"].defined()) r.error(root, "schema", "missing schema version; expected schema: 1");
      else r.integer(root["schema"], "schema", 1, 1);
      read_mapped(r, root, "needs", "need", dir.taxonomy.needs, m.needs);
      read_mapped(r, root, "attributes", "attribute", dir.taxonomy.attributes, m.attributes);
      m.need_taxonomies = read_names(r, root, "need_taxonomies");
      m.attribute_taxonomies = read_names(r, root, "attribute_taxonomies");
      if (root["ignore"].defined() && r.expect_sequence(root["ignore"], "ignore"))
        for (std::size_t i = 0; i < root["ignore"].size(); ++i)
          if (auto k = read_term_key(r, root["ignore"][i], "ignore[" + std::to_string(i) + "]", "", true))
            m.ignore.push_back(*k);
      if (root["confidential"].defined())
        if (auto k = read_term_key(r, root["confidential"], "confidential", "", false)) m.confidential = *k;
      if (root["max_km"].defined())
        if (auto v = r.number(root["max_km"], "max_km", 0, 1000)) m.max_km = *v;
      m.capacity_units = read_names(r, root, "capacity_units");
      for (auto& u : m.capacity_units)
        std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (m.capacity_units.empty()) m.capacity_units = {"bed", "beds"};
      const YamlNode langs = root["languages"];
      if (langs.defined() && r.expect_map(langs, "languages")) {
        for (auto [k, v] : langs.entries()) {
          const std::string field = "languages." + k.str();
          auto code = r.string(v, field);
          if (!code) continue;
          if (!dir.taxonomy.languages.find(*code))
            r.error(v, field, "unknown language '" + *code + "'; expected an ISO 639-3 code of data/taxonomy.yaml");
          else m.languages[k.str()] = *code;
        }
      }
      const YamlNode d = root["defaults"];
      if (d.defined() && r.expect_map(d, "defaults")) {
        r.check_keys(d, "defaults", {"serves", "languages", "accepts_without_status", "law_enforcement", "wait_days",
                                     "accepts_trafficking_victims"});  // the last: refused below, with why
        if (d["accepts_trafficking_victims"].defined())
          r.error(d["accepts_trafficking_victims"], "defaults.accepts_trafficking_victims",
                  "never defaulted: HSDS does not say it, so it stays unknown");
        if (d["serves"].defined()) {
          const YamlNode s = d["serves"];
          if (s.is_scalar() && s.text() == "province") {
            m.serves_province = true;
          } else if (s.is_scalar() && s.text() == "national") {
            m.serves_province = false, m.serves_national = true;
          } else if (auto list = r.strings(s, "defaults.serves")) {
            m.serves_province = false;
            for (const auto& code : *list) {
              if (auto p = dir.taxonomy.provinces.find(code)) m.serves |= code_bit(*p);
              else r.error(s, "defaults.serves", "'" + code + "' is not a province or territory; expected province, national or a list of codes");
            }
            if (list->empty()) r.error(s, "defaults.serves", "empty; expected province, national or a list of codes");
          }
        }
        if (d["languages"].defined())
          if (auto list = r.strings(d["languages"], "defaults.languages"))
            for (const auto& code : *list) {
              if (auto l = dir.taxonomy.languages.find(code)) m.default_languages.push_back(*l);
              else r.error(d["languages"], "defaults.languages", "unknown language '" + code + "'");
            }
        if (d["accepts_without_status"].defined())
          if (auto b = r.boolean(d["accepts_without_status"], "defaults.accepts_without_status")) m.accepts_without_status = *b;
        if (d["law_enforcement"].defined())
          if (auto b = r.boolean(d["law_enforcement"], "defaults.law_enforcement")) m.law_enforcement = *b;
        if (d["wait_days"].defined())
          if (auto v = r.integer(d["wait_days"], "defaults.wait_days", 0, 3650)) m.wait_days = static_cast<int>(*v);
      }
    }
  }
  diags.throw_if_any("invalid HSDS map");
  return m;
}

Map load_map(const std::string& path, const Directory& dir) {
  return parse_map(read_text(path), path, dir);
}

}  // namespace nrm::hsds
