// The engine's public face: load data and rules once, then refer, explain and validate. The CLI
// and the HTTP server call only this; neither holds any policy of its own. The engine never
// prints and never exits: it returns values or throws LoadError (bad input) and std::exception
// (internal errors).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geo/travel.hpp"
#include "model/case.hpp"
#include "directory/snapshot.hpp"
#include "model/directory.hpp"
#include "planner/planner.hpp"
#include "rules/policy.hpp"

namespace nrm::api {

struct EnginePaths {
  DataPaths data;
  std::string rules_dir;
  // Where compiled snapshots of the directory are kept (directory/snapshot.hpp); "" reads the
  // sources every time (nrm validate, and any caller that sets none).
  std::string cache_dir;
  static EnginePaths shipped(const std::string& root);
};

struct Answer {
  Case request;
  Date as_of;
  planner::PlanResult plan;
  bool ok() const { return plan.complete && !plan.pathways.empty(); }
};

struct Explanation {
  ProviderIndex provider = 0;
  rules::Assessment assessment;
  std::vector<rules::RuleHit> hits;
  NeedSet would_cover = 0;       // of the case's needs (asked and derived)
  rules::CaseNeeds needs;
  double travel_hours = 0;       // from the case's location
  bool speaks = false;
  bool in_best_pathway = false;  // whether `refer` uses it in its first pathway
};

class Engine {
 public:
  // Throws LoadError listing every problem in data and rules; nothing is half-loaded.
  static std::shared_ptr<const Engine> load(const EnginePaths& paths);

  const Directory& directory() const { return *directory_; }
  const rules::Policy& policy() const { return *policy_; }
  const geo::TravelModel& travel() const { return *travel_; }
  const planner::Planner& planner() const { return *planner_; }
  const EnginePaths& paths() const { return paths_; }
  // How this engine's directory was loaded: from a snapshot, or from the sources (and whether a
  // snapshot was written). Engines derived by with_capacity and with_providers keep their base's.
  const SnapshotUse& snapshot() const { return snapshot_; }

  // YAML or JSON text -> a checked case (taxonomy, geography and policy input rules).
  Case parse_case(const std::string& text, const std::string& origin) const;
  // The same from an already-parsed JSON document (the server's body, the CLI's flags): no text
  // printed and parsed back, the same checks and messages.
  Case case_from_json(const nlohmann::json& doc, const std::string& origin) const;

  // The time now at community c, on its wall clock: a case's `when` when it gives none (the
  // CLI and the server set it; the engine itself never reads the clock for a case).
  LocalTime now_at(CommunityIndex c) const;
  Answer refer(const Case& c, Date as_of) const;
  // Throws LoadError (field "provider") for an unknown provider id.
  Explanation explain(const Case& c, const std::string& provider_id, Date as_of) const;

  // Renderings of answers, shared by the CLI and the server.
  nlohmann::json case_json(const Case& c) const;
  nlohmann::json answer_json(const Answer& a) const;
  // answer_json(a).dump(indent) (-1: compact), written without building the document: what the
  // server sends. Invalid UTF-8 in a string becomes U+FFFD instead of throwing.
  std::string answer_json_text(const Answer& a, int indent) const;
  std::string answer_text(const Answer& a) const;
  nlohmann::json explanation_json(const Case& c, const Explanation& e) const;
  std::string explanation_text(const Case& c, const Explanation& e) const;
  // A provider as shown to API users and in answers: never an address when confidential.
  nlohmann::json provider_json(ProviderIndex p) const;
  // One line: counts per province and totals.
  std::string summary() const;
  // `nrm validate`'s check of catchments (api/catchments.cpp): for each territorial need (the
  // policy's catchment_needs), every provider of it has a catchment, no two providers of one kind
  // (for everyone, or for the same peoples) hold the same community, and those for everyone hold
  // every community of each province where they hold any. Empty when all is well.
  std::vector<Diagnostic> catchment_problems() const;

  // nrm route: the fastest journey between two community ids, {"from", "to", "hours", "legs":
  // [{"from", "to", "mode", "hours", "via"}]} ("hours" null if unreachable), and as text. Throws
  // LoadError (field "from" or "to") for an unknown id. See docs/travel.md.
  nlohmann::json route_json(const std::string& from, const std::string& to) const;
  std::string route_text(const std::string& from, const std::string& to) const;

  // An engine identical to this one but for one provider's capacity: the server's live bed
  // updates. Shares the rules and the travel model, copies the directory; this engine is left
  // untouched for requests still using it. Throws LoadError (field "available" or "beds") when the
  // values are out of range or the provider has no capacity.
  std::shared_ptr<const Engine> with_capacity(ProviderIndex p, int available,
                                              std::optional<int> beds = std::nullopt) const;
  // An engine identical to this one but with the providers of `extra_text` (a providers file's
  // text, named `origin` in diagnostics) added and those whose ids are in `drop` removed: the
  // audit's what-if. Shares the rules and the travel model; throws LoadError as a load would.
  std::shared_ptr<const Engine> with_providers(const std::string& extra_text, const std::string& origin,
                                               const std::set<std::string>& drop) const;

 private:
  Engine() = default;
  std::shared_ptr<const Engine> sharing_rules_and_travel(std::shared_ptr<const Directory> directory) const;
  Case parse_case_checked(Case c, const std::string& origin) const;
  EnginePaths paths_;
  SnapshotUse snapshot_;
  std::shared_ptr<const Directory> directory_;
  std::shared_ptr<const rules::Policy> policy_;
  std::shared_ptr<const geo::TravelModel> travel_;
  std::unique_ptr<planner::Planner> planner_;
};

}  // namespace nrm::api
