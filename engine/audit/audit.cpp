// The audit's computation: profiles, cells (one Engine::refer each, on two threads), per-province
// figures, what-if engines and comparisons, and greedy suggestions.
//
// Invariants:
//  1. A cell is Engine::refer on place(profile, community) with top = 1. The planner's order on
//     pathways is total (cost, then provider-id ranks), so the first of the k best is the same for
//     every k; `unmet` does not depend on top at all. tests/audit checks cells against refer.
//  2. Cells are written to fixed slots (community position x profile): the result never depends on
//     thread timing. Every list in the output is sorted with an explicit tie-break on ids.
//  3. The pass over the whole directory that prepares a case is done once per profile and
//     location class (Planner::location_class: the province, and the catchments that hold the
//     community), not once per cell: the prepared problem is the same wherever in the class the
//     case is placed. Each cell is still exactly Engine::refer (invariant 1; tests/audit checks it).
#include "audit/audit.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"

namespace nrm::audit {

namespace {

const std::vector<std::string> kProfileOnlyFields = {"id", "label", "description"};

}  // namespace

std::vector<Profile> load_profiles(const std::string& path, const api::Engine& engine) {
  Diagnostics diags;
  std::optional<YAML::Node> root = detail::load_yaml_file(path, diags);
  std::vector<Profile> out;
  if (root) {
    detail::YamlReader r(path, diags);
    if (r.expect_map(*root, "")) {
      r.check_keys(*root, "", {"schema", "profiles"});
      if ((*root)["schema"].IsDefined()) r.integer((*root)["schema"], "schema", 1, 1);
      const YAML::Node list = (*root)["profiles"];
      if (!list.IsDefined()) r.error(*root, "profiles", "missing list 'profiles'");
      else if (r.expect_sequence(list, "profiles")) {
        std::set<std::string> seen;
        const std::string stand_in_location = engine.directory().geography.size()
                                            ? engine.directory().geography[0].id : std::string("x");
        for (std::size_t i = 0; i < list.size(); ++i) {
          const YAML::Node n = list[i];
          const std::string at = "profiles[" + std::to_string(i) + "]";
          if (!r.expect_map(n, at)) continue;
          Profile p;
          for (const char* k : {"id", "label", "description"}) {
            if (!n[k].IsDefined()) {
              r.error(n, at + "." + k, "missing");
              continue;
            }
            auto v = r.string(n[k], at + "." + k);
            if (!v) continue;
            if (std::string(k) == "id") p.id = *v;
            else if (std::string(k) == "label") p.label = *v;
            else p.description = *v;
          }
          if (!p.id.empty() && !seen.insert(p.id).second)
            r.error(n["id"], at + ".id", "duplicate profile id '" + p.id + "'");
          if (n["location"].IsDefined())
            r.error(n["location"], at + ".location",
                    "a profile has no location: the audit places it in every community");
          YAML::Node fields(YAML::NodeType::Map);
          for (const auto& kv : n) {
            const std::string key = kv.first.as<std::string>();
            if (std::find(kProfileOnlyFields.begin(), kProfileOnlyFields.end(), key) != kProfileOnlyFields.end() ||
                key == "location")
              continue;
            fields[key] = kv.second;
          }
          YAML::Emitter e;
          e << YAML::Flow << fields;
          p.case_yaml = e.c_str();
          try {
            p.base = engine.parse_case(case_text(p, stand_in_location), path);
          } catch (const LoadError& err) {
            const int line = static_cast<int>(n.Mark().line) + 1;
            for (const auto& d : err.diagnostics())
              diags.add(path, line, 0, at + (p.id.empty() ? "" : " (" + p.id + ")") + "." + d.field,
                        d.message);
          }
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

Cell to_cell(CommunityIndex community, planner::PlanResult plan) {
  Cell cell;
  cell.community = community;
  cell.feasible = plan.complete;
  if (cell.feasible) {
    cell.total_cost = plan.pathways[0].cost.total();
    cell.travel_hours = plan.pathways[0].travel_hours;
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
  return to_cell(community, std::move(a.plan));
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

void figures(Audit& a, const Directory& d) {
  const std::size_t np = a.profiles.size();
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
    for (std::size_t pos : positions) f.population += population(d.geography[a.communities[pos]]);
    for (std::size_t p = 0; p < np; ++p) {
      ProvinceProfile pp;
      pp.profile = static_cast<int>(p);
      pp.population = f.population;
      std::map<NeedId, int> binding;
      std::vector<std::size_t> cells;
      for (std::size_t pos : positions) {
        const std::size_t ci = pos * np + p;
        const Cell& c = a.cells[ci];
        const std::int64_t pop = population(d.geography[c.community]);
        cells.push_back(ci);
        if (c.feasible) {
          pp.served += pop;
          for (int t = 0; t < kThresholdCount; ++t)
            if (c.travel_hours <= kThresholds[t] + 1e-9) pp.within[t] += pop;
        } else {
          pp.none.push_back(c.community);
          for (const auto& u : c.unmet) binding[u.need]++;
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
      for (const auto& [need, count] : binding)  // map order: lowest need id wins ties
        if (count > pp.binding_count) {
          pp.binding_need = need;
          pp.binding_count = count;
        }
      f.profiles.push_back(std::move(pp));
    }
    a.provinces.push_back(std::move(f));
  }
}

}  // namespace

Audit run(const api::Engine& engine, const std::vector<Profile>& profiles, const Options& options) {
  const Directory& d = engine.directory();
  Audit a;
  a.as_of = options.as_of;
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
  auto cell_at = [&](std::size_t p, CommunityIndex community) {
    Case c = place(a.profiles[p], community);
    c.top = 1;  // invariant 1
    const std::size_t slot = p * nclass + static_cast<std::size_t>(planner.location_class(community));
    std::call_once(once[slot], [&] { prepared[slot] = planner.prepare(c, a.as_of); });
    return to_cell(community, planner.plan(c, a.as_of, *prepared[slot]));
  };
  auto work = [&]() {
    try {
      for (std::size_t pos; (pos = next.fetch_add(1)) < a.communities.size();)
        for (std::size_t p = 0; p < np; ++p) {
          Cell c = cell_at(p, a.communities[pos]);
          c.profile = static_cast<int>(p);
          c.province = d.geography[c.community].province;
          a.cells[pos * np + p] = std::move(c);
        }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = a.communities.size();
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

namespace {

constexpr int kMaxExactPerRound = 8;  // engines built per round at most (each is a full load)

bool within_24(const Cell& c) { return c.feasible && c.travel_hours <= kThresholds[2] + 1e-9; }

std::string suggestion_entry(const api::Engine& engine, const Profile& profile, CommunityIndex at,
                             NeedSet services, int number, Date as_of) {
  const Directory& d = engine.directory();
  const Taxonomy& t = d.taxonomy;
  const Case c = place(profile, at);
  const Community& where = d.geography[at];
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "id" << YAML::Value << "suggested-" + where.id + "-" + std::to_string(number);
  e << YAML::Key << "name" << YAML::Value
    << "Proposed provider " + std::to_string(number) + " in " + where.name + " (nrm audit --suggest)";
  e << YAML::Key << "community" << YAML::Value << where.id;
  e << YAML::Key << "services" << YAML::Value << YAML::Flow << t.need_codes(services);
  e << YAML::Key << "delivery" << YAML::Value << "in_person";
  e << YAML::Key << "serves" << YAML::Value << YAML::Flow
    << std::vector<std::string>{t.provinces.code(where.province)};
  e << YAML::Key << "attributes" << YAML::Value << YAML::Flow << t.attribute_codes(c.require | c.prefer);
  std::vector<std::string> langs;
  for (LangId l : c.languages) langs.push_back(t.languages.code(l));
  e << YAML::Key << "languages" << YAML::Value << YAML::Flow << langs;
  e << YAML::Key << "accepts_trafficking_victims" << YAML::Value << true;
  e << YAML::Key << "accepts_without_status" << YAML::Value << true;
  e << YAML::Key << "law_enforcement" << YAML::Value << false;
  e << YAML::Key << "capacity" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "beds"
    << YAML::Value << 10 << YAML::Key << "available" << YAML::Value << 10 << YAML::EndMap;
  e << YAML::Key << "wait_days" << YAML::Value << 0;
  e << YAML::Key << "confidential" << YAML::Value << true;
  e << YAML::Key << "verified" << YAML::Value << as_of.str();
  e << YAML::EndMap;
  return as_item(e.c_str());
}

}  // namespace

std::vector<Suggestion> suggest(const api::Engine& engine, const Profile& profile, int n,
                                const Options& options) {
  const Directory& d = engine.directory();
  const geo::TravelModel& travel = engine.travel();
  Options o = options;
  o.profile_ids = {};
  const std::vector<Profile> one = {profile};
  Audit base = run(engine, one, o);
  // Whether each audited community is served (a pathway within 24 h), kept current as we add.
  std::vector<char> served(base.communities.size());
  for (std::size_t i = 0; i < base.communities.size(); ++i) served[i] = within_24(base.cells[i]);
  std::map<CommunityIndex, std::size_t> position;
  for (std::size_t i = 0; i < base.communities.size(); ++i) position[base.communities[i]] = i;

  std::vector<Suggestion> out;
  std::string extra = "providers:\n";
  for (int round = 1; round <= n; ++round) {
    // Upper bound of the gain of a provider at X: the unserved population of X's province within
    // 24 h of X (any pathway using X travels at least hours(Y, X): shortest times obey the
    // triangle inequality; and X serves only its own province).
    std::vector<std::pair<std::int64_t, CommunityIndex>> bound;
    for (CommunityIndex x : base.communities) {
      std::int64_t ub = 0;
      for (std::size_t i = 0; i < base.communities.size(); ++i) {
        if (served[i]) continue;
        CommunityIndex y = base.communities[i];
        if (d.geography[y].province != d.geography[x].province) continue;
        double h = travel.hours(y, x);
        if (std::isfinite(h) && h <= kThresholds[2] + 1e-9) ub += population(d.geography[y]);
      }
      if (ub > 0) bound.emplace_back(ub, x);
    }
    std::sort(bound.begin(), bound.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return d.geography[a.second].id < d.geography[b.second].id;
    });
    std::optional<Suggestion> best;
    Audit best_audit;
    for (std::size_t k = 0; k < bound.size() && static_cast<int>(k) < kMaxExactPerRound; ++k) {
      if (best && best->gain >= bound[k].first) break;  // nothing further can do better
      const CommunityIndex x = bound[k].second;
      const NeedSet services = engine.policy().derive_needs(place(profile, x), d).needs;
      std::string entry = suggestion_entry(engine, profile, x, services, round, o.as_of);
      auto changed = with_changes_text(engine, extra + entry, "suggestion", {});
      Options po = o;
      po.province = d.geography[x].province;
      Audit after = run(*changed, one, po);
      Suggestion s;
      s.community = x;
      s.services = services;
      s.province = d.geography[x].province;
      s.provider_yaml = entry;
      for (std::size_t i = 0; i < after.communities.size(); ++i) {
        const std::size_t pos = position.at(after.communities[i]);
        const bool now = within_24(after.cells[i]);
        const std::int64_t pop = population(d.geography[after.communities[i]]);
        if (now && !served[pos]) {
          s.gain += pop;
          s.newly_served.push_back(after.communities[i]);
        } else if (!now && served[pos]) {
          s.gain -= pop;  // never expected; counted so the gain stays honest
        }
      }
      if (!best || s.gain > best->gain) {
        best = std::move(s);
        best_audit = std::move(after);
      }
    }
    if (!best || best->gain <= 0) break;
    for (std::size_t i = 0; i < best_audit.communities.size(); ++i)
      served[position.at(best_audit.communities[i])] = within_24(best_audit.cells[i]);
    extra += best->provider_yaml;
    out.push_back(std::move(*best));
  }
  return out;
}

}  // namespace nrm::audit
