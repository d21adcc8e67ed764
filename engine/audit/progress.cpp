// Progress since an earlier audit: its JSON read back and checked field by field (every problem at
// once, each naming the file and the field), then compared with today's audit community by
// community and provider by provider.
#include "audit/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/render.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::audit {

namespace {

using nlohmann::json;

// "line L, column C" of a byte offset, for a JSON syntax error.
std::pair<int, int> line_column(const std::string& text, std::size_t byte) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return {line, column};
}

// Typed access to the previous JSON: each accessor reports a wrong or missing member (with its
// path, e.g. cells[12].feasible) and returns nothing, so that every problem is reported at once.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}
  void error(const std::string& field, const std::string& message) { diags_.add(file_, 0, 0, field, message); }

  const json* member(const json& object, const std::string& key, const std::string& field) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    if (it == object.end()) {
      error(field, "missing");
      return nullptr;
    }
    return &*it;
  }
  std::optional<std::string> string(const json& object, const std::string& key, const std::string& at) {
    const json* v = member(object, key, at + key);
    if (!v) return std::nullopt;
    if (!v->is_string()) return wrong(at + key, "a string", *v), std::nullopt;
    return v->get<std::string>();
  }
  std::optional<std::int64_t> integer(const json& object, const std::string& key, const std::string& at) {
    const json* v = member(object, key, at + key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) return wrong(at + key, "a whole number", *v), std::nullopt;
    return v->get<std::int64_t>();
  }
  std::optional<bool> boolean(const json& object, const std::string& key, const std::string& at) {
    const json* v = member(object, key, at + key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) return wrong(at + key, "true or false", *v), std::nullopt;
    return v->get<bool>();
  }
  const json* array(const json& object, const std::string& key, const std::string& at) {
    const json* v = member(object, key, at + key);
    if (v && !v->is_array()) return wrong(at + key, "a list", *v), nullptr;
    return v;
  }
  const json* object(const json& v, const std::string& field) {
    if (!v.is_object()) return wrong(field, "an object", v), nullptr;
    return &v;
  }
  void wrong(const std::string& field, const std::string& expected, const json& found) {
    std::string shown = found.dump();
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    error(field, "expected " + expected + ", found " + shown);
  }

 private:
  std::string file_;
  Diagnostics& diags_;
};

// The top of the file: is it an nrm audit, of a format this nrm reads, with today's thresholds?
bool read_header(Reader& r, const json& j, PreviousAudit& out) {
  if (!j.is_object()) {
    r.error("(top level)", "not an nrm audit: expected the JSON object `nrm audit --format json` writes");
    return false;
  }
  if (j.contains("type") && j["type"] == "FeatureCollection") {
    r.error("type", "this is a GeoJSON export (nrm audit --format geojson); --compare needs the output of nrm "
                    "audit --format json");
    return false;
  }
  if (j.contains("format")) {
    if (j["format"] != kJsonFormat) {
      r.wrong("format", std::string("'") + kJsonFormat + "' (the output of nrm audit --format json)", j["format"]);
      return false;
    }
    auto v = r.integer(j, "format_version", "");
    if (!v) return false;
    if (*v < 1 || *v > kJsonFormatVersion) {
      r.error("format_version", fmt::format("{} is {} this nrm reads (1 to {}): {}", *v, *v > 1 ? "newer than" : "not a version",
                                            kJsonFormatVersion,
                                            *v > 1 ? "compare with the nrm that wrote it, or a newer one" : "the file is damaged"));
      return false;
    }
    out.format_version = static_cast<int>(*v);
  } else {
    // Format 1: the JSON of nrm before it named its format. It must look like one.
    for (const char* key : {"stamp", "cells", "provinces", "thresholds_hours"})
      if (!j.contains(key)) {
        r.error(key, "missing: not an nrm audit (no `format` and no `" + std::string(key) +
                         "`); expected the output of nrm audit --format json");
        return false;
      }
  }
  if (const json* stamp = r.member(j, "stamp", "stamp"); stamp && r.object(*stamp, "stamp")) {
    if (auto d = r.string(*stamp, "as_of", "stamp.")) {
      if (Date::parse(*d)) out.as_of = *d;
      else r.error("stamp.as_of", "'" + *d + "' is not a date YYYY-MM-DD");
    }
  }
  if (const json* t = r.array(j, "thresholds_hours", "")) {
    if (t->size() != kThresholdCount || !std::all_of(t->begin(), t->end(), [](const json& v) { return v.is_number(); }))
      r.wrong("thresholds_hours", "three numbers of hours", *t);
    else
      for (std::size_t i = 0; i < kThresholdCount; ++i) out.thresholds[i] = (*t)[i].get<double>();
  }
  return true;
}

void read_cells(Reader& r, const json& j, PreviousAudit& out) {
  const json* cells = r.array(j, "cells", "");
  if (!cells) return;
  for (std::size_t i = 0; i < cells->size(); ++i) {
    const std::string at = "cells[" + std::to_string(i) + "].";
    const json& c = (*cells)[i];
    if (!r.object(c, at.substr(0, at.size() - 1))) continue;
    auto community = r.string(c, "community", at);
    auto profile = r.string(c, "profile", at);
    auto feasible = r.boolean(c, "feasible", at);
    PreviousAudit::CellState s;
    if (feasible) s.feasible = *feasible;
    if (const json* h = r.member(c, "travel_hours", at + "travel_hours")) {
      if (h->is_number()) s.travel_hours = h->get<double>();
      else if (!h->is_null()) r.wrong(at + "travel_hours", "a number of hours or null", *h);
    }
    if (feasible && *feasible && !s.travel_hours) r.error(at + "travel_hours", "missing for a cell with a pathway");
    if (out.format_version >= 2) {
      if (const json* b = r.member(c, "band", at + "band")) {
        if (b->is_number_integer() && b->get<int>() >= 0 && b->get<int>() <= kThresholdCount) s.band = b->get<int>();
        else if (!b->is_null()) r.wrong(at + "band", fmt::format("0 to {} or null", kThresholdCount), *b);
      }
    } else if (s.feasible && s.travel_hours) {
      // Format 1 has no band: the hours as written (to 0.01 h) against the thresholds.
      s.band = kThresholdCount;
      for (int t = kThresholdCount - 1; t >= 0; --t)
        if (*s.travel_hours <= out.thresholds[static_cast<std::size_t>(t)] + kHoursEps) s.band = t;
    }
    if (s.feasible != (s.band >= 0)) r.error(at + "band", "a cell has a band exactly when it has a pathway");
    if (community && profile) out.cells[{*community, *profile}] = s;
  }
}

void read_figures(Reader& r, const json& j, PreviousAudit& out) {
  const json* provinces = r.array(j, "provinces", "");
  if (!provinces) return;
  for (std::size_t i = 0; i < provinces->size(); ++i) {
    const std::string at = "provinces[" + std::to_string(i) + "].";
    const json& p = (*provinces)[i];
    if (!r.object(p, at.substr(0, at.size() - 1))) continue;
    auto code = r.string(p, "province", at);
    const json* list = r.array(p, "profiles", at);
    if (!code || !list) continue;
    for (std::size_t k = 0; k < list->size(); ++k) {
      const std::string pat = at + "profiles[" + std::to_string(k) + "].";
      const json& x = (*list)[k];
      if (!r.object(x, pat.substr(0, pat.size() - 1))) continue;
      auto id = r.string(x, "profile", pat);
      PreviousAudit::Figures f;
      bool ok = id.has_value();
      if (auto v = r.integer(x, "population", pat)) f.population = *v;
      else ok = false;
      for (std::size_t t = 0; t < kThresholdCount; ++t) {
        if (auto v = r.integer(x, fmt::format("population_within_{:g}h", out.thresholds[t]), pat)) f.within[t] = *v;
        else ok = false;
      }
      if (ok) out.figures[{*code, *id}] = f;
    }
  }
}

void read_providers(Reader& r, const json& j, PreviousAudit& out) {
  if (out.format_version < 2) return;  // format 1 did not list its providers
  const json* list = r.array(j, "directory", "");
  if (!list) return;
  std::vector<PreviousAudit::Entry> entries;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "directory[" + std::to_string(i) + "].";
    const json& p = (*list)[i];
    if (!r.object(p, at.substr(0, at.size() - 1))) continue;
    PreviousAudit::Entry e;
    auto id = r.string(p, "provider", at);
    auto name = r.string(p, "name", at);
    auto community = r.string(p, "community", at);
    auto province = r.string(p, "province", at);
    auto stale = r.boolean(p, "stale", at);
    if (const json* s = r.array(p, "serves", at)) {
      if (std::all_of(s->begin(), s->end(), [](const json& v) { return v.is_string(); })) e.serves = s->get<std::vector<std::string>>();
      else r.wrong(at + "serves", "a list of province codes or \"national\"", *s);
    }
    if (const json* v = r.member(p, "verified", at + "verified")) {
      if (v->is_string() && Date::parse(v->get<std::string>())) e.verified = v->get<std::string>();
      else if (!v->is_null()) r.wrong(at + "verified", "a date YYYY-MM-DD or null", *v);
    }
    if (!id || !name || !community || !province || !stale) continue;
    e.id = *id, e.name = *name, e.community = *community, e.province = *province, e.stale = *stale;
    entries.push_back(std::move(e));
  }
  out.providers = std::move(entries);
}

}  // namespace

PreviousAudit read_previous(const std::string& path, const std::array<double, kThresholdCount>& thresholds) {
  Diagnostics diags;
  PreviousAudit out;
  out.file = file_name(path);
  std::optional<std::string> text = nrm::detail::read_text_file(path, diags);
  if (text) {
    out.digest = detail::fnv1a_hex(*text);
    json j;
    try {
      j = json::parse(*text);
    } catch (const json::parse_error& e) {
      auto [line, column] = line_column(*text, e.byte > 0 ? e.byte - 1 : 0);
      diags.add(path, line, column, "", "not JSON (" + std::string(e.what()) + "); --compare needs the output of "
                                        "nrm audit --format json");
      diags.throw_if_any("cannot compare with an earlier audit");
    }
    Reader r(path, diags);
    if (read_header(r, j, out) && diags.empty() && out.thresholds != thresholds) {
      const auto& t = out.thresholds;
      r.error("thresholds_hours", fmt::format("[{:g}, {:g}, {:g}] in the earlier audit, [{:g}, {:g}, {:g}] now: compare "
                                              "audits made with the same thresholds_hours (profiles file)",
                                              t[0], t[1], t[2], thresholds[0], thresholds[1], thresholds[2]));
    } else if (diags.empty()) {
      read_cells(r, j, out);
      read_figures(r, j, out);
      read_providers(r, j, out);
    }
  }
  diags.throw_if_any("cannot compare with an earlier audit");
  return out;
}

bool ProgressRow::changed() const {
  if (!gained.empty() || !lost.empty()) return true;
  for (int t = 0; t < kThresholdCount; ++t)
    if (then[t] != now[t] || newly[t] || no_longer[t]) return true;
  return false;
}

namespace {

ProviderChange change_of(const Directory& d, ProviderIndex p) {
  const Provider& x = d.providers[p];
  return {x.id, x.name, d.geography[x.community].id, x.verified ? std::optional<std::string>(x.verified->str()) : std::nullopt};
}

ProviderChange change_of(const PreviousAudit::Entry& e) { return {e.id, e.name, e.community, e.verified}; }

// Providers added, removed, gone stale and confirmed again, each list by id: those located in or
// serving an audited province (a national line serves them all).
void compare_providers(const api::Engine& engine, const Audit& now, const PreviousAudit& previous, Progress& out) {
  if (!previous.providers) return;
  out.providers_known = true;
  const Directory& d = engine.directory();
  CodeSet audited = 0;
  std::set<std::string> codes = {"national"};
  for (const auto& f : now.provinces) audited |= code_bit(f.province), codes.insert(d.taxonomy.provinces.code(f.province));
  auto concerns_now = [&](const Provider& x) {
    return x.national || (x.serves & audited) || (audited & code_bit(d.geography[x.community].province));
  };
  auto concerned_then = [&](const PreviousAudit::Entry& e) {
    return codes.count(e.province) || std::any_of(e.serves.begin(), e.serves.end(), [&](const std::string& s) { return codes.count(s) > 0; });
  };
  const std::vector<char> stale = stale_entries(engine, now);
  std::map<std::string, const PreviousAudit::Entry*> then;
  for (const auto& e : *previous.providers) then[e.id] = &e;
  std::vector<ProviderIndex> order(d.providers.size());
  for (ProviderIndex p = 0; p < order.size(); ++p) order[p] = p;
  std::sort(order.begin(), order.end(), [&](ProviderIndex x, ProviderIndex y) { return d.providers[x].id < d.providers[y].id; });
  for (ProviderIndex p : order) {
    if (!concerns_now(d.providers[p])) continue;
    auto it = then.find(d.providers[p].id);
    if (it == then.end()) out.added.push_back(change_of(d, p));
    else if (stale[p] && !it->second->stale) out.gone_stale.push_back(change_of(d, p));
    else if (!stale[p] && it->second->stale) out.confirmed_again.push_back(change_of(d, p));
  }
  for (const auto& [id, e] : then)
    if (!d.find(id) && concerned_then(*e)) out.removed.push_back(change_of(*e));
}

}  // namespace

Progress progress(const api::Engine& engine, const Audit& now, const PreviousAudit& previous) {
  if (previous.thresholds != now.settings->thresholds)
    throw std::logic_error("audit::progress: the earlier audit was read for other thresholds");
  const Directory& d = engine.directory();
  Progress out;
  out.file = previous.file, out.digest = previous.digest, out.as_of = previous.as_of;
  out.format_version = previous.format_version;
  std::set<std::string> profiles_then, provinces_then;
  for (const auto& [key, _] : previous.figures) provinces_then.insert(key.first), profiles_then.insert(key.second);
  for (const auto& p : now.profiles)
    if (!profiles_then.count(p.id)) out.profiles_not_compared.push_back(p.id);
  std::map<std::pair<int, int>, std::size_t> row_of;
  for (const auto& f : now.provinces) {
    const std::string code = d.taxonomy.provinces.code(f.province);
    if (!provinces_then.count(code)) out.provinces_not_compared.push_back(code);
    for (std::size_t p = 0; p < now.profiles.size(); ++p) {
      auto it = previous.figures.find({code, now.profiles[p].id});
      if (it == previous.figures.end()) continue;
      ProgressRow row;
      row.province = f.province;
      row.profile = static_cast<int>(p);
      row.population_then = it->second.population;
      row.population_now = f.profiles[p].population;
      for (int t = 0; t < kThresholdCount; ++t) {
        row.then[static_cast<std::size_t>(t)] = it->second.within[static_cast<std::size_t>(t)];
        row.now[static_cast<std::size_t>(t)] = f.profiles[p].within[t];
      }
      row_of[{f.province, static_cast<int>(p)}] = out.rows.size();
      out.rows.push_back(std::move(row));
    }
  }
  // Community by community (cells are in community id order, so gained and lost are too).
  out.previous_cells.resize(now.cells.size());
  std::set<CommunityIndex> missing;
  for (std::size_t ci = 0; ci < now.cells.size(); ++ci) {
    const Cell& c = now.cells[ci];
    auto row = row_of.find({c.province, c.profile});
    if (row == row_of.end()) continue;
    const Community& com = d.geography[c.community];
    auto it = previous.cells.find({com.id, now.profiles[static_cast<std::size_t>(c.profile)].id});
    if (it == previous.cells.end()) {
      missing.insert(c.community);
      continue;
    }
    out.previous_cells[ci] = it->second;
    ProgressRow& r = out.rows[row->second];
    const int b_then = it->second.band, b_now = band(now, c);
    const std::int64_t people = com.population.value_or(0);
    for (int t = 0; t < kThresholdCount; ++t) {
      const bool was = b_then >= 0 && b_then <= t, is = b_now >= 0 && b_now <= t;
      if (is && !was) r.newly[static_cast<std::size_t>(t)] += people;
      if (was && !is) r.no_longer[static_cast<std::size_t>(t)] += people;
    }
    if (c.feasible && !it->second.feasible) r.gained.push_back(c.community);
    if (!c.feasible && it->second.feasible) r.lost.push_back(c.community);
  }
  out.communities_not_compared = static_cast<int>(missing.size());
  compare_providers(engine, now, previous, out);
  return out;
}

}  // namespace nrm::audit
