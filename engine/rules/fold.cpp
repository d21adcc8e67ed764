// Partial evaluation of compiled conditions for one case (Policy::prepare): every case field
// becomes a constant, constant sub-trees are evaluated once, and Kleene identities simplify
// `and`/`or`/`not`, so what is left per provider reads only provider fields.
#include <optional>

#include "rules/eval.hpp"
#include "rules/expr.hpp"

namespace nrm::rules::detail {

Value value_of(Op op) {
  switch (op) {
    case Op::kConstNum:
    case Op::kNumField:
    case Op::kCountMask:
    case Op::kCountList:
      return Value::kNumber;
    case Op::kConstCode:
    case Op::kCodeField:
      return Value::kCode;
    case Op::kConstMask:
    case Op::kMaskField:
    case Op::kMaskAnd:
    case Op::kMaskOr:
      return Value::kMask;
    case Op::kConstList:
    case Op::kListField:
      return Value::kList;
    default:
      return Value::kBool;
  }
}

bool is_const_number(const Pool& pool, std::uint32_t i, double* value) {
  const Node& n = pool.nodes[i];
  if (n.op != Op::kConstNum) return false;
  if (value) *value = n.arg == 0 ? n.num : 0;  // absent counts as nothing
  return true;
}

bool is_const_bool(const Pool& pool, std::uint32_t i, Tri* truth) {
  const Node& n = pool.nodes[i];
  if (n.op != Op::kConstBool) return false;
  if (truth) *truth = static_cast<Tri>(n.arg);
  return true;
}

namespace {

bool is_const(Op op) {
  return op == Op::kConstBool || op == Op::kConstNum || op == Op::kConstCode ||
         op == Op::kConstMask || op == Op::kConstList;
}

bool is_field(Op op) {
  return op == Op::kBoolField || op == Op::kNumField || op == Op::kCodeField ||
         op == Op::kMaskField || op == Op::kListField;
}

bool provider_field(Field f) {
  return f >= Field::kProviderId;
}

// How many children a node has (they are in a, then b).
int arity(Op op) {
  if (is_const(op) || is_field(op)) return 0;
  if (op == Op::kCmpFieldNum || op == Op::kNotBoolField || op == Op::kCodeInMaskField) return 0;
  switch (op) {
    case Op::kNot:
    case Op::kKnownNum:
    case Op::kKnownMask:
    case Op::kKnownBool:
    case Op::kCountMask:
    case Op::kCountList:
      return 1;
    default:
      return 2;
  }
}

class Folder {
 public:
  Folder(const Pool& src, const Context& ctx, Pool& dst) : src_(src), ctx_(ctx), dst_(dst) {}

  std::uint32_t fold(std::uint32_t i) {
    const Node& n = src_.nodes[i];
    if (is_const(n.op)) return constant(i);
    if (is_field(n.op)) {
      if (!provider_field(static_cast<Field>(n.arg))) return constant(i);
      return push(n);
    }
    int k = arity(n.op);
    std::uint32_t a = fold(n.a);
    std::uint32_t b = k == 2 ? fold(n.b) : 0;
    bool ca = is_const(dst_.nodes[a].op), cb = k < 2 || is_const(dst_.nodes[b].op);
    if (ca && cb) {
      // Only constants below (case fields, or provider-dependent parts an identity decided):
      // evaluate the folded node once.
      Node copy = n;
      copy.a = a;
      copy.b = b;
      std::uint32_t j = push(copy);
      return constant(dst_, j);
    }
    if (auto simple = identity(n, a, b)) return *simple;
    if (n.op == Op::kAnd || n.op == Op::kOr) {
      Tri ta = Tri::kUnknown, tb = Tri::kUnknown;
      bool known_a = is_const_bool(dst_, a, &ta), known_b = is_const_bool(dst_, b, &tb);
      Tri absorbing = n.op == Op::kAnd ? Tri::kFalse : Tri::kTrue;
      Tri identity = n.op == Op::kAnd ? Tri::kTrue : Tri::kFalse;
      if ((known_a && ta == absorbing) || (known_b && tb == absorbing)) return boolean(absorbing);
      if (known_a && ta == identity) return b;
      if (known_b && tb == identity) return a;
    }
    Node copy = n;
    copy.a = a;
    copy.b = b;
    if (auto fused = fuse(copy)) return push(*fused);
    return push(copy);
  }

 private:
  // One node for the commonest shapes left once the case is folded in: a number field against a
  // constant, `not` of a bool field, a constant code in a mask field. Same values as the shapes.
  std::optional<Node> fuse(const Node& n) const {
    const Node& x = dst_.nodes[n.a];
    Node f;
    switch (n.op) {
      case Op::kCmpNum: {
        const Node& y = dst_.nodes[n.b];
        const bool field_left = x.op == Op::kNumField && y.op == Op::kConstNum && y.arg == 0;
        const bool field_right = y.op == Op::kNumField && x.op == Op::kConstNum && x.arg == 0;
        if (!field_left && !field_right) return std::nullopt;
        f.op = Op::kCmpFieldNum;
        f.a = field_left ? x.arg : y.arg;
        f.num = field_left ? y.num : x.num;
        f.arg = field_left ? n.arg : static_cast<std::uint8_t>(flipped(static_cast<Cmp>(n.arg)));
        return f;
      }
      case Op::kNot:
        if (x.op != Op::kBoolField) return std::nullopt;
        f.op = Op::kNotBoolField;
        f.arg = x.arg;
        return f;
      case Op::kInMask: {
        const Node& y = dst_.nodes[n.b];
        if (x.op != Op::kConstCode || y.op != Op::kMaskField) return std::nullopt;
        f.op = Op::kCodeInMaskField;
        f.arg = y.arg;
        f.a = x.a;
        return f;
      }
      default:
        return std::nullopt;
    }
  }
  // c OP x is x flipped(OP) c.
  static Cmp flipped(Cmp c) {
    switch (c) {
      case Cmp::kLt:
        return Cmp::kGt;
      case Cmp::kLe:
        return Cmp::kGe;
      case Cmp::kGt:
        return Cmp::kLt;
      case Cmp::kGe:
        return Cmp::kLe;
      default:
        return c;  // == and != are symmetric
    }
  }

  // Whether folded node i can never be absent (so set identities hold without an unknown).
  bool never_absent(std::uint32_t i) const {
    const Node& n = dst_.nodes[i];
    if (n.op == Op::kConstMask) return n.arg == 0;
    if (n.op == Op::kMaskField)
      return static_cast<Field>(n.arg) != Field::kProviderGenders && static_cast<Field>(n.arg) != Field::kProviderPeoples;
    if (n.op == Op::kListField || n.op == Op::kConstList) return true;
    if (n.op == Op::kMaskAnd || n.op == Op::kMaskOr) return never_absent(n.a) && never_absent(n.b);
    return false;
  }
  bool empty_set(std::uint32_t i) const {
    const Node& n = dst_.nodes[i];
    if (n.op == Op::kConstMask) return n.arg == 0 && n.mask == 0;
    if (n.op == Op::kConstList) return dst_.lists[n.a].empty();
    return false;
  }

  // Set identities with an empty constant set: `x in []` is false, `S contains_all []` is true,
  // `S contains_any []` is false, `S & {}` is empty (when S is never absent).
  std::optional<std::uint32_t> identity(const Node& n, std::uint32_t a, std::uint32_t b) {
    switch (n.op) {
      case Op::kInMask:
      case Op::kInList:
        if (empty_set(b) && never_absent(b)) return boolean(Tri::kFalse);
        break;
      case Op::kAllMask:
      case Op::kAllList:
        if (empty_set(b) && never_absent(a)) return boolean(Tri::kTrue);
        break;
      case Op::kAnyMask:
      case Op::kAnyList:
        if ((empty_set(a) && never_absent(b)) || (empty_set(b) && never_absent(a)))
          return boolean(Tri::kFalse);
        break;
      case Op::kMaskAnd:
        if ((empty_set(a) && never_absent(b)) || (empty_set(b) && never_absent(a))) {
          Node c;
          c.op = Op::kConstMask;
          c.kind = n.kind;
          return push(c);
        }
        break;
      case Op::kCountMask:
      case Op::kCountList:
        if (empty_set(a)) {
          Node c;
          c.op = Op::kConstNum;
          return push(c);
        }
        break;
      default:
        break;
    }
    return std::nullopt;
  }

  std::uint32_t push(const Node& n) {
    dst_.nodes.push_back(n);
    return static_cast<std::uint32_t>(dst_.nodes.size() - 1);
  }

  std::uint32_t boolean(Tri t) {
    Node c;
    c.op = Op::kConstBool;
    c.arg = static_cast<std::uint8_t>(t);
    return push(c);
  }

  // Evaluates node i of the source (which reads no provider field) into a constant node.
  std::uint32_t constant(std::uint32_t i) { return constant(src_, i); }

  // Evaluates node i of `pool` (which reads no provider field) into a constant node of dst.
  std::uint32_t constant(const Pool& pool, std::uint32_t i) {
    Evaluator ev(pool, ctx_);  // built here: dst grows, so no evaluator may outlive a push
    const Node n = pool.nodes[i];
    Node c;
    c.kind = n.kind;
    switch (value_of(n.op)) {
      case Value::kBool:
        return boolean(ev.boolean(i));
      case Value::kNumber: {
        Num v = ev.number(i);
        c.op = Op::kConstNum;
        c.num = v.v;
        c.arg = v.known ? 0 : 1;
        break;
      }
      case Value::kCode:
        c.op = Op::kConstCode;
        c.a = static_cast<std::uint32_t>(ev.code(i));
        break;
      case Value::kMask: {
        Mask m = ev.mask(i);
        c.op = Op::kConstMask;
        c.mask = m.bits;
        c.arg = m.known ? 0 : 1;
        break;
      }
      case Value::kList: {
        List l = ev.list(i);
        std::vector<int> copy(l.data, l.data + l.size);  // l may point into dst_.lists
        c.op = Op::kConstList;
        c.a = static_cast<std::uint32_t>(dst_.lists.size());
        dst_.lists.push_back(std::move(copy));
        break;
      }
    }
    return push(c);
  }

  const Pool& src_;
  const Context& ctx_;
  Pool& dst_;
};

}  // namespace

std::uint32_t fold(const Pool& src, std::uint32_t root, const Context& ctx, Pool& dst) {
  if (dst.macrolanguage.empty()) dst.macrolanguage = src.macrolanguage;
  return Folder(src, ctx, dst).fold(root);
}

}  // namespace nrm::rules::detail
