// The directory from and to the Open Referral Human Services Data Specification (HSDS) 3.1:
// `nrm import hsds` (HSDS JSON or a CSV datapackage, through a map, into providers.yaml) and
// `nrm export hsds` (the loaded directory as an HSDS 3.1 JSON array of services). See
// docs/data.md, "Importing and exporting HSDS 3.1". Never prints; problems are LoadErrors.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/directory.hpp"

namespace nrm::hsds {

// The taxonomies nrm's export writes its terms in: needs, attributes, and the fields nrm has and
// HSDS lacks (one term per field, the value in the attribute's `value`).
inline constexpr const char* kNeedTaxonomy = "nrm-needs";
inline constexpr const char* kAttributeTaxonomy = "nrm-attributes";
inline constexpr const char* kFieldTaxonomy = "nrm";

// One HSDS taxonomy term the map names: by its id, or by its taxonomy and code.
struct TermKey {
  std::string term_id;
  std::string taxonomy;
  std::string code;
};

// The map (YAML, docs/data.md): which HSDS terms become which nrm codes, and defaults for what
// HSDS does not carry.
struct Map {
  struct Entry {
    TermKey key;
    int code = 0;  // a need id or an attribute index
  };
  std::vector<Entry> needs, attributes;
  std::vector<std::string> need_taxonomies;       // terms whose codes are nrm need codes as they stand
  std::vector<std::string> attribute_taxonomies;  // likewise for attributes
  std::vector<TermKey> ignore;                    // terms dropped on purpose (an empty code: the whole taxonomy)
  std::optional<TermKey> confidential;            // a location or service attribute that marks it confidential
  double max_km = 50;                             // a location farther from every community is an error
  std::vector<std::string> capacity_units;        // unit names (or ids) counted as beds, lower case
  std::map<std::string, std::string> languages;   // HSDS language code -> ISO 639-3 (e.g. en -> eng)
  // Defaults for what HSDS does not carry.
  bool serves_national = false;                   // serves: national
  bool serves_province = true;                    // serves: the community's province
  CodeSet serves = 0;                             // else these provinces
  std::vector<LangId> default_languages;          // when a service lists none
  bool accepts_without_status = false;
  bool law_enforcement = false;
  int wait_days = 0;
};

Map parse_map(const std::string& text, const std::string& origin, const Directory& dir);
Map load_map(const std::string& path, const Directory& dir);

// The whole directory as HSDS 3.1: a JSON array of services, each with its organization,
// service_at_locations (and their locations), phones, schedules, capacities, languages and
// attributes. Ids are uuid-shaped and stable (derived from the provider ids).
nlohmann::json export_services(const Directory& dir);

// An HSDS input as a JSON array of services: a JSON file (one service, an array, or a paginated
// {"contents": [...]}) or a folder holding a CSV datapackage (services.csv, ...), whose rows are
// nested the way the JSON form nests them. Throws LoadError (unreadable, not JSON, bad CSV).
nlohmann::json read_input(const std::string& path);

struct ImportResult {
  std::string yaml;   // a providers file that `nrm validate --providers` accepts
  int imported = 0;   // providers written
  int skipped = 0;    // services not active (inactive, defunct, temporarily closed)
};

// The services of `input` (from read_input) as nrm providers, through `map`, placed in the
// communities of `dir`. Every problem (unmapped term, a location far from any community, a
// missing or bad field), each naming the HSDS object's id and field, is thrown at once as a
// LoadError; `origin` names the input in diagnostics.
ImportResult import_services(const nlohmann::json& input, const Map& map, const Directory& dir,
                             const std::string& origin);

// Writes `text` to `path` through a temporary file in the same folder, renamed only once written
// whole: `path` is either untouched or complete. Throws LoadError.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace nrm::hsds
