// The case reader: YAML or JSON text, or an already-parsed JSON document (the server's body, the
// CLI's flags) -> a validated Case. One reader over YAML nodes; a JSON document becomes nodes by
// one structured conversion (no text printed and parsed back). Every problem is reported at once,
// naming the field and the accepted values; nothing in a case identifies the person. Sizes are
// checked before any work: a string longer than any real id or code and a list longer than any
// real case are refused at once (no suggestion is searched for them).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"
#include "i18n/text.hpp"

namespace nrm {

namespace {

using detail::YamlNode;
using i18n::Msg;

const std::vector<std::string> kCaseFields = {
    "location", "age",     "gender", "identity", "languages", "status",         "exploitation",
    "needs",    "require", "prefer", "avoid",    "police_consent", "max_travel_hours", "exclude",
    "top",      "when"};

template <typename T>
std::optional<int> one_code(detail::YamlReader& r, YamlNode n, const std::string& field,
                            const CodeList<T>& list) {
  auto v = r.string(n, field);
  if (!v) return std::nullopt;
  if (auto c = list.find(*v)) return *c;
  r.error(n, field, r.say(Msg::err_not_accepted, {{"value", *v}, {"list", detail::join_codes(list.codes())}}));
  return std::nullopt;
}

// A list no longer than kMaxCaseListItems, or an error (and nothing read from it).
bool short_list(detail::YamlReader& r, YamlNode n, const std::string& field) {
  if (!n.is_sequence() || n.size() <= kMaxCaseListItems) return true;
  r.error(n, field, r.say(Msg::err_list_too_long, {{"count", std::to_string(n.size())},
                                                   {"max", std::to_string(kMaxCaseListItems)}}));
  return false;
}

template <typename T>
std::vector<int> many_codes(detail::YamlReader& r, YamlNode n, const std::string& field,
                            const CodeList<T>& list, Msg what) {
  std::vector<int> out;
  if (short_list(r, n, field)) detail::read_codes(r, n, field, list, r.say(what).c_str(), out, false);
  return out;
}

std::optional<CommunityIndex> community(detail::YamlReader& r, YamlNode n,
                                        const std::string& field, const Geography& geo) {
  auto v = r.string(n, field);
  if (!v) return std::nullopt;
  if (auto c = geo.find(*v)) return c;
  if (v->size() > kMaxCodeLength) {
    r.error(n, field, r.say(Msg::err_community_too_long, {{"value", detail::quote_short(*v)},
                                                          {"length", std::to_string(v->size())},
                                                          {"max", std::to_string(kMaxCodeLength)}}));
    return std::nullopt;
  }
  std::string near = closest_name(*v, geo.ids());
  r.error(n, field, near.empty() ? r.say(Msg::err_unknown_community, {{"value", *v}})
                                 : r.say(Msg::err_unknown_community_near, {{"value", *v}, {"near", near}}));
  return std::nullopt;
}

// A provider id of the directory; an unknown one is named with the closest id.
std::optional<ProviderIndex> provider(detail::YamlReader& r, YamlNode n, const std::string& field,
                                      const Directory& dir) {
  auto v = r.string(n, field);
  if (!v) return std::nullopt;
  if (auto p = dir.find(*v)) return p;
  if (v->size() > kMaxCodeLength) {
    r.error(n, field, r.say(Msg::err_provider_too_long, {{"value", detail::quote_short(*v)},
                                                         {"length", std::to_string(v->size())},
                                                         {"max", std::to_string(kMaxCodeLength)}}));
    return std::nullopt;
  }
  std::vector<std::string> ids;
  ids.reserve(dir.providers.size());
  for (const Provider& p : dir.providers) ids.push_back(p.id);
  std::string near = closest_name(*v, ids);
  r.error(n, field, near.empty() ? r.say(Msg::err_unknown_provider, {{"value", *v}})
                                 : r.say(Msg::err_unknown_provider_near, {{"value", *v}, {"near", near}}));
  return std::nullopt;
}

// The provider ids of an `exclude` list, added to `out`, which stays sorted and unique.
void excluded(detail::YamlReader& r, YamlNode n, const Directory& dir, std::vector<ProviderIndex>& out) {
  if (!short_list(r, n, "exclude")) return;
  auto ids = r.strings(n, "exclude");
  if (!ids) return;
  for (std::size_t i = 0; i < ids->size(); ++i)
    if (auto p = provider(r, n[i], "exclude", dir)) out.push_back(*p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

// A key that names an identifying detail (the taxonomy's identifying_fields), compared without
// regard to case, and with '-' and ' ' read as '_': "First-Name" is first_name.
bool identifying(const std::string& key, const Taxonomy& tax) {
  std::string k = key;
  for (char& ch : k) {
    if (ch == '-' || ch == ' ') ch = '_';
    else if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return std::find(tax.identifying_fields.begin(), tax.identifying_fields.end(), k) != tax.identifying_fields.end();
}

// Fields that identify the person are refused by name (never echoing the value); the keys
// returned are then left out of the unknown-field check, so each gets one message.
std::vector<std::string> refuse_identifying(detail::YamlReader& r, YamlNode map, const Taxonomy& tax) {
  std::vector<std::string> found;
  for (auto [k, v] : map.entries()) {
    if (!k.is_scalar() || k.text().size() > kMaxCodeLength) continue;
    const std::string key = k.str();
    if (!identifying(key, tax)) continue;
    r.error(k, key, r.say(Msg::err_identifying, {{"key", key}}));
    found.push_back(key);
  }
  return found;
}

// JSON -> a YAML document, structurally. A JSON string becomes a quoted scalar, so it reads as
// text and never as a number or a boolean, as if the JSON text had been read as YAML.
void add_json(detail::YamlBuilder& b, const nlohmann::json& j) {
  using V = nlohmann::json::value_t;
  using detail::YamlKind;
  switch (j.type()) {
    case V::null: b.null({}); return;
    case V::boolean: b.scalar(j.get<bool>() ? "true" : "false", false, {}); return;
    case V::number_integer: b.scalar(std::to_string(j.get<std::int64_t>()), false, {}); return;
    case V::number_unsigned: b.scalar(std::to_string(j.get<std::uint64_t>()), false, {}); return;
    case V::number_float: b.scalar(j.dump(), false, {}); return;
    case V::string: b.scalar(j.get_ref<const std::string&>(), true, {}); return;
    case V::array:
      b.open(YamlKind::kSequence, {});
      for (const auto& item : j) add_json(b, item);
      b.close();
      return;
    case V::object:
      b.open(YamlKind::kMap, {});
      for (const auto& [key, value] : j.items()) {
        b.scalar(key, true, {});
        add_json(b, value);
      }
      b.close();
      return;
    default: b.scalar("binary data", true, {}); return;
  }
}

detail::YamlDocument to_document(const nlohmann::json& j) {
  detail::YamlBuilder b;
  add_json(b, j);
  return b.finish();
}

Case read_case(detail::YamlNode root, const std::string& origin, const Directory& dir,
               Diagnostics& diags);

}  // namespace

Case parse_case(const std::string& text, const std::string& origin, const Directory& dir) {
  Diagnostics diags;
  if (text.size() > kMaxCaseBytes)
    diags.add(origin, 0, 0, "",
              i18n::tr(Msg::err_case_too_big,
                       {{"bytes", std::to_string(text.size())}, {"max", std::to_string(kMaxCaseBytes)}}));
  if (text.find('\0') != std::string::npos) diags.add(origin, 0, 0, "", i18n::tr(Msg::err_case_binary));
  diags.throw_if_any("invalid case");
  auto doc = detail::parse_yaml(text, origin, diags);
  return read_case(doc ? doc->root() : detail::YamlNode(), origin, dir, diags);
}

Case case_from_json(const nlohmann::json& doc, const std::string& origin, const Directory& dir) {
  Diagnostics diags;
  const detail::YamlDocument yaml = to_document(doc);
  return read_case(yaml.root(), origin, dir, diags);
}

void add_excluded(Case& c, const nlohmann::json& ids, const std::string& origin, const Directory& dir) {
  Diagnostics diags;
  detail::YamlReader r(origin, diags, i18n::current());
  const detail::YamlDocument yaml = to_document(ids);
  excluded(r, yaml.root(), dir, c.exclude);
  diags.throw_if_any("invalid case");
}

namespace {

Case read_case(detail::YamlNode root, const std::string& origin, const Directory& dir,
               Diagnostics& diags) {
  Case c;
  const Taxonomy& tax = dir.taxonomy;
  detail::YamlReader r(origin, diags, i18n::current());  // a worker reads its problems
  if (root && r.expect_map(root, "case")) {
    const YamlNode n = root;
    std::vector<std::string> fields = kCaseFields;
    for (std::string& key : refuse_identifying(r, n, tax)) fields.push_back(std::move(key));
    r.check_keys(n, "", fields);
    if (!n["location"].defined()) {
      r.error(n, "location", r.say(Msg::err_location_missing));
    } else if (auto l = community(r, n["location"], "location", dir.geography)) {
      c.location = *l;
    }
    if (n["age"].defined() && !n["age"].is_null())
      if (auto a = r.integer(n["age"], "age", 0, 120)) c.age = static_cast<int>(*a);
    c.gender = *tax.genders.find("unknown");
    if (n["gender"].defined())
      if (auto g = one_code(r, n["gender"], "gender", tax.genders)) c.gender = *g;
    if (n["identity"].defined())
      for (int i : many_codes(r, n["identity"], "identity", tax.identities, Msg::err_what_identity)) c.identity |= code_bit(i);
    if (n["languages"].defined()) {
      c.languages = many_codes(r, n["languages"], "languages", tax.languages, Msg::err_what_language_iso);
      if (c.languages.empty() && n["languages"].is_sequence() && n["languages"].size() == 0)
        r.error(n["languages"], "languages", r.say(Msg::err_languages_empty));
    }
    if (c.languages.empty()) c.languages = {*tax.languages.find("eng")};
    c.status = *tax.statuses.find("unknown");
    if (n["status"].defined())
      if (auto s = one_code(r, n["status"], "status", tax.statuses)) c.status = *s;
    c.exploitation = *tax.exploitation.find("unknown");
    if (n["exploitation"].defined())
      if (auto e = one_code(r, n["exploitation"], "exploitation", tax.exploitation)) c.exploitation = *e;
    if (!n["needs"].defined()) {
      r.error(n, "needs", r.say(Msg::err_needs_missing));
    } else {
      c.needs = many_codes(r, n["needs"], "needs", tax.needs, Msg::err_what_need);
      // Empty as written, not empty because every code was unknown (each already has its error).
      if (c.needs.empty() && n["needs"].is_sequence() && n["needs"].size() == 0)
        r.error(n["needs"], "needs", r.say(Msg::err_needs_empty));
    }
    if (n["require"].defined())
      for (int a : many_codes(r, n["require"], "require", tax.attributes, Msg::err_what_attribute)) c.require |= attr_bit(a);
    if (n["prefer"].defined())
      for (int a : many_codes(r, n["prefer"], "prefer", tax.attributes, Msg::err_what_attribute)) c.prefer |= attr_bit(a);
    if (n["avoid"].defined() && short_list(r, n["avoid"], "avoid")) {
      if (auto ids = r.strings(n["avoid"], "avoid")) {
        for (std::size_t i = 0; i < ids->size(); ++i)
          if (auto a = community(r, n["avoid"][i], "avoid", dir.geography)) c.avoid.push_back(*a);
        std::sort(c.avoid.begin(), c.avoid.end());
        c.avoid.erase(std::unique(c.avoid.begin(), c.avoid.end()), c.avoid.end());
      }
    }
    if (n["police_consent"].defined())
      if (auto b = r.boolean(n["police_consent"], "police_consent")) c.police_consent = *b;
    if (n["max_travel_hours"].defined() && !n["max_travel_hours"].is_null())
      if (auto h = r.number(n["max_travel_hours"], "max_travel_hours", 0, 240)) c.max_travel_hours = *h;
    if (n["exclude"].defined()) excluded(r, n["exclude"], dir, c.exclude);
    if (n["top"].defined())
      if (auto t = r.integer(n["top"], "top", 1, 20)) c.top = static_cast<int>(*t);
    if (n["when"].defined() && !n["when"].is_null())
      if (auto w = r.string(n["when"], "when")) {
        if (auto t = LocalTime::parse(*w)) c.when = *t;
        else r.error(n["when"], "when", r.say(Msg::err_case_bad_when, {{"value", *w}}));
      }
  }
  diags.throw_if_any("invalid case");
  return c;
}

}  // namespace

}  // namespace nrm
