// The audit's text renderings: terminal table, CSV and JSON, and the stamp they all carry.
#include "audit/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "i18n/text.hpp"

namespace nrm::audit {

using i18n::Msg;
using nlohmann::json;

namespace detail {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fnv1a_hex(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace detail

std::string pct(double share) {
  if (i18n::current() == Lang::kFr) return i18n::decimal(share * 100.0, 1) + "\u00a0%";
  return fmt::format("{:.1f}%", share * 100.0);
}

std::string thousands(std::int64_t n) { return i18n::integer(n); }

std::string end_colon() {
  std::string c = i18n::colon();
  c.pop_back();  // the space after it
  return c;
}

std::string hours_text(double h) {
  std::string s = fmt::format("{:g}", h);
  if (i18n::current() == Lang::kFr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string in_place(const std::string& place) {
  if (i18n::current() != Lang::kFr) return "in " + place;
  // French names a place after the preposition of its gender and number.
  static const std::vector<std::pair<std::string, std::string>> kFrench = {
      {"Canada", "au Canada"},
      {"Alberta", "en Alberta"},
      {"Colombie-Britannique", "en Colombie-Britannique"},
      {"Manitoba", "au Manitoba"},
      {"Nouveau-Brunswick", "au Nouveau-Brunswick"},
      {"Terre-Neuve-et-Labrador", "à Terre-Neuve-et-Labrador"},
      {"Nouvelle-Écosse", "en Nouvelle-Écosse"},
      {"Territoires du Nord-Ouest", "dans les Territoires du Nord-Ouest"},
      {"Nunavut", "au Nunavut"},
      {"Ontario", "en Ontario"},
      {"Île-du-Prince-Édouard", "à l'Île-du-Prince-Édouard"},
      {"Québec", "au Québec"},
      {"Saskatchewan", "en Saskatchewan"},
      {"Yukon", "au Yukon"}};
  for (const auto& [name, in] : kFrench)
    if (name == place) return in;
  return "en " + place;
}

const std::string& province_name(const Taxonomy& t, int province) { return label(t.provinces[province]); }

std::string reason_text(const Audit& a, const std::string& blocked_by) {
  if (const ReasonKind* k = a.settings->reason_of(blocked_by)) return k->words();
  if (blocked_by == "directory") return i18n::tr(Msg::audit_reason_directory);
  return i18n::tr(Msg::audit_reason_rule, {{"rule", blocked_by}});
}

std::string population_text(const Community& c) {
  return c.population ? thousands(*c.population) : i18n::tr(Msg::audit_population_unknown);
}

std::string count_text(std::int64_t n, Msg one, Msg many) {
  const bool singular = n == 1 || (n == 0 && i18n::current() == Lang::kFr);  // French: 0 is singular
  return i18n::tr(singular ? one : many, {{"n", thousands(n)}});
}

namespace {

// " 2 communities of unknown population have no pathway within 24 h either (...)" or "".
std::string unknown_clause(const ProvinceProfile& pp, double last) {
  const int unknown = pp.unknown_communities - pp.unknown_within[kThresholdCount - 1];
  if (unknown <= 0) return {};
  return " " + i18n::tr(unknown == 1 ? Msg::audit_unknown_none_one : Msg::audit_unknown_none_many,
                        {{"n", thousands(unknown)}, {"hours", hours_text(last)}});
}

}  // namespace

std::string causes_text(const Directory& d, const Audit& a, const ProvinceProfile& pp) {
  std::string out;
  for (std::size_t i = 0; i < pp.causes.size();) {
    const NeedId need = pp.causes[i].need;
    int communities = 0;
    std::string why;
    for (; i < pp.causes.size() && pp.causes[i].need == need; ++i) {
      communities += pp.causes[i].communities;
      why += (why.empty() ? "" : i18n::semicolon()) + reason_text(a, pp.causes[i].blocked_by) + i18n::colon() +
             thousands(pp.causes[i].communities);
    }
    out += (out.empty() ? "" : i18n::semicolon()) +
           i18n::tr(Msg::audit_cause_need, {{"need", label(d.taxonomy.needs[need])},
                                            {"communities", count_text(communities, Msg::audit_community_one,
                                                                       Msg::audit_community_many)},
                                            {"why", why}});
  }
  return out;
}

std::string summary_sentence(const Directory& d, const Audit& a, const ProvinceProfile& pp,
                             const std::string& place) {
  const Profile& p = a.profiles[static_cast<std::size_t>(pp.profile)];
  const double last = a.threshold(kThresholdCount - 1);
  const std::int64_t outside = pp.outside();
  const std::string in = in_place(place), hours = hours_text(last);
  std::string s = p.label_text() + i18n::colon();
  if (pp.none.empty() && pp.beyond_communities == 0) {
    s += i18n::tr(Msg::audit_summary_everyone, {{"in_place", in}, {"hours", hours}});
  } else {
    if (outside == 0) {
      s += i18n::tr(Msg::audit_summary_no_one_known, {{"in_place", in}, {"hours", hours}});
      if (!pp.causes.empty()) s += " " + i18n::tr(Msg::audit_missing, {{"causes", causes_text(d, a, pp)}});
      return s + unknown_clause(pp, last);
    }
    const double share = pp.population ? static_cast<double>(outside) / static_cast<double>(pp.population) : 0.0;
    s += i18n::tr(outside == 1 ? Msg::audit_summary_cannot_reach_one : Msg::audit_summary_cannot_reach_many,
                  {{"people", count_text(outside, Msg::audit_person_one, Msg::audit_person_many)},
                   {"in_place", in},
                   {"share", share > 0 && share < 0.0005 ? i18n::tr(Msg::audit_less_than_tenth) : pct(share)},
                   {"hours", hours}});
    const std::int64_t no_pathway = outside - pp.beyond_population;
    std::string parts;
    if (no_pathway > 0) parts = i18n::tr(Msg::audit_with_no_pathway, {{"n", thousands(no_pathway)}});
    if (pp.beyond_population > 0)
      parts += (parts.empty() ? "" : ", ") +
               i18n::tr(Msg::audit_only_beyond, {{"n", thousands(pp.beyond_population)}, {"hours", hours}});
    s += (parts.empty() ? "" : i18n::colon() + parts) + ".";
    if (!pp.causes.empty()) s += " " + i18n::tr(Msg::audit_missing, {{"causes", causes_text(d, a, pp)}});
  }
  return s + unknown_clause(pp, last);
}

std::string stale_count_text(int cells, std::size_t providers) {
  if (cells == 0) return i18n::tr(Msg::audit_stale_none);
  return i18n::tr(cells == 1 ? Msg::audit_stale_cells_one : Msg::audit_stale_cells_many,
                  {{"cells", thousands(cells)},
                   {"providers", count_text(static_cast<std::int64_t>(providers), Msg::audit_provider_one,
                                            Msg::audit_provider_many)}});
}

std::string stale_provider_text(const Directory& d, ProviderIndex p) {
  const Provider& prov = d.providers[p];
  return prov.name + " (" + prov.id + "), " +
         (prov.verified ? i18n::tr(Msg::audit_last_verified, {{"date", prov.verified->str()}})
                        : i18n::tr(Msg::audit_never_verified));
}

namespace {

std::string names_of(const Directory& d, const std::vector<CommunityIndex>& communities) {
  std::string out;
  for (std::size_t i = 0; i < communities.size() && i < 12; ++i)
    out += (out.empty() ? "" : ", ") + d.geography[communities[i]].name;
  if (communities.size() > 12)
    out += " " + i18n::tr(Msg::audit_and_more, {{"n", thousands(static_cast<std::int64_t>(communities.size() - 12))}});
  return out;
}

std::string people_or_none(std::int64_t n) {
  return n == 0 ? i18n::tr(Msg::audit_no_one) : count_text(n, Msg::audit_person_one, Msg::audit_person_many);
}

}  // namespace

std::string progress_sentence(const Directory& d, const Audit& a, const ProgressRow& row) {
  std::string s = province_name(d.taxonomy, row.province) + ", " +
                  a.profiles[static_cast<std::size_t>(row.profile)].label_text() + i18n::colon();
  s.pop_back();  // the colon's space: each part opens with its own
  std::string parts;
  for (std::size_t t = 0; t < kThresholdCount; ++t) {
    if (row.then[t] == row.now[t] && !row.newly[t] && !row.no_longer[t]) continue;
    parts += (parts.empty() ? " " : i18n::semicolon()) +
             i18n::tr(Msg::audit_progress_within,
                      {{"hours", hours_text(a.threshold(static_cast<int>(t)))},
                       {"newly", people_or_none(row.newly[t])},
                       {"no_longer", row.no_longer[t] == 0 ? i18n::tr(Msg::audit_none) : thousands(row.no_longer[t])},
                       {"then", thousands(row.then[t])},
                       {"now", thousands(row.now[t])}});
  }
  s += parts.empty() ? " " + i18n::tr(Msg::audit_progress_no_change) : parts;
  s += ".";
  if (!row.gained.empty()) s += " " + i18n::tr(Msg::audit_progress_gained, {{"names", names_of(d, row.gained)}});
  if (!row.lost.empty()) s += " " + i18n::tr(Msg::audit_progress_lost, {{"names", names_of(d, row.lost)}});
  return s;
}

std::string progress_providers_text(const Progress& p) {
  if (!p.providers_known) return i18n::tr(Msg::audit_providers_unknown);
  auto list = [](const std::vector<ProviderChange>& v, Msg one, Msg many, bool dates) {
    std::string names;
    for (std::size_t i = 0; i < v.size() && i < 20; ++i)
      names += (names.empty() ? "" : i18n::semicolon()) + v[i].name + " (" + v[i].id + ", " + v[i].community +
               (dates ? ", " + (v[i].verified ? i18n::tr(Msg::audit_last_verified, {{"date", *v[i].verified}})
                                               : i18n::tr(Msg::audit_never_verified))
                      : std::string()) +
               ")";
    if (v.size() > 20)
      names += i18n::semicolon() + i18n::tr(Msg::audit_and_more, {{"n", thousands(static_cast<std::int64_t>(v.size() - 20))}});
    return count_text(static_cast<std::int64_t>(v.size()), one, many) + (v.empty() ? "" : i18n::colon() + names);
  };
  return i18n::tr(Msg::audit_providers_since, {{"date", p.as_of}}) + i18n::colon() +
         list(p.added, Msg::audit_providers_added_one, Msg::audit_providers_added_many, false) + ". " +
         list(p.removed, Msg::audit_providers_removed_one, Msg::audit_providers_removed_many, false) + ". " +
         list(p.gone_stale, Msg::audit_providers_gone_stale_one, Msg::audit_providers_gone_stale_many, true) + ". " +
         list(p.confirmed_again, Msg::audit_providers_confirmed_one, Msg::audit_providers_confirmed_many, true) + ".";
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double hours2(double h) { return std::round(h * 100.0) / 100.0; }
double share4(double s) { return std::round(s * 10000.0) / 10000.0; }
std::string hours_key(double h) { return fmt::format("{:g}h", h); }


const Profile& profile_of(const Report& r, int p) { return r.audit->profiles[static_cast<std::size_t>(p)]; }

std::string need_code(const Directory& d, NeedId n) { return n >= 0 ? d.taxonomy.needs.code(n) : std::string(); }

json provider_ids(const Directory& d, const std::vector<ProviderIndex>& providers) {
  json ids = json::array();
  for (ProviderIndex p : providers) ids.push_back(d.providers[p].id);
  return ids;
}

// Cells relying on stale entries and those entries: {cells, providers: [{provider, name, verified}], text}.
json stale_json(const Directory& d, int cells, const std::vector<ProviderIndex>& providers) {
  json list = json::array();
  for (ProviderIndex p : providers) {
    const Provider& prov = d.providers[p];
    list.push_back({{"provider", prov.id}, {"name", prov.name},
                    {"verified", prov.verified ? json(prov.verified->str()) : json(nullptr)}});
  }
  return {{"cells", cells}, {"providers", list}, {"text", stale_count_text(cells, providers.size())}};
}

json gap_json(const api::Engine& e, const Audit& a, const Cell& c) {
  if (c.feasible || c.unmet.empty()) return nullptr;
  const Directory& d = e.directory();
  const auto& u = c.unmet[0];
  json g = {{"need", need_code(d, u.need)}, {"reason", u.reason}, {"blocked_by", u.blocked_by},
            {"why", reason_text(a, u.blocked_by)}};
  if (u.nearest)
    g["nearest"] = {{"provider", d.providers[*u.nearest].id}, {"travel_hours", hours2(u.nearest_travel_hours)}};
  return g;
}

json cell_json(const Report& r, const Cell& c) {
  const Directory& d = r.engine->directory();
  const Community& com = d.geography[c.community];
  json j;
  j["community"] = com.id;
  j["name"] = com.name;
  j["province"] = d.taxonomy.provinces.code(com.province);
  j["population"] = com.population ? json(*com.population) : json(nullptr);
  j["profile"] = profile_of(r, c.profile).id;
  j["feasible"] = c.feasible;
  j["total_cost"] = c.feasible ? json(rules::from_cost(c.total_cost)) : json(nullptr);
  j["travel_hours"] = c.feasible ? json(hours2(c.travel_hours)) : json(nullptr);
  j["binding_gap"] = gap_json(*r.engine, *r.audit, c);
  json unmet = json::array(), gaps = json::array();
  for (const auto& u : c.unmet) {
    unmet.push_back(need_code(d, u.need));
    gaps.push_back({{"need", need_code(d, u.need)}, {"label", label(d.taxonomy.needs[u.need])},
                    {"blocked_by", u.blocked_by}, {"why", reason_text(*r.audit, u.blocked_by)}});
  }
  j["unmet"] = unmet;
  j["gaps"] = gaps;
  j["relies_on_stale"] = c.relies_on_stale();
  j["stale_providers"] = provider_ids(d, c.stale);
  const int b = band(*r.audit, c);
  j["band"] = b >= 0 ? json(b) : json(nullptr);
  return j;
}

// Every provider of the directory the audit ran on, by id: what a later --compare reads back.
json directory_json(const Report& r) {
  const Directory& d = r.engine->directory();
  const std::vector<char> stale = stale_entries(*r.engine, *r.audit);
  std::vector<ProviderIndex> order(d.providers.size());
  for (ProviderIndex p = 0; p < order.size(); ++p) order[p] = p;
  std::sort(order.begin(), order.end(), [&](ProviderIndex x, ProviderIndex y) { return d.providers[x].id < d.providers[y].id; });
  json list = json::array();
  for (ProviderIndex p : order) {
    const Provider& x = d.providers[p];
    json serves = json::array();
    if (x.national) serves.push_back("national");
    for (int i = 0; !x.national && i < d.taxonomy.provinces.size(); ++i)
      if (x.serves & code_bit(i)) serves.push_back(d.taxonomy.provinces.code(i));
    list.push_back({{"provider", x.id}, {"name", x.name}, {"community", d.geography[x.community].id},
                    {"province", d.taxonomy.provinces.code(d.geography[x.community].province)}, {"serves", serves},
                    {"verified", x.verified ? json(x.verified->str()) : json(nullptr)}, {"stale", stale[p] != 0}});
  }
  return list;
}

json changes_json(const std::vector<ProviderChange>& v) {
  json out = json::array();
  for (const auto& c : v)
    out.push_back({{"provider", c.id}, {"name", c.name}, {"community", c.community},
                   {"verified", c.verified ? json(*c.verified) : json(nullptr)}});
  return out;
}

// --compare: the earlier audit, each province and profile audited both times, and the providers.
json progress_json(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  const Progress& p = *r.progress;
  json out;
  out["previous"] = {{"file", p.file}, {"fnv1a64", p.digest}, {"as_of", p.as_of}, {"format_version", p.format_version}};
  json rows = json::array();
  for (const auto& row : p.rows) {
    json x = {{"province", d.taxonomy.provinces.code(row.province)},
              {"profile", a.profiles[static_cast<std::size_t>(row.profile)].id},
              {"population", {{"then", row.population_then}, {"now", row.population_now}}}};
    for (std::size_t t = 0; t < kThresholdCount; ++t)
      x["within_" + hours_key(a.threshold(static_cast<int>(t)))] = {
          {"then", row.then[t]}, {"now", row.now[t]}, {"change", row.now[t] - row.then[t]},
          {"newly", row.newly[t]}, {"no_longer", row.no_longer[t]}};
    json g = json::array(), l = json::array();
    for (auto c : row.gained) g.push_back(d.geography[c].id);
    for (auto c : row.lost) l.push_back(d.geography[c].id);
    x["gained"] = g;
    x["lost"] = l;
    x["text"] = progress_sentence(d, a, row);
    rows.push_back(x);
  }
  out["changes"] = rows;
  out["not_compared"] = {{"profiles", p.profiles_not_compared}, {"provinces", p.provinces_not_compared},
                         {"communities", p.communities_not_compared}};
  if (p.providers_known)
    out["providers"] = {{"added", changes_json(p.added)}, {"removed", changes_json(p.removed)},
                        {"gone_stale", changes_json(p.gone_stale)}, {"confirmed_again", changes_json(p.confirmed_again)}};
  else
    out["providers"] = nullptr;
  out["providers_text"] = progress_providers_text(p);
  return out;
}

json community_ref(const Directory& d, CommunityIndex c) {
  const auto& known = d.geography[c].population;
  return {{"community", d.geography[c].id}, {"name", d.geography[c].name},
          {"population", known ? json(*known) : json(nullptr)}};
}

}  // namespace

std::string file_name(const std::string& path) {
  std::filesystem::path p(path);
  while (!p.empty() && p.filename().empty()) p = p.parent_path();  // "rules/" -> "rules"
  return p.filename().string();
}

Stamp make_stamp(const api::Engine& engine, const std::string& profiles_path, Date as_of,
                 const std::string& with_file, const Outlines* outlines) {
  Stamp s;
  s.as_of = as_of.str();
  const auto& p = engine.paths();
  for (auto [role, path] : std::vector<std::pair<std::string, std::string>>{
           {"providers", p.data.providers}, {"communities", p.data.communities}, {"routes", p.data.routes},
           {"taxonomy", p.data.taxonomy}, {"profiles", profiles_path}, {"with", with_file}}) {
    if (path.empty()) continue;
    s.files.push_back({role, file_name(path), detail::fnv1a_hex(slurp(path))});
  }
  std::vector<std::string> rule_files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(p.rules_dir, ec))
    if (entry.path().extension() == ".yaml") rule_files.push_back(entry.path().string());
  std::sort(rule_files.begin(), rule_files.end());
  std::string all;
  for (const auto& f : rule_files) all += std::filesystem::path(f).filename().string() + "\n" + slurp(f);
  s.files.push_back({"rules", file_name(p.rules_dir), detail::fnv1a_hex(all)});
  if (outlines) s.files.push_back({"outlines", outlines->file, outlines->digest});
  s.providers = engine.directory().providers.size();
  s.communities = engine.directory().geography.size();
  s.rules = engine.policy().rule_count();
  return s;
}

WhatIf make_what_if(const api::Engine& base, const api::Engine& changed, const std::string& with_file,
                    const std::vector<std::string>& without, std::vector<Change> changes) {
  WhatIf w;
  w.with_file = with_file;
  if (!with_file.empty()) w.with_digest = detail::fnv1a_hex(slurp(with_file));
  const Directory& b = base.directory();
  for (const Provider& p : changed.directory().providers) {
    auto old = b.find(p.id);
    const bool dropped = std::find(without.begin(), without.end(), p.id) != without.end();
    if (!old || dropped) w.added.push_back(p.id);
  }
  std::sort(w.added.begin(), w.added.end());
  w.without = without;
  w.changes = std::move(changes);
  return w;
}

json render_json(const Report& r) {
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  json j;
  j["format"] = kJsonFormat;
  j["format_version"] = kJsonFormatVersion;
  json stamp = {{"as_of", r.stamp.as_of},
                {"providers", r.stamp.providers},
                {"communities", r.stamp.communities},
                {"rules", r.stamp.rules}};
  json files = json::array();
  for (const auto& f : r.stamp.files) files.push_back({{"role", f.role}, {"path", f.path}, {"fnv1a64", f.digest}});
  stamp["files"] = files;
  j["stamp"] = stamp;
  j["province"] = r.province ? json(*r.province) : json(nullptr);
  json profiles = json::array();
  for (const auto& p : a.profiles)
    profiles.push_back({{"id", p.id}, {"label", p.label_text()}, {"description", p.description_text()}});
  j["profiles"] = profiles;
  j["thresholds_hours"] = a.settings->thresholds;
  json cells = json::array();
  for (const auto& c : a.cells) cells.push_back(cell_json(r, c));
  j["cells"] = cells;
  json provinces = json::array();
  for (const auto& f : a.provinces) {
    json pj;
    pj["province"] = d.taxonomy.provinces.code(f.province);
    pj["communities"] = f.communities;
    pj["population"] = f.population;
    pj["communities_population_unknown"] = f.unknown_population;
    pj["stale"] = stale_json(d, f.stale_cells, f.stale_providers);
    json per = json::array();
    for (const auto& pp : f.profiles) {
      json x;
      x["profile"] = profile_of(r, pp.profile).id;
      x["population"] = pp.population;
      for (int t = 0; t < kThresholdCount; ++t) {
        const std::string h = hours_key(a.threshold(t));
        x["population_within_" + h] = pp.within[t];
        x["share_within_" + h] = share4(pp.share(t));
      }
      x["population_served"] = pp.served;
      x["communities_population_unknown"] = pp.unknown_communities;
      x["beyond_last_threshold"] = {{"communities", pp.beyond_communities}, {"population", pp.beyond_population}};
      json causes = json::array();
      for (const Cause& k : pp.causes)
        causes.push_back({{"need", need_code(d, k.need)}, {"blocked_by", k.blocked_by},
                          {"why", reason_text(a, k.blocked_by)}, {"communities", k.communities},
                          {"population", k.population}, {"communities_population_unknown", k.unknown_population}});
      x["causes"] = causes;
      x["stale_cells"] = pp.stale_cells;
      x["stale_providers"] = provider_ids(d, pp.stale_providers);
      x["summary"] = summary_sentence(d, a, pp, province_name(d.taxonomy, f.province));
      json none = json::array();
      for (CommunityIndex c : pp.none) none.push_back(community_ref(d, c));
      x["communities_without"] = none;
      json worst = json::array();
      for (std::size_t ci : pp.worst) {
        const Cell& c = a.cells[ci];
        json w = community_ref(d, c.community);
        w["feasible"] = c.feasible;
        w["travel_hours"] = c.feasible ? json(hours2(c.travel_hours)) : json(nullptr);
        w["total_cost"] = c.feasible ? json(rules::from_cost(c.total_cost)) : json(nullptr);
        w["binding_need"] = c.feasible || c.unmet.empty() ? json(nullptr) : json(need_code(d, c.unmet[0].need));
        w["stale_providers"] = provider_ids(d, c.stale);
        worst.push_back(w);
      }
      x["worst"] = worst;
      x["binding_need"] = pp.binding_need >= 0
                              ? json({{"need", need_code(d, pp.binding_need)}, {"communities", pp.binding_count}})
                              : json(nullptr);
      per.push_back(x);
    }
    pj["profiles"] = per;
    provinces.push_back(pj);
  }
  j["provinces"] = provinces;
  json summary = json::array();
  for (std::size_t p = 0; p < a.profiles.size(); ++p)
    summary.push_back({{"profile", a.profiles[p].id},
                       {"text", summary_sentence(d, a, national(a, p), a.provinces.size() > 1 ? "Canada"
                                                 : province_name(d.taxonomy, a.provinces[0].province))}});
  j["summary"] = summary;
  json stale = stale_json(d, stale_cells(a), stale_providers(a));
  stale["stale_after_days"] = r.engine->policy().weights().stale_after_days;
  j["stale"] = stale;
  j["directory"] = directory_json(r);
  if (r.progress) j["compare"] = progress_json(r);
  if (r.what_if) {
    json w;
    w["with"] = r.what_if->with_file.empty()
                    ? json(nullptr)
                    : json({{"file", file_name(r.what_if->with_file)}, {"fnv1a64", r.what_if->with_digest}});
    w["added"] = r.what_if->added;
    w["without"] = r.what_if->without;
    json changes = json::array();
    for (const auto& c : r.what_if->changes) {
      json x = {{"province", d.taxonomy.provinces.code(c.province)},
                {"profile", profile_of(r, c.profile).id},
                {"population", c.population}};
      for (int t = 0; t < kThresholdCount; ++t) {
        const std::string h = hours_key(a.threshold(t));
        x["within_" + h] = {{"before", c.before[t]}, {"after", c.after[t]}, {"change", c.after[t] - c.before[t]}};
      }
      x["served"] = {{"before", c.served_before}, {"after", c.served_after}};
      json g = json::array(), l = json::array();
      for (auto ci : c.gained) g.push_back(d.geography[ci].id);
      for (auto ci : c.lost) l.push_back(d.geography[ci].id);
      x["gained"] = g;
      x["lost"] = l;
      changes.push_back(x);
    }
    w["changes"] = changes;
    j["what_if"] = w;
  }
  if (r.suggest_profile) {
    json s = json::array();
    int rank = 1;
    for (const auto& sg : r.suggestions) {
      json ns = json::array();
      for (auto c : sg.newly_served) ns.push_back(d.geography[c].id);
      json gain;
      for (int t = 0; t < kThresholdCount; ++t)
        gain["population_within_" + hours_key(a.threshold(t))] = sg.gain.within[t];
      gain["person_hours_saved"] = std::round(sg.gain.person_hours_saved * 100.0) / 100.0;
      s.push_back({{"rank", rank++},
                   {"community", d.geography[sg.community].id},
                   {"name", d.geography[sg.community].name},
                   {"province", d.taxonomy.provinces.code(sg.province)},
                   {"services", d.taxonomy.need_codes(sg.services)},
                   {"gain", gain},
                   {"gain_population_within_24h", sg.gain.within[kThresholdCount - 1]},
                   {"newly_served", ns},
                   {"provider_yaml", sg.provider_yaml}});
    }
    j["suggestions"] = {{"profile", *r.suggest_profile}, {"providers", s}};
  }
  return j;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string render_csv(const Report& r) {
  const Directory& d = r.engine->directory();
  std::string out =
      "community,name,province,population,profile,feasible,total_cost,travel_hours,binding_need,blocked_by,"
      "nearest_provider,nearest_travel_hours,reason,stale_providers,latitude,longitude";
  out += r.progress ? ",previous_feasible,previous_travel_hours\n" : "\n";
  for (std::size_t ci = 0; ci < r.audit->cells.size(); ++ci) {
    const Cell& c = r.audit->cells[ci];
    const Community& com = d.geography[c.community];
    std::string stale;  // provider ids, ';'-separated: ids have no ';' or ','
    for (ProviderIndex p : c.stale) stale += (stale.empty() ? "" : ";") + d.providers[p].id;
    out += fmt::format("{},{},{},{},{},{},", com.id, csv_field(com.name), d.taxonomy.provinces.code(com.province),
                       com.population ? std::to_string(*com.population) : std::string(), profile_of(r, c.profile).id,
                       c.feasible ? "true" : "false");
    if (c.feasible) {
      out += fmt::format("{:.2f},{:.2f},,,,,,{}", rules::from_cost(c.total_cost), hours2(c.travel_hours),
                         csv_field(stale));
    } else if (!c.unmet.empty()) {
      const auto& u = c.unmet[0];
      out += fmt::format(",,{},{},{},{},{},", need_code(d, u.need), csv_field(u.blocked_by),
                         u.nearest ? d.providers[*u.nearest].id : std::string(),
                         u.nearest ? fmt::format("{:.2f}", hours2(u.nearest_travel_hours)) : std::string(),
                         csv_field(u.reason));
    } else {
      out += ",,,,,,,";
    }
    out += fmt::format(",{},{}", com.latitude, com.longitude);  // as in data/communities.csv
    if (r.progress) {
      const auto& then = r.progress->previous_cells[ci];
      out += !then ? std::string(",,")
                   : fmt::format(",{},{}", then->feasible ? "true" : "false",
                                 then->travel_hours ? fmt::format("{:.2f}", *then->travel_hours) : std::string());
    }
    out += "\n";
  }
  return out;
}

std::string geojson_field(const std::string& profile_id) {
  std::string out = profile_id;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return out;
}

nlohmann::ordered_json render_geojson(const Report& r) {
  using ojson = nlohmann::ordered_json;
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  ojson features = ojson::array();
  for (std::size_t pos = 0; pos < a.communities.size(); ++pos) {
    const Community& com = d.geography[a.communities[pos]];
    ojson props = {{"id", com.id}, {"name", com.name}, {"province", d.taxonomy.provinces.code(com.province)},
                   {"population", com.population ? ojson(*com.population) : ojson(nullptr)}};
    for (std::size_t p = 0; p < a.profiles.size(); ++p) {
      const Cell& c = a.cell(pos, p);
      const std::string f = geojson_field(a.profiles[p].id);
      const bool gap = !c.feasible && !c.unmet.empty();
      props["hours_" + f] = c.feasible ? ojson(hours2(c.travel_hours)) : ojson(nullptr);
      props["binding_need_" + f] = gap ? ojson(need_code(d, c.unmet[0].need)) : ojson(nullptr);
      props["reason_" + f] = gap ? ojson(reason_text(a, c.unmet[0].blocked_by)) : ojson(nullptr);
      props["stale_" + f] = c.relies_on_stale();
    }
    features.push_back({{"type", "Feature"},
                        {"id", com.id},
                        {"geometry", {{"type", "Point"}, {"coordinates", {com.longitude, com.latitude}}}},
                        {"properties", std::move(props)}});
  }
  ojson profiles = ojson::array();
  for (const auto& p : a.profiles)
    profiles.push_back({{"id", p.id}, {"label", p.label_text()}, {"field", geojson_field(p.id)}});
  ojson files = ojson::array();
  for (const auto& f : r.stamp.files) files.push_back({{"role", f.role}, {"path", f.path}, {"fnv1a64", f.digest}});
  ojson meta = {{"as_of", r.stamp.as_of}, {"province", r.province ? ojson(*r.province) : ojson(nullptr)},
                {"thresholds_hours", a.settings->thresholds}, {"profiles", profiles}, {"files", files}};
  return {{"type", "FeatureCollection"}, {"nrm", std::move(meta)}, {"features", std::move(features)}};
}

std::string render_table(const Report& r) {
  using i18n::tr;
  const Directory& d = r.engine->directory();
  const Audit& a = *r.audit;
  std::string out;
  auto count = [](std::size_t n) { return thousands(static_cast<std::int64_t>(n)); };
  auto h = [&](int t) { return hours_text(a.threshold(t)); };
  out += tr(Msg::audit_table_head, {{"communities", count(a.communities.size())},
                                    {"profiles", count(a.profiles.size())},
                                    {"date", r.stamp.as_of},
                                    {"providers", count(r.stamp.providers)},
                                    {"rules", count(r.stamp.rules)}}) +
         (r.province ? tr(Msg::audit_table_province, {{"code", *r.province}}) : std::string()) + "\n";
  out += tr(Msg::audit_table_legend, {{"h0", h(0)}, {"h1", h(1)}, {"h2", h(2)},
                                      {"days", std::to_string(r.engine->policy().weights().stale_after_days)}}) + "\n";
  out += "\n" + tr(Msg::audit_summary) + end_colon() + "\n";
  for (std::size_t p = 0; p < a.profiles.size(); ++p)
    out += "  " + summary_sentence(d, a, national(a, p), a.provinces.size() > 1 ? "Canada"
                                   : province_name(d.taxonomy, a.provinces[0].province)) + "\n";
  out += "  " + tr(Msg::audit_stale_entries) + i18n::colon() + stale_count_text(stale_cells(a), stale_providers(a).size()) + ".\n";
  if (r.progress) {
    const Progress& pg = *r.progress;
    out += "\n" + tr(Msg::audit_since_audit, {{"date", pg.as_of}, {"file", pg.file}, {"digest", pg.digest}}) + end_colon() + "\n";
    int shown = 0;
    for (const auto& row : pg.rows)
      if (row.changed()) out += "  " + progress_sentence(d, a, row) + "\n", ++shown;
    if (!shown) out += "  " + tr(Msg::audit_progress_nothing) + "\n";
    out += "  " + progress_providers_text(pg) + "\n";
    if (!pg.profiles_not_compared.empty() || !pg.provinces_not_compared.empty() || pg.communities_not_compared)
      out += "  " + tr(Msg::audit_not_compared, {{"profiles", count(pg.profiles_not_compared.size())},
                                                 {"provinces", count(pg.provinces_not_compared.size())},
                                                 {"communities", thousands(pg.communities_not_compared)}}) + "\n";
  }
  for (std::size_t p = 0; p < a.profiles.size(); ++p) {
    out += fmt::format("\n== {} ({})\n", a.profiles[p].label_text(), a.profiles[p].id);
    out += fmt::format("{:<4} {:>6} {:>11} {:>7} {:>7} {:>7} {:>6} {:>6}  {}\n", "prov", tr(Msg::audit_col_comms),
                       "population", "<=2h", "<=8h", "<=24h", tr(Msg::audit_col_none), tr(Msg::audit_col_stale),
                       tr(Msg::audit_col_binding));
    for (const auto& f : a.provinces) {
      const auto& pp = f.profiles[p];
      out += fmt::format("{:<4} {:>6} {:>11} {:>7} {:>7} {:>7} {:>6} {:>6}  {}\n",
                         d.taxonomy.provinces.code(f.province), thousands(f.communities), thousands(f.population), pct(pp.share(0)),
                         pct(pp.share(1)), pct(pp.share(2)), pp.none.size(), pp.stale_cells,
                         pp.binding_need >= 0 ? fmt::format("{} ({})", need_code(d, pp.binding_need), pp.binding_count)
                                              : std::string("-"));
    }
  }
  out += "\n" + tr(Msg::audit_table_worst) + end_colon() + "\n";
  for (const auto& f : a.provinces) {
    out += "\n-- " + d.taxonomy.provinces.code(f.province) + i18n::colon() +
           stale_count_text(f.stale_cells, f.stale_providers.size()) + (f.stale_providers.empty() ? "" : end_colon()) + "\n";
    for (ProviderIndex p : f.stale_providers) out += "   " + tr(Msg::audit_stale_mark) + " " + stale_provider_text(d, p) + "\n";
    for (const auto& pp : f.profiles) {
      std::string line;
      for (std::size_t ci : pp.worst) {
        const Cell& c = a.cells[ci];
        std::string stale;
        for (ProviderIndex i : c.stale)
          stale += (stale.empty() ? " (" + tr(Msg::audit_stale_mark) + i18n::colon() : std::string(", ")) + d.providers[i].id;
        line += (line.empty() ? "" : i18n::semicolon()) + d.geography[c.community].id + " " +
                (c.feasible ? i18n::decimal(c.travel_hours, 1) + " h"
                            : tr(Msg::audit_none_caps) + (c.unmet.empty() ? std::string() : " (" + need_code(d, c.unmet[0].need) + ")")) +
                (stale.empty() ? "" : stale + ")");
      }
      out += "  " + profile_of(r, pp.profile).id + i18n::colon() + line + "\n";
      if (!pp.causes.empty()) out += "    " + tr(Msg::audit_why) + i18n::colon() + causes_text(d, a, pp) + "\n";
    }
  }
  if (r.what_if) {
    out += "\n" + tr(Msg::audit_what_if);
    if (!r.what_if->with_file.empty())
      out += " " + tr(Msg::audit_with_file, {{"file", file_name(r.what_if->with_file)}, {"digest", r.what_if->with_digest}});
    if (!r.what_if->without.empty()) {
      std::string ids;
      for (const auto& id : r.what_if->without) ids += (ids.empty() ? "" : ",") + id;
      out += " " + tr(Msg::audit_without, {{"ids", ids}});
    }
    out += i18n::colon() + tr(Msg::audit_table_what_if) + "\n";
    int shown = 0;
    for (const auto& c : r.what_if->changes) {
      if (c.before[0] == c.after[0] && c.before[1] == c.after[1] && c.before[2] == c.after[2] &&
          c.gained.empty() && c.lost.empty())
        continue;
      ++shown;
      std::string g, l;
      for (auto x : c.gained) g += (g.empty() ? "" : ",") + d.geography[x].id;
      for (auto x : c.lost) l += (l.empty() ? "" : ",") + d.geography[x].id;
      auto signed_count = [](std::int64_t n) { return (n >= 0 ? "+" : "") + thousands(n); };
      out += fmt::format("  {:<3} {:<30} {}h {}  {}h {}  {}h {} -> {} ({}){}{}\n",
                         d.taxonomy.provinces.code(c.province), profile_of(r, c.profile).id, h(0),
                         signed_count(c.after[0] - c.before[0]), h(1), signed_count(c.after[1] - c.before[1]),
                         h(2), thousands(c.before[2]), thousands(c.after[2]),
                         signed_count(c.after[2] - c.before[2]), g.empty() ? "" : "  " + tr(Msg::audit_gained) + i18n::colon() + g,
                         l.empty() ? "" : "  " + tr(Msg::audit_lost) + i18n::colon() + l);
    }
    if (!shown) out += "  " + tr(Msg::audit_no_change) + "\n";
  }
  if (r.suggest_profile) {
    out += "\n" + tr(Msg::audit_table_suggest, {{"profile", *r.suggest_profile}, {"h0", h(0)}, {"h1", h(1)}, {"h2", h(2)}}) +
           end_colon() + "\n";
    if (r.suggestions.empty()) out += "  " + tr(Msg::audit_suggest_none) + "\n";
    int rank = 1;
    for (const auto& s : r.suggestions) {
      std::string services;
      for (const auto& code : d.taxonomy.need_codes(s.services)) services += (services.empty() ? "" : ", ") + code;
      out += fmt::format("  {}. {} ({})", rank++, d.geography[s.community].name, d.geography[s.community].id) + i18n::colon() +
             tr(Msg::audit_suggest_row,
                {{"services", services},
                 {"g0", thousands(s.gain.within[0])}, {"h0", h(0)},
                 {"g1", thousands(s.gain.within[1])}, {"h1", h(1)},
                 {"g2", thousands(s.gain.within[2])}, {"h2", h(2)},
                 {"communities", count_text(static_cast<std::int64_t>(s.newly_served.size()), Msg::audit_community_one,
                                            Msg::audit_community_many)},
                 {"saved", thousands(static_cast<std::int64_t>(std::llround(s.gain.person_hours_saved)))}}) +
             "\n";
    }
  }
  return out;
}

}  // namespace nrm::audit
