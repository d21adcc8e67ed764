// Loading data/outlines.geojson for the audit's map. GeoJSON is JSON, and JSON is YAML: it is read
// with the loaders' YAML helpers so that every problem is reported with its line and column.
#include "audit/outlines.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "audit/render.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::audit {

namespace {

using Ring = std::vector<std::array<double, 2>>;
using Polygon = std::vector<Ring>;

// One ring: at least 4 positions [longitude, latitude], the last equal to the first.
std::optional<Ring> read_ring(nrm::detail::YamlReader& r, nrm::detail::YamlNode n, const std::string& at) {
  if (!r.expect_sequence(n, at)) return std::nullopt;
  Ring ring;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string where = at + "[" + std::to_string(i) + "]";
    const nrm::detail::YamlNode pos = n[i];
    if (!pos.is_sequence() || pos.size() != 2) {
      r.error(pos, where, "expected a position [longitude, latitude], found " + nrm::detail::describe(pos));
      ok = false;
      continue;
    }
    auto lon = r.number(pos[0], where + "[0] (longitude)", -180, 180);
    auto lat = r.number(pos[1], where + "[1] (latitude)", 0, 90);
    if (!lon || !lat) {
      ok = false;
      continue;
    }
    ring.push_back({*lon, *lat});
  }
  if (!ok) return std::nullopt;
  if (ring.size() < 4) {
    r.error(n, at, fmt::format("a ring has at least 4 positions, found {}", ring.size()));
    return std::nullopt;
  }
  if (ring.front() != ring.back()) {
    r.error(n, at, fmt::format("the ring is not closed: it starts at [{:g}, {:g}] and ends at [{:g}, {:g}]",
                               ring.front()[0], ring.front()[1], ring.back()[0], ring.back()[1]));
    return std::nullopt;
  }
  return ring;
}

std::optional<Polygon> read_polygon(nrm::detail::YamlReader& r, nrm::detail::YamlNode n, const std::string& at) {
  if (!r.expect_sequence(n, at)) return std::nullopt;
  if (n.size() == 0) {
    r.error(n, at, "a polygon has at least one ring, found none");
    return std::nullopt;
  }
  Polygon p;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto ring = read_ring(r, n[i], at + "[" + std::to_string(i) + "]");
    if (ring) p.push_back(std::move(*ring));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return p;
}

// geometry: {type: Polygon | MultiPolygon, coordinates}.
bool read_geometry(nrm::detail::YamlReader& r, nrm::detail::YamlNode g, const std::string& at, Outline& out) {
  if (!g.defined()) {
    r.error(g, at, "missing; expected a Polygon or MultiPolygon");
    return false;
  }
  if (!r.expect_map(g, at)) return false;
  const auto type = g["type"].defined() ? r.string(g["type"], at + ".type") : std::nullopt;
  if (!type || (*type != "Polygon" && *type != "MultiPolygon")) {
    r.error(g["type"].defined() ? g["type"] : g, at + ".type",
            "expected Polygon or MultiPolygon, found " + (type ? "'" + *type + "'" : nrm::detail::describe(g["type"])));
    return false;
  }
  const nrm::detail::YamlNode c = g["coordinates"];
  const std::string cat = at + ".coordinates";
  if (!c.defined()) {
    r.error(g, cat, "missing");
    return false;
  }
  if (*type == "Polygon") {
    auto p = read_polygon(r, c, cat);
    if (p) out.polygons.push_back(std::move(*p));
    return p.has_value();
  }
  if (!r.expect_sequence(c, cat)) return false;
  if (c.size() == 0) {
    r.error(c, cat, "a MultiPolygon has at least one polygon, found none");
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto p = read_polygon(r, c[i], cat + "[" + std::to_string(i) + "]");
    if (p) out.polygons.push_back(std::move(*p));
    else ok = false;
  }
  return ok;
}

// One feature: its province (a taxonomy code, once in the file), names and geometry.
void read_feature(nrm::detail::YamlReader& r, nrm::detail::YamlNode f, std::size_t index, const Taxonomy& t,
                  std::set<int>& seen, Outlines& out) {
  std::string at = "features[" + std::to_string(index) + "]";
  if (!r.expect_map(f, at)) return;
  const nrm::detail::YamlNode props = f["properties"];
  Outline o;
  if (!props.defined() || !props.is_map()) {
    r.error(props.defined() ? props : f, at + ".properties",
            "expected a mapping with province, name and name_fr, found " + nrm::detail::describe(props));
  } else if (auto code = props["province"].defined() ? r.string(props["province"], at + ".properties.province")
                                                        : std::nullopt) {
    if (auto p = t.provinces.find(*code)) {
      o.province = *p;
      at += " (" + *code + ")";
      if (!seen.insert(*p).second) r.error(props["province"], at + ".properties.province", "'" + *code + "' has an outline already");
    } else {
      r.error(props["province"], at + ".properties.province",
              "unknown province or territory '" + *code + "'; expected one of " + nrm::detail::join_codes(t.provinces.codes()));
    }
    for (const char* key : {"name", "name_fr"}) {
      if (!props[key].defined()) r.error(props, at + ".properties." + key, "missing");
      else if (auto v = r.string(props[key], at + ".properties." + key)) (std::string(key) == "name" ? o.name : o.name_fr) = *v;
    }
  } else if (!props["province"].defined()) {
    r.error(props, at + ".properties.province", "missing; expected a province or territory code, e.g. NU");
  }
  if (!f["type"].defined() || !f["type"].is_scalar() || f["type"].text() != "Feature")
    r.error(f["type"].defined() ? f["type"] : f, at + ".type", "expected 'Feature', found " + nrm::detail::describe(f["type"]));
  const bool geometry_ok = read_geometry(r, f["geometry"], at + ".geometry", o);
  if (o.province >= 0 && geometry_ok) out.provinces.push_back(std::move(o));
}

}  // namespace

const Outline* Outlines::find(int province) const {
  for (const auto& o : provinces)
    if (o.province == province) return &o;
  return nullptr;
}

std::shared_ptr<const Outlines> load_outlines(const std::string& path, const Directory& directory) {
  Diagnostics diags;
  auto out = std::make_shared<Outlines>();
  out->file = file_name(path);
  std::optional<std::string> text = nrm::detail::read_text_file(path, diags);
  std::optional<nrm::detail::YamlDocument> doc;
  if (text) {
    out->digest = audit::detail::fnv1a_hex(*text);
    // JSON first, so that a syntax error says "not JSON" with its place; then read as YAML for the
    // lines and columns of every later message.
    try {
      if (nlohmann::json::accept(*text)) doc = nrm::detail::parse_yaml(*text, path, diags);
      else (void)nlohmann::json::parse(*text).is_null();  // throws the syntax error
    } catch (const nlohmann::json::parse_error& e) {
      int line = 1, column = 1;
      for (std::size_t i = 0; i + 1 < e.byte && i < text->size(); ++i) {
        if ((*text)[i] == '\n') ++line, column = 1;
        else ++column;
      }
      diags.add(path, line, column, "", std::string("not JSON: ") + e.what());
    }
  }
  if (doc) {
    const nrm::detail::YamlNode root = doc->root();
    nrm::detail::YamlReader r(path, diags);
    if (r.expect_map(root, "(top level)")) {
      if (!root["type"].defined() || !root["type"].is_scalar() || root["type"].text() != "FeatureCollection")
        r.error(root["type"].defined() ? root["type"] : root, "type",
                "expected 'FeatureCollection', found " + nrm::detail::describe(root["type"]));
      if (!root["source"].defined())
        r.error(root, "source", "missing; expected the outlines' source and licence, in words");
      else if (auto s = r.string(root["source"], "source"))
        out->source = *s;
      const nrm::detail::YamlNode features = root["features"];
      std::set<int> seen;
      if (!features.defined()) r.error(root, "features", "missing; expected a list of provinces and territories");
      else if (r.expect_sequence(features, "features"))
        for (std::size_t i = 0; i < features.size(); ++i)
          read_feature(r, features[i], i, directory.taxonomy, seen, *out);
      // Every province or territory with a community needs its outline: the map draws it.
      std::set<int> with_communities;
      for (const auto& c : directory.geography.communities) with_communities.insert(c.province);
      if (features.defined() && features.is_sequence())
        for (int p : with_communities)
          if (!seen.count(p))
            r.error(features, "features",
                    "no outline for " + directory.taxonomy.provinces.code(p) + " (" + directory.taxonomy.provinces[p].en +
                        "), which has communities; every province or territory with a community needs one");
    }
  }
  diags.throw_if_any("invalid provincial outlines");
  return out;
}

}  // namespace nrm::audit
