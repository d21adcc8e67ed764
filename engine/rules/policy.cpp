// The referral policy: loading rules/*.yaml (every problem reported at once, never half-loaded),
// and evaluating the compiled rules for a case (derive_needs, check_case) and for one provider
// against a case (assess on the planner's hot path, explain for people).
//
// Invariants:
//   1. Rule order is file-name order, then order within the file. Hits, derivations and case
//      errors come out in that order.
//   2. assess() and explain() return the same Assessment: both apply the same rules; assess()
//      may stop at the first exclusion because every effect is an OR of flags or a sum of costs,
//      so evaluation order cannot change the verdict.
//   3. An excluded provider has eligible, in_person and remote false, nothing withheld and zero
//      costs; only `stale` is still set.
#include "rules/policy.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "directory/yaml_util.hpp"
#include "i18n/lang.hpp"
#include "i18n/text.hpp"
#include "rules/eval.hpp"
#include "rules/expr.hpp"

namespace nrm::rules {

namespace {

using nrm::detail::YamlNode;

using detail::Compiled;
using detail::CompileError;
using detail::Context;
using detail::Evaluator;
using detail::Tri;
using detail::Type;

constexpr int kSchemaVersion = 1;

struct EffectInfo {
  const char* name;
  Effect effect;
  bool
      provider;  // evaluated per provider (else per case, and the condition may not read providers)
};

constexpr EffectInfo kEffects[] = {
    {"exclude", Effect::kExclude, true},
    {"exclude_in_person", Effect::kExcludeInPerson, true},
    {"exclude_remote", Effect::kExcludeRemote, true},
    {"derive", Effect::kDerive, false},
    {"withhold", Effect::kWithhold, true},
    {"prefer", Effect::kPrefer, true},
    {"reward", Effect::kReward, true},
    {"penalise", Effect::kPenalise, true},
    {"penalise_in_person", Effect::kPenaliseInPerson, true},
    {"error", Effect::kError, false},
    {"notice", Effect::kNotice, false},
};

}  // namespace

const char* effect_name(Effect e) {
  for (const EffectInfo& info : kEffects)
    if (info.effect == e) return info.name;
  return "?";  // unreachable: kEffects names every effect
}

namespace {

// Case fields an `error` rule may name (the fields of the case document).
const std::vector<std::string>& case_field_names() {
  static const std::vector<std::string> kNames = {
      "location",         "age",   "gender",  "identity", "languages", "status",
      "exploitation",     "needs", "require", "prefer",   "avoid",     "police_consent",
      "max_travel_hours", "exclude", "top", "as_of"};
  return kNames;
}

// Global weights (ranking) and travel parameters: name, member, allowed range, unit.
struct WeightSpec {
  const char* name;
  double Weights::*member;
  double min, max;
  bool integer = false;
};
constexpr WeightSpec kWeightSpecs[] = {
    {"travel_hour", &Weights::travel_hour, 0, 100},
    {"handoff", &Weights::handoff, 0, 100},
    {"wait_day", &Weights::wait_day, 0, 100},
    {"stale", &Weights::stale, 0, 100},
    {"cross_province", &Weights::cross_province, 0, 100},
    {"partner_reward", &Weights::partner_reward, 0, 100},
    {"alternate_within", &Weights::alternate_within, 0, 100},
    {"alternates_listed", &Weights::alternates_listed, 0, 20, true},
};
constexpr double kStaleAfterDaysMin = 1, kStaleAfterDaysMax = 3650;
constexpr double kRuleWeightMin = 0, kRuleWeightMax = 100;

using geo::kTravelSpecs;  // the travel parameters and their ranges live with the travel model

// A rule's words in the thread's language: French if the rule has them, else English.
const std::string& in_current(const std::string& en, const std::string& fr) {
  return i18n::current() == Lang::kFr && !fr.empty() ? fr : en;
}

struct Rule {
  std::string id;
  std::string reason;
  std::string reason_fr;  // empty: French answers show the English reason
  std::string file;
  int line = 0;
  const EffectInfo* effect = nullptr;
  std::uint32_t when = 0;  // root of the condition in the pool
  // payload
  NeedId need = -1;         // derive
  NeedSet needs = 0;        // withhold
  double weight = 0;        // prefer / reward / penalise
  std::string weight_name;  // when the weight names a global weight
  Cost cost = 0;            // |weight| in micro-units, resolved after every file is read
  bool has_for_each = false;
  std::uint32_t for_each = 0;  // a count node
  std::string field;           // error
  std::string message;         // error
  std::string message_fr;      // error, in French (empty: the English one)
  const std::string& reason_here() const { return in_current(reason, reason_fr); }
};

// A source position: 1-based line and column.
struct Pos {
  int line = 0;
  int column = 0;
};

// One rules file being read: its text (to locate tokens of conditions) and its diagnostics.
class FileReader {
 public:
  FileReader(std::string file, const std::string& text, Diagnostics& diags)
      : file_(std::move(file)), text_(text), diags_(diags) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }

  const std::string& file() const { return file_; }

  static Pos pos(YamlNode n) { return {n.mark().line, n.mark().column}; }

  void error(Pos at, const std::string& field, const std::string& message) {
    diags_.add(file_, at.line, at.column, field, message);
  }
  void error(YamlNode at, const std::string& field, const std::string& message) {
    error(pos(at), field, message);
  }

  // Where `token`, the k-th occurrence in `expr` up to `offset`, sits in the source, searching
  // from the scalar's start. Works for plain, quoted and block scalars alike.
  Pos locate(YamlNode scalar, const std::string& expr, std::size_t offset,
             const std::string& token) const {
    Pos start = pos(scalar);
    if (start.line == 0) return start;
    const std::size_t from = nrm::detail::byte_offset(text_, scalar.mark());
    if (token.empty()) {
      // End of the condition: the end of its first line is a fair place to point at.
      std::size_t eol = text_.find('\n', from);
      if (eol == std::string::npos) eol = text_.size();
      return at(std::min(eol, from + std::max<std::size_t>(expr.size(), 1)));
    }
    std::size_t k = 0;
    for (std::size_t i = expr.find(token); i != std::string::npos && i < offset;
         i = expr.find(token, i + 1))
      ++k;
    std::size_t p = text_.find(token, from);
    for (; p != std::string::npos && k > 0; --k) p = text_.find(token, p + 1);
    if (p == std::string::npos) return start;
    return at(p);
  }

 private:
  Pos at(std::size_t p) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), p);
    std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    // Columns count characters, as the YAML parser's do (and a byte-order mark is no column).
    int column = 1;
    for (std::size_t i = line_starts_[line - 1]; i < p; ++i)
      column += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
    if (line == 1 && text_.rfind("\xEF\xBB\xBF", 0) == 0 && p >= 3) --column;
    return {static_cast<int>(line), column};
  }

  std::string file_;
  const std::string& text_;
  Diagnostics& diags_;
  std::vector<std::size_t> line_starts_;
};

std::string with_hint(const std::string& message, const std::string& name,
                      const std::vector<std::string>& known) {
  std::string hint = closest_name(name, known);
  return hint.empty() ? message : message + "; did you mean " + hint + "?";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string format_number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string range_text(double min, double max) {
  return "[" + format_number(min) + ", " + format_number(max) + "]";
}

// Whether every field the sub-tree at `root` reads passes `ok`.
template <class Ok>
bool fields_all(const detail::Pool& pool, std::uint32_t root, const Ok& ok) {
  using detail::Op;
  const detail::Node& n = pool.nodes[root];
  switch (n.op) {
    case Op::kBoolField:
    case Op::kNumField:
    case Op::kCodeField:
    case Op::kMaskField:
    case Op::kListField:
      return ok(static_cast<detail::Field>(n.arg));
    case Op::kNotBoolField:
    case Op::kCodeInMaskField:
      return ok(static_cast<detail::Field>(n.arg));
    case Op::kCmpFieldNum:
      return ok(static_cast<detail::Field>(n.a));
    case Op::kConstBool:
    case Op::kConstNum:
    case Op::kConstCode:
    case Op::kConstMask:
    case Op::kConstList:
      return true;
    case Op::kNot:
    case Op::kKnownNum:
    case Op::kKnownMask:
    case Op::kKnownBool:
    case Op::kCountMask:
    case Op::kCountList:
      return fields_all(pool, n.a, ok);
    default:  // every other operation has two operands
      return fields_all(pool, n.a, ok) && fields_all(pool, n.b, ok);
  }
}

// Fields whose value for a case located in a province is fixed by the provider and that province:
// no other case field, nothing that changes with the date or with capacity updates. An exclude
// rule that reads only these decides Policy::excluded_in_province.
bool decided_by_province(detail::Field f) {
  using detail::Field;
  if (f == Field::kCaseProvince) return true;
  if (f < Field::kProviderId) return false;  // every other case field
  return f != Field::kProviderVerifiedDaysAgo && f != Field::kProviderStale &&
         f != Field::kProviderCapacityAvailable && f != Field::kProviderCapacityBeds;
}

// One provider rule as a program runs it: the rule, and the roots of its condition and of its
// for_each count in the program's pool.
struct RuleCode {
  std::uint32_t rule = 0;
  std::uint32_t when = 0;
  bool has_for_each = false;
  std::uint32_t for_each = 0;
};

// The provider rules ready to run: the policy's own (general, for any case) or one specialised to
// a case by Policy::prepare (case fields folded, rules that cannot fire dropped).
struct Program {
  const detail::Pool* pool = nullptr;
  std::vector<RuleCode> exclusions;  // effect exclude, in rule order
  // The exclusions Policy::excluded_in_province does not decide (for providers it keeps, the
  // others cannot fire), in rule order.
  std::vector<RuleCode> open_exclusions;
  std::vector<RuleCode> others;      // every other provider effect, in rule order
  std::vector<RuleCode> all;         // both, in rule order (explain)
};

// Everything a loaded policy holds; Policy::Impl is exactly this.
struct PolicyData {
  Weights weights;
  geo::TravelParams travel;
  LanguagePolicy language;
  detail::Pool pool;
  std::vector<Rule> rules;                // every rule, in order
  std::vector<std::uint32_t> case_rules;  // derive and error rules, in order
  Program general;                        // the provider rules, for any case

  Context case_context(const Case& c, const Directory& d) const {
    Context x;
    x.c = &c;
    x.d = &d;
    for (NeedId n : c.needs) x.case_needs |= need_bit(n);
    x.case_province = d.geography.communities[c.location].province;
    return x;
  }

  void set_provider(Context& x, const Provider& p, Date as_of) const {
    x.p = &p;
    if (p.verified) {
      x.verified = true;
      x.verified_days_ago = as_of.days - p.verified->days;
      x.stale = x.verified_days_ago > weights.stale_after_days;
    } else {
      x.verified = false;
      x.stale = true;
    }
  }

  // The cost a firing rule adds (before its sign), or 0 when a for_each set is empty.
  static Cost rule_cost(const Rule& r, const RuleCode& code, const Evaluator& ev) {
    if (!code.has_for_each) return r.cost;
    detail::Num n = ev.number(code.for_each);
    if (!n.known) return 0;
    return r.cost * static_cast<Cost>(n.v);
  }

  // Runs `prog` for the provider in `x` (see invariants 2 and 3 at the top of this file).
  // kKept: the provider is one Policy::excluded_in_province keeps for the case's province, so only
  // the exclusions that filter does not decide are run (the others cannot fire).
  template <bool kExplain, bool kKept = false>
  Assessment run(const Program& prog, const Context& x, std::vector<RuleHit>* hits) const {
    const Provider& p = *x.p;
    Evaluator ev(*prog.pool, x);
    Assessment a;
    a.stale = x.stale;
    bool excluded = false;
    [[maybe_unused]] std::size_t first = hits ? hits->size() : 0;
    if constexpr (!kExplain) {
      for (const RuleCode& code : kKept ? prog.open_exclusions : prog.exclusions)
        if (ev.boolean(code.when) == Tri::kTrue) return a;
    }
    bool in_person = p.offers_in_person();
    bool remote = p.offers_remote();
    Cost in_person_penalties = 0;
    for (const RuleCode& code : kExplain ? prog.all : prog.others) {
      if (ev.boolean(code.when) != Tri::kTrue) continue;
      const Rule& r = rules[code.rule];
      Cost cost = 0;
      switch (r.effect->effect) {
        case Effect::kExclude:
          excluded = true;
          break;
        case Effect::kExcludeInPerson:
          in_person = false;
          break;
        case Effect::kExcludeRemote:
          remote = false;
          break;
        case Effect::kWithhold:
          a.withheld |= r.needs & p.services;
          break;
        case Effect::kPrefer:
        case Effect::kReward:
          cost = -rule_cost(r, code, ev);
          if (cost == 0 && code.has_for_each) continue;
          a.preferences += cost;
          break;
        case Effect::kPenalise:
          cost = rule_cost(r, code, ev);
          if (cost == 0 && code.has_for_each) continue;
          a.penalties += cost;
          break;
        case Effect::kPenaliseInPerson:
          cost = rule_cost(r, code, ev);
          if (cost == 0 && code.has_for_each) continue;
          in_person_penalties += cost;
          break;
        case Effect::kDerive:
        case Effect::kError:
        case Effect::kNotice:
          continue;
      }
      if constexpr (kExplain) hits->push_back({r.id, r.reason_here(), r.effect->effect, cost});
    }
    if (excluded) {
      Assessment none;
      none.stale = x.stale;
      return none;
    }
    if constexpr (kExplain) {
      // A cost that only applies in person is not part of the verdict when in person is out.
      if (!in_person)
        hits->erase(
            std::remove_if(hits->begin() + static_cast<std::ptrdiff_t>(first), hits->end(),
                           [](const RuleHit& h) { return h.effect == Effect::kPenaliseInPerson; }),
            hits->end());
    }
    a.eligible = true;
    a.in_person = in_person;
    a.remote = remote;
    a.in_person_penalties = in_person ? in_person_penalties : 0;
    return a;
  }

  // The provider rules specialised to one case, into `pool` (which must outlive the result).
  Program specialise(const Context& case_ctx, detail::Pool& out) const {
    Program prog;
    prog.pool = &out;
    for (const RuleCode& code : general.all) {
      RuleCode folded = code;
      folded.when = detail::fold(pool, code.when, case_ctx, out);
      Tri truth = Tri::kUnknown;
      if (detail::is_const_bool(out, folded.when, &truth) && truth != Tri::kTrue) continue;
      if (code.has_for_each) {
        folded.for_each = detail::fold(pool, code.for_each, case_ctx, out);
        double count = 1;
        if (detail::is_const_number(out, folded.for_each, &count) && count == 0) continue;
      }
      prog.all.push_back(folded);
      const bool exclusion = rules[code.rule].effect->effect == Effect::kExclude;
      (exclusion ? prog.exclusions : prog.others).push_back(folded);
      if (exclusion && !fields_all(pool, code.when, decided_by_province)) prog.open_exclusions.push_back(folded);
    }
    return prog;
  }
};

// ---- loading ------------------------------------------------------------------------------------

class Loader {
 public:
  Loader(const Directory& d, PolicyData& impl, Diagnostics& diags)
      : d_(d), impl_(impl), diags_(diags) {
    detail::prepare_pool(impl_.pool, d_);
  }

  void file(const std::string& path, const std::string& text) {
    FileReader f(path, text, diags_);
    auto parsed = nrm::detail::parse_yaml(text, path, diags_);  // the shared bounded reader
    if (!parsed) return;
    const YamlNode root = parsed->root();
    if (!root.is_map()) {
      f.error(Pos{1, 1}, "", "a rules file is a mapping that starts with 'schema: 1'");
      return;
    }
    YamlNode schema = root["schema"];
    if (!schema) {
      f.error(Pos{1, 1}, "schema",
              "missing schema version; start the file with 'schema: " +
                  std::to_string(kSchemaVersion) + "'");
      return;
    }
    if (!schema.is_scalar() || schema.str() != std::to_string(kSchemaVersion)) {
      f.error(schema, "schema",
              "unsupported schema version " +
                  (schema.is_scalar() ? schema.str() : std::string("?")) +
                  "; this nrm reads schema " + std::to_string(kSchemaVersion));
      return;
    }
    static const std::vector<std::string> kSections = {"schema", "rules", "weights", "travel",
                                                       "language", "urgency"};
    std::vector<std::string> seen;
    for (auto [key_node, value] : root.entries()) {
      const std::string key = key_node.str();
      // A section given twice in this file: the parser has said so; read the first only.
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      if (key == "schema") continue;
      if (key == "rules") {
        rules(f, value);
      } else if (key == "weights") {
        if (section_once(f, key_node, key)) weights(f, value);
      } else if (key == "travel") {
        if (section_once(f, key_node, key)) travel(f, value);
      } else if (key == "language") {
        if (section_once(f, key_node, key)) language(f, value);
      } else if (key == "urgency") {
        if (section_once(f, key_node, key)) urgency(f, value);
      } else {
        f.error(key_node, key,
                with_hint("unknown section " + key + " (expected " + join(kSections) + ")", key,
                          kSections));
      }
    }
  }

  void finish() {
    // Named weights resolve against the final global weights, wherever the weights section is.
    for (std::size_t rule_index : pending_weights_) {
      Rule& r = impl_.rules[rule_index];
      for (const auto& spec : kWeightSpecs)
        if (r.weight_name == spec.name) r.weight = impl_.weights.*spec.member;
    }
    for (auto& r : impl_.rules) r.cost = to_cost(r.weight);
    if (!language_seen_) {
      // Default language policy: the taxonomy's interpretation need.
      impl_.language.rule_id = "language";
      impl_.language.reason =
          "Nobody at this step speaks one of the person's languages, so interpretation is added.";
      auto n = d_.taxonomy.needs.find("interpretation");
      if (n)
        impl_.language.interpretation_need = *n;
      else
        impl_.language.enabled = false;
    }
    Program& prog = impl_.general;
    prog.pool = &impl_.pool;
    for (std::uint32_t i = 0; i < impl_.rules.size(); ++i) {
      const Rule& r = impl_.rules[i];
      if (!r.effect->provider) {
        impl_.case_rules.push_back(i);
        continue;
      }
      RuleCode code{i, r.when, r.has_for_each, r.for_each};
      prog.all.push_back(code);
      (r.effect->effect == Effect::kExclude ? prog.exclusions : prog.others).push_back(code);
    }
  }

 private:
  bool section_once(FileReader& f, YamlNode key, const std::string& name) {
    auto [it, fresh] =
        sections_.emplace(name, f.file() + ":" + std::to_string(FileReader::pos(key).line));
    if (!fresh) {
      f.error(key, name, "section " + name + " given twice (first at " + it->second + ")");
      return false;
    }
    return true;
  }

  bool check_keys(FileReader& f, YamlNode map, const std::string& prefix,
                  const std::vector<std::string>& allowed) {
    bool ok = true;
    for (auto [k, v] : map.entries()) {  // a key given twice is refused by the parser
      const std::string key = k.is_scalar() ? k.str() : "?";
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        f.error(
            k, prefix + key,
            with_hint("unknown key " + key + " (expected " + join(allowed) + ")", key, allowed));
        ok = false;
      }
    }
    return ok;
  }

  std::optional<double> number_in(FileReader& f, YamlNode n, const std::string& field,
                                  double min, double max, bool integer = false) {
    std::optional<double> v = n.is_scalar() ? parse_number(n.str()) : std::nullopt;
    if (!v) {
      f.error(n, field,
              "expected a number in " + range_text(min, max) + ", found " +
                  (n.is_scalar() ? "'" + n.str() + "'" : std::string("a list or mapping")));
      return std::nullopt;
    }
    if (integer && *v != std::floor(*v)) {
      f.error(n, field, "expected a whole number, found " + n.str());
      return std::nullopt;
    }
    if (*v < min || *v > max) {
      f.error(n, field, n.str() + " is out of range " + range_text(min, max));
      return std::nullopt;
    }
    return v;
  }

  void weights(FileReader& f, YamlNode node) {
    if (!node.is_map()) {
      f.error(node, "weights", "expected a mapping of weight names to numbers");
      return;
    }
    std::vector<std::string> allowed;
    for (const auto& s : kWeightSpecs) allowed.push_back(s.name);
    allowed.push_back("stale_after_days");
    check_keys(f, node, "weights.", allowed);
    for (const auto& s : kWeightSpecs)
      if (node[s.name])
        if (auto v = number_in(f, node[s.name], std::string("weights.") + s.name, s.min, s.max, s.integer))
          impl_.weights.*s.member = *v;
    if (node["stale_after_days"])
      if (auto v = number_in(f, node["stale_after_days"], "weights.stale_after_days",
                             kStaleAfterDaysMin, kStaleAfterDaysMax, true))
        impl_.weights.stale_after_days = static_cast<int>(*v);
  }

  // need code -> extra cost per hour of travel before that need is met.
  void urgency(FileReader& f, YamlNode node) {
    if (!node.is_map()) {
      f.error(node, "urgency", "expected a mapping of need codes to weights (cost units per hour)");
      return;
    }
    std::vector<std::pair<NeedId, double>> out;
    for (auto [key, value] : node.entries()) {
      const std::string code = key.str();
      auto need = d_.taxonomy.needs.find(code);
      if (!need) {
        f.error(key, "urgency." + code,
                with_hint("unknown need code " + code, code, d_.taxonomy.needs.codes()));
        continue;
      }
      if (auto v = number_in(f, value, "urgency." + code, kRuleWeightMin, kRuleWeightMax))
        out.emplace_back(*need, *v);
    }
    std::sort(out.begin(), out.end());
    impl_.weights.urgency = std::move(out);
  }

  void travel(FileReader& f, YamlNode node) {
    if (!node.is_map()) {
      f.error(node, "travel", "expected a mapping of travel parameters to numbers");
      return;
    }
    std::vector<std::string> allowed;
    for (const auto& s : kTravelSpecs) allowed.push_back(s.name);
    allowed.push_back("local_links");
    check_keys(f, node, "travel.", allowed);
    for (const auto& s : kTravelSpecs)
      if (node[s.name])
        if (auto v = number_in(f, node[s.name], std::string("travel.") + s.name, s.min, s.max))
          impl_.travel.*s.member = *v;
    if (node["local_links"])
      if (auto v = number_in(f, node["local_links"], "travel.local_links", 1, 5, true))
        impl_.travel.local_links = static_cast<int>(*v);
    const auto& t = impl_.travel;
    if (t.air_connection_hours > t.air_departure_hours + t.air_arrival_hours)
      f.error(node, "travel.air_connection_hours",
              "a connection of " + format_number(t.air_connection_hours) +
                  " h is longer than departure and arrival together (" +
                  format_number(t.air_departure_hours + t.air_arrival_hours) +
                  " h); expected at most their sum, so that one flight never costs less than two");
  }

  void language(FileReader& f, YamlNode node) {
    language_seen_ = true;
    if (!node.is_map()) {
      f.error(node, "language", "expected a mapping (id, reason, enabled, interpretation_need)");
      return;
    }
    check_keys(f, node, "language.", {"id", "reason", "reason_fr", "enabled", "interpretation_need", "later_language"});
    LanguagePolicy& lp = impl_.language;
    if (node["later_language"])
      if (auto v = number_in(f, node["later_language"], "language.later_language", kRuleWeightMin, kRuleWeightMax))
        lp.later_language = *v;
    if (YamlNode e = node["enabled"]) {
      if (e.is_scalar() && (e.str() == "true" || e.str() == "false"))
        lp.enabled = e.str() == "true";
      else
        f.error(e, "language.enabled",
                "expected true or false, found " + (e.is_scalar() ? e.str() : "a list"));
    }
    YamlNode id = node["id"];
    if (!id || !id.is_scalar() || id.str().empty()) {
      f.error(id ? id : node, "language.id", "the language policy needs an id (shown in \"why\")");
    } else {
      lp.rule_id = id.str();
      claim_id(f, id, lp.rule_id);
    }
    YamlNode reason = node["reason"];
    if (!reason || !reason.is_scalar() || reason.str().empty())
      f.error(reason ? reason : node, "language.reason", "the language policy needs a reason");
    else
      lp.reason = reason.str();
    if (YamlNode fr = node["reason_fr"]) {
      if (fr.is_scalar() && !fr.str().empty()) lp.reason_fr = fr.str();
      else f.error(fr, "language.reason_fr", "expected the reason in French, in words");
    }
    YamlNode need = node["interpretation_need"];
    if (!need || !need.is_scalar()) {
      f.error(need ? need : node, "language.interpretation_need",
              "name the need an unmatched in-person step adds (e.g. interpretation)");
    } else if (auto n = d_.taxonomy.needs.find(need.str())) {
      lp.interpretation_need = *n;
    } else {
      f.error(need, "language.interpretation_need",
              with_hint("unknown need code " + need.str(), need.str(),
                        d_.taxonomy.needs.codes()));
    }
  }

  bool claim_id(FileReader& f, YamlNode at, const std::string& id) {
    auto [it, fresh] = ids_.emplace(id, f.file() + ":" + std::to_string(FileReader::pos(at).line));
    if (!fresh) {
      f.error(at, id, "duplicate rule id " + id + " (first at " + it->second + ")");
      return false;
    }
    return true;
  }

  void rules(FileReader& f, YamlNode list) {
    if (!list.is_sequence()) {
      f.error(list, "rules", "expected a list of rules (each '- id: ...')");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) rule(f, list[i], i);
  }

  // Compiles one expression of a rule, reporting each problem at its token.
  std::optional<Compiled> expression(FileReader& f, YamlNode n, const std::string& field,
                                     Type want) {
    if (!n.is_scalar()) {
      f.error(n, field, "expected a condition written as text, found a list or mapping");
      return std::nullopt;
    }
    std::string text = n.str();
    std::vector<CompileError> errors;
    auto c = detail::compile(text, want, d_, impl_.pool, errors);
    for (const auto& e : errors) f.error(f.locate(n, text, e.offset, e.token), field, e.message);
    return c;
  }

  // One rule of a rules file: every problem with it reported, and the rule kept only if none.
  void rule(FileReader& f, YamlNode node, std::size_t index) {
    std::string where = "rules[" + std::to_string(index) + "]";
    if (!node.is_map()) {
      f.error(node, where, "a rule is a mapping with id, reason, when and effect");
      return;
    }
    Rule r;
    r.file = f.file();
    r.line = FileReader::pos(node).line;
    bool ok = rule_id(f, node, r, where);
    if (!rule_reason_and_effect(f, node, r, where)) ok = false;
    if (!rule_when(f, node, r, where)) ok = false;
    // The effect's payload; keys that do not belong to the effect are errors.
    auto used = [&](const char* key, bool allowed) {
      if (node[key] && !allowed && r.effect) {
        f.error(node[key], where + "." + key,
                std::string(key) + " is not used by effect " + r.effect->name);
        ok = false;
      }
      return allowed;
    };
    Effect e = r.effect ? r.effect->effect : Effect::kExclude;
    bool weighted = r.effect && (e == Effect::kPrefer || e == Effect::kReward ||
                                 e == Effect::kPenalise || e == Effect::kPenaliseInPerson);
    bool derive = r.effect && e == Effect::kDerive;
    bool withhold = r.effect && e == Effect::kWithhold;
    bool error = r.effect && e == Effect::kError;
    used("weight", weighted);
    used("for_each", weighted);
    used("need", derive);
    used("needs", withhold);
    used("field", error);
    used("message", error);

    if (weighted && !rule_weight(f, node, r, where)) ok = false;
    if (derive && !rule_need(f, node, r, where)) ok = false;
    if (withhold && !withheld_needs(f, node["needs"], node, where, r)) ok = false;
    if (error && !rule_error(f, node, r, where)) ok = false;
    if (ok)
      impl_.rules.push_back(std::move(r));
    else if (!pending_weights_.empty() && pending_weights_.back() == impl_.rules.size())
      pending_weights_.pop_back();
  }

  // id (unique, letters, digits, '-', '_', '.') and the rule's keys; `where` becomes the id.
  bool rule_id(FileReader& f, YamlNode node, Rule& r, std::string& where) {
    bool ok = true;
    YamlNode id = node["id"];
    if (!id || !id.is_scalar() || id.str().empty()) {
      f.error(id ? id : node, where + ".id", "every rule needs an id");
      ok = false;
    } else {
      r.id = id.str();
      bool valid = std::all_of(r.id.begin(), r.id.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
      });
      if (!valid) {
        f.error(id, r.id, "a rule id uses letters, digits, '-', '_' and '.' only");
        ok = false;
      }
      where = r.id;
      if (!claim_id(f, id, r.id)) ok = false;
    }
    static const std::vector<std::string> kKeys = {"id",     "reason",   "reason_fr", "when",
                                                   "effect", "weight",   "for_each",  "need",
                                                   "needs",  "field",    "message",   "message_fr"};
    if (!check_keys(f, node, where + ".", kKeys)) ok = false;

    return ok;
  }

  bool rule_reason_and_effect(FileReader& f, YamlNode node, Rule& r, const std::string& where) {
    bool ok = true;
    YamlNode reason = node["reason"];
    if (!reason || !reason.is_scalar() || reason.str().empty()) {
      f.error(reason ? reason : node, where + ".reason",
              "every rule needs a plain-language reason");
      ok = false;
    } else {
      r.reason = reason.str();
    }
    if (YamlNode fr = node["reason_fr"]) {
      if (fr.is_scalar() && !fr.str().empty()) {
        r.reason_fr = fr.str();
      } else {
        f.error(fr, where + ".reason_fr", "expected the reason in French, in words");
        ok = false;
      }
    }

    YamlNode effect = node["effect"];
    if (!effect || !effect.is_scalar()) {
      f.error(effect ? effect : node, where + ".effect", "every rule needs an effect");
      ok = false;
    } else {
      for (const auto& e : kEffects)
        if (effect.str() == e.name) r.effect = &e;
      if (!r.effect) {
        std::vector<std::string> names;
        for (const auto& e : kEffects) names.push_back(e.name);
        f.error(effect, where + ".effect",
                with_hint("unknown effect " + effect.str() + " (expected " + join(names) + ")",
                          effect.str(), names));
        ok = false;
      }
    }

    return ok;
  }

  // The condition (absent: always); a per-case effect may not read provider fields.
  bool rule_when(FileReader& f, YamlNode node, Rule& r, const std::string& where) {
    bool ok = true;
    std::optional<Compiled> when;
    if (YamlNode w = node["when"]) {
      when = expression(f, w, where + ".when", Type::kBool);
      if (!when)
        ok = false;
      else if (r.effect && !r.effect->provider && !when->provider_fields.empty()) {
        f.error(f.locate(w, w.str(), w.str().find(when->provider_fields[0]),
                         when->provider_fields[0]),
                where + ".when",
                std::string("a ") + r.effect->name + " rule decides from the case alone; " +
                    when->provider_fields[0] + " is a provider field");
        ok = false;
      }
    } else {
      when = detail::compile("true", Type::kBool, d_, impl_.pool, scratch_);
    }
    if (when) r.when = when->root;

    return ok;
  }

  // A weighted effect's weight: a number in range, or a global weight's name (resolved in finish()),
  // and its optional for_each count.
  bool rule_weight(FileReader& f, YamlNode node, Rule& r, const std::string& where) {
    bool ok = true;
    YamlNode w = node["weight"];
    if (!w || !w.is_scalar()) {
      f.error(w ? w : node, where + ".weight",
              std::string("effect ") + r.effect->name + " needs a weight: a number in " +
                  range_text(kRuleWeightMin, kRuleWeightMax) + " or the name of a global weight");
      ok = false;
    } else if (auto v = parse_number(w.str())) {
      if (*v < kRuleWeightMin || *v > kRuleWeightMax) {
        f.error(w, where + ".weight",
                w.str() + " is out of range " + range_text(kRuleWeightMin, kRuleWeightMax) +
                    " (the effect gives the sign: prefer and reward lower the cost, penalise "
                    "raises it)");
        ok = false;
      } else {
        r.weight = *v;
      }
    } else {
      std::vector<std::string> names;
      for (const auto& s : kWeightSpecs) names.push_back(s.name);
      if (std::find(names.begin(), names.end(), w.str()) == names.end()) {
        f.error(w, where + ".weight",
                with_hint("unknown weight " + w.str() + " (a number in " +
                              range_text(kRuleWeightMin, kRuleWeightMax) + " or one of " +
                              join(names) + ")",
                          w.str(), names));
        ok = false;
      } else {
        r.weight_name = w.str();
        pending_weights_.push_back(impl_.rules.size());
      }
    }
    if (YamlNode fe = node["for_each"]) {
      if (auto c = expression(f, fe, where + ".for_each", Type::kSet)) {
        detail::Node count;
        count.op =
            detail::is_mask_kind(c->kind) ? detail::Op::kCountMask : detail::Op::kCountList;
        count.a = c->root;
        impl_.pool.nodes.push_back(count);
        r.has_for_each = true;
        r.for_each = static_cast<std::uint32_t>(impl_.pool.nodes.size() - 1);
      } else {
        ok = false;
      }
    }
    return ok;
  }

  bool rule_need(FileReader& f, YamlNode node, Rule& r, const std::string& where) {
    bool ok = true;
    YamlNode n = node["need"];
    if (!n || !n.is_scalar()) {
      f.error(n ? n : node, where + ".need",
              "effect derive needs the need it adds (need: <code>)");
      ok = false;
    } else if (auto code = d_.taxonomy.needs.find(n.str())) {
      r.need = *code;
    } else {
      f.error(
          n, where + ".need",
          with_hint("unknown need code " + n.str(), n.str(), d_.taxonomy.needs.codes()));
      ok = false;
    }
    return ok;
  }

  bool rule_error(FileReader& f, YamlNode node, Rule& r, const std::string& where) {
    bool ok = true;
    YamlNode fld = node["field"];
    if (!fld || !fld.is_scalar()) {
      f.error(fld ? fld : node, where + ".field",
              "effect error needs the case field it is about");
      ok = false;
    } else if (std::find(case_field_names().begin(), case_field_names().end(), fld.str()) ==
               case_field_names().end()) {
      f.error(fld, where + ".field",
              with_hint("unknown case field " + fld.str(), fld.str(), case_field_names()));
      ok = false;
    } else {
      r.field = fld.str();
    }
    if (YamlNode m = node["message"]) {
      if (m.is_scalar()) r.message = m.str();
    }
    if (YamlNode m = node["message_fr"]) {
      if (m.is_scalar()) r.message_fr = m.str();
    }
    if (r.message.empty()) r.message = r.reason;
    if (r.message_fr.empty()) r.message_fr = r.reason_fr;
    return ok;
  }

  bool withheld_needs(FileReader& f, YamlNode n, YamlNode rule,
                      const std::string& where, Rule& r) {
    if (!n) {
      f.error(rule, where + ".needs",
              "effect withhold needs the needs it withholds: a list of need codes, or a "
              "taxonomy flag such as {shelter: true}");
      return false;
    }
    if (n.is_map()) {
      // {shelter: true}: every need whose taxonomy entry has that flag.
      bool ok = check_keys(f, n, where + ".needs.", {"shelter", "in_person", "immediate"});
      for (auto [key, value] : n.entries()) {
        if (!value.is_scalar() || value.text() != "true") {
          f.error(value, where + ".needs." + key.str(),
                  "only 'true' is meaningful here");
          ok = false;
          continue;
        }
        const std::string k = key.str();
        if (k == "shelter") r.needs |= d_.taxonomy.shelter_needs();
        if (k == "in_person") r.needs |= d_.taxonomy.in_person_needs();
        if (k == "immediate") r.needs |= d_.taxonomy.immediate_needs();
      }
      return ok;
    }
    if (!n.is_sequence()) {
      f.error(n, where + ".needs",
              "expected a list of need codes or a taxonomy flag such as {shelter: true}");
      return false;
    }
    bool ok = true;
    for (YamlNode item : n.items()) {
      if (!item.is_scalar()) {
        f.error(item, where + ".needs", "expected a need code");
        ok = false;
      } else if (auto code = d_.taxonomy.needs.find(item.str())) {
        r.needs |= need_bit(*code);
      } else {
        f.error(item, where + ".needs",
                with_hint("unknown need code " + item.str(), item.str(),
                          d_.taxonomy.needs.codes()));
        ok = false;
      }
    }
    return ok;
  }

  const Directory& d_;
  PolicyData& impl_;
  Diagnostics& diags_;
  std::map<std::string, std::string> ids_;       // rule id -> where first defined
  std::map<std::string, std::string> sections_;  // section -> where first given
  std::vector<std::size_t> pending_weights_;  // rules (by index) whose weight is a global weight's name
  std::vector<CompileError> scratch_;
  bool language_seen_ = false;
};

}  // namespace

// ---- Policy -------------------------------------------------------------------------------------

struct Policy::Impl : PolicyData {};

Policy::Policy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;
Policy::~Policy() = default;

Policy Policy::load(const std::string& dir, const Directory& directory) {
  Diagnostics diags;
  std::vector<std::string> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    diags.add(dir, 0, 0, "", "rules folder not found");
    diags.throw_if_any("bad rules");
  }
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    auto name = entry.path().filename().string();
    if (entry.path().extension() == ".yaml")
      named.emplace_back(name, (std::filesystem::path(dir) / name).string());
  }
  std::sort(named.begin(), named.end());
  for (auto& [name, path] : named) files.push_back(path);
  if (files.empty()) {
    diags.add(dir, 0, 0, "", "no *.yaml rules files in the folder");
    diags.throw_if_any("bad rules");
  }
  return load_files(files, directory);
}

Policy Policy::load_files(const std::vector<std::string>& files, const Directory& directory) {
  Diagnostics diags;
  auto impl = std::make_unique<Impl>();
  Loader loader(directory, *impl, diags);
  for (const auto& path : files)
    if (auto text = nrm::detail::read_text_file(path, diags)) loader.file(path, *text);
  loader.finish();
  diags.throw_if_any("bad rules");
  return Policy(std::move(impl));
}

const Weights& Policy::weights() const {
  return impl_->weights;
}
const geo::TravelParams& Policy::travel() const {
  return impl_->travel;
}
const LanguagePolicy& Policy::language() const {
  return impl_->language;
}
std::size_t Policy::rule_count() const {
  return impl_->rules.size();
}


std::vector<char> Policy::excluded_in_province(const Directory& d, int province) const {
  // Exclude rules whose verdict is fixed by the provider and the province.
  std::vector<std::uint32_t> roots;
  for (const RuleCode& code : impl_->general.exclusions)
    if (fields_all(impl_->pool, code.when, decided_by_province)) roots.push_back(code.when);
  std::vector<char> out(d.providers.size(), 0);
  if (roots.empty()) return out;
  Context x;
  x.d = &d;
  x.case_province = province;
  for (ProviderIndex i = 0; i < d.providers.size(); ++i) {
    x.p = &d.providers[i];
    detail::Evaluator ev(impl_->pool, x);
    for (std::uint32_t r : roots)
      if (ev.boolean(r) == detail::Tri::kTrue) {
        out[i] = 1;
        break;
      }
  }
  return out;
}

bool Policy::reads_case_location() const {
  using detail::Op;
  return std::any_of(impl_->pool.nodes.begin(), impl_->pool.nodes.end(), [](const detail::Node& n) {
    const bool field = n.op == Op::kBoolField || n.op == Op::kNumField || n.op == Op::kCodeField ||
                       n.op == Op::kMaskField || n.op == Op::kListField;
    return field && n.arg == static_cast<std::uint8_t>(detail::Field::kCaseLocation);
  });
}

bool Policy::reads_location_only_by_catchment() const {
  using detail::Op;
  const auto& nodes = impl_->pool.nodes;
  auto reads = [&](const detail::Node& n, detail::Field f) {
    const bool field = n.op == Op::kBoolField || n.op == Op::kNumField || n.op == Op::kCodeField ||
                       n.op == Op::kMaskField || n.op == Op::kListField;
    return field && n.arg == static_cast<std::uint8_t>(f);
  };
  // Nodes whose a and b are nodes (the others keep codes, list indices or fields there).
  auto has_children = [](Op op) {
    return op != Op::kConstBool && op != Op::kBoolField && op != Op::kConstNum && op != Op::kNumField &&
           op != Op::kConstCode && op != Op::kCodeField && op != Op::kConstMask && op != Op::kMaskField &&
           op != Op::kConstList && op != Op::kListField && op != Op::kCmpFieldNum && op != Op::kNotBoolField &&
           op != Op::kCodeInMaskField;
  };
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    if (!reads(nodes[i], detail::Field::kCaseLocation)) continue;
    for (const auto& n : nodes) {
      if (!has_children(n.op)) continue;
      const bool unary = n.op == Op::kNot || n.op == Op::kKnownNum || n.op == Op::kKnownMask || n.op == Op::kKnownBool ||
                         n.op == Op::kCountMask || n.op == Op::kCountList;
      const bool uses = n.a == i || (!unary && n.b == i);
      if (!uses) continue;
      const bool membership = n.op == Op::kInList && n.a == i && reads(nodes[n.b], detail::Field::kProviderCatchment);
      if (!membership) return false;
    }
  }
  return true;
}

NeedSet Policy::catchment_needs() const {
  auto not_catchment = [](detail::Field f) { return f != detail::Field::kProviderCatchment; };
  NeedSet out = 0;
  for (const Rule& r : impl_->rules)
    if (r.effect->effect == Effect::kWithhold && !fields_all(impl_->pool, r.when, not_catchment)) out |= r.needs;
  return out;
}

std::vector<RuleInfo> Policy::rules() const {
  std::vector<RuleInfo> out;
  for (const auto& r : impl_->rules)
    out.push_back({r.id, r.reason_here(), r.effect->effect, r.file, r.line, !r.reason_fr.empty()});
  return out;
}

std::vector<Diagnostic> Policy::check_case(const Case& c, const Directory& d) const {
  std::vector<Diagnostic> out;
  Context x = impl_->case_context(c, d);
  Evaluator ev(impl_->pool, x);
  for (std::uint32_t i : impl_->case_rules) {
    const Rule& r = impl_->rules[i];
    if (r.effect->effect != Effect::kError || ev.boolean(r.when) != Tri::kTrue) continue;
    out.push_back({"case", 0, 0, r.field,
                   i18n::tr(i18n::Msg::answer_notice,
                            {{"text", in_current(r.message, r.message_fr)}, {"rule", r.id}})});
  }
  return out;
}

CaseNeeds Policy::derive_needs(const Case& c, const Directory& d) const {
  CaseNeeds out;
  out.needs = c.need_set();
  Context x = impl_->case_context(c, d);
  Evaluator ev(impl_->pool, x);
  for (std::uint32_t i : impl_->case_rules) {
    const Rule& r = impl_->rules[i];
    if (r.effect->effect == Effect::kNotice) {
      if (ev.boolean(r.when) == Tri::kTrue) out.notices.push_back({r.id, r.reason_here()});
      continue;
    }
    if (r.effect->effect != Effect::kDerive || ev.boolean(r.when) != Tri::kTrue) continue;
    if (out.needs & need_bit(r.need)) continue;
    out.needs |= need_bit(r.need);
    out.derived.push_back({r.need, r.id, r.reason_here()});
  }
  return out;
}

Assessment Policy::assess(const Case& c, const Directory& d, ProviderIndex p, Date as_of) const {
  Context x = impl_->case_context(c, d);
  impl_->set_provider(x, d.providers[p], as_of);
  return impl_->run<false>(impl_->general, x, nullptr);
}

Assessment Policy::explain(const Case& c, const Directory& d, ProviderIndex p, Date as_of,
                           std::vector<RuleHit>& hits) const {
  Context x = impl_->case_context(c, d);
  impl_->set_provider(x, d.providers[p], as_of);
  return impl_->run<true>(impl_->general, x, &hits);
}

// ---- CaseRules ----------------------------------------------------------------------------------

struct CaseRules::Impl {
  const PolicyData* policy = nullptr;
  Case kase;  // a copy: the folded program no longer reads it, but the context points at it
  Date as_of;
  detail::Pool pool;
  Program program;
  Context base;
};

CaseRules::CaseRules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaseRules::CaseRules(CaseRules&&) noexcept = default;
CaseRules& CaseRules::operator=(CaseRules&&) noexcept = default;
CaseRules::~CaseRules() = default;

CaseRules Policy::prepare(const Case& c, const Directory& d, Date as_of) const {
  auto impl = std::make_unique<CaseRules::Impl>();
  impl->policy = impl_.get();
  impl->kase = c;
  impl->as_of = as_of;
  impl->base = impl_->case_context(impl->kase, d);
  impl->program = impl_->specialise(impl->base, impl->pool);
  return CaseRules(std::move(impl));
}

Assessment CaseRules::assess(ProviderIndex p) const {
  Context x = impl_->base;
  impl_->policy->set_provider(x, x.d->providers[p], impl_->as_of);
  return impl_->policy->run<false>(impl_->program, x, nullptr);
}

Assessment CaseRules::assess_kept(ProviderIndex p) const {
  Context x = impl_->base;
  impl_->policy->set_provider(x, x.d->providers[p], impl_->as_of);
  return impl_->policy->run<false, true>(impl_->program, x, nullptr);
}

Assessment CaseRules::explain(ProviderIndex p, std::vector<RuleHit>& hits) const {
  Context x = impl_->base;
  impl_->policy->set_provider(x, x.d->providers[p], impl_->as_of);
  return impl_->policy->run<true>(impl_->program, x, &hits);
}

std::size_t CaseRules::rule_count() const {
  return impl_->program.all.size();
}

}  // namespace nrm::rules
