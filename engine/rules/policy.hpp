// Referral policy (rules/*.yaml), compiled once at load and evaluated per case. The planner asks
// the policy three things: which needs a case implies, how each provider may be used for the case
// (not at all, remote only, in person too) and what each provider adds to a step's cost. The
// engine knows no policy of its own: every rule, weight and travel parameter comes from rules/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/params.hpp"
#include "model/case.hpp"
#include "model/diagnostics.hpp"
#include "model/directory.hpp"

namespace nrm::rules {

// Costs are integers, 3,600,000 to a cost unit, so sums are exact and associative and ties are
// real ties. The scale is a multiple of 3,600 so that a second of travel costs a whole number
// (1,000 at travel_hour 1): travel costs then add up exactly along a route, and the planner's
// lower bounds need no slack for rounding.
using Cost = std::int64_t;
inline constexpr Cost kCostScale = 3'600'000;
inline Cost to_cost(double units) { return static_cast<Cost>(units * kCostScale + (units >= 0 ? 0.5 : -0.5)); }
inline double from_cost(Cost c) { return static_cast<double>(c) / kCostScale; }

// Global ranking weights (rules/ranking.yaml). Units in docs/ranking.md.
struct Weights {
  double travel_hour = 1.0;      // cost of one hour of travel
  double handoff = 1.0;          // cost of each step (each hand-off to a provider)
  double wait_day = 0.5;         // cost of a day of waiting
  double stale = 1.0;            // cost of using an entry not verified in the last 12 months
  double cross_province = 0.5;   // cost of a step in another province than the case's location
  double partner_reward = 0.5;   // reward (subtracted) when a step is a formal partner of the previous one
  // A phone/video provider is listed as an alternate of a remote step when taking its place costs
  // at most this much more; at most alternates_listed of them, cheapest first.
  double alternate_within = 1.0;
  double alternates_listed = 3;
  int stale_after_days = 365;
  // Urgency (the `urgency` section): travel before each of these needs is met costs this much
  // more per hour, in cost units, on top of travel_hour. In taxonomy order.
  std::vector<std::pair<NeedId, double>> urgency;
};


// Pathway-level language policy (rules/language.yaml or a `language:` section).
struct LanguagePolicy {
  bool enabled = true;
  NeedId interpretation_need = -1;  // the need an unmatched in-person step adds
  std::string rule_id;               // shown in "why"
  std::string reason;
  std::string reason_fr;  // empty: the English one
  // Cost of a step whose provider speaks one of the person's languages but not the first one.
  double later_language = 0;
};

// What a rule does when its condition holds (docs/rules.md); effect_name() is its name in rules/.
enum class Effect {
  kExclude,
  kExcludeInPerson,
  kExcludeRemote,
  kDerive,
  kWithhold,
  kPrefer,
  kReward,
  kPenalise,
  kPenaliseInPerson,
  kError,
  kNotice,
};
const char* effect_name(Effect e);

// Why a rule fired, for "why" lists and `nrm explain`.
struct RuleHit {
  std::string rule_id;
  std::string reason;  // the rule's plain-language reason
  Effect effect = Effect::kExclude;
  Cost cost = 0;       // what it added to a step's cost (negative = reward)
};

struct Derivation {
  NeedId need = -1;
  std::string rule_id;
  std::string reason;
};

// How one provider may be used for one case.
struct Assessment {
  bool eligible = false;    // false: excluded outright (no step at all)
  bool in_person = false;   // may be used in person (eligible, offers in person, meets `require`, not avoided)
  bool remote = false;      // may be used by phone/video
  NeedSet withheld = 0;     // services it cannot meet for this case (e.g. a full shelter)
  Cost preferences = 0;     // <= 0 usually: rewards for preferred attributes
  Cost penalties = 0;       // >= 0 usually: stale entry, ...
  // Added to the step's cost only when the step is in person (e.g. crossing into another province
  // to get there); 0 when in_person is false. Added by the rules engine (see docs/rules.md).
  Cost in_person_penalties = 0;
  bool stale = false;       // not verified within weights().stale_after_days of the query's date
};

// One loaded rule, for listings (`nrm validate`, `nrm explain`).
struct RuleInfo {
  std::string id;
  std::string reason;
  Effect effect = Effect::kExclude;
  std::string file;
  int line = 0;
  bool french = false;  // the rule gives its reason in French too (reason_fr)
};

// A notice the answer carries for this case (effect `notice`), e.g. the duty to report a child in
// need of protection.
struct Notice {
  std::string rule_id;
  std::string text;  // the rule's reason
};

struct CaseNeeds {
  NeedSet needs = 0;                     // asked and derived
  std::vector<Derivation> derived;       // in rule order, each need once, only needs not asked
  std::vector<Notice> notices;           // in rule order
};

class Policy;

// The provider rules of a policy specialised to one case (Policy::prepare): every case field is
// folded into a constant once and the rules that cannot fire for this case are dropped, so
// assessing each provider is cheaper than Policy::assess. Same verdicts and hits as
// Policy::assess and Policy::explain for that case and date. Keeps pointers to the Policy and the
// Directory it was prepared with: both must outlive it (it copies the case).
class CaseRules {
 public:
  CaseRules(CaseRules&&) noexcept;
  CaseRules& operator=(CaseRules&&) noexcept;
  ~CaseRules();

  Assessment assess(ProviderIndex p) const;
  // The same for a provider that Policy::excluded_in_province keeps for the case's province:
  // the exclusions that filter decides are not run again. Undefined for any other provider.
  Assessment assess_kept(ProviderIndex p) const;
  Assessment explain(ProviderIndex p, std::vector<RuleHit>& hits) const;
  std::size_t rule_count() const;  // provider rules left after specialisation

 private:
  friend class Policy;
  struct Impl;
  explicit CaseRules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Policy {
 public:
  // Loads every *.yaml in `dir` (sorted by name), checks it against the directory's taxonomy and
  // field names, and compiles it. Throws LoadError with every problem (file:line, rule id).
  static Policy load(const std::string& dir, const Directory& directory);
  // The same from an explicit list of files, read in the order given (tests, tools).
  static Policy load_files(const std::vector<std::string>& files, const Directory& directory);

  Policy(Policy&&) noexcept;
  Policy& operator=(Policy&&) noexcept;
  ~Policy();

  const Weights& weights() const;
  const geo::TravelParams& travel() const;  // rules/travel.yaml (the travel model's own type)
  const LanguagePolicy& language() const;
  std::size_t rule_count() const;
  std::vector<RuleInfo> rules() const;  // in rule order
  // Whether any rule reads case.location (not just case.province). When none does, a case's
  // verdicts and derived needs depend on its location only through its province.
  bool reads_case_location() const;
  // Whether every rule that reads case.location asks only whether it is in provider.catchment
  // (`case.location in provider.catchment`): verdicts then depend on the location through its
  // province and the catchments that hold it. True when no rule reads case.location.
  bool reads_location_only_by_catchment() const;
  // The needs a withhold rule reading provider.catchment withholds: services that only the
  // provider responsible for the person's community may give (`nrm validate` checks that the
  // directory's catchments for them tile each province).
  NeedSet catchment_needs() const;
  // Per provider of `d`: whether every case located in `province` excludes it, whatever the
  // case's other fields and the date (exclude rules that read only the provider's fixed fields
  // and case.province). A fast first filter; the full assessment agrees with it.
  std::vector<char> excluded_in_province(const Directory& d, int province) const;

  // Input errors implied by policy (e.g. police.liaison asked without police_consent). Empty =
  // the case is acceptable. Each names the field.
  std::vector<Diagnostic> check_case(const Case& c, const Directory& d) const;

  // Needs implied by policy, plus the asked ones.
  CaseNeeds derive_needs(const Case& c, const Directory& d) const;

  // Fast path used by the planner: no strings built.
  Assessment assess(const Case& c, const Directory& d, ProviderIndex p, Date as_of) const;

  // Slow path for explanations: the same verdict, plus every rule that fired, in rule order.
  Assessment explain(const Case& c, const Directory& d, ProviderIndex p, Date as_of,
                     std::vector<RuleHit>& hits) const;

  // Fastest path, for a loop over many providers for one case: see CaseRules.
  CaseRules prepare(const Case& c, const Directory& d, Date as_of) const;

 private:
  struct Impl;
  explicit Policy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nrm::rules
