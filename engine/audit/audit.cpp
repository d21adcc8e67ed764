// The audit's computation: profiles, cells (one Engine::refer each, on two threads), per-province
// figures, what-if engines and comparisons, and greedy suggestions.
//
// Invariants:
//  1. A cell is Engine::refer on place(profile, community) with top = 1. The planner's order on
//     pathways is total (cost, then what was travelled, then provider-id ranks), so the first of
//     the k best is the same for every k; `unmet` does not depend on top at all. tests/audit checks
//     cells against refer.
//  2. Cells are written to fixed slots (community position x profile): the result never depends on
//     thread timing. Every list in the output is sorted with an explicit tie-break on ids.
//  3. The pass over the whole directory that prepares a case is done once per profile and
//     location class (Planner::location_class: the province, and the catchments that hold the
//     community), not once per cell: the prepared problem is the same wherever in the class the
//     case is placed. Each cell is still exactly Engine::refer (invariant 1; tests/audit checks it).
//     The same holds for the search's tables (bounds, groups): a worker plans the communities of
//     one class on one planner::Batch per profile (tests/planner/test_batch.cpp).
#include "audit/audit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "directory/loader.hpp"
#include "i18n/lang.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::audit {

namespace {

using detail::YamlNode;

const std::vector<std::string> kProfileOnlyFields = {"id", "label", "description", "label_fr", "description_fr"};

// The `blocked_by` values the planner gives besides rule ids (planner/unmet.cpp).
const std::vector<std::string> kPlannerBlocks = {"directory", "max_travel_hours", "combination"};

// thresholds_hours: exactly kThresholdCount ascending hours in (0, 168].
void read_thresholds(detail::YamlReader& r, YamlNode root, Settings& s) {
  const YamlNode n = root["thresholds_hours"];
  if (!n.defined()) {
    r.error(root, "thresholds_hours", "missing; expected three ascending travel times in hours, e.g. [2, 8, 24]");
    return;
  }
  if (!r.expect_sequence(n, "thresholds_hours")) return;
  if (n.size() != kThresholdCount) {
    r.error(n, "thresholds_hours", "expected exactly 3 travel times in hours, got " + std::to_string(n.size()));
    return;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string at = "thresholds_hours[" + std::to_string(i) + "]";
    auto v = r.number(n[i], at, 0.25, 168);
    if (!v) continue;
    if (i > 0 && *v <= s.thresholds[i - 1])
      r.error(n[i], at, fmt::format("{:g} is not above the previous threshold {:g}", *v, s.thresholds[i - 1]));
    s.thresholds[i] = *v;
  }
}

// reasons: [{id, text, blocked_by: [...]}], each blocked_by a rule id or a planner cause, once.
void read_reasons(detail::YamlReader& r, YamlNode root, const api::Engine& engine, Settings& s) {
  const YamlNode list = root["reasons"];
  if (!list.defined() || !r.expect_sequence(list, "reasons")) return;
  std::vector<std::string> known = kPlannerBlocks;
  for (const auto& rule : engine.policy().rules()) known.push_back(rule.id);
  std::set<std::string> ids, blocks;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YamlNode n = list[i];
    const std::string at = "reasons[" + std::to_string(i) + "]";
    if (!r.expect_map(n, at)) continue;
    r.check_keys(n, at + ".", {"id", "text", "text_fr", "blocked_by"});
    ReasonKind k;
    for (const char* key : {"id", "text"})
      if (!n[key].defined()) r.error(n, at + "." + key, "missing");
      else if (auto v = r.string(n[key], at + "." + key)) (std::string(key) == "id" ? k.id : k.text) = *v;
    if (n["text_fr"].defined())
      if (auto v = r.string(n["text_fr"], at + ".text_fr")) k.text_fr = *v;
    if (!k.id.empty() && !ids.insert(k.id).second) r.error(n["id"], at + ".id", "duplicate reason id '" + k.id + "'");
    if (!n["blocked_by"].defined()) r.error(n, at + ".blocked_by", "missing");
    else if (auto v = r.strings(n["blocked_by"], at + ".blocked_by")) {
      for (const auto& b : *v) {
        if (std::find(known.begin(), known.end(), b) == known.end()) {
          std::string near = closest_name(b, known);
          r.error(n["blocked_by"], at + ".blocked_by",
                  "'" + b + "' is neither a rule id of the rules folder nor one of directory, max_travel_hours, "
                  "combination" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
        } else if (!blocks.insert(b).second) {
          r.error(n["blocked_by"], at + ".blocked_by", "'" + b + "' is already listed by an earlier reason");
        }
      }
      k.blocked_by = *v;
    }
    s.reasons.push_back(std::move(k));
  }
}

// One profile of the list: its id, label and description, and its case fields checked as a case.
Profile read_profile(detail::YamlReader& r, YamlNode n, const std::string& at, const std::string& path,
                     const api::Engine& engine, const std::string& stand_in_location, Diagnostics& diags) {
  Profile p;
  for (const char* k : {"id", "label", "description"}) {
    if (!n[k].defined()) {
      r.error(n, at + "." + k, "missing");
      continue;
    }
    auto v = r.string(n[k], at + "." + k);
    if (!v) continue;
    if (std::string(k) == "id") p.id = *v;
    else if (std::string(k) == "label") p.label = *v;
    else p.description = *v;
  }
  for (const char* k : {"label_fr", "description_fr"})  // optional: English is shown without them
    if (n[k].defined())
      if (auto v = r.string(n[k], at + "." + k)) (std::string(k) == "label_fr" ? p.label_fr : p.description_fr) = *v;
  if (n["location"].defined())
    r.error(n["location"], at + ".location", "a profile has no location: the audit places it in every community");
  // The case fields in flow style, each value as written (a quoted "16" stays text).
  std::string fields;
  for (auto [k, v] : n.entries()) {
    const std::string key = k.str();
    if (std::find(kProfileOnlyFields.begin(), kProfileOnlyFields.end(), key) != kProfileOnlyFields.end() ||
        key == "location")
      continue;
    fields += (fields.empty() ? "" : ", ") + detail::yaml_flow(k) + ": " + detail::yaml_flow(v);
  }
  p.case_yaml = "{" + fields + "}";
  try {
    p.base = engine.parse_case(case_text(p, stand_in_location), path);
  } catch (const LoadError& err) {
    const int line = n.mark().line;
    for (const auto& d : err.diagnostics())
      diags.add(path, line, 0, at + (p.id.empty() ? "" : " (" + p.id + ")") + "." + d.field, d.message);
  }
  return p;
}

}  // namespace

const std::string& ReasonKind::words() const {
  return i18n::current() == Lang::kFr && !text_fr.empty() ? text_fr : text;
}

const std::string& Profile::label_text() const {
  return i18n::current() == Lang::kFr && !label_fr.empty() ? label_fr : label;
}

const std::string& Profile::description_text() const {
  return i18n::current() == Lang::kFr && !description_fr.empty() ? description_fr : description;
}

const ReasonKind* Settings::reason_of(const std::string& blocked_by) const {
  for (const auto& k : reasons)
    if (std::find(k.blocked_by.begin(), k.blocked_by.end(), blocked_by) != k.blocked_by.end()) return &k;
  return nullptr;
}

std::vector<Profile> load_profiles(const std::string& path, const api::Engine& engine) {
  Diagnostics diags;
  std::optional<detail::YamlDocument> doc = detail::load_yaml_file(path, diags);
  std::vector<Profile> out;
  auto settings = std::make_shared<Settings>();
  if (doc) {
    const YamlNode root = doc->root();
    detail::YamlReader r(path, diags);
    if (r.expect_map(root, "")) {
      r.check_keys(root, "", {"schema", "thresholds_hours", "reasons", "profiles"});
      if (root["schema"].defined()) r.integer(root["schema"], "schema", 1, 1);
      read_thresholds(r, root, *settings);
      read_reasons(r, root, engine, *settings);
      const YamlNode list = root["profiles"];
      if (!list.defined()) r.error(root, "profiles", "missing list 'profiles'");
      else if (r.expect_sequence(list, "profiles")) {
        std::set<std::string> seen;
        const std::string stand_in_location = engine.directory().geography.size()
                                            ? engine.directory().geography[0].id : std::string("x");
        for (std::size_t i = 0; i < list.size(); ++i) {
          const std::string at = "profiles[" + std::to_string(i) + "]";
          if (!r.expect_map(list[i], at)) continue;
          Profile p = read_profile(r, list[i], at, path, engine, stand_in_location, diags);
          if (!p.id.empty() && !seen.insert(p.id).second)
            r.error(list[i]["id"], at + ".id", "duplicate profile id '" + p.id + "'");
          p.settings = settings;
          out.push_back(std::move(p));
        }
        if (list.size() == 0) r.error(list, "profiles", "empty; expected at least one profile");
      }
    }
  }
  diags.throw_if_any("invalid profiles");
  return out;
}

std::string case_text(const Profile& profile, const std::string& community_id) {
  // case_yaml is a flow map "{...}"; put the location first.
  std::string body = profile.case_yaml;
  std::string inner = body.size() >= 2 ? body.substr(1, body.size() - 2) : std::string();
  while (!inner.empty() && inner.front() == ' ') inner.erase(inner.begin());
  return "{location: " + community_id + (inner.empty() ? "" : ", " + inner) + "}";
}

Case place(const Profile& profile, CommunityIndex community) {
  Case c = profile.base;
  c.location = community;
  return c;
}

namespace {

// `is_stale(provider)`: whether the provider's entry is stale for the case (Candidate::stale,
// rules::Assessment::stale: not verified within stale_after_days of the date).
template <class IsStale>
Cell to_cell(CommunityIndex community, planner::PlanResult plan, const IsStale& is_stale) {
  Cell cell;
  cell.community = community;
  cell.feasible = plan.complete;
  if (cell.feasible) {
    const planner::PlannedPathway& best = plan.pathways[0];
    cell.total_cost = best.cost.total();
    cell.travel_hours = best.travel_hours;
    for (const auto& st : best.steps)
      if (is_stale(st.provider) && std::find(cell.stale.begin(), cell.stale.end(), st.provider) == cell.stale.end())
        cell.stale.push_back(st.provider);
  } else {
    cell.unmet = std::move(plan.unmet);
  }
  return cell;
}

}  // namespace

Cell compute_cell(const api::Engine& engine, const Profile& profile, CommunityIndex community,
                  Date as_of) {
  Case c = place(profile, community);
  c.top = 1;  // invariant 1
  api::Answer a = engine.refer(c, as_of);
  const Directory& d = engine.directory();
  return to_cell(community, std::move(a.plan),
                 [&](ProviderIndex p) { return engine.policy().assess(a.request, d, p, as_of).stale; });
}

namespace {


std::int64_t population(const Community& c) { return c.population ? *c.population : 0; }

// Worst first: no pathway (bigger population first), then more travel hours, then dearer; ids last.
bool worse(const Audit& a, const Directory& d, std::size_t x, std::size_t y) {
  const Cell& X = a.cells[x];
  const Cell& Y = a.cells[y];
  if (X.feasible != Y.feasible) return !X.feasible;
  if (!X.feasible) {
    auto px = population(d.geography[X.community]), py = population(d.geography[Y.community]);
    if (px != py) return px > py;
  } else {
    if (X.travel_hours != Y.travel_hours) return X.travel_hours > Y.travel_hours;
    if (X.total_cost != Y.total_cost) return X.total_cost > Y.total_cost;
  }
  return d.geography[X.community].id < d.geography[Y.community].id;
}

// Provider indices by provider id, each once.
std::vector<ProviderIndex> by_id(const Directory& d, std::set<ProviderIndex> providers) {
  std::vector<ProviderIndex> out(providers.begin(), providers.end());
  std::sort(out.begin(), out.end(), [&](ProviderIndex x, ProviderIndex y) { return d.providers[x].id < d.providers[y].id; });
  return out;
}

// One province's figures for profile p over the audited positions of its communities.
ProvinceProfile province_profile(const Audit& a, const Directory& d, const std::vector<std::size_t>& positions,
                                 std::size_t p) {
  const std::size_t np = a.profiles.size();
  ProvinceProfile pp;
  pp.profile = static_cast<int>(p);
  std::map<NeedId, int> missing;
  std::map<std::pair<NeedId, std::string>, Cause> causes;
  std::vector<std::size_t> cells;
  std::set<ProviderIndex> stale;
  const int last = kThresholdCount - 1;
  for (std::size_t pos : positions) {
    const std::size_t ci = pos * np + p;
    const Cell& c = a.cells[ci];
    const std::optional<std::int64_t>& known = d.geography[c.community].population;
    const std::int64_t pop = known.value_or(0);
    pp.population += pop;
    if (!known) pp.unknown_communities++;
    cells.push_back(ci);
    if (c.relies_on_stale()) {
      pp.stale_cells++;
      stale.insert(c.stale.begin(), c.stale.end());
    }
    if (c.feasible) {
      pp.served += pop;
      for (int t = 0; t < kThresholdCount; ++t)
        if (c.travel_hours > a.threshold(t) + kHoursEps) continue;
        else if (known) pp.within[t] += pop;
        else pp.unknown_within[t]++;
      if (c.travel_hours > a.threshold(last) + kHoursEps) {
        pp.beyond_communities++;
        pp.beyond_population += pop;
      }
      continue;
    }
    pp.none.push_back(c.community);
    if (!known) pp.unknown_none++;
    for (const auto& u : c.unmet) {
      missing[u.need]++;
      Cause& k = causes[{u.need, u.blocked_by}];
      k.need = u.need;
      k.blocked_by = u.blocked_by;
      k.communities++;
      k.population += pop;
      if (!known) k.unknown_population++;
    }
  }
  std::sort(pp.none.begin(), pp.none.end(), [&](CommunityIndex x, CommunityIndex y) {
    auto px = population(d.geography[x]), py = population(d.geography[y]);
    if (px != py) return px > py;
    return d.geography[x].id < d.geography[y].id;
  });
  std::sort(cells.begin(), cells.end(), [&](std::size_t x, std::size_t y) { return worse(a, d, x, y); });
  cells.resize(std::min<std::size_t>(cells.size(), 10));
  pp.worst = cells;
  pp.stale_providers = by_id(d, std::move(stale));
  for (const auto& [need, count] : missing)  // map order: lowest need id wins ties
    if (count > pp.binding_count) {
      pp.binding_need = need;
      pp.binding_count = count;
    }
  for (auto& [key, cause] : causes) pp.causes.push_back(std::move(cause));
  std::stable_sort(pp.causes.begin(), pp.causes.end(), [](const Cause& x, const Cause& y) {
    if (x.need != y.need) return x.need < y.need;
    return x.communities > y.communities;  // then blocked_by, the map's order
  });
  return pp;
}

void figures(Audit& a, const Directory& d) {
  std::map<int, std::vector<std::size_t>> by_province;  // positions of communities
  for (std::size_t i = 0; i < a.communities.size(); ++i)
    by_province[d.geography[a.communities[i]].province].push_back(i);
  std::vector<std::pair<std::string, int>> order;
  for (const auto& [prov, _] : by_province) order.emplace_back(d.taxonomy.provinces.code(prov), prov);
  std::sort(order.begin(), order.end());
  for (const auto& [code, prov] : order) {
    const auto& positions = by_province[prov];
    ProvinceFigures f;
    f.province = prov;
    f.communities = static_cast<int>(positions.size());
    for (std::size_t pos : positions) {
      const auto& known = d.geography[a.communities[pos]].population;
      f.population += known.value_or(0);
      if (!known) f.unknown_population++;
    }
    std::set<ProviderIndex> stale;
    for (std::size_t p = 0; p < a.profiles.size(); ++p) {
      f.profiles.push_back(province_profile(a, d, positions, p));
      f.stale_cells += f.profiles.back().stale_cells;
      stale.insert(f.profiles.back().stale_providers.begin(), f.profiles.back().stale_providers.end());
    }
    f.stale_providers = by_id(d, std::move(stale));
    a.provinces.push_back(std::move(f));
  }
}

}  // namespace

ProvinceProfile national(const Audit& a, std::size_t profile) {
  ProvinceProfile n;
  n.profile = static_cast<int>(profile);
  std::map<std::pair<NeedId, std::string>, Cause> causes;
  std::map<NeedId, int> missing;
  for (const auto& f : a.provinces) {
    const ProvinceProfile& pp = f.profiles[profile];
    n.population += pp.population;
    n.served += pp.served;
    for (int t = 0; t < kThresholdCount; ++t) {
      n.within[t] += pp.within[t];
      n.unknown_within[t] += pp.unknown_within[t];
    }
    n.none.insert(n.none.end(), pp.none.begin(), pp.none.end());
    n.beyond_communities += pp.beyond_communities;
    n.beyond_population += pp.beyond_population;
    n.unknown_none += pp.unknown_none;
    n.unknown_communities += pp.unknown_communities;
    n.stale_cells += pp.stale_cells;
    for (ProviderIndex i : pp.stale_providers)  // province order, then id (as `none`)
      if (std::find(n.stale_providers.begin(), n.stale_providers.end(), i) == n.stale_providers.end())
        n.stale_providers.push_back(i);
    for (const Cause& c : pp.causes) {
      Cause& k = causes[{c.need, c.blocked_by}];
      k.need = c.need;
      k.blocked_by = c.blocked_by;
      k.communities += c.communities;
      k.population += c.population;
      k.unknown_population += c.unknown_population;
    }
  }
  for (auto& [key, cause] : causes) {
    missing[cause.need] += cause.communities;
    n.causes.push_back(std::move(cause));
  }
  std::stable_sort(n.causes.begin(), n.causes.end(), [](const Cause& x, const Cause& y) {
    if (x.need != y.need) return x.need < y.need;
    return x.communities > y.communities;
  });
  for (const auto& [need, count] : missing)
    if (count > n.binding_count) {
      n.binding_need = need;
      n.binding_count = count;
    }
  return n;
}

int stale_cells(const Audit& a) {
  int n = 0;
  for (const auto& f : a.provinces) n += f.stale_cells;
  return n;
}

std::vector<ProviderIndex> stale_providers(const Audit& a) {
  std::vector<ProviderIndex> out;
  for (const auto& f : a.provinces)
    for (ProviderIndex p : f.stale_providers)
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

int band(const Audit& a, const Cell& c) {
  if (!c.feasible) return -1;
  for (int t = 0; t < kThresholdCount; ++t)
    if (c.travel_hours <= a.threshold(t) + kHoursEps) return t;
  return kThresholdCount;
}

std::vector<char> stale_entries(const api::Engine& engine, const Audit& a) {
  const Directory& d = engine.directory();
  std::vector<char> out(d.providers.size(), 0);
  if (a.profiles.empty()) return out;
  const Case& any = a.profiles[0].base;  // staleness reads the provider and the date only
  for (ProviderIndex p = 0; p < d.providers.size(); ++p)
    out[p] = engine.policy().assess(any, d, p, a.as_of).stale ? 1 : 0;
  return out;
}

Audit run(const api::Engine& engine, const std::vector<Profile>& profiles, const Options& options) {
  const Directory& d = engine.directory();
  Audit a;
  a.as_of = options.as_of;
  if (profiles.empty() || !profiles[0].settings)
    throw std::logic_error("audit::run: profiles without settings (load them with load_profiles)");
  a.settings = profiles[0].settings;
  if (options.profile_ids.empty()) {
    a.profiles = profiles;
  } else {
    for (const auto& id : options.profile_ids) {
      auto it = std::find_if(profiles.begin(), profiles.end(), [&](const Profile& p) { return p.id == id; });
      if (it == profiles.end()) {
        std::vector<std::string> ids;
        for (const auto& p : profiles) ids.push_back(p.id);
        std::string near = closest_name(id, ids);
        throw LoadError("invalid option",
                        {{"", 0, 0, "--profile",
                          "unknown profile '" + id + "'" +
                              (near.empty() ? "; expected one of " + detail::join_codes(ids)
                                            : " (did you mean '" + near + "'?)")}});
      }
      if (std::none_of(a.profiles.begin(), a.profiles.end(), [&](const Profile& p) { return p.id == id; }))
        a.profiles.push_back(*it);
    }
  }
  for (CommunityIndex c = 0; c < d.geography.size(); ++c)
    if (!options.province || d.geography[c].province == *options.province) a.communities.push_back(c);

  const std::size_t np = a.profiles.size();
  a.cells.resize(a.communities.size() * np);
  auto start = std::chrono::steady_clock::now();
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  // Invariant 3: one prepared problem per profile and location class (Planner::location_class).
  const auto& planner = engine.planner();
  const auto nclass = static_cast<std::size_t>(planner.location_classes());
  std::vector<std::once_flag> once(np * nclass);
  std::vector<std::optional<planner::Problem>> prepared(np * nclass);
  std::vector<std::vector<ProviderIndex>> stale(np * nclass);  // per slot: its stale candidates, sorted
  // Profile p placed in a community, and its slot (prepared once, invariant 3).
  auto case_at = [&](std::size_t p, CommunityIndex community) {
    Case c = place(a.profiles[p], community);
    c.top = 1;  // invariant 1
    const std::size_t slot = p * nclass + static_cast<std::size_t>(planner.location_class(community));
    std::call_once(once[slot], [&] {
      prepared[slot] = planner.prepare(c, a.as_of);
      for (const auto& k : prepared[slot]->candidates)
        if (k.stale) stale[slot].push_back(k.provider);
      std::sort(stale[slot].begin(), stale[slot].end());
    });
    return std::make_pair(std::move(c), slot);
  };
  // Communities by location class, so that a worker plans runs of one class on one set of search
  // tables per profile (planner::Batch), built once for the run instead of once per cell.
  std::vector<std::size_t> order(a.communities.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return planner.location_class(a.communities[x]) < planner.location_class(a.communities[y]);
  });
  constexpr std::size_t kChunk = 16;  // communities a worker takes at a time (of one class, mostly)
  const Lang lang = i18n::current();  // the cells' words (unmet reasons) in the caller's language
  auto work = [&]() {
    const i18n::LangScope language(lang);
    try {
      std::vector<std::unique_ptr<planner::Batch>> batch(np);  // this worker's, per profile
      std::vector<std::size_t> batch_slot(np, static_cast<std::size_t>(-1));
      for (std::size_t from; (from = next.fetch_add(kChunk)) < order.size();)
        for (std::size_t i = from; i < std::min(from + kChunk, order.size()); ++i) {
          const std::size_t pos = order[i];
          const CommunityIndex community = a.communities[pos];
          for (std::size_t p = 0; p < np; ++p) {
            auto [kase, slot] = case_at(p, community);
            if (batch_slot[p] != slot) {
              batch[p] = std::make_unique<planner::Batch>(planner, *prepared[slot]);
              batch_slot[p] = slot;
            }
            const auto& s = stale[slot];
            Cell c = to_cell(community, batch[p]->plan(kase, a.as_of),
                             [&](ProviderIndex k) { return std::binary_search(s.begin(), s.end(), k); });
            c.profile = static_cast<int>(p);
            c.province = d.geography[c.community].province;
            a.cells[pos * np + p] = std::move(c);
          }
        }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = order.size();
    }
  };
  const int threads = std::max(1, options.threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  figures(a, d);
  return a;
}

// --- What-if -------------------------------------------------------------------------------

namespace {

// Indents an emitted block as one item of a sequence (a suggested provider's entry).
std::string as_item(const std::string& block) {
  std::string out;
  std::istringstream in(block);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    out += (first ? "  - " : "    ") + line + "\n";
    first = false;
  }
  return out;
}

}  // namespace

std::shared_ptr<const api::Engine> with_changes_text(const api::Engine& engine,
                                                     const std::string& extra_yaml,
                                                     const std::string& origin,
                                                     const std::vector<std::string>& without_ids) {
  const Directory& d = engine.directory();
  std::vector<Diagnostic> problems;
  std::set<std::string> drop;
  for (const auto& id : without_ids) {
    if (!d.find(id)) {
      std::vector<std::string> ids;
      for (const auto& p : d.providers) ids.push_back(p.id);
      std::string near = closest_name(id, ids);
      problems.push_back({"", 0, 0, "--without",
                          "no provider with id '" + id + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)")});
    }
    drop.insert(id);
  }
  if (!problems.empty()) throw LoadError("invalid option", std::move(problems));
  return engine.with_providers(extra_yaml, origin, drop);
}

std::shared_ptr<const api::Engine> with_changes(const api::Engine& engine,
                                                const std::string& extra_providers_file,
                                                const std::vector<std::string>& without_ids) {
  std::string text;
  if (!extra_providers_file.empty()) text = read_text(extra_providers_file);
  return with_changes_text(engine, text, extra_providers_file, without_ids);
}

std::vector<Change> compare(const Audit& before, const Audit& after) {
  std::vector<Change> out;
  if (before.communities != after.communities || before.profiles.size() != after.profiles.size())
    throw std::logic_error("compare: audits of different communities or profiles");
  const std::size_t np = before.profiles.size();
  for (std::size_t i = 0; i < before.provinces.size(); ++i) {
    const auto& fb = before.provinces[i];
    const auto& fa = after.provinces[i];
    for (std::size_t p = 0; p < np; ++p) {
      Change c;
      c.province = fb.province;
      c.profile = static_cast<int>(p);
      c.population = fb.population;
      for (int t = 0; t < kThresholdCount; ++t) {
        c.before[t] = fb.profiles[p].within[t];
        c.after[t] = fa.profiles[p].within[t];
      }
      c.served_before = fb.profiles[p].served;
      c.served_after = fa.profiles[p].served;
      out.push_back(std::move(c));
    }
  }
  // Communities gained and lost, in community (id) order.
  std::map<std::pair<int, int>, std::size_t> slot;
  for (std::size_t k = 0; k < out.size(); ++k) slot[{out[k].province, out[k].profile}] = k;
  for (std::size_t ci = 0; ci < before.cells.size(); ++ci) {
    const Cell& b = before.cells[ci];
    const Cell& a = after.cells[ci];
    if (b.feasible == a.feasible) continue;
    auto& ch = out[slot.at({b.province, b.profile})];
    (a.feasible ? ch.gained : ch.lost).push_back(b.community);
  }
  return out;
}

// --- Suggestions ---------------------------------------------------------------------------

bool Gain::positive() const { return compare(*this, Gain{}) > 0; }

int compare(const Gain& a, const Gain& b) {
  for (int t = 0; t < kThresholdCount; ++t)
    if (a.within[t] != b.within[t]) return a.within[t] > b.within[t] ? 1 : -1;
  const double diff = a.person_hours_saved - b.person_hours_saved;
  if (std::abs(diff) > 1e-3) return diff > 0 ? 1 : -1;
  return 0;
}

namespace {

std::string suggestion_entry(const api::Engine& engine, const Profile& profile, CommunityIndex at,
                             NeedSet services, int number, Date as_of) {
  const Directory& d = engine.directory();
  const Taxonomy& t = d.taxonomy;
  const Case c = place(profile, at);
  const Community& where = d.geography[at];
  auto list = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + detail::yaml_scalar(i);
    return "[" + out + "]";
  };
  std::vector<std::string> langs;
  for (LangId l : c.languages) langs.push_back(t.languages.code(l));
  std::string e;
  e += "id: " + detail::yaml_scalar("suggested-" + where.id + "-" + std::to_string(number)) + "\n";
  e += "name: " + detail::yaml_scalar("Proposed provider " + std::to_string(number) + " in " + where.name +
                                      " (nrm audit --suggest)") + "\n";
  e += "community: " + detail::yaml_scalar(where.id) + "\n";
  e += "services: " + list(t.need_codes(services)) + "\n";
  e += "delivery: in_person\n";
  e += "serves: " + list({t.provinces.code(where.province)}) + "\n";
  e += "attributes: " + list(t.attribute_codes(c.require | c.prefer)) + "\n";
  e += "languages: " + list(langs) + "\n";
  e += "accepts_trafficking_victims: true\naccepts_without_status: true\nlaw_enforcement: false\n";
  e += "capacity: {beds: 10, available: 10}\nwait_days: 0\nconfidential: true\n";
  e += "verified: " + as_of.str() + "\n";
  return as_item(e);
}

// Where each audited community stands for the profile, kept current as proposals are added.
struct Standing {
  bool feasible = false;
  double hours = 0;  // the best pathway's travel, when feasible
};

Standing standing_of(const Cell& c) { return {c.feasible, c.feasible ? c.travel_hours : 0.0}; }

// The people a proposal at `x` could possibly help, as a Gain: within each threshold, the
// population of x's province not within it today that lives within it of x (a pathway with a
// step at x travels at least hours(y, x): shortest times obey the triangle inequality; x serves
// only its province); person-hours, pop(y) x (hours today - hours(y, x)) where positive (the
// new best pathway either is today's or uses x). Never below the exact gain, tier by tier.
Gain upper_bound(const api::Engine& engine, const Audit& base, const std::vector<Standing>& now,
                 CommunityIndex x) {
  const Directory& d = engine.directory();
  Gain g;
  for (std::size_t i = 0; i < base.communities.size(); ++i) {
    const CommunityIndex y = base.communities[i];
    if (d.geography[y].province != d.geography[x].province) continue;
    const double h = engine.travel().hours(y, x);
    if (!std::isfinite(h)) continue;
    const std::int64_t pop = population(d.geography[y]);
    for (int t = 0; t < kThresholdCount; ++t) {
      const bool within_now = now[i].feasible && now[i].hours <= base.threshold(t) + kHoursEps;
      if (!within_now && h <= base.threshold(t) + kHoursEps) g.within[t] += pop;
    }
    if (now[i].feasible && now[i].hours > h) g.person_hours_saved += static_cast<double>(pop) * (now[i].hours - h);
  }
  return g;
}

// A place a provider can be proposed in: people live there (a known, non-zero population) and
// the travel model reaches it from somewhere (a road, ferry or flight).
bool candidate_place(const api::Engine& engine, CommunityIndex x) {
  const Community& c = engine.directory().geography[x];
  return c.population && *c.population > 0 && engine.travel().nearest_first(x).size() > 1;
}

// The exact gain of the audit `after` (one province) over the standings `now`.
Suggestion measure(const api::Engine& engine, const Audit& after, const std::vector<Standing>& now,
                   const std::map<CommunityIndex, std::size_t>& position) {
  const Directory& d = engine.directory();
  Suggestion s;
  const int last = kThresholdCount - 1;
  for (std::size_t i = 0; i < after.communities.size(); ++i) {
    const Standing before = now[position.at(after.communities[i])];
    const Standing then = standing_of(after.cells[i]);
    const std::int64_t pop = population(d.geography[after.communities[i]]);
    for (int t = 0; t < kThresholdCount; ++t) {
      const bool was = before.feasible && before.hours <= after.threshold(t) + kHoursEps;
      const bool is = then.feasible && then.hours <= after.threshold(t) + kHoursEps;
      s.gain.within[t] += (is && !was) ? pop : (was && !is) ? -pop : 0;  // a loss is counted, never expected
      if (t == last && is && !was) s.newly_served.push_back(after.communities[i]);
    }
    if (before.feasible && then.feasible)
      s.gain.person_hours_saved += static_cast<double>(pop) * (before.hours - then.hours);
  }
  return s;
}

// Whether proposal a beats b: the greater gain; equal gains, the place with more people; equal
// populations too, the lower id (only so that the answer is always the same).
bool better(const Directory& d, const Suggestion& a, const Suggestion& b) {
  if (int c = compare(a.gain, b.gain)) return c > 0;
  const auto pa = population(d.geography[a.community]), pb = population(d.geography[b.community]);
  if (pa != pb) return pa > pb;
  return d.geography[a.community].id < d.geography[b.community].id;
}

}  // namespace

std::vector<Suggestion> suggest(const api::Engine& engine, const Profile& profile, int n,
                                const Options& options) {
  const Directory& d = engine.directory();
  Options o = options;
  o.profile_ids = {};
  const std::vector<Profile> one = {profile};
  Audit base = run(engine, one, o);
  std::vector<Standing> now(base.communities.size());
  for (std::size_t i = 0; i < base.communities.size(); ++i) now[i] = standing_of(base.cells[i]);
  std::map<CommunityIndex, std::size_t> position;
  for (std::size_t i = 0; i < base.communities.size(); ++i) position[base.communities[i]] = i;

  std::vector<Suggestion> out;
  std::string extra = "providers:\n";
  for (int round = 1; round <= n; ++round) {
    std::vector<std::pair<Gain, CommunityIndex>> bound;
    for (CommunityIndex x : base.communities) {
      if (!candidate_place(engine, x)) continue;
      Gain ub = upper_bound(engine, base, now, x);
      if (ub.positive()) bound.emplace_back(ub, x);
    }
    std::sort(bound.begin(), bound.end(), [&](const auto& a, const auto& b) {
      if (int c = compare(a.first, b.first)) return c > 0;
      const auto pa = population(d.geography[a.second]), pb = population(d.geography[b.second]);
      if (pa != pb) return pa > pb;
      return d.geography[a.second].id < d.geography[b.second].id;
    });
    std::optional<Suggestion> best;
    Audit best_audit;
    for (std::size_t k = 0; k < bound.size() && static_cast<int>(k) < kMaxExactPerRound; ++k) {
      // Nothing further can do better: the best exact gain beats this bound (or equals it and
      // wins the tie), and every later bound is no greater, sorted the same way.
      if (best) {
        Suggestion at_bound;
        at_bound.community = bound[k].second;
        at_bound.gain = bound[k].first;
        if (better(d, *best, at_bound)) break;
      }
      const CommunityIndex x = bound[k].second;
      const NeedSet services = engine.policy().derive_needs(place(profile, x), d).needs;
      std::string entry = suggestion_entry(engine, profile, x, services, round, o.as_of);
      auto changed = with_changes_text(engine, extra + entry, "suggestion", {});
      Options po = o;
      po.province = d.geography[x].province;
      Audit after = run(*changed, one, po);
      Suggestion s = measure(engine, after, now, position);
      s.community = x;
      s.services = services;
      s.province = d.geography[x].province;
      s.provider_yaml = entry;
      if (!best || better(d, s, *best)) {
        best = std::move(s);
        best_audit = std::move(after);
      }
    }
    if (!best || !best->gain.positive()) break;
    for (std::size_t i = 0; i < best_audit.communities.size(); ++i)
      now[position.at(best_audit.communities[i])] = standing_of(best_audit.cells[i]);
    extra += best->provider_yaml;
    out.push_back(std::move(*best));
  }
  return out;
}

}  // namespace nrm::audit
