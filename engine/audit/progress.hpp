// Progress since an earlier audit (nrm audit --compare PREVIOUS.json): an earlier `nrm audit
// --format json` read back and checked, and what changed since: people newly within each travel
// threshold (or no longer), communities that gained or lost their pathway, providers added,
// removed, gone stale or confirmed again.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit.hpp"

namespace nrm::audit {

// The JSON format an audit writes (`format: nrm-audit`, `format_version`). Version 1 is the JSON
// of nrm before it said so (no `format`, no `directory`, no cell `band`); 2 adds them.
inline constexpr const char* kJsonFormat = "nrm-audit";
inline constexpr int kJsonFormatVersion = 2;

// What --compare needs of an earlier audit's JSON.
struct PreviousAudit {
  std::string file;    // file name only (reports never name a path of the machine)
  std::string digest;  // FNV-1a 64 of its bytes
  std::string as_of;   // stamp.as_of
  int format_version = 1;
  std::array<double, kThresholdCount> thresholds{};
  struct CellState {
    bool feasible = false;
    std::optional<double> travel_hours;  // when feasible (rounded to 0.01 h, as written)
    int band = -1;                       // audit::band of the cell; -1 no pathway
  };
  std::map<std::pair<std::string, std::string>, CellState> cells;  // (community id, profile id)
  struct Figures {
    std::int64_t population = 0;
    std::array<std::int64_t, kThresholdCount> within{};
  };
  std::map<std::pair<std::string, std::string>, Figures> figures;  // (province code, profile id)
  struct Entry {
    std::string id, name, community, province;
    std::vector<std::string> serves;  // province codes, or "national"
    std::optional<std::string> verified;
    bool stale = false;  // as judged on as_of by that audit
  };
  std::optional<std::vector<Entry>> providers;  // `directory`, absent before format_version 2
};

// Reads and checks an earlier audit's JSON for a comparison with an audit in `thresholds` (hours).
// Refuses, with LoadError naming the file and every wrong field (a JSON syntax error with its line
// and column): a file that is not JSON, JSON that is not an nrm audit (a GeoJSON export included),
// a format_version newer than this nrm reads, other thresholds_hours, and a missing or mistyped
// field that the comparison needs.
PreviousAudit read_previous(const std::string& path, const std::array<double, kThresholdCount>& thresholds);

// One province and profile audited both times.
struct ProgressRow {
  int province = 0;  // taxonomy index
  int profile = 0;   // index into the current Audit::profiles
  std::int64_t population_then = 0, population_now = 0;
  std::array<std::int64_t, kThresholdCount> then{}, now{};  // people within each threshold (each audit's figures)
  // People (today's known populations) of the communities audited both times that are within the
  // threshold now and were not then, and the reverse.
  std::array<std::int64_t, kThresholdCount> newly{}, no_longer{};
  std::vector<CommunityIndex> gained;  // no pathway then, one now (by community id)
  std::vector<CommunityIndex> lost;    // a pathway then, none now
  bool changed() const;
};

struct ProviderChange {
  std::string id, name, community;     // the community's id
  std::optional<std::string> verified;  // YYYY-MM-DD
};

struct Progress {
  std::string file, digest, as_of;  // the previous audit's
  int format_version = 1;
  std::vector<ProgressRow> rows;  // province code order, then profile order
  // Per cell of the current audit (same index): the previous audit's state of that community and
  // profile, if it audited them.
  std::vector<std::optional<PreviousAudit::CellState>> previous_cells;
  std::vector<std::string> profiles_not_compared;   // audited now, not then (ids)
  std::vector<std::string> provinces_not_compared;  // audited now, not then (codes)
  int communities_not_compared = 0;                 // audited now in a compared province, not then
  bool providers_known = false;                     // the previous JSON lists its providers
  // Providers located in or serving an audited province (serves: national included), by id.
  std::vector<ProviderChange> added, removed;
  std::vector<ProviderChange> gone_stale;           // stale now, not then
  std::vector<ProviderChange> confirmed_again;      // stale then, not now
};

// What changed between `previous` and the audit `now` (run on `engine`, on its date). `previous`
// was read for now's thresholds (std::logic_error otherwise).
Progress progress(const api::Engine& engine, const Audit& now, const PreviousAudit& previous);

}  // namespace nrm::audit
