// Tracked cases, the engine's half (docs/api.md, "Tracked cases"): whether the steps a worker chose
// form a valid pathway for a case, with every failure named by step, provider, rule and reason; and
// the replacement after a provider declines. The state of a case lives in store/; this decides.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/engine.hpp"

namespace nrm::api {

// The most new steps one request may name: their orders are tried exhaustively (8! at most).
inline constexpr std::size_t kMaxCaseSteps = 8;

// Why a provider declines a step, and how a case ends (codes shared with the statistics; none may
// be renamed once shipped).
inline constexpr std::string_view kDeclineReasons[] = {"full",           "not_eligible", "not_accepting_trafficking_victims",
                                                       "safety_concern", "person_declined", "no_response",
                                                       "other"};
inline constexpr std::string_view kOutcomes[] = {"supported", "declined_all", "person_withdrew", "lost_contact", "other"};

// What the person agreed to, recorded with the case.
struct Consent {
  bool share = false;   // their situation (the case: nothing identifying) goes to each provider of the pathway
  bool police = false;  // police steps may be proposed: the case's police_consent
};

// A step a provider accepted: it stays as it is, before every new step (a replacement's prefix).
struct KeptStep {
  ProviderIndex provider = 0;
  NeedSet covers = 0;
  bool in_person = false;
};

// One reason the steps are refused (HTTP 422): which step fails which rule.
struct StepFailure {
  int step = -1;         // index into the steps given; -1: the steps together
  std::string provider;  // that step's provider id; empty for the steps together
  std::string rule;      // a rule id of rules/, or a check named in docs/api.md ("covers-every-need", ...)
  std::string reason;    // plain words
};

struct CheckedStep {
  ProviderIndex provider = 0;
  NeedSet covers = 0;     // what the provider is asked to cover
  bool in_person = false;
  bool kept = false;      // one of the kept steps, unchanged
  bool duty = false;      // the child-protection step of a minor: opened whatever the consent
};

struct PathwayCheck {
  rules::CaseNeeds needs;             // asked and derived
  bool duty_to_report = false;        // policy sends this person to child protection (a minor)
  std::vector<CheckedStep> steps;     // in the order given; complete only when ok()
  std::vector<StepFailure> failures;  // empty: the steps form a valid pathway
  bool ok() const { return failures.empty(); }
};

// What a worker asks for: steps in order, the accepted steps that must stay (each also named in
// `steps`), the providers that declined (never asked again) and the consent.
struct PathwayRequest {
  std::vector<ProviderIndex> steps;
  std::vector<KeptStep> kept;
  std::vector<ProviderIndex> declined;
  Consent consent;
};

// Provider ids as given -> indices. Throws LoadError naming `field`[i] for an unknown id, with the
// closest known id.
std::vector<ProviderIndex> provider_indices(const Engine& e, const std::vector<std::string>& ids,
                                            const std::string& field);

// Whether `request` forms a valid pathway for case `c` on `as_of`: each new step eligible under the
// rules (Engine::explain's verdict), consented to, not declined or excluded, and useful; the steps
// together meeting every need still to meet (asked and derived, after the kept steps) in some order
// the planner would take (Problem::step: immediate needs first, interpretation, the travel cap).
// What each step covers is what the best such order gives it, so steps copied from an answer are
// asked to cover what the answer showed. Intake hours are not considered (the provider answers
// when it opens). Every failure is returned, none thrown.
PathwayCheck check_pathway(const Engine& e, const Case& c, const PathwayRequest& request, Date as_of);

// The best pathway that keeps `kept` (in order, first) and asks no provider of `declined`: the
// kept steps, then the planner's best completion from where they leave the person (with the
// travel cap less their travel). Its cost counts the new steps. Nothing when none meets every need.
std::optional<planner::PlannedPathway> replacement(const Engine& e, const Case& c, const std::vector<KeptStep>& kept,
                                                   const std::vector<ProviderIndex>& declined, const Consent& consent,
                                                   Date as_of);

// A pathway as an answer shows it (answer_json's pathway shape, without fallbacks).
nlohmann::json pathway_json(const Engine& e, const Case& c, const planner::PlannedPathway& p, Date as_of);

// Whether accepting a step that covers `covers` takes one of the provider's beds: it covers a
// shelter need (taxonomy `shelter: true`) and the provider keeps a bed count.
bool takes_bed(const Engine& e, ProviderIndex p, NeedSet covers);

// Need codes -> a set; unknown codes are skipped (a stored case outliving a taxonomy change).
NeedSet need_set(const Taxonomy& t, const std::vector<std::string>& codes);

// The age band a provider's inbox shows instead of the age: "under 16", "16-17", "18-24", "25-64",
// "65 and over", or "unknown".
std::string age_band(std::optional<int> age);

}  // namespace nrm::api
