// The YAML reader shared by every loader: libyaml's event parser into a compact document (one
// vector of nodes, scalars in one buffer), bounds checked per event, and typed, located reading.
#include "directory/yaml_util.hpp"

#include <yaml.h>

#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "directory/loader.hpp"

namespace nrm::detail {

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.add(path, 0, 0, "", "cannot open file");
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) {
    diags.add(path, 0, 0, "", "cannot read file");
    return std::nullopt;
  }
  if (static_cast<std::size_t>(size) > kMaxFileBytes) {
    diags.add(path, 0, 0, "",
              "file is " + std::to_string(static_cast<std::size_t>(size) >> 20) +
                  " MiB; the limit is " + std::to_string(kMaxFileBytes >> 20) + " MiB");
    return std::nullopt;
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (!in) {
    diags.add(path, 0, 0, "", "cannot read file");
    return std::nullopt;
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n'));
    diags.add(path, line, 0, "", "binary data (a NUL byte); expected UTF-8 text");
    return std::nullopt;
  }
  return text;
}

// ---- the document ------------------------------------------------------------------------------

YamlNode YamlNode::operator[](std::string_view key) const {
  if (!is_map()) return {};
  const YamlRecord& m = rec();
  for (std::uint32_t k = 0; k < m.count; ++k) {
    const YamlRecord& kr = d_->nodes[m.first + 2 * k];
    if (kr.kind == YamlKind::kScalar && kr.count == key.size() &&
        std::string_view(d_->text).substr(kr.first, kr.count) == key)
      return YamlNode(d_, m.first + 2 * k + 1);
  }
  return {};
}

YamlBuilder::YamlBuilder(std::size_t text_bytes) : data_(std::make_unique<YamlData>()) {
  // Our files hold a node per 11 to 14 bytes and at most as many bytes of scalar text as of text:
  // reserving for that spares the copies of growing (pages not touched cost no memory).
  data_->text.reserve(text_bytes);
  data_->nodes.reserve(text_bytes / 10);
}

void YamlBuilder::add(const YamlRecord& r) {
  pending_.push_back(r);
  ++count_;
}

void YamlBuilder::scalar(std::string_view text, bool quoted, YamlMark at) {
  YamlRecord r;
  r.first = static_cast<std::uint32_t>(data_->text.size());
  r.count = static_cast<std::uint32_t>(text.size());
  r.line = static_cast<std::uint32_t>(at.line);
  r.column = std::min(static_cast<std::uint32_t>(at.column), kMaxYamlColumn);
  r.kind = YamlKind::kScalar;
  r.quoted = quoted;
  data_->text.append(text);
  add(r);
}

void YamlBuilder::null(YamlMark at) {
  YamlRecord r;
  r.line = static_cast<std::uint32_t>(at.line);
  r.column = std::min(static_cast<std::uint32_t>(at.column), kMaxYamlColumn);
  add(r);
}

void YamlBuilder::open(YamlKind kind, YamlMark at) {
  YamlRecord r;
  r.line = static_cast<std::uint32_t>(at.line);
  r.column = std::min(static_cast<std::uint32_t>(at.column), kMaxYamlColumn);
  r.kind = kind;
  add(r);
  open_.push_back(pending_.size() - 1);
}

void YamlBuilder::close() {
  const std::size_t c = open_.back();
  const std::size_t children = pending_.size() - c - 1;
  YamlRecord& r = pending_[c];
  const bool map = r.kind == YamlKind::kMap;
  if (map) check_keys(c + 1, static_cast<std::uint32_t>(children / 2));
  open_.pop_back();
  r.first = static_cast<std::uint32_t>(data_->nodes.size());
  r.count = static_cast<std::uint32_t>(map ? children / 2 : children);
  data_->nodes.insert(data_->nodes.end(), pending_.begin() + static_cast<std::ptrdiff_t>(c + 1), pending_.end());
  pending_.resize(c + 1);
}

// Keys given twice in the map being closed (its pairs start at pending_[first]). Small maps (a
// provider has some 15 keys) are compared pair by pair; a large one (a mapping of thousands of
// codes) by sorting its keys.
void YamlBuilder::check_keys(std::size_t first, std::uint32_t pairs) {
  const std::string_view text = data_->text;
  keys_.clear();
  for (std::uint32_t k = 0; k < pairs; ++k) {
    const YamlRecord& kr = pending_[first + 2 * k];
    keys_.push_back(kr.kind == YamlKind::kScalar ? text.substr(kr.first, kr.count) : std::string_view());
  }
  // Two keys are the same text; a null key (no text at all) is never the same as another.
  auto same = [&](std::uint32_t a, std::uint32_t b) { return keys_[a].data() && keys_[b].data() && keys_[a] == keys_[b]; };
  std::vector<std::pair<std::uint32_t, std::uint32_t>> twice;  // (second, first) pair indices
  if (pairs <= 32) {
    for (std::uint32_t k = 1; k < pairs; ++k)
      for (std::uint32_t j = 0; j < k; ++j)
        if (same(k, j)) {
          twice.emplace_back(k, j);
          break;
        }
  } else {
    std::vector<std::uint32_t> order(pairs);
    for (std::uint32_t k = 0; k < pairs; ++k) order[k] = k;
    // Null keys first, then by text; equal keys keep their order, so a run's head is the first.
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::pair(keys_[a].data() != nullptr, keys_[a]) < std::pair(keys_[b].data() != nullptr, keys_[b]);
    });
    for (std::size_t i = 1, head = 0; i < order.size(); ++i) {
      if (same(order[i], order[head])) twice.emplace_back(order[i], order[head]);
      else head = i;
    }
    std::sort(twice.begin(), twice.end());
  }
  if (twice.empty()) return;
  const std::string prefix = path_to(open_.back());
  for (auto [second, first_pair] : twice) {
    const YamlRecord& k2 = pending_[first + 2 * second];
    const YamlRecord& k1 = pending_[first + 2 * first_pair];
    const std::string key(keys_[second]);
    duplicates_.push_back({{static_cast<int>(k2.line), static_cast<int>(k2.column)}, static_cast<int>(k1.line),
                           prefix.empty() ? key : prefix + "." + key});
  }
}

// The path of the open container at pending_[at] ("providers[3].intake"), from the open ones.
std::string YamlBuilder::path_to(std::size_t at) const {
  std::string path;
  for (std::size_t j = 0; j + 1 < open_.size() && open_[j + 1] <= at; ++j) {
    const std::size_t parent = open_[j], child = open_[j + 1];
    const std::size_t q = child - parent - 1;  // the child's place among the parent's children
    if (pending_[parent].kind == YamlKind::kSequence) {
      path += "[" + std::to_string(q) + "]";
    } else {
      const YamlRecord& k = pending_[parent + q];  // its key, just before it
      const std::string key = k.kind == YamlKind::kScalar ? data_->text.substr(k.first, k.count) : "?";
      path += (path.empty() ? "" : ".") + key;
    }
  }
  return path;
}

YamlDocument YamlBuilder::finish() {
  if (pending_.empty()) null({});
  data_->nodes.push_back(pending_.front());
  data_->root = static_cast<std::uint32_t>(data_->nodes.size() - 1);
  pending_.clear();
  return YamlDocument(std::move(data_));
}

// ---- parsing with libyaml ------------------------------------------------------------------------

std::size_t byte_offset(std::string_view text, YamlMark at) {
  std::size_t p = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (int line = 1; line < at.line && p < text.size(); ++p)
    if (text[p] == '\n' || (text[p] == '\r' && (p + 1 == text.size() || text[p + 1] != '\n'))) ++line;
  for (int col = 1; col < at.column && p < text.size(); ++col)
    for (++p; p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80;) ++p;
  return std::min(p, text.size());
}

namespace {

// The mark of a byte offset (libyaml gives one for an encoding error).
YamlMark mark_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  YamlMark m{1, 1};
  std::size_t p = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (; p < offset; ++p) {
    if (text[p] == '\n') m.line++, m.column = 1;
    else if ((static_cast<unsigned char>(text[p]) & 0xC0) != 0x80) m.column++;
  }
  return m;
}

YamlMark mark_of(const yaml_mark_t& m) { return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1}; }

struct Parser {
  yaml_parser_t p;
  bool ok;
  Parser() { ok = yaml_parser_initialize(&p) != 0; }
  ~Parser() {
    if (ok) yaml_parser_delete(&p);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e{};
  Event() = default;
  ~Event() { yaml_event_delete(&e); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
};

// libyaml's problem, located, with its context ("while parsing a flow sequence at 3:8"), and a
// hint when a tab is where the problem is.
void syntax_error(const yaml_parser_t& p, std::string_view text, const std::string& file, Diagnostics& diags) {
  if (p.error == YAML_MEMORY_ERROR) {
    diags.add(file, 0, 0, "", "not read: out of memory while parsing the YAML");
    return;
  }
  std::string message = "not valid YAML: " + std::string(p.problem ? p.problem : "unknown problem");
  YamlMark at;
  if (p.error == YAML_READER_ERROR) {
    at = mark_of(text, p.problem_offset);
    if (p.problem_value >= 0) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned>(p.problem_value));
      message += std::string(" (byte 0x") + hex + ")";
    }
  } else {
    at = mark_of(p.problem_mark);
    if (p.context) {
      YamlMark c = mark_of(p.context_mark);
      message += " (" + std::string(p.context) + " at line " + std::to_string(c.line) + ", column " +
                 std::to_string(c.column) + ")";
    }
    const std::size_t b = byte_offset(text, at);
    if (b < text.size() && text[b] == '\t') message += "; YAML indents with spaces, never tabs";
  }
  diags.add(file, at.line, at.column, "", message);
}

bool is_null_word(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

}  // namespace

namespace {

// libyaml's events of one text, into a builder. A refusal (anchor, alias, tag, a list as a key, a
// second document) stops the building but not the reading: a syntax error further on, the likelier
// mistake, is what gets reported then. A bound passed stops both at once.
class EventReader {
 public:
  EventReader(std::size_t text_bytes, std::size_t max_nodes) : b_(text_bytes), max_nodes_(max_nodes) {}

  // Takes one event; false when reading must stop (a bound passed).
  bool take(const yaml_event_t& e) {
    const YamlMark at = mark_of(e.start_mark);
    const bool opens = e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT;
    if ((opens || e.type == YAML_SCALAR_EVENT || e.type == YAML_ALIAS_EVENT) && ++nodes_ > max_nodes_)
      return stop(at, "too many YAML nodes (more than " + std::to_string(max_nodes_) + "); split the file or shorten it");
    if (opens && ++depth_ > kMaxYamlDepth)
      return stop(at, "YAML nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) --depth_;
    if (problem_) return true;
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) refuse(at, "a second YAML document ('---'); a file holds one document");
        break;
      case YAML_ALIAS_EVENT:
        refuse(at, "alias *" + std::string(reinterpret_cast<const char*>(e.data.alias.anchor)) +
                       " is not accepted: anchors and aliases are not read; write each value out");
        break;
      case YAML_SCALAR_EVENT: {
        if (refused(at, e.data.scalar.anchor, e.data.scalar.tag)) break;
        const std::string_view value(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        const bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && is_null_word(value)) b_.null(at);
        else b_.scalar(value, !plain, at);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        if (refused(at, seq ? e.data.sequence_start.anchor : e.data.mapping_start.anchor,
                    seq ? e.data.sequence_start.tag : e.data.mapping_start.tag))
          break;
        if (b_.expecting_key()) refuse(at, "a key must be text, not a list or mapping");
        else b_.open(seq ? YamlKind::kSequence : YamlKind::kMap, at);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        b_.close();
        break;
      default:
        break;
    }
    return true;
  }

  // The first refusal or bound passed, if any.
  const std::optional<std::pair<YamlMark, std::string>>& problem() const { return problem_; }
  YamlBuilder& builder() { return b_; }

 private:
  void refuse(YamlMark at, std::string message) {
    if (!problem_) problem_.emplace(at, std::move(message));
  }
  bool stop(YamlMark at, std::string message) {
    refuse(at, std::move(message));
    return false;
  }
  // Anchors, aliases and tags are refused (docs/data.md): none of our files needs them, and an
  // alias is the door to a document that expands past every bound ("billion laughs").
  bool refused(YamlMark at, const yaml_char_t* anchor, const yaml_char_t* tag) {
    if (anchor)
      refuse(at, "anchor &" + std::string(reinterpret_cast<const char*>(anchor)) +
                     " is not accepted: anchors and aliases are not read; write each value out");
    else if (tag)
      refuse(at, "tag " + std::string(reinterpret_cast<const char*>(tag)) +
                     " is not accepted: write the value without a tag (quote it to make it text)");
    return anchor || tag;
  }

  YamlBuilder b_;
  std::size_t max_nodes_;
  std::size_t nodes_ = 0;
  int depth_ = 0;
  int documents_ = 0;
  std::optional<std::pair<YamlMark, std::string>> problem_;
};

}  // namespace

namespace {

// Runs libyaml over the parser's input into `reader`; false at a syntax or input error (the
// parser says which). Stops early when the reader does (a bound passed).
bool run(Parser& parser, EventReader& reader) {
  for (bool more = true; more;) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) return false;
    more = ev.e.type != YAML_STREAM_END_EVENT && reader.take(ev.e);
  }
  return true;
}

// The document of a complete run, or nothing: the reader's refusal or bound, else the keys given
// twice, both reported.
std::optional<YamlDocument> finish(EventReader& reader, const std::string& file, Diagnostics& diags) {
  if (const auto& p = reader.problem()) {
    diags.add(file, p->first.line, p->first.column, "", p->second);
    return std::nullopt;
  }
  auto dups = reader.builder().duplicates();
  std::sort(dups.begin(), dups.end(), [](const auto& x, const auto& y) {
    return std::pair(x.at.line, x.at.column) < std::pair(y.at.line, y.at.column);
  });
  for (const auto& d : dups)
    diags.add(file, d.at.line, d.at.column, d.path, "given twice (first at line " + std::to_string(d.first_line) + ")");
  return reader.builder().finish();
}

// libyaml's input from a file, in its own chunks: a byte that is no text (NUL) or a read error
// stops it.
struct FileInput {
  std::FILE* f = nullptr;
  bool bad = false;
  ~FileInput() {
    if (f) std::fclose(f);
  }
  static int read(void* data, unsigned char* buffer, std::size_t size, std::size_t* size_read) {
    auto* in = static_cast<FileInput*>(data);
    *size_read = std::fread(buffer, 1, size, in->f);
    in->bad = std::ferror(in->f) || std::memchr(buffer, 0, *size_read);
    return in->bad ? 0 : 1;
  }
};

}  // namespace

std::optional<YamlDocument> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diags,
                                       std::size_t max_nodes) {
  Parser parser;
  if (!parser.ok) {
    diags.add(file, 0, 0, "", "not read: out of memory while parsing the YAML");
    return std::nullopt;
  }
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  EventReader reader(text.size(), max_nodes);
  if (!run(parser, reader)) {
    syntax_error(parser.p, text, file, diags);
    return std::nullopt;
  }
  return finish(reader, file, diags);
}

// A file is parsed as libyaml reads it, never held whole in memory (a 50,000-provider file is
// 28 MB). Any problem with the file or its syntax sends it the way of a text (read_text_file,
// then parse_yaml), which says what the problem is and where: the same messages either way, and
// the common case pays for neither the copy nor the checks of the text.
std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diags) {
  {
    FileInput in;
    struct stat st {};
    in.f = std::fopen(path.c_str(), "rb");
    if (in.f && ::fstat(::fileno(in.f), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<std::uintmax_t>(st.st_size) <= kMaxFileBytes) {
      Parser parser;
      if (parser.ok) {
        yaml_parser_set_input(&parser.p, &FileInput::read, &in);
        EventReader reader(static_cast<std::size_t>(st.st_size), kMaxYamlNodes);
        if (run(parser, reader) && !in.bad) return finish(reader, path, diags);
      }
    }
  }
  auto text = read_text_file(path, diags);
  if (!text) return std::nullopt;
  return parse_yaml(*text, path, diags);
}

// ---- writing ---------------------------------------------------------------------------------

std::string quote_short(const std::string& s, std::size_t limit) {
  if (s.size() <= limit) return "'" + s + "'";
  return "'" + s.substr(0, limit) + "...' (" + std::to_string(s.size()) + " characters)";
}

namespace {

// Whether `s` reads back as itself when written plain, in block and in flow context (a cautious
// subset of YAML's plain scalars: no indicator, no ': ', ' #', ',', brackets or quotes first).
bool plain_ok(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  auto word = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  const auto c0 = static_cast<unsigned char>(s[0]);
  const bool first_ok = word(c0) || c0 == '_' || c0 == '/' || c0 == '(' ||
                        ((c0 == '-' || c0 == '+' || c0 == '.') && s.size() > 1 && word(static_cast<unsigned char>(s[1])));
  if (!first_ok) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (!word(c) && std::string_view(" ._-/()'+").find(ch) == std::string_view::npos) return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') out += '\\', out += ch;
    else if (ch == '\n') out += "\\n";
    else if (ch == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned>(c));
      out += hex;
    } else out += ch;
  }
  return out + "\"";
}

}  // namespace

std::string yaml_scalar(std::string_view s) {
  return plain_ok(s) && !is_null_word(s) ? std::string(s) : double_quoted(s);
}

std::string yaml_flow(YamlNode n) {
  switch (n.kind()) {
    case YamlKind::kNull:
      return "~";
    case YamlKind::kScalar:
      return n.quoted() || !plain_ok(n.text()) ? double_quoted(n.text()) : n.str();
    case YamlKind::kSequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.size(); ++i) out += (i ? ", " : "") + yaml_flow(n[i]);
      return out + "]";
    }
    case YamlKind::kMap: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.size(); ++i)
        out += (i ? ", " : "") + yaml_flow(n.key(i)) + ": " + yaml_flow(n.value(i));
      return out + "}";
    }
  }
  return "~";
}

// ---- typed, located reading ----------------------------------------------------------------------

void YamlReader::error(YamlNode at, const FieldName& field, const std::string& message) {
  const YamlMark m = at.mark();
  diags_.add(file_, m.line, m.column, field.str(), message);
}

std::string describe(YamlNode n, Lang lang) {
  if (!n.defined() || n.is_null()) return i18n::tr(lang, i18n::Msg::err_found_nothing);
  if (n.is_sequence()) return i18n::tr(lang, i18n::Msg::err_found_list);
  if (n.is_map()) return i18n::tr(lang, i18n::Msg::err_found_mapping);
  return "'" + n.str() + "'";
}

std::string join_codes(const std::vector<std::string>& codes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < codes.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += codes[i];
  }
  if (codes.size() > limit) out += ", ... (" + std::to_string(codes.size()) + " in all)";
  return out;
}

void YamlReader::check_keys(YamlNode map, const FieldName& field, const std::vector<std::string>& allowed) {
  for (auto [k, v] : map.entries()) {
    const std::string_view key = k.is_scalar() ? k.text() : std::string_view("?");
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string name(key);
    if (name.size() > 64) {
      error(k, quote_short(name), say(i18n::Msg::err_unknown_field_long, {{"list", join_codes(allowed)}}));
      continue;
    }
    const std::string prefix = field.str();
    std::string near = closest_name(name, allowed);
    const std::string msg = near.empty()
                                ? say(i18n::Msg::err_unknown_field_list, {{"name", name}, {"list", join_codes(allowed)}})
                                : say(i18n::Msg::err_unknown_field_near, {{"name", name}, {"near", near}});
    error(k, prefix.empty() ? name : prefix + "." + name, msg);
  }
}

bool YamlReader::expect_map(YamlNode n, const FieldName& field) {
  if (n.is_map()) return true;
  error(n, field, say(i18n::Msg::err_expected_mapping, {{"found", describe(n, lang_)}}));
  return false;
}

bool YamlReader::expect_sequence(YamlNode n, const FieldName& field) {
  if (n.is_sequence()) return true;
  error(n, field, say(i18n::Msg::err_expected_list, {{"found", describe(n, lang_)}}));
  return false;
}

std::optional<std::string> YamlReader::string(YamlNode n, const FieldName& field) {
  if (n.is_scalar()) return n.str();
  error(n, field, say(i18n::Msg::err_expected_text, {{"found", describe(n, lang_)}}));
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(YamlNode n, const FieldName& field, std::int64_t min,
                                                std::int64_t max) {
  if (!n.is_scalar()) {
    error(n, field, say(i18n::Msg::err_expected_whole, {{"found", describe(n, lang_)}}));
    return std::nullopt;
  }
  const std::string_view s = n.text();
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || n.quoted()) {
    error(n, field, say(i18n::Msg::err_expected_whole, {{"found", "'" + std::string(s) + "'"}}));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(n, field, say(i18n::Msg::err_out_of_range,
                        {{"value", std::string(s)}, {"min", std::to_string(min)}, {"max", std::to_string(max)}}));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(YamlNode n, const FieldName& field, double min, double max) {
  if (!n.is_scalar()) {
    error(n, field, say(i18n::Msg::err_expected_number, {{"found", describe(n, lang_)}}));
    return std::nullopt;
  }
  const std::string_view s = n.text();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || n.quoted() || !std::isfinite(v)) {
    error(n, field, say(i18n::Msg::err_expected_number, {{"found", "'" + std::string(s) + "'"}}));
    return std::nullopt;
  }
  if (v < min || v > max) {
    std::ostringstream lo, hi;
    lo << min;
    hi << max;
    error(n, field, say(i18n::Msg::err_out_of_range, {{"value", std::string(s)}, {"min", lo.str()}, {"max", hi.str()}}));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(YamlNode n, const FieldName& field) {
  if (n.is_scalar() && !n.quoted()) {
    if (n.text() == "true") return true;
    if (n.text() == "false") return false;
  }
  error(n, field, say(i18n::Msg::err_expected_bool, {{"found", describe(n, lang_)}}));
  return std::nullopt;
}

std::optional<Date> YamlReader::date(YamlNode n, const FieldName& field) {
  if (n.is_scalar()) {
    if (auto d = Date::parse(n.str())) return d;
  }
  error(n, field, say(i18n::Msg::err_expected_date, {{"found", describe(n, lang_)}}));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::strings(YamlNode n, const FieldName& field) {
  if (!n.is_sequence()) {
    error(n, field, say(i18n::Msg::err_expected_list, {{"found", describe(n, lang_)}}));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(n.size());
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i].is_scalar()) out.push_back(n[i].str());
    else {
      error(n[i], field.str() + "[" + std::to_string(i) + "]",
            say(i18n::Msg::err_expected_text, {{"found", describe(n[i], lang_)}}));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace nrm::detail
