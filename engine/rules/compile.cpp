// The condition compiler: tokenises and parses the small expression language of rules/*.yaml,
// type-checks it against the field table and the directory's codes, and emits typed nodes into the
// policy's pool. Runs once per condition at load; nothing here runs per provider.
//
// Grammar (lowest precedence first; keywords are lower-case):
//   expr      := and ('or' and)*
//   and       := unary ('and' unary)*
//   unary     := 'not' unary | predicate
//   predicate := set [ ('=='|'!='|'<'|'<='|'>'|'>=') set
//                    | 'in' set | 'not' 'in' set
//                    | 'contains' set | 'contains_any' set | 'contains_all' set
//                    | 'is' ['not'] ('known'|'unknown') ]
//   set       := primary (('&'|'|') primary)*
//   primary   := '(' expr ')' | '[' [atom (',' atom)*] ']' | 'count' '(' expr ')'
//              | 'true' | 'false' | number | 'quoted' | word
// A word is a field (case.age, provider.ages.min, ...) or a code; a code takes its kind (need,
// gender, ...) from the field it is compared with, so `case.gender == female` checks `female`
// against the genders of the taxonomy.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

#include "model/diagnostics.hpp"
#include "rules/expr.hpp"

namespace nrm::rules::detail {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kNeed:
      return "need";
    case Kind::kAttribute:
      return "attribute";
    case Kind::kIdentity:
      return "identity";
    case Kind::kStatus:
      return "status";
    case Kind::kGender:
      return "gender";
    case Kind::kExploitation:
      return "exploitation";
    case Kind::kProvince:
      return "province";
    case Kind::kDelivery:
      return "delivery";
    case Kind::kLanguage:
      return "language";
    case Kind::kCommunity:
      return "community";
    case Kind::kProvider:
      return "provider";
  }
  return "code";
}

const std::vector<FieldInfo>& fields() {
  using F = Field;
  using T = Type;
  using K = Kind;
  static const std::vector<FieldInfo> kFields = {
      {"case.age", F::kCaseAge, T::kNumber, K::kNeed, true, false,
       "age in years; absent when not given"},
      {"case.gender", F::kCaseGender, T::kCode, K::kGender, false, false,
       "gender code (unknown when not given)"},
      {"case.identity", F::kCaseIdentity, T::kSet, K::kIdentity, false, false,
       "identity codes (first_nations, inuit, metis, lgbtq2s, disability)"},
      {"case.languages", F::kCaseLanguages, T::kSet, K::kLanguage, false, false,
       "ISO 639-3 languages; macrolanguages match their members"},
      {"case.status", F::kCaseStatus, T::kCode, K::kStatus, false, false,
       "immigration status code"},
      {"case.exploitation", F::kCaseExploitation, T::kCode, K::kExploitation, false, false,
       "kind of exploitation (sex, labour, both, unknown)"},
      {"case.needs", F::kCaseNeeds, T::kSet, K::kNeed, false, false,
       "the needs as asked (derived needs are not included)"},
      {"case.require", F::kCaseRequire, T::kSet, K::kAttribute, false, false,
       "attributes every in-person step must have"},
      {"case.prefer", F::kCasePrefer, T::kSet, K::kAttribute, false, false,
       "attributes that raise rank"},
      {"case.police_consent", F::kCasePoliceConsent, T::kBool, K::kNeed, false, false,
       "the person consents to police involvement"},
      {"case.province", F::kCaseProvince, T::kCode, K::kProvince, false, false,
       "province or territory of case.location"},
      {"case.location", F::kCaseLocation, T::kCode, K::kCommunity, false, false,
       "community id where the person is"},
      {"case.avoid", F::kCaseAvoid, T::kSet, K::kCommunity, false, false,
       "communities the pathway must not use"},
      {"case.max_travel_hours", F::kCaseMaxTravelHours, T::kNumber, K::kNeed, true, false,
       "cap on total travel in hours; absent when not given"},
      {"provider.id", F::kProviderId, T::kCode, K::kProvider, false, true, "the provider's id"},
      {"provider.community", F::kProviderCommunity, T::kCode, K::kCommunity, false, true,
       "community id where the provider is"},
      {"provider.province", F::kProviderProvince, T::kCode, K::kProvince, false, true,
       "province or territory of provider.community"},
      {"provider.services", F::kProviderServices, T::kSet, K::kNeed, false, true,
       "need codes it meets"},
      {"provider.delivery", F::kProviderDelivery, T::kCode, K::kDelivery, false, true,
       "in_person, remote or both"},
      {"provider.national", F::kProviderNational, T::kBool, K::kNeed, false, true,
       "serves: [national]"},
      {"provider.serves", F::kProviderServes, T::kSet, K::kProvince, false, true,
       "provinces it takes clients from (empty when national)"},
      {"provider.attributes", F::kProviderAttributes, T::kSet, K::kAttribute, false, true,
       "attribute codes"},
      {"provider.languages", F::kProviderLanguages, T::kSet, K::kLanguage, false, true,
       "languages spoken; macrolanguages match their members"},
      {"provider.genders", F::kProviderGenders, T::kSet, K::kGender, true, true,
       "genders it accepts; absent when it accepts everyone"},
      {"provider.catchment", F::kProviderCatchment, T::kSet, K::kCommunity, false, true,
       "communities a statutory service is responsible for; empty when it has none"},
      {"provider.peoples", F::kProviderPeoples, T::kSet, K::kIdentity, true, true,
       "identities the service is specifically for; absent when it is for everyone"},
      {"provider.ages.min", F::kProviderAgesMin, T::kNumber, K::kNeed, true, true,
       "youngest age accepted; absent when no lower bound"},
      {"provider.ages.max", F::kProviderAgesMax, T::kNumber, K::kNeed, true, true,
       "oldest age accepted; absent when no upper bound"},
      {"provider.accepts_trafficking_victims", F::kProviderAcceptsTraffickingVictims, T::kBool,
       K::kNeed, true, true, "takes victims of trafficking; absent when the provider has not said"},
      {"provider.accepts_without_status", F::kProviderAcceptsWithoutStatus, T::kBool, K::kNeed,
       false, true, "takes people with no immigration status"},
      {"provider.law_enforcement", F::kProviderLawEnforcement, T::kBool, K::kNeed, false, true,
       "is a police service"},
      {"provider.capacity.available", F::kProviderCapacityAvailable, T::kNumber, K::kNeed, true,
       true, "free beds; absent when the provider has no beds"},
      {"provider.capacity.beds", F::kProviderCapacityBeds, T::kNumber, K::kNeed, true, true,
       "beds in total; absent when the provider has no beds"},
      {"provider.wait_days", F::kProviderWaitDays, T::kNumber, K::kNeed, false, true,
       "days before a first appointment"},
      {"provider.confidential", F::kProviderConfidential, T::kBool, K::kNeed, false, true,
       "its address is never shown"},
      {"provider.verified_days_ago", F::kProviderVerifiedDaysAgo, T::kNumber, K::kNeed, true, true,
       "days between the entry's last verification and the query's date; absent if never"},
      {"provider.stale", F::kProviderStale, T::kBool, K::kNeed, false, true,
       "not verified within ranking stale_after_days of the query's date"},
  };
  return kFields;
}

const FieldInfo* find_field(std::string_view name) {
  for (const auto& f : fields())
    if (name == f.name) return &f;
  return nullptr;
}

void prepare_pool(Pool& pool, const Directory& directory) {
  const auto& langs = directory.taxonomy.languages;
  pool.macrolanguage.assign(static_cast<std::size_t>(langs.size()), -1);
  for (int i = 0; i < langs.size(); ++i)
    pool.macrolanguage[static_cast<std::size_t>(i)] = langs[i].macrolanguage;
}

namespace {

// ---- tokens ---------------------------------------------------------------------------------

enum class Tok {
  kWord,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kAmp,
  kBar,
  kCmp,
  kEnd,
  kBad
};

struct Token {
  Tok tok = Tok::kEnd;
  std::string text;
  std::size_t offset = 0;
  double num = 0;
  Cmp cmp = Cmp::kEq;
};

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

std::vector<Token> tokenize(std::string_view s, std::vector<CompileError>& errors) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.offset = i;
    auto single = [&](Tok k) {
      t.tok = k;
      t.text = std::string(1, c);
      ++i;
    };
    if (word_start(c)) {
      std::size_t j = i;
      while (j < s.size() && word_char(s[j])) ++j;
      while (j > i + 1 && (s[j - 1] == '.' || s[j - 1] == '-')) --j;  // "x." ends a sentence
      t.tok = Tok::kWord;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      t.tok = Tok::kNumber;
      t.text = std::string(s.substr(i, j - i));
      char* end = nullptr;
      t.num = std::strtod(t.text.c_str(), &end);
      if (end != t.text.c_str() + t.text.size()) {
        errors.push_back({i, t.text, "malformed number " + t.text});
        return {};
      }
      i = j;
    } else if (c == '\'' || c == '"') {
      std::size_t j = s.find(c, i + 1);
      if (j == std::string_view::npos) {
        errors.push_back({i, std::string(1, c), "unterminated quoted code"});
        return {};
      }
      t.tok = Tok::kString;
      t.text = std::string(s.substr(i + 1, j - i - 1));
      i = j + 1;
    } else if (c == '(') {
      single(Tok::kLParen);
    } else if (c == ')') {
      single(Tok::kRParen);
    } else if (c == '[') {
      single(Tok::kLBracket);
    } else if (c == ']') {
      single(Tok::kRBracket);
    } else if (c == ',') {
      single(Tok::kComma);
    } else if (c == '&') {
      single(Tok::kAmp);
    } else if (c == '|') {
      single(Tok::kBar);
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      bool eq_next = i + 1 < s.size() && s[i + 1] == '=';
      t.tok = Tok::kCmp;
      t.text = std::string(s.substr(i, eq_next ? 2 : 1));
      if (c == '=' && !eq_next) {
        errors.push_back({i, "=", "'=' is not an operator; write == to compare"});
        return {};
      }
      if (c == '!' && !eq_next) {
        errors.push_back({i, "!", "'!' is not an operator; write not, or != to compare"});
        return {};
      }
      t.cmp = c == '='   ? Cmp::kEq
              : c == '!' ? Cmp::kNe
              : c == '<' ? (eq_next ? Cmp::kLe : Cmp::kLt)
                         : (eq_next ? Cmp::kGe : Cmp::kGt);
      i += eq_next ? 2 : 1;
    } else {
      errors.push_back({i, std::string(1, c), std::string("unexpected character '") + c + "'"});
      return {};
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.tok = Tok::kEnd;
  end.offset = s.size();
  out.push_back(end);
  return out;
}

// ---- syntax tree ------------------------------------------------------------------------------

enum class A {
  kWord,
  kString,
  kNumber,
  kBool,
  kList,
  kAnd,
  kOr,
  kNot,
  kCmp,
  kIn,
  kNotIn,
  kContains,
  kContainsAny,
  kContainsAll,
  kSetAnd,
  kSetOr,
  kIsKnown,
  kIsUnknown,
  kCount
};

struct Ast {
  A a = A::kWord;
  std::string text;  // word, string or operator as written
  double num = 0;
  bool flag = false;  // kBool value
  Cmp cmp = Cmp::kEq;
  std::size_t offset = 0;
  std::vector<Ast> kids;
};

bool reserved(const std::string& w) {
  return w == "and" || w == "or" || w == "not" || w == "in" || w == "contains" ||
         w == "contains_any" || w == "contains_all" || w == "is";
}

struct ParseFailure {
  CompileError error;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Ast parse() {
    Ast e = expr();
    if (peek().tok != Tok::kEnd)
      fail(peek(), "unexpected " + describe(peek()) + " after a complete condition");
    return e;
  }

 private:
  const Token& peek() const { return t_[pos_]; }
  const Token& next() { return t_[pos_ == t_.size() - 1 ? pos_ : pos_++]; }
  bool is_word(const char* w) const { return peek().tok == Tok::kWord && peek().text == w; }

  [[noreturn]] void fail(const Token& at, std::string message) {
    throw ParseFailure{
        {at.offset, at.tok == Tok::kEnd ? std::string() : at.text, std::move(message)}};
  }
  static std::string describe(const Token& t) {
    if (t.tok == Tok::kEnd) return "end of condition";
    return "'" + t.text + "'";
  }

  Ast node(A a, std::size_t offset, std::string text, std::vector<Ast> kids) {
    Ast n;
    n.a = a;
    n.offset = offset;
    n.text = std::move(text);
    n.kids = std::move(kids);
    return n;
  }

  Ast expr() {
    Ast l = conj();
    while (is_word("or")) {
      const Token& op = next();
      Ast r = conj();
      l = node(A::kOr, op.offset, "or", {std::move(l), std::move(r)});
    }
    return l;
  }

  Ast conj() {
    Ast l = unary();
    while (is_word("and")) {
      const Token& op = next();
      Ast r = unary();
      l = node(A::kAnd, op.offset, "and", {std::move(l), std::move(r)});
    }
    return l;
  }

  Ast unary() {
    if (is_word("not")) {
      const Token& op = next();
      Ast e = unary();
      return node(A::kNot, op.offset, "not", {std::move(e)});
    }
    return predicate();
  }

  Ast predicate() {
    Ast l = set();
    const Token& t = peek();
    if (t.tok == Tok::kCmp) {
      Token op = next();
      Ast r = set();
      Ast n = node(A::kCmp, op.offset, op.text, {std::move(l), std::move(r)});
      n.cmp = op.cmp;
      no_chain();
      return n;
    }
    if (t.tok != Tok::kWord) return l;
    A a;
    if (t.text == "in") {
      a = A::kIn;
    } else if (t.text == "not") {
      // `x not in S`
      if (pos_ + 1 < t_.size() && t_[pos_ + 1].tok == Tok::kWord && t_[pos_ + 1].text == "in") {
        Token op = next();
        next();
        Ast r = set();
        no_chain();
        return node(A::kNotIn, op.offset, "not in", {std::move(l), std::move(r)});
      }
      fail(t, "unexpected 'not' after an operand; did you mean 'not in'?");
    } else if (t.text == "contains") {
      a = A::kContains;
    } else if (t.text == "contains_any") {
      a = A::kContainsAny;
    } else if (t.text == "contains_all") {
      a = A::kContainsAll;
    } else if (t.text == "is") {
      Token op = next();
      bool negate = false;
      if (is_word("not")) {
        next();
        negate = true;
      }
      if (!is_word("known") && !is_word("unknown"))
        fail(peek(), "expected 'known' or 'unknown' after 'is', found " + describe(peek()));
      bool known = next().text == "known";
      no_chain();
      return node(known != negate ? A::kIsKnown : A::kIsUnknown, op.offset, "is", {std::move(l)});
    } else {
      return l;
    }
    Token op = next();
    Ast r = set();
    no_chain();
    return node(a, op.offset, op.text, {std::move(l), std::move(r)});
  }

  void no_chain() {
    const Token& t = peek();
    if (t.tok == Tok::kCmp || (t.tok == Tok::kWord && (t.text == "in" || t.text == "contains" ||
                                                       t.text == "contains_any" ||
                                                       t.text == "contains_all" || t.text == "is")))
      fail(t, "comparisons do not chain; join them with 'and' (" + describe(t) + ")");
  }

  Ast set() {
    Ast l = primary();
    while (peek().tok == Tok::kAmp || peek().tok == Tok::kBar) {
      Token op = next();
      Ast r = primary();
      l = node(op.tok == Tok::kAmp ? A::kSetAnd : A::kSetOr, op.offset, op.text,
               {std::move(l), std::move(r)});
    }
    return l;
  }

  Ast atom() {
    const Token& t = peek();
    if (t.tok == Tok::kWord && !reserved(t.text)) {
      Token w = next();
      return node(A::kWord, w.offset, w.text, {});
    }
    if (t.tok == Tok::kString) {
      Token w = next();
      return node(A::kString, w.offset, w.text, {});
    }
    fail(t, "expected a code in the list, found " + describe(t));
  }

  Ast primary() {
    const Token& t = peek();
    switch (t.tok) {
      case Tok::kLParen: {
        next();
        Ast e = expr();
        if (peek().tok != Tok::kRParen) fail(peek(), "expected ')', found " + describe(peek()));
        next();
        return e;
      }
      case Tok::kLBracket: {
        Token open = next();
        std::vector<Ast> items;
        if (peek().tok != Tok::kRBracket) {
          items.push_back(atom());
          while (peek().tok == Tok::kComma) {
            next();
            items.push_back(atom());
          }
        }
        if (peek().tok != Tok::kRBracket)
          fail(peek(), "expected ',' or ']', found " + describe(peek()));
        next();
        return node(A::kList, open.offset, "[", std::move(items));
      }
      case Tok::kNumber: {
        Token n = next();
        Ast a = node(A::kNumber, n.offset, n.text, {});
        a.num = n.num;
        return a;
      }
      case Tok::kString: {
        Token w = next();
        return node(A::kString, w.offset, w.text, {});
      }
      case Tok::kWord: {
        if (reserved(t.text)) fail(t, "expected an operand, found " + describe(t));
        Token w = next();
        if (w.text == "true" || w.text == "false") {
          Ast a = node(A::kBool, w.offset, w.text, {});
          a.flag = w.text == "true";
          return a;
        }
        if (w.text == "count" && peek().tok == Tok::kLParen) {
          next();
          Ast e = expr();
          if (peek().tok != Tok::kRParen)
            fail(peek(), "expected ')' after count(..., found " + describe(peek()));
          next();
          return node(A::kCount, w.offset, "count", {std::move(e)});
        }
        return node(A::kWord, w.offset, w.text, {});
      }
      default:
        fail(t, "expected an operand, found " + describe(t));
    }
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
};

// ---- type checking and emission --------------------------------------------------------------

struct Typed {
  bool ok = false;
  std::uint32_t node = 0;
  Type type = Type::kBool;
  Kind kind = Kind::kNeed;
  bool nullable = false;
  std::string what;  // how to name it in a message: "case.age", "count(...)", "female"
};

std::string describe_type(Type t, Kind k) {
  switch (t) {
    case Type::kBool:
      return "a condition (true or false)";
    case Type::kNumber:
      return "a number";
    case Type::kCode:
      return std::string(k == Kind::kExploitation ? "an " : "a ") + kind_name(k) + " code";
    case Type::kSet:
      return std::string("a set of ") + kind_name(k) + " codes";
  }
  return "a value";
}

class Checker {
 public:
  Checker(const Directory& d, Pool& pool, std::vector<CompileError>& errors, Compiled& out)
      : d_(d), pool_(pool), errors_(errors), out_(out) {}

  Typed check(const Ast& a) {
    switch (a.a) {
      case A::kWord:
        return word(a);
      case A::kString:
        return error(a,
                     "'" + a.text + "' must be compared with a field (e.g. case.gender == female)");
      case A::kList:
        return error(a, "a list must be compared with a field (e.g. case.status in [no_status])");
      case A::kNumber: {
        Node n;
        n.op = Op::kConstNum;
        n.num = a.num;
        return emit(n, Type::kNumber, Kind::kNeed, false, a.text);
      }
      case A::kBool: {
        Node n;
        n.op = Op::kConstBool;
        n.arg = a.flag ? 1 : 0;
        return emit(n, Type::kBool, Kind::kNeed, false, a.text);
      }
      case A::kAnd:
      case A::kOr: {
        Typed l = condition(a.kids[0], a.text);
        Typed r = condition(a.kids[1], a.text);
        if (!l.ok || !r.ok) return {};
        Node n;
        n.op = a.a == A::kAnd ? Op::kAnd : Op::kOr;
        n.a = l.node;
        n.b = r.node;
        return emit(n, Type::kBool, Kind::kNeed, false, l.what + " " + a.text + " " + r.what);
      }
      case A::kNot: {
        Typed e = condition(a.kids[0], "not");
        if (!e.ok) return {};
        Node n;
        n.op = Op::kNot;
        n.a = e.node;
        return emit(n, Type::kBool, Kind::kNeed, false, "not " + e.what);
      }
      case A::kCount: {
        Typed e = check(a.kids[0]);
        if (!e.ok) return {};
        if (e.type != Type::kSet)
          return error(a,
                       "count() takes a set; " + e.what + " is " + describe_type(e.type, e.kind));
        Node n;
        n.op = is_mask_kind(e.kind) ? Op::kCountMask : Op::kCountList;
        n.a = e.node;
        return emit(n, Type::kNumber, Kind::kNeed, e.nullable, "count(" + e.what + ")");
      }
      case A::kIsKnown:
      case A::kIsUnknown: {
        Typed e = check(a.kids[0]);
        if (!e.ok) return {};
        if (!e.nullable) return error(a, e.what + " is never absent, so 'is known' is always true");
        Node n;
        n.op = e.type == Type::kNumber ? Op::kKnownNum : e.type == Type::kBool ? Op::kKnownBool : Op::kKnownMask;
        n.a = e.node;
        Typed k = emit(n, Type::kBool, Kind::kNeed, false, e.what + " is known");
        if (a.a == A::kIsKnown) return k;
        Node neg;
        neg.op = Op::kNot;
        neg.a = k.node;
        return emit(neg, Type::kBool, Kind::kNeed, false, e.what + " is unknown");
      }
      case A::kCmp:
      case A::kIn:
      case A::kNotIn:
      case A::kContains:
      case A::kContainsAny:
      case A::kContainsAll:
      case A::kSetAnd:
      case A::kSetOr:
        return binary(a);
    }
    return {};
  }

 private:
  Typed condition(const Ast& a, const std::string& op) {
    Typed t = check(a);
    if (t.ok && t.type != Type::kBool)
      return error(
          a, "'" + op + "' needs conditions; " + t.what + " is " + describe_type(t.type, t.kind) +
                 (t.type == Type::kNumber ? " (compare it, e.g. " + t.what + " > 0)" : ""));
    return t;
  }

  Typed error(const Ast& a, std::string message) {
    errors_.push_back({a.offset, a.a == A::kList ? "[" : a.text, std::move(message)});
    return {};
  }

  Typed emit(const Node& n, Type t, Kind k, bool nullable, std::string what) {
    pool_.nodes.push_back(n);
    Typed r;
    r.ok = true;
    r.node = static_cast<std::uint32_t>(pool_.nodes.size() - 1);
    r.type = t;
    r.kind = k;
    r.nullable = nullable;
    r.what = std::move(what);
    return r;
  }

  static bool is_literal(const Ast& a) {
    return (a.a == A::kWord && !find_field(a.text)) || a.a == A::kString || a.a == A::kList;
  }

  static bool field_like(const std::string& w) {
    return w.rfind("case.", 0) == 0 || w.rfind("provider.", 0) == 0 || w == "case" ||
           w == "provider";
  }

  static std::vector<std::string> field_names() {
    std::vector<std::string> out;
    for (const auto& f : fields()) out.push_back(f.name);
    return out;
  }

  Typed unknown_field(const Ast& a) {
    std::string hint = closest_name(a.text, field_names());
    return error(a,
                 "unknown field " + a.text + (hint.empty() ? "" : "; did you mean " + hint + "?"));
  }

  Typed word(const Ast& a) {
    const FieldInfo* f = find_field(a.text);
    if (!f) {
      if (field_like(a.text)) return unknown_field(a);
      return error(a, a.text +
                          " is not a field; a code must be compared with a field (e.g. "
                          "case.gender == female)");
    }
    if (f->provider) {
      if (std::find(out_.provider_fields.begin(), out_.provider_fields.end(), f->name) ==
          out_.provider_fields.end())
        out_.provider_fields.push_back(f->name);
    } else {
      out_.uses_case = true;
    }
    Node n;
    n.arg = static_cast<std::uint8_t>(f->field);
    n.kind = f->kind;
    switch (f->type) {
      case Type::kBool:
        n.op = Op::kBoolField;
        break;
      case Type::kNumber:
        n.op = Op::kNumField;
        break;
      case Type::kCode:
        n.op = Op::kCodeField;
        break;
      case Type::kSet:
        n.op = is_mask_kind(f->kind) ? Op::kMaskField : Op::kListField;
        break;
    }
    return emit(n, f->type, f->kind, f->nullable, f->name);
  }

  std::vector<std::string> known_codes(Kind k) const {
    const Taxonomy& t = d_.taxonomy;
    switch (k) {
      case Kind::kNeed:
        return t.needs.codes();
      case Kind::kAttribute:
        return t.attributes.codes();
      case Kind::kIdentity:
        return t.identities.codes();
      case Kind::kStatus:
        return t.statuses.codes();
      case Kind::kGender:
        return t.genders.codes();
      case Kind::kExploitation:
        return t.exploitation.codes();
      case Kind::kProvince:
        return t.provinces.codes();
      case Kind::kDelivery:
        return {kDeliveryCodes[0], kDeliveryCodes[1], kDeliveryCodes[2]};
      case Kind::kLanguage:
        return t.languages.codes();
      case Kind::kCommunity:
        return d_.geography.ids();
      case Kind::kProvider: {
        std::vector<std::string> ids;
        for (const auto& p : d_.providers) ids.push_back(p.id);
        return ids;
      }
    }
    return {};
  }

  std::optional<int> resolve(Kind k, const std::string& c) const {
    const Taxonomy& t = d_.taxonomy;
    switch (k) {
      case Kind::kNeed:
        return t.needs.find(c);
      case Kind::kAttribute:
        return t.attributes.find(c);
      case Kind::kIdentity:
        return t.identities.find(c);
      case Kind::kStatus:
        return t.statuses.find(c);
      case Kind::kGender:
        return t.genders.find(c);
      case Kind::kExploitation:
        return t.exploitation.find(c);
      case Kind::kProvince:
        return t.provinces.find(c);
      case Kind::kDelivery:
        for (int i = 0; i < 3; ++i)
          if (c == kDeliveryCodes[i]) return i;
        return std::nullopt;
      case Kind::kLanguage:
        return t.languages.find(c);
      case Kind::kCommunity: {
        auto i = d_.geography.find(c);
        if (!i) return std::nullopt;
        return static_cast<int>(*i);
      }
      case Kind::kProvider: {
        auto i = d_.find(c);
        if (!i) return std::nullopt;
        return static_cast<int>(*i);
      }
    }
    return std::nullopt;
  }

  // One code of kind `k` written as `a` (a word or a quoted string).
  std::optional<int> code_of(const Ast& a, Kind k) {
    if (auto c = resolve(k, a.text)) {
      if (is_mask_kind(k) && *c >= 64) {
        error(a, std::string("too many ") + kind_name(k) + " codes for a condition");
        return std::nullopt;
      }
      return c;
    }
    if (a.a == A::kWord && field_like(a.text)) {
      unknown_field(a);
      return std::nullopt;
    }
    std::string hint = closest_name(a.text, known_codes(k));
    error(a, std::string("unknown ") + kind_name(k) + " code " + a.text +
                 (hint.empty() ? "" : "; did you mean " + hint + "?"));
    return std::nullopt;
  }

  // A literal (word, string or list) typed by the field it is compared with. `want_set`: the
  // operator wants a set here (a single word then means a set of one).
  Typed literal(const Ast& a, const Typed& other, bool want_set) {
    if (a.a == A::kWord && field_like(a.text) && other.type != Type::kCode &&
        other.type != Type::kSet)
      return unknown_field(a);  // `case.agee < 18`: a misspelt field, not a code
    if (other.type == Type::kNumber)
      return error(a, "cannot compare " + other.what + " (a number) with " +
                          (a.a == A::kList ? "a list" : "'" + a.text + "' (text)"));
    if (other.type == Type::kBool)
      return error(a, "cannot compare " + other.what + " (a condition) with " +
                          (a.a == A::kList ? "a list" : "'" + a.text + "'") +
                          "; use true or false");
    Kind k = other.kind;
    if (a.a == A::kList || want_set) {
      std::vector<int> codes;
      bool ok = true;
      std::string what;
      if (a.a == A::kList) {
        for (const auto& item : a.kids) {
          auto c = code_of(item, k);
          if (!c)
            ok = false;
          else
            codes.push_back(*c);
          what += (what.empty() ? "" : ", ") + item.text;
        }
        what = "[" + what + "]";
      } else {
        auto c = code_of(a, k);
        if (!c)
          ok = false;
        else
          codes.push_back(*c);
        what = a.text;
      }
      if (!ok) return {};
      Node n;
      n.kind = k;
      if (is_mask_kind(k)) {
        n.op = Op::kConstMask;
        for (int c : codes) n.mask |= std::uint64_t{1} << c;
      } else {
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        n.op = Op::kConstList;
        n.a = static_cast<std::uint32_t>(pool_.lists.size());
        pool_.lists.push_back(std::move(codes));
      }
      return emit(n, Type::kSet, k, false, what);
    }
    auto c = code_of(a, k);
    if (!c) return {};
    Node n;
    n.op = Op::kConstCode;
    n.kind = k;
    n.a = static_cast<std::uint32_t>(*c);
    return emit(n, Type::kCode, k, false, a.text);
  }

  Typed binary(const Ast& a) {
    const Ast& la = a.kids[0];
    const Ast& ra = a.kids[1];
    bool l_lit = is_literal(la), r_lit = is_literal(ra);
    if (l_lit && r_lit) {
      for (const Ast* side : {&la, &ra})
        if (side->a == A::kWord && field_like(side->text)) return unknown_field(*side);
      return error(
          la,
          "'" + a.text + "' compares two constants; one side must be a field of case or provider");
    }
    // Which side may be a set when it is a literal word.
    bool l_set = a.a == A::kContains || a.a == A::kContainsAny || a.a == A::kContainsAll ||
                 a.a == A::kSetAnd || a.a == A::kSetOr;
    bool r_set = a.a == A::kIn || a.a == A::kNotIn || a.a == A::kContainsAny ||
                 a.a == A::kContainsAll || a.a == A::kSetAnd || a.a == A::kSetOr;
    Typed l, r;
    if (l_lit) {
      r = check(ra);
      if (!r.ok) return {};
      l = literal(la, r, l_set || la.a == A::kList);
    } else {
      l = check(la);
      if (!l.ok) {
        if (!r_lit) check(ra);  // report problems on both sides at once
        return {};
      }
      r = r_lit ? literal(ra, l, r_set || ra.a == A::kList) : check(ra);
    }
    if (!l.ok || !r.ok) return {};
    auto mismatch = [&]() {
      return error(a, "cannot compare " + l.what + " (" + describe_type(l.type, l.kind) +
                          ") with " + r.what + " (" + describe_type(r.type, r.kind) + ")");
    };
    Node n;
    n.a = l.node;
    n.b = r.node;
    std::string what = l.what + " " + a.text + " " + r.what;
    switch (a.a) {
      case A::kCmp: {
        n.arg = static_cast<std::uint8_t>(a.cmp);
        bool ordering = a.cmp != Cmp::kEq && a.cmp != Cmp::kNe;
        if (l.type == Type::kSet || r.type == Type::kSet) {
          if (l.type != r.type) return mismatch();
          return error(a, "sets are not compared with " + a.text +
                              "; use contains_all, contains_any or count()");
        }
        if (l.type != r.type || (l.type == Type::kCode && l.kind != r.kind)) return mismatch();
        if (l.type == Type::kNumber) {
          n.op = Op::kCmpNum;
        } else if (ordering) {
          return error(a, l.what + " is " + describe_type(l.type, l.kind) +
                              "; it can only be compared with == or !=");
        } else {
          n.op = l.type == Type::kBool ? Op::kCmpBool : Op::kCmpCode;
        }
        return emit(n, Type::kBool, Kind::kNeed, false, what);
      }
      case A::kIn:
      case A::kNotIn:
      case A::kContains: {
        const Typed& item = a.a == A::kContains ? r : l;
        const Typed& set = a.a == A::kContains ? l : r;
        if (set.type != Type::kSet)
          return error(a, "'" + a.text + "' needs a set; " + set.what + " is " +
                              describe_type(set.type, set.kind) +
                              (set.type == Type::kCode ? "; use ==" : ""));
        if (item.type == Type::kSet)
          return error(a,
                       item.what + " is a set; use contains_any or contains_all to compare sets");
        if (item.type != Type::kCode || item.kind != set.kind) return mismatch();
        n.a = item.node;
        n.b = set.node;
        n.kind = set.kind;
        n.op = is_mask_kind(set.kind) ? Op::kInMask : Op::kInList;
        Typed in = emit(n, Type::kBool, Kind::kNeed, false, what);
        if (a.a != A::kNotIn) return in;
        Node neg;
        neg.op = Op::kNot;
        neg.a = in.node;
        return emit(neg, Type::kBool, Kind::kNeed, false, what);
      }
      case A::kContainsAny:
      case A::kContainsAll:
      case A::kSetAnd:
      case A::kSetOr: {
        if (l.type != Type::kSet || r.type != Type::kSet || l.kind != r.kind) {
          if (l.type == Type::kSet && r.type == Type::kCode && l.kind == r.kind)
            return error(a, r.what + " is a single code; use 'contains'");
          return mismatch();
        }
        n.kind = l.kind;
        if (a.a == A::kSetAnd || a.a == A::kSetOr) {
          if (!is_mask_kind(l.kind))
            return error(a, std::string("'") + a.text + "' works on sets of small codes, not on " +
                                kind_name(l.kind) + " sets; use contains_any");
          n.op = a.a == A::kSetAnd ? Op::kMaskAnd : Op::kMaskOr;
          return emit(n, Type::kSet, l.kind, l.nullable || r.nullable, "(" + what + ")");
        }
        bool any = a.a == A::kContainsAny;
        n.op = is_mask_kind(l.kind) ? (any ? Op::kAnyMask : Op::kAllMask)
                                    : (any ? Op::kAnyList : Op::kAllList);
        return emit(n, Type::kBool, Kind::kNeed, false, what);
      }
      default:
        break;
    }
    return {};
  }

  const Directory& d_;
  Pool& pool_;
  std::vector<CompileError>& errors_;
  Compiled& out_;
};

}  // namespace

std::optional<Compiled> compile(std::string_view text, Type want, const Directory& directory,
                                Pool& pool, std::vector<CompileError>& errors) {
  std::size_t before = errors.size();
  std::vector<Token> toks = tokenize(text, errors);
  if (errors.size() != before) return std::nullopt;
  Ast ast;
  try {
    ast = Parser(std::move(toks)).parse();
  } catch (const ParseFailure& f) {
    errors.push_back(f.error);
    return std::nullopt;
  }
  std::size_t mark = pool.nodes.size();
  std::size_t lists_mark = pool.lists.size();
  Compiled out;
  Checker checker(directory, pool, errors, out);
  Typed t = checker.check(ast);
  if (t.ok && t.type != want) {
    errors.push_back({ast.offset, ast.text,
                      t.what + " is " + describe_type(t.type, t.kind) + ", not " +
                          (want == Type::kBool ? "a condition" : "a set")});
    t.ok = false;
  }
  if (!t.ok || errors.size() != before) {
    pool.nodes.resize(mark);
    pool.lists.resize(lists_mark);
    return std::nullopt;
  }
  out.root = t.node;
  out.type = t.type;
  out.kind = t.kind;
  return out;
}

}  // namespace nrm::rules::detail
