// Loading data files into an immutable, validated Directory, and cases into Case values. Every
// loader collects all the problems it finds and throws them together as one LoadError; nothing
// half-loaded is ever returned.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>

#include "model/case.hpp"
#include "model/directory.hpp"

namespace nrm {

// Paths of the shipped data under a source tree root (data/taxonomy.yaml, ...).
DataPaths shipped_data_paths(const std::string& root);

// Loads taxonomy, communities, routes, providers and fallbacks, in that order; each later file is
// checked against the earlier ones. Throws LoadError listing every problem in every file.
Directory load_directory(const DataPaths& paths);

// A directory like `base` with the providers of `extra_text` (a providers file's text; its
// diagnostics name `origin`) added and the providers whose ids are in `drop` removed, from partner
// lists too. Taxonomy and geography are base's. Throws LoadError listing every problem in the
// added entries (a duplicate of a kept id included); `base` is never changed. The audit's what-if.
Directory with_providers(const Directory& base, const std::string& extra_text, const std::string& origin,
                         const std::set<std::string>& drop);

// Parts, for tests and tools.
Taxonomy load_taxonomy(const std::string& path);
Geography load_geography(const std::string& communities_path, const std::string& routes_path,
                         const Taxonomy& taxonomy);
// data/fallbacks.yaml (directory/fallbacks_loader.cpp): never empty; a missing file is an error.
std::vector<Fallback> load_fallbacks(const std::string& path);

// A case from YAML or JSON text (JSON is read as YAML). `origin` names it in diagnostics (a file
// path, or "case"). Unknown fields, unknown codes, out-of-range numbers: LoadError naming the
// field and the accepted values.
Case parse_case(const std::string& text, const std::string& origin, const Directory& directory);

// The same case from an already-parsed JSON document (the server's request body, the CLI's
// flags): the same checks and messages, without printing text to parse it back. Diagnostics
// carry the field but no line (a document has none).
Case case_from_json(const nlohmann::json& doc, const std::string& origin, const Directory& directory);

// Adds the provider ids of `ids` (a JSON list) to c.exclude, checked as a case's `exclude` is:
// the CLI's --exclude over a case file. Throws LoadError (field "exclude").
void add_excluded(Case& c, const nlohmann::json& ids, const std::string& origin, const Directory& directory);

// A whole text file (a case, say), with the checks data files get: exists, readable, not too
// large, not binary. Throws LoadError.
std::string read_text(const std::string& path);

// Largest data or case file accepted, in bytes (a clear error beyond it, never an exhausted
// machine).
inline constexpr std::size_t kMaxFileBytes = std::size_t{256} << 20;
// Largest case text (a real one is well under 2 KiB).
inline constexpr std::size_t kMaxCaseBytes = std::size_t{1} << 20;
// Longest id or code worth looking up or suggesting for (real ones are under 40 characters), and
// the longest list a case may hold (needs, languages, avoid, ...). Beyond: refused at once.
inline constexpr std::size_t kMaxCodeLength = 64;
inline constexpr std::size_t kMaxCaseListItems = 64;

}  // namespace nrm
