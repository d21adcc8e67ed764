// Reading an HSDS input for the import: a JSON file (one service, an array of services, or a
// paginated response {"contents": [...]}) or a folder holding a tabular CSV datapackage, whose
// rows are nested here the way HSDS's JSON form nests them (service -> organization, phones,
// schedules, capacities, languages, attributes -> taxonomy_term, service_at_locations ->
// location -> addresses, attributes). Each object made from a row carries "_origin" (file, line)
// so that the import's diagnostics point at the row.
#include "hsds/hsds.hpp"

#include <filesystem>
#include <set>

#include "directory/csv.hpp"
#include "directory/loader.hpp"

namespace nrm::hsds {

using nlohmann::json;

namespace {

// The columns HSDS types as numbers: read as numbers when the cell is one.
bool numeric_column(const std::string& c) {
  static const std::set<std::string> kNumbers = {"latitude", "longitude", "minimum_age", "maximum_age",
                                                 "available", "maximum", "extension", "year_incorporated"};
  return kNumbers.count(c) > 0;
}

// The rows of one CSV table of the package, each an object of its non-empty cells; an absent
// file is an empty table.
std::vector<json> read_table(const std::filesystem::path& dir, const std::string& name, Diagnostics& diags) {
  std::vector<json> rows;
  const auto path = dir / name;
  if (!std::filesystem::exists(path)) return rows;
  auto text = nrm::detail::read_text_file(path.string(), diags);
  if (!text) return rows;
  auto csv = nrm::detail::parse_csv(*text, path.string(), diags);
  if (csv.empty()) return rows;
  const std::vector<std::string> header = csv.front().fields;
  for (std::size_t r = 1; r < csv.size(); ++r) {
    const auto& row = csv[r];
    if (row.fields.size() != header.size()) {
      diags.add(path.string(), row.line, 0, "",
                std::to_string(row.fields.size()) + " fields where the header has " + std::to_string(header.size()));
      continue;
    }
    json o = json::object();
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& v = row.fields[i];
      if (v.empty()) continue;
      double d = 0;
      if (numeric_column(header[i]) && nrm::detail::parse_double(v, d)) o[header[i]] = d;
      else o[header[i]] = v;
    }
    o["_origin"] = {{"file", path.string()}, {"line", row.line}};
    rows.push_back(std::move(o));
  }
  return rows;
}

std::string str_of(const json& o, const char* key) {
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}

// Rows grouped by the value of one of their columns.
std::map<std::string, std::vector<json>> group_by(const std::vector<json>& rows, const char* key) {
  std::map<std::string, std::vector<json>> out;
  for (const json& r : rows) out[str_of(r, key)].push_back(r);
  return out;
}

json list_of(const std::map<std::string, std::vector<json>>& groups, const std::string& key) {
  auto it = groups.find(key);
  return it == groups.end() ? json::array() : json(it->second);
}

json read_package(const std::filesystem::path& dir) {
  Diagnostics diags;
  if (!std::filesystem::exists(dir / "services.csv"))
    diags.add(dir.string(), 0, 0, "", "no services.csv: not an HSDS CSV datapackage");
  const auto services = read_table(dir, "services.csv", diags);
  const auto organizations = read_table(dir, "organizations.csv", diags);
  const auto locations = read_table(dir, "locations.csv", diags);
  const auto addresses = read_table(dir, "addresses.csv", diags);
  const auto sals = read_table(dir, "service_at_locations.csv", diags);
  const auto phones = read_table(dir, "phones.csv", diags);
  const auto attributes = read_table(dir, "attributes.csv", diags);
  const auto terms = read_table(dir, "taxonomy_terms.csv", diags);
  auto capacities = read_table(dir, "service_capacity.csv", diags);
  const auto more_capacities = read_table(dir, "service_capacities.csv", diags);
  capacities.insert(capacities.end(), more_capacities.begin(), more_capacities.end());
  const auto units = read_table(dir, "units.csv", diags);
  const auto schedules = read_table(dir, "schedules.csv", diags);
  const auto languages = read_table(dir, "languages.csv", diags);
  diags.throw_if_any("invalid HSDS datapackage");

  std::map<std::string, json> term_by_id, unit_by_id, org_by_id;
  for (const json& t : terms) term_by_id[str_of(t, "id")] = t;
  for (const json& u : units) unit_by_id[str_of(u, "id")] = u;
  for (const json& o : organizations) org_by_id[str_of(o, "id")] = o;

  // Attributes, with their terms nested, by the entity and id they are linked to.
  std::map<std::string, std::vector<json>> attrs_of;
  for (json a : attributes) {
    const std::string tid = str_of(a, "taxonomy_term_id");
    if (auto it = term_by_id.find(tid); it != term_by_id.end()) a["taxonomy_term"] = it->second;
    attrs_of[str_of(a, "link_entity") + ":" + str_of(a, "link_id")].push_back(a);
  }
  const auto addresses_of = group_by(addresses, "location_id");
  std::map<std::string, json> location_by_id;
  for (json l : locations) {
    const std::string id = str_of(l, "id");
    l["addresses"] = list_of(addresses_of, id);
    l["attributes"] = list_of(attrs_of, "location:" + id);
    location_by_id[id] = l;
  }
  std::map<std::string, std::vector<json>> sals_of;
  for (json s : sals) {
    if (auto it = location_by_id.find(str_of(s, "location_id")); it != location_by_id.end()) s["location"] = it->second;
    sals_of[str_of(s, "service_id")].push_back(s);
  }
  std::map<std::string, std::vector<json>> capacities_of;
  for (json c : capacities) {
    if (auto it = unit_by_id.find(str_of(c, "unit_id")); it != unit_by_id.end()) c["unit"] = it->second;
    capacities_of[str_of(c, "service_id")].push_back(c);
  }
  const auto phones_of = group_by(phones, "service_id");
  const auto schedules_of = group_by(schedules, "service_id");
  const auto languages_of = group_by(languages, "service_id");

  json out = json::array();
  for (json s : services) {
    const std::string id = str_of(s, "id");
    if (auto it = org_by_id.find(str_of(s, "organization_id")); it != org_by_id.end()) s["organization"] = it->second;
    s["service_at_locations"] = list_of(sals_of, id);
    s["phones"] = list_of(phones_of, id);
    s["schedules"] = list_of(schedules_of, id);
    s["capacities"] = list_of(capacities_of, id);
    s["languages"] = list_of(languages_of, id);
    s["attributes"] = list_of(attrs_of, "service:" + id);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

json read_input(const std::string& path) {
  if (std::filesystem::is_directory(path)) return read_package(path);
  const std::string text = read_text(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw LoadError("invalid HSDS input", {Diagnostic{path, 0, 0, "", std::string("not valid JSON: ") + e.what()}});
  }
  if (doc.is_object() && doc.contains("contents")) {
    if (!doc["contents"].is_array())
      throw LoadError("invalid HSDS input", {Diagnostic{path, 0, 0, "contents", "expected a list of services"}});
    return doc["contents"];
  }
  if (doc.is_object()) return json::array({doc});
  if (doc.is_array()) return doc;
  throw LoadError("invalid HSDS input",
                  {Diagnostic{path, 0, 0, "", "expected a service object, a list of services or {\"contents\": [...]}"}});
}

}  // namespace nrm::hsds
