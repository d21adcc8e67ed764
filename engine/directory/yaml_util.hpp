// The one YAML reading helper of every loader (data files, rules, the audit's profiles, cases):
// bounded parsing with libyaml's event parser into a compact document (YamlDocument), then typed,
// located reading (YamlReader): every accessor reports a Diagnostic naming file, line, column and
// field instead of throwing, so a loader can report every problem at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "i18n/text.hpp"
#include "model/date.hpp"
#include "model/diagnostics.hpp"
#include "model/taxonomy.hpp"

namespace nrm::detail {

// Reads a whole file into memory; reports a missing, unreadable, oversized or binary file.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags);

// Bounds of one YAML document, checked on each event as libyaml streams them, before the node
// that passes them is stored (a node costs 16 bytes and its text). kMaxYamlNodes allows a
// directory of 100,000 providers; kMaxYamlDepth is far beyond any of our files (a provider is 4
// levels deep, a rule 8).
inline constexpr std::size_t kMaxYamlNodes = 8'000'000;
inline constexpr int kMaxYamlDepth = 64;

// Where a node starts in its text: 1-based line and column (a column counts characters, as an
// editor does); 0 when unknown (a node built from a JSON document).
struct YamlMark {
  int line = 0;
  int column = 0;
};

enum class YamlKind : std::uint8_t { kNull, kScalar, kSequence, kMap };

// One node of a document, 16 bytes. A scalar's text is text[first, first + count); a sequence's
// items are nodes[first, first + count); a map's entries are count (key, value) pairs, nodes[first,
// first + 2 * count), keys at even positions. Children of one node are contiguous.
struct YamlRecord {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  std::uint32_t line = 0;
  std::uint32_t column : 24 = 0;  // past 16,777,215 (a line of 16 MB) it stays there
  YamlKind kind : 2 = YamlKind::kNull;
  bool quoted : 1 = false;  // a quoted or block scalar: always text, never a number, boolean or null
};
static_assert(sizeof(YamlRecord) == 16);
inline constexpr std::uint32_t kMaxYamlColumn = (1u << 24) - 1;

struct YamlData {
  std::vector<YamlRecord> nodes;
  std::string text;  // every scalar's text, one after the other
  std::uint32_t root = 0;
};

template <bool kEntries>
struct YamlRange;

// A node of a document, or none (what a lookup of an absent key gives): a handle of two words,
// copied freely, valid while its document lives. Every accessor is safe on every node: on none
// or on a node of another kind it answers "no", 0 or nothing.
class YamlNode {
 public:
  YamlNode() = default;
  YamlNode(const YamlData* data, std::uint32_t index) : d_(data), i_(index) {}

  bool defined() const { return d_ != nullptr; }
  explicit operator bool() const { return defined(); }
  YamlKind kind() const { return d_ ? rec().kind : YamlKind::kNull; }
  bool is_null() const { return d_ && rec().kind == YamlKind::kNull; }
  bool is_scalar() const { return d_ && rec().kind == YamlKind::kScalar; }
  bool is_sequence() const { return d_ && rec().kind == YamlKind::kSequence; }
  bool is_map() const { return d_ && rec().kind == YamlKind::kMap; }
  bool quoted() const { return is_scalar() && rec().quoted; }
  YamlMark mark() const {
    return d_ ? YamlMark{static_cast<int>(rec().line), static_cast<int>(rec().column)} : YamlMark{};
  }

  // Items of a sequence, entries of a map; 0 for anything else.
  std::size_t size() const { return is_sequence() || is_map() ? rec().count : 0; }
  // The i-th item of a sequence; none if this is no sequence or i is past its end.
  YamlNode operator[](std::size_t i) const {
    return is_sequence() && i < rec().count ? YamlNode(d_, rec().first + static_cast<std::uint32_t>(i)) : YamlNode();
  }
  // The value of `key` in a map (keys are unique: the parser refuses a key given twice); none if
  // this is no map or has no such key.
  YamlNode operator[](std::string_view key) const;
  // The i-th entry of a map, in the order written.
  YamlNode key(std::size_t i) const { return entry(i, 0); }
  YamlNode value(std::size_t i) const { return entry(i, 1); }

  // A scalar's text (empty for anything else), and a copy of it.
  std::string_view text() const {
    return is_scalar() ? std::string_view(d_->text).substr(rec().first, rec().count) : std::string_view();
  }
  std::string str() const { return std::string(text()); }

  // Ranges: `for (YamlNode item : seq.items())`, `for (auto [k, v] : map.entries())`; empty on
  // a node of another kind.
  YamlRange<false> items() const;
  YamlRange<true> entries() const;

 private:
  const YamlRecord& rec() const { return d_->nodes[i_]; }
  YamlNode entry(std::size_t i, std::uint32_t which) const {
    return is_map() && i < rec().count ? YamlNode(d_, rec().first + 2 * static_cast<std::uint32_t>(i) + which)
                                       : YamlNode();
  }
  const YamlData* d_ = nullptr;
  std::uint32_t i_ = 0;
};

// A map's entry, and the iteration behind YamlNode::items() and entries().
struct YamlEntry {
  YamlNode key, value;
};

template <bool kEntries>
class YamlIterator {
 public:
  YamlIterator(YamlNode n, std::size_t i) : n_(n), i_(i) {}
  auto operator*() const {
    if constexpr (kEntries) return YamlEntry{n_.key(i_), n_.value(i_)};
    else return n_[i_];
  }
  YamlIterator& operator++() { return ++i_, *this; }
  bool operator!=(const YamlIterator& o) const { return i_ != o.i_; }

 private:
  YamlNode n_;
  std::size_t i_;
};

template <bool kEntries>
struct YamlRange {
  YamlNode n;
  YamlIterator<kEntries> begin() const { return {n, 0}; }
  YamlIterator<kEntries> end() const { return {n, (kEntries ? n.is_map() : n.is_sequence()) ? n.size() : 0}; }
};

inline YamlRange<false> YamlNode::items() const { return {*this}; }
inline YamlRange<true> YamlNode::entries() const { return {*this}; }

// A parsed document: it owns its nodes; root() and every node reached from it stay valid while
// the document lives (moving the document keeps them valid).
class YamlDocument {
 public:
  explicit YamlDocument(std::unique_ptr<YamlData> data) : data_(std::move(data)) {}
  YamlNode root() const { return YamlNode(data_.get(), data_->root); }
  std::size_t node_count() const { return data_->nodes.size(); }

 private:
  std::unique_ptr<YamlData> data_;
};

// Builds a document in one pass, node by node in the order written (libyaml's events, or a JSON
// document's values). Children wait on a stack until their container closes, then move, as one
// block, to the document: each node is copied once. A map's keys are compared when it closes.
class YamlBuilder {
 public:
  explicit YamlBuilder(std::size_t text_bytes = 0);
  void scalar(std::string_view text, bool quoted, YamlMark at);
  void null(YamlMark at);
  void open(YamlKind kind, YamlMark at);  // kSequence or kMap
  void close();
  std::size_t nodes() const { return count_; }
  int depth() const { return static_cast<int>(open_.size()); }
  // Whether the next node is a key of the open map.
  bool expecting_key() const {
    return !open_.empty() && pending_[open_.back()].kind == YamlKind::kMap &&
           (pending_.size() - open_.back() - 1) % 2 == 0;
  }
  // A key given twice in one map: where (the second), the first one's line, and the key's path.
  struct Duplicate {
    YamlMark at;
    int first_line = 0;
    std::string path;
  };
  const std::vector<Duplicate>& duplicates() const { return duplicates_; }
  // The document; a null root if nothing was added (an empty text).
  YamlDocument finish();

 private:
  void add(const YamlRecord& r);
  void check_keys(std::size_t first, std::uint32_t pairs);
  std::string path_to(std::size_t child) const;
  std::unique_ptr<YamlData> data_;
  std::vector<YamlRecord> pending_;  // children of the open containers, each container before its own
  std::vector<std::size_t> open_;    // positions in pending_ of the open containers
  std::vector<Duplicate> duplicates_;
  std::vector<std::string_view> keys_;  // the keys of the map being closed (scratch)
  std::size_t count_ = 0;
};

// Parses YAML text (one document; none gives a null root) within the bounds above. Refused, as
// one located diagnostic each: a syntax error ("file:line:col: not valid YAML: <libyaml's
// problem>"), a bound passed, an anchor or alias, a tag, a second document. A key given twice in
// a map is reported with both lines, and the document is still returned (so that a loader reports
// its other problems too: the diagnostics make the load fail).
std::optional<YamlDocument> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diags,
                                       std::size_t max_nodes = kMaxYamlNodes);

// read_text_file then parse_yaml: what every loader of a YAML file calls.
std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diags);

// The byte offset in `text` of a mark of a document parsed from it (libyaml counts columns in
// characters and skips a byte-order mark).
std::size_t byte_offset(std::string_view text, YamlMark at);

// A value for a message, shortened: 'abc' or 'first 40 characters...' (60000 characters).
std::string quote_short(const std::string& s, std::size_t limit = 40);

// Writing YAML: `s` as a scalar that reads back as exactly this text (plain when that is safe
// in block and flow context, double-quoted otherwise), and a node in flow style ({a: 1, b: [x]}),
// each scalar plain or quoted as it was written, so that it reads back the same.
std::string yaml_scalar(std::string_view s);
std::string yaml_flow(YamlNode n);

// What a node is, for "expected a number, found a list": nothing, a list, a mapping, 'text'.
std::string describe(YamlNode n, Lang lang = Lang::kEn);

// A field's name for a message ("provider x.languages"), put together only when a message needs
// it: the loaders name every field they read, and almost none has a problem. It refers to the
// strings it was made from, so it lives no longer than the call it is passed to.
class FieldName {
 public:
  FieldName(const std::string& name) : base_(name) {}  // NOLINT: implicit, as a string is passed
  FieldName(const char* name) : base_(name) {}         // NOLINT
  FieldName(std::string_view base, std::string_view key) : base_(base), key_(key) {}
  std::string str() const {
    std::string out(base_);
    if (!key_.empty()) out.append(".").append(key_);
    return out;
  }

 private:
  std::string_view base_, key_;
};

class YamlReader {
 public:
  // `lang`: the language of its messages. The case reader writes them in the reader's (a worker
  // reads them); the data files' loaders keep English, for their maintainers.
  YamlReader(std::string file, Diagnostics& diags, Lang lang = Lang::kEn)
      : file_(std::move(file)), diags_(diags), lang_(lang) {}

  const std::string& file() const { return file_; }
  Lang lang() const { return lang_; }
  // Message `m` in the reader's language.
  std::string say(i18n::Msg m, std::initializer_list<i18n::Arg> args = {}) const { return i18n::tr(lang_, m, args); }
  Diagnostics& diags() { return diags_; }
  void error(YamlNode at, const FieldName& field, const std::string& message);

  // Reports keys of `map` not in `allowed`, suggesting the closest allowed one (a key given
  // twice is refused by the parser).
  void check_keys(YamlNode map, const FieldName& prefix, const std::vector<std::string>& allowed);
  bool expect_map(YamlNode n, const FieldName& field);
  bool expect_sequence(YamlNode n, const FieldName& field);

  std::optional<std::string> string(YamlNode n, const FieldName& field);
  // A whole number written plain (a quoted "15" is text), in [min, max].
  std::optional<std::int64_t> integer(YamlNode n, const FieldName& field, std::int64_t min, std::int64_t max);
  // A finite decimal number written plain (1, -2.5, 1e3), in [min, max].
  std::optional<double> number(YamlNode n, const FieldName& field, double min, double max);
  // true or false, written plain and in lower case.
  std::optional<bool> boolean(YamlNode n, const FieldName& field);
  std::optional<Date> date(YamlNode n, const FieldName& field);
  // A sequence of strings.
  std::optional<std::vector<std::string>> strings(YamlNode n, const FieldName& field);

 private:
  std::string file_;
  Diagnostics& diags_;
  Lang lang_;
};

// "a", "b", "c" joined for "expected one of ..." messages, shortened past `limit` items.
std::string join_codes(const std::vector<std::string>& codes, std::size_t limit = 40);

// A list of codes checked against a code list: each known code once, in order, appended to `out`;
// each unknown one reported with the closest known code, at `field[i]` when `indexed` (data
// files) or at `field` (cases). Returns false if the field is not a list or a code is unknown.
template <typename T>
bool read_codes(YamlReader& r, YamlNode n, const FieldName& field, const CodeList<T>& list, const char* what,
                std::vector<int>& out, bool indexed) {
  if (!r.expect_sequence(n, field)) return false;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (!n[i].is_scalar()) {
      r.error(n[i], field.str() + "[" + std::to_string(i) + "]",
              r.say(i18n::Msg::err_expected_text, {{"found", describe(n[i], r.lang())}}));
      ok = false;
    }
  if (!ok) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string_view s = n[i].text();
    if (auto c = list.find(s)) {
      if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(*c);
      continue;
    }
    const std::string at = field.str() + (indexed ? "[" + std::to_string(i) + "]" : "");
    if (s.size() > 64) {  // longer than any code: refused at once, no suggestion searched
      r.error(n[i], at, r.say(i18n::Msg::err_unknown_code_long, {{"what", what}, {"value", quote_short(std::string(s))}}));
      ok = false;
      continue;
    }
    std::string near = closest_name(std::string(s), list.codes());
    r.error(n[i], at,
            near.empty() ? r.say(i18n::Msg::err_unknown_code_list,
                                 {{"what", what}, {"value", std::string(s)}, {"list", join_codes(list.codes())}})
                         : r.say(i18n::Msg::err_unknown_code_near, {{"what", what}, {"value", std::string(s)}, {"near", near}}));
    ok = false;
  }
  return ok;
}

}  // namespace nrm::detail
