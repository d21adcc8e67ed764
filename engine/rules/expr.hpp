// Conditions of the rules language, compiled: the field table, the typed node form every condition
// is turned into once at load, and the context a condition is evaluated in. Parsing and type
// checking live in compile.cpp; the per-provider evaluator in eval.hpp.
//
// Invariants of the compiled form:
//   1. Every node has a static type (bool, number, code, set) fixed at load; the evaluator never
//      checks a type and never sees a string: fields are enum values, codes are interned ints,
//      sets of small codes are bit masks, lists of languages or communities are sorted int vectors.
//   2. Children come before their parent in `Pool::nodes` (post-order), so a condition is a root
//      index and its sub-tree is contiguous below it.
//   3. Absent values (unknown age, no upper age bound, no capacity, no gender restriction, never
//      verified) make every comparison that reads them unknown; conditions use Kleene's
//      three-valued logic and a rule fires only when its condition is definitely true.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/case.hpp"
#include "model/directory.hpp"

namespace nrm::rules::detail {

enum class Tri : std::uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };

// What a code names. Kinds before kLanguage have at most 64 codes and their sets are bit masks.
enum class Kind : std::uint8_t {
  kNeed,
  kAttribute,
  kIdentity,
  kStatus,
  kGender,
  kExploitation,
  kProvince,
  kDelivery,
  kLanguage,
  kCommunity,
  kProvider,
};
constexpr bool is_mask_kind(Kind k) {
  return k < Kind::kLanguage;
}
const char* kind_name(Kind k);  // "need", "attribute", ...

enum class Type : std::uint8_t { kBool, kNumber, kCode, kSet };

enum class Field : std::uint8_t {
  kCaseAge,
  kCaseGender,
  kCaseIdentity,
  kCaseLanguages,
  kCaseStatus,
  kCaseExploitation,
  kCaseNeeds,
  kCaseRequire,
  kCasePrefer,
  kCasePoliceConsent,
  kCaseProvince,
  kCaseLocation,
  kCaseAvoid,
  kCaseMaxTravelHours,
  kProviderId,
  kProviderCommunity,
  kProviderProvince,
  kProviderServices,
  kProviderDelivery,
  kProviderNational,
  kProviderServes,
  kProviderAttributes,
  kProviderLanguages,
  kProviderGenders,
  kProviderAgesMin,
  kProviderAgesMax,
  kProviderAcceptsTraffickingVictims,
  kProviderAcceptsWithoutStatus,
  kProviderLawEnforcement,
  kProviderCapacityAvailable,
  kProviderCapacityBeds,
  kProviderWaitDays,
  kProviderConfidential,
  kProviderVerifiedDaysAgo,
  kProviderStale,
  kProviderCatchment,
  kProviderPeoples,
};

struct FieldInfo {
  const char* name;  // "case.age"
  Field field;
  Type type;
  Kind kind;        // for codes and sets
  bool nullable;    // may be absent (see invariant 3)
  bool provider;    // reads the provider (else only the case)
  const char* doc;  // one line for docs/rules.md and error messages
};
const std::vector<FieldInfo>& fields();
const FieldInfo* find_field(std::string_view name);

// The delivery codes of provider.delivery, in Delivery's order.
inline constexpr const char* kDeliveryCodes[] = {"in_person", "remote", "both"};

enum class Cmp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

enum class Op : std::uint8_t {
  // bool
  kConstBool,  // arg: 0 false, 1 true, 2 unknown
  kAnd,        // a, b
  kOr,         // a, b
  kNot,        // a
  kBoolField,  // arg: Field
  kCmpNum,     // a, b numbers; arg: Cmp
  kCmpBool,    // a, b bools; arg: Cmp (eq/ne)
  kCmpCode,    // a, b codes; arg: Cmp (eq/ne)
  kInMask,     // code a in mask set b
  kInList,     // code a in list set b (kind says how codes match)
  kAnyMask,    // mask sets a and b share a code
  kAllMask,    // mask set a holds every code of b
  kAnyList,    // list sets a and b share a code
  kAllList,    // list set a holds every code of b
  kKnownNum,   // number a is present
  kKnownMask,  // mask set a is present
  kKnownBool,  // bool a is known (provider.accepts_trafficking_victims may be absent)
  // bool, made only by Policy::prepare's folding (fold.cpp) from the forms above, to spare the
  // evaluator a call per leaf in the conditions every provider is assessed by
  kCmpFieldNum,      // number field a (a Field) against the constant num; arg: Cmp
  kNotBoolField,     // not bool field; arg: Field
  kCodeInMaskField,  // code a in mask field; arg: Field
  // number
  kConstNum,   // num (arg 1: absent)
  kNumField,   // arg: Field
  kCountMask,  // size of mask set a
  kCountList,  // size of list set a
  // code
  kConstCode,  // a: the code
  kCodeField,  // arg: Field
  // mask set
  kConstMask,  // mask (arg 1: absent)
  kMaskField,  // arg: Field
  kMaskAnd,    // a & b
  kMaskOr,     // a | b
  // list set
  kConstList,  // a: index into Pool::lists
  kListField,  // arg: Field
};

struct Node {
  Op op = Op::kConstBool;
  std::uint8_t arg = 0;
  Kind kind = Kind::kNeed;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  double num = 0;
  std::uint64_t mask = 0;
};

// What a node evaluates to.
enum class Value : std::uint8_t { kBool, kNumber, kCode, kMask, kList };
Value value_of(Op op);

// Every compiled condition of a policy shares one pool (good locality, one allocation).
struct Pool {
  std::vector<Node> nodes;
  std::vector<std::vector<int>> lists;  // constant lists of languages/communities/providers, sorted
  std::vector<int> macrolanguage;       // per language: its macrolanguage or -1
};

// What a condition is evaluated against: one case, one provider (or none, for case-only rules).
struct Context {
  const Case* c = nullptr;
  const Provider* p = nullptr;
  const Directory* d = nullptr;
  NeedSet case_needs = 0;  // the needs as asked
  int case_province = 0;
  int verified_days_ago = 0;  // as of the query; meaningful when `verified`
  bool verified = false;
  bool stale = false;
};

// The result of compiling one expression.
struct Compiled {
  std::uint32_t root = 0;
  Type type = Type::kBool;
  Kind kind = Kind::kNeed;
  bool uses_case = false;
  std::vector<std::string> provider_fields;  // provider fields read, for "case-only" checks
};

struct CompileError {
  std::size_t offset = 0;  // into the expression text
  std::string token;       // the text at offset (to locate it in the source)
  std::string message;
};

// Parses and type-checks `text` (a condition when `want` is kBool; a set when kSet), appending
// nodes to `pool`. On failure returns nullopt and appends every problem found to `errors`.
std::optional<Compiled> compile(std::string_view text, Type want, const Directory& directory,
                                Pool& pool, std::vector<CompileError>& errors);

// Partial evaluation for one case: copies the sub-tree at `root` of `src` into `dst` with every
// case field replaced by its value for the case in `ctx` (whose provider is null) and constant
// sub-trees folded (`false and x` is false, `true and x` is x, ...). Returns the new root.
std::uint32_t fold(const Pool& src, std::uint32_t root, const Context& ctx, Pool& dst);

// Whether node `i` of `pool` is a constant (a folded sub-tree); `truth` gets a bool's value.
bool is_const_bool(const Pool& pool, std::uint32_t i, Tri* truth = nullptr);
// Whether node `i` is a constant number; `value` gets it (0 when absent).
bool is_const_number(const Pool& pool, std::uint32_t i, double* value = nullptr);

// Fills Pool::macrolanguage from the taxonomy.
void prepare_pool(Pool& pool, const Directory& directory);

}  // namespace nrm::rules::detail
