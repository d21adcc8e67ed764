// The per-provider evaluator of compiled conditions (see expr.hpp for the node form). Header-only
// so the hot loop of Policy::assess inlines it: one switch per node, no strings, no allocation.
#pragma once

#include <algorithm>
#include <bit>

#include "rules/expr.hpp"

namespace nrm::rules::detail {

struct Num {
  double v = 0;
  bool known = false;
};
struct Mask {
  std::uint64_t bits = 0;
  bool known = false;
};
struct List {
  const int* data = nullptr;
  std::size_t size = 0;
};

class Evaluator {
 public:
  Evaluator(const Pool& pool, const Context& ctx)
      : nodes_(pool.nodes.data()), pool_(pool), x_(ctx) {}

  Tri boolean(std::uint32_t i) const {
    const Node& n = nodes_[i];
    switch (n.op) {
      case Op::kConstBool:
        return static_cast<Tri>(n.arg);
      case Op::kAnd: {
        Tri a = boolean(n.a);
        if (a == Tri::kFalse) return Tri::kFalse;
        Tri b = boolean(n.b);
        if (b == Tri::kFalse) return Tri::kFalse;
        return (a == Tri::kTrue && b == Tri::kTrue) ? Tri::kTrue : Tri::kUnknown;
      }
      case Op::kOr: {
        Tri a = boolean(n.a);
        if (a == Tri::kTrue) return Tri::kTrue;
        Tri b = boolean(n.b);
        if (b == Tri::kTrue) return Tri::kTrue;
        return (a == Tri::kFalse && b == Tri::kFalse) ? Tri::kFalse : Tri::kUnknown;
      }
      case Op::kNot: {
        Tri a = boolean(n.a);
        return a == Tri::kUnknown ? a : (a == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
      }
      case Op::kBoolField:
        return field_bool(static_cast<Field>(n.arg));
      case Op::kCmpNum: {
        Num a = number(n.a);
        if (!a.known) return Tri::kUnknown;
        Num b = number(n.b);
        if (!b.known) return Tri::kUnknown;
        return of(compare(static_cast<Cmp>(n.arg), a.v, b.v));
      }
      case Op::kCmpBool: {
        Tri a = boolean(n.a), b = boolean(n.b);
        if (a == Tri::kUnknown || b == Tri::kUnknown) return Tri::kUnknown;
        return of((a == b) == (static_cast<Cmp>(n.arg) == Cmp::kEq));
      }
      case Op::kCmpCode:
        return of((code(n.a) == code(n.b)) == (static_cast<Cmp>(n.arg) == Cmp::kEq));
      case Op::kInMask: {
        Mask s = mask(n.b);
        if (!s.known) return Tri::kUnknown;
        int c = code(n.a);
        return of(c >= 0 && c < 64 && (s.bits >> c) & 1);
      }
      case Op::kInList: {
        List s = list(n.b);
        int c = code(n.a);
        for (std::size_t k = 0; k < s.size; ++k)
          if (match(n.kind, c, s.data[k])) return Tri::kTrue;
        return Tri::kFalse;
      }
      case Op::kAnyMask: {
        Mask a = mask(n.a);
        if (!a.known) return Tri::kUnknown;
        Mask b = mask(n.b);
        if (!b.known) return Tri::kUnknown;
        return of((a.bits & b.bits) != 0);
      }
      case Op::kAllMask: {
        Mask a = mask(n.a);
        if (!a.known) return Tri::kUnknown;
        Mask b = mask(n.b);
        if (!b.known) return Tri::kUnknown;
        return of((b.bits & ~a.bits) == 0);
      }
      case Op::kAnyList: {
        List a = list(n.a), b = list(n.b);
        for (std::size_t x = 0; x < a.size; ++x)
          for (std::size_t y = 0; y < b.size; ++y)
            if (match(n.kind, a.data[x], b.data[y])) return Tri::kTrue;
        return Tri::kFalse;
      }
      case Op::kAllList: {
        List a = list(n.a), b = list(n.b);
        for (std::size_t y = 0; y < b.size; ++y) {
          bool found = false;
          for (std::size_t x = 0; x < a.size && !found; ++x)
            found = match(n.kind, a.data[x], b.data[y]);
          if (!found) return Tri::kFalse;
        }
        return Tri::kTrue;
      }
      case Op::kCmpFieldNum: {
        Num a = field_num(static_cast<Field>(n.a));
        if (!a.known) return Tri::kUnknown;
        return of(compare(static_cast<Cmp>(n.arg), a.v, n.num));
      }
      case Op::kNotBoolField: {
        const Tri a = field_bool(static_cast<Field>(n.arg));
        return a == Tri::kUnknown ? a : (a == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
      }
      case Op::kCodeInMaskField: {
        Mask s = field_mask(static_cast<Field>(n.arg));
        if (!s.known) return Tri::kUnknown;
        const int c = static_cast<int>(n.a);
        return of(c >= 0 && c < 64 && (s.bits >> c) & 1);
      }
      case Op::kKnownNum:
        return of(number(n.a).known);
      case Op::kKnownMask:
        return of(mask(n.a).known);
      case Op::kKnownBool:
        return of(boolean(n.a) != Tri::kUnknown);
      default:
        return Tri::kUnknown;  // not a bool node: rejected at load
    }
  }

  // Leaves (a field or a constant) are read inline; composite operands take a call.
  [[gnu::always_inline]] Num number(std::uint32_t i) const {
    const Node& n = nodes_[i];
    if (n.op == Op::kNumField) return field_num(static_cast<Field>(n.arg));
    if (n.op == Op::kConstNum) return {n.num, n.arg == 0};
    return number_composite(n);
  }

  [[gnu::noinline]] Num number_composite(const Node& n) const {
    switch (n.op) {
      case Op::kConstNum:
        return {n.num, n.arg == 0};
      case Op::kNumField:
        return field_num(static_cast<Field>(n.arg));
      case Op::kCountMask: {
        Mask m = mask(n.a);
        if (!m.known) return {};
        return {static_cast<double>(std::popcount(m.bits)), true};
      }
      case Op::kCountList:
        return {static_cast<double>(list(n.a).size), true};
      default:
        return {};
    }
  }

  [[gnu::always_inline]] int code(std::uint32_t i) const {
    const Node& n = nodes_[i];
    if (n.op == Op::kConstCode) return static_cast<int>(n.a);
    switch (static_cast<Field>(n.arg)) {
      case Field::kCaseGender:
        return x_.c->gender;
      case Field::kCaseStatus:
        return x_.c->status;
      case Field::kCaseExploitation:
        return x_.c->exploitation;
      case Field::kCaseProvince:
        return x_.case_province;
      case Field::kCaseLocation:
        return static_cast<int>(x_.c->location);
      case Field::kProviderId:
        return static_cast<int>(x_.p - x_.d->providers.data());
      case Field::kProviderCommunity:
        return static_cast<int>(x_.p->community);
      case Field::kProviderProvince:
        return x_.d->geography.communities[x_.p->community].province;
      case Field::kProviderDelivery:
        return static_cast<int>(x_.p->delivery);
      default:
        return -1;
    }
  }

  [[gnu::always_inline]] Mask mask(std::uint32_t i) const {
    const Node& n = nodes_[i];
    if (n.op == Op::kMaskField) return field_mask(static_cast<Field>(n.arg));
    if (n.op == Op::kConstMask) return {n.mask, n.arg == 0};
    return mask_composite(n);
  }

  [[gnu::noinline]] Mask mask_composite(const Node& n) const {
    switch (n.op) {
      case Op::kConstMask:
        return {n.mask, n.arg == 0};
      case Op::kMaskAnd: {
        Mask a = mask(n.a), b = mask(n.b);
        return {a.bits & b.bits, a.known && b.known};
      }
      case Op::kMaskOr: {
        Mask a = mask(n.a), b = mask(n.b);
        return {a.bits | b.bits, a.known && b.known};
      }
      default:
        break;
    }
    return field_mask(static_cast<Field>(n.arg));
  }

  [[gnu::always_inline]] Mask field_mask(Field f) const {
    switch (f) {
      case Field::kCaseIdentity:
        return {x_.c->identity, true};
      case Field::kCaseNeeds:
        return {x_.case_needs, true};
      case Field::kCaseRequire:
        return {x_.c->require, true};
      case Field::kCasePrefer:
        return {x_.c->prefer, true};
      case Field::kProviderServices:
        return {x_.p->services, true};
      case Field::kProviderServes:
        return {x_.p->serves, true};
      case Field::kProviderAttributes:
        return {x_.p->attributes, true};
      case Field::kProviderGenders:
        if (!x_.p->genders) return {};
        return {*x_.p->genders, true};
      case Field::kProviderPeoples:
        if (!x_.p->peoples) return {};
        return {*x_.p->peoples, true};
      default:
        return {};
    }
  }

  List list(std::uint32_t i) const {
    const Node& n = nodes_[i];
    if (n.op == Op::kConstList) {
      const auto& l = pool_.lists[n.a];
      return {l.data(), l.size()};
    }
    switch (static_cast<Field>(n.arg)) {
      case Field::kCaseLanguages:
        return {x_.c->languages.data(), x_.c->languages.size()};
      case Field::kProviderLanguages:
        return {x_.p->languages.data(), x_.p->languages.size()};
      case Field::kProviderCatchment:
        return {reinterpret_cast<const int*>(x_.p->catchment.data()), x_.p->catchment.size()};
      case Field::kCaseAvoid:
        // CommunityIndex is the unsigned variant of int: reading it through int is allowed.
        return {reinterpret_cast<const int*>(x_.c->avoid.data()), x_.c->avoid.size()};
      default:
        return {};
    }
  }

 private:
  static Tri of(bool b) { return b ? Tri::kTrue : Tri::kFalse; }

  static bool compare(Cmp c, double a, double b) {
    switch (c) {
      case Cmp::kEq:
        return a == b;
      case Cmp::kNe:
        return a != b;
      case Cmp::kLt:
        return a < b;
      case Cmp::kLe:
        return a <= b;
      case Cmp::kGt:
        return a > b;
      case Cmp::kGe:
        return a >= b;
    }
    return false;
  }

  bool match(Kind k, int a, int b) const {
    if (a == b) return true;
    if (k != Kind::kLanguage) return false;
    const auto& macro = pool_.macrolanguage;
    auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    return (ua < macro.size() && macro[ua] == b) || (ub < macro.size() && macro[ub] == a);
  }

  // A bool field: unknown only where the provider has not said (accepts_trafficking_victims).
  [[gnu::always_inline]] Tri field_bool(Field f) const {
    switch (f) {
      case Field::kCasePoliceConsent:
        return of(x_.c->police_consent);
      case Field::kProviderNational:
        return of(x_.p->national);
      case Field::kProviderAcceptsTraffickingVictims:
        return x_.p->accepts_trafficking_victims ? of(*x_.p->accepts_trafficking_victims) : Tri::kUnknown;
      case Field::kProviderAcceptsWithoutStatus:
        return of(x_.p->accepts_without_status);
      case Field::kProviderLawEnforcement:
        return of(x_.p->law_enforcement);
      case Field::kProviderConfidential:
        return of(x_.p->confidential);
      case Field::kProviderStale:
        return of(x_.stale);
      default:
        return Tri::kFalse;
    }
  }

  [[gnu::always_inline]] Num field_num(Field f) const {
    auto opt = [](const std::optional<int>& v) -> Num {
      if (!v) return {};
      return {static_cast<double>(*v), true};
    };
    switch (f) {
      case Field::kCaseAge:
        return opt(x_.c->age);
      case Field::kCaseMaxTravelHours:
        if (!x_.c->max_travel_hours) return {};
        return {*x_.c->max_travel_hours, true};
      case Field::kProviderAgesMin:
        return opt(x_.p->age_min);
      case Field::kProviderAgesMax:
        return opt(x_.p->age_max);
      case Field::kProviderCapacityAvailable:
        if (!x_.p->capacity) return {};
        return {static_cast<double>(x_.p->capacity->available), true};
      case Field::kProviderCapacityBeds:
        if (!x_.p->capacity) return {};
        return {static_cast<double>(x_.p->capacity->beds), true};
      case Field::kProviderWaitDays:
        return {static_cast<double>(x_.p->wait_days), true};
      case Field::kProviderVerifiedDaysAgo:
        if (!x_.verified) return {};
        return {static_cast<double>(x_.verified_days_ago), true};
      default:
        return {};
    }
  }

  const Node* nodes_;
  const Pool& pool_;
  const Context& x_;
};

}  // namespace nrm::rules::detail
