// Renderings of an audit: a terminal table, CSV (one row per cell), JSON (cells, provinces, stamp,
// what-if, suggestions, progress since an earlier audit), one self-contained HTML report (a map on
// the provinces' outlines, bars, tables; a print stylesheet) and GeoJSON points for GIS; and the
// atomic write of a report to a file. Every rendering marks the cells relying on a stale entry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "audit/outlines.hpp"
#include "audit/progress.hpp"
#include "i18n/text.hpp"

namespace nrm::audit {

// What a report was computed on: date, data files and rules, each with a digest of its bytes.
struct Stamp {
  std::string as_of;
  struct File {
    std::string role;  // "providers", "communities", "routes", "taxonomy", "rules", "profiles"
    std::string path;
    std::string digest;  // FNV-1a 64 of the bytes (of every *.yaml, by name, for the rules folder)
  };
  std::vector<File> files;
  std::size_t providers = 0;
  std::size_t communities = 0;
  std::size_t rules = 0;
  std::string version;  // nrm version
};
// Files are named by their file name only (the rules by their folder's name), never by a path
// of the machine; the digest says which bytes they were. A what-if's --with file is one of them
// (role "with"), and so are the map's outlines (role "outlines") when given.
Stamp make_stamp(const api::Engine& engine, const std::string& profiles_path, Date as_of,
                 const std::string& with_file = "", const Outlines* outlines = nullptr);

// Optional parts of a report.
struct WhatIf {
  std::string with_file;            // as given; reports show only its file name and digest
  std::string with_digest;          // FNV-1a 64 of its bytes (empty without --with)
  std::vector<std::string> added;   // ids of the providers it adds or replaces, sorted
  std::vector<std::string> without;
  std::vector<Change> changes;
};
// The what-if of `changed` (with_changes of `base`) and the change between their audits.
WhatIf make_what_if(const api::Engine& base, const api::Engine& changed, const std::string& with_file,
                    const std::vector<std::string>& without, std::vector<Change> changes);
// The file name of a path, for reports ("/home/x/new-shelters.yaml" -> "new-shelters.yaml").
std::string file_name(const std::string& path);

struct Report {
  const api::Engine* engine = nullptr;  // the engine the audit ran on (after changes, if any)
  const Audit* audit = nullptr;
  Stamp stamp;
  std::optional<std::string> province;  // --province, as given
  int map_profile = 0;                  // index into audit->profiles for the map and bar chart
  std::optional<WhatIf> what_if;
  std::optional<std::string> suggest_profile;
  std::vector<Suggestion> suggestions;
  std::shared_ptr<const Outlines> outlines;  // the map's (render_html needs them)
  std::optional<Progress> progress;          // --compare: what changed since an earlier audit
};

std::string render_table(const Report& r);
// With a progress, two columns are appended: previous_feasible and previous_travel_hours (empty
// where the earlier audit did not have the cell).
std::string render_csv(const Report& r);
// Opens with format (kJsonFormat) and format_version (kJsonFormatVersion); `directory` lists every
// provider (id, name, community, province, verified, stale) and each cell has its `band`, so that
// a later --compare can read it back (read_previous).
nlohmann::json render_json(const Report& r);
// GeoJSON (RFC 7946) for QGIS and ArcGIS: a FeatureCollection with one Point feature per audited
// community (coordinates [longitude, latitude], WGS 84, from data/communities.csv; the feature's
// id is the community id). Properties, in this order: id, name, province, population (null when
// unknown), then per profile in file order hours_P (the best pathway's travel hours, null when
// none), binding_need_P and reason_P (the binding gap's need code and its cause in words, null
// when there is a pathway) and stale_P (the pathway relies on a stale entry), where P is
// geojson_field(profile id). The foreign member `nrm` holds the stamp and the profiles.
nlohmann::ordered_json render_geojson(const Report& r);
// A profile id as a GIS field-name suffix: letters, digits and '_' only ("man-labour" ->
// "man_labour"), which shapefiles and file geodatabases accept.
std::string geojson_field(const std::string& profile_id);
// Needs r.outlines (the map); throws std::logic_error without them.
std::string render_html(const Report& r);

// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then renamed
// over `path` (keeping its permissions). On any failure the temporary file is removed, `path` is
// left exactly as it was, and LoadError names the file and the cause.
void write_atomically(const std::string& path, const std::string& bytes);

// Lambert conformal conic, spherical, as Statistics Canada's maps of Canada: standard parallels
// 49 and 77 degrees north, origin 63.390675 N, 91.866667 W. Returns (x, y) in earth radii, y north.
struct Projected {
  double x = 0;
  double y = 0;
};
Projected lambert(double latitude, double longitude);

// Every rendering's words are in the current language (i18n::current(): `nrm audit --lang fr`);
// codes (ids, need codes, CSV headers, JSON and GeoJSON keys) are the same in both languages.

// 1234567 as "1,234,567" (negative numbers keep their sign); "1 234 567" (U+202F) in French.
std::string thousands(std::int64_t n);
// A share as a percentage with one decimal: 0.1234 as "12.3%"; "12,3 %" (U+00A0) in French.
std::string pct(double share);
// Hours as prose writes them ({:g}): "2", "0.5"; "0,5" in French.
std::string hours_text(double h);
// ":" in English, " :" (U+00A0) in French: a colon that ends a heading or a line.
std::string end_colon();
// A place after its preposition: "in Nunavut"; in French "au Nunavut", "en Ontario", "dans les
// Territoires du Nord-Ouest" (`place` is Canada or a province's or territory's name in the
// current language).
std::string in_place(const std::string& place);
// A province's or territory's name in the current language.
const std::string& province_name(const Taxonomy& t, int province);
// A count and its noun, singular or plural as the current language has it (French: 0 and 1 are
// singular): message `one` or `many`, each with {n}.
std::string count_text(std::int64_t n, i18n::Msg one, i18n::Msg many);

// --- Plain words, shared by every rendering --------------------------------------------------

// A gap's cause in words: the reason of the profiles file that lists `blocked_by`, or
// "blocked by rule <id>" when none does ("no provider offers it at all" for `directory`).
std::string reason_text(const Audit& a, const std::string& blocked_by);
// A community's population, "7,740", or "population unknown".
std::string population_text(const Community& c);
// "Emergency shelter in 12 communities (providers exist but refuse this gender: 8; ...)", one
// clause per missing need, joined by "; ".
std::string causes_text(const Directory& d, const Audit& a, const ProvinceProfile& pp);
// One sentence per profile and place: how many people (and what share) cannot reach every
// service the profile needs within the last threshold, split into no pathway and beyond it,
// every missing need with its causes, and communities of unknown population counted apart.
std::string summary_sentence(const Directory& d, const Audit& a, const ProvinceProfile& pp,
                             const std::string& place);
// "3 cells rely on stale entries (1 provider)", "1 cell relies on a stale entry (1 provider)" or
// "no cell relies on a stale entry": cells whose best pathway uses an entry not verified within
// the ranking's stale_after_days, and the distinct providers.
std::string stale_count_text(int cells, std::size_t providers);
// A stale provider for people: "Alpha Shelter (fictitious) (sh-alpha), last verified 2025-06-01"
// ("never verified" without a date).
std::string stale_provider_text(const Directory& d, ProviderIndex p);
// One sentence for a province and profile since an earlier audit: "Nunavut, Shelter only: within
// 2 h, 7,429 people newly and none no longer (0 then, 7,429 now); ... A pathway now where there
// was none: Iqaluit. No pathway any more: Kimmirut." Thresholds where nothing moved are left out.
std::string progress_sentence(const Directory& d, const Audit& a, const ProgressRow& row);
// "Providers since 2026-06-01: 3 added (...); 1 removed (...); 2 gone stale (...); ..." or, for an
// earlier audit that did not list its providers, a sentence saying so.
std::string progress_providers_text(const Progress& p);

namespace detail {
std::string html_escape(const std::string& s);
std::string fnv1a_hex(const std::string& bytes);
}  // namespace detail

}  // namespace nrm::audit
