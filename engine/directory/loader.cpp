// Loaders for the data files: taxonomy (YAML), communities (CSV), providers (YAML); the travel
// network (routes, roads, ferries) in travel_loader.cpp.
// Each collects every problem with file:line:column and field, then throws them at once.
#include "directory/loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include <date/tz.h>

#include "directory/csv.hpp"
#include "directory/travel_loader.hpp"
#include "directory/yaml_util.hpp"

namespace nrm {

using detail::YamlNode;
using detail::YamlReader;

DataPaths shipped_data_paths(const std::string& root) {
  return {root + "/data/taxonomy.yaml", root + "/data/communities.csv", root + "/data/routes.csv",
          root + "/data/providers.yaml", root + "/data/fallbacks.yaml"};
}

std::string read_text(const std::string& path) {
  Diagnostics diags;
  auto text = detail::read_text_file(path, diags);
  diags.throw_if_any("cannot read " + path);
  return *text;
}

namespace {

// ---- taxonomy -----------------------------------------------------------------------------

// bring_en and bring_fr: what to bring, on the person's slip; both or neither, never empty.
void read_bring(YamlReader& r, YamlNode item, const std::string& field, NeedCode& code) {
  const bool en = item["bring_en"].defined(), fr = item["bring_fr"].defined();
  if (en != fr) {
    r.error(item, field + (en ? ".bring_fr" : ".bring_en"), "missing; bring_en and bring_fr go together");
    return;
  }
  for (const char* k : {"bring_en", "bring_fr"}) {
    if (!item[k].defined()) continue;
    auto v = r.string(item[k], field + "." + k);
    if (!v) continue;
    if (v->empty()) r.error(item[k], field + "." + k, "empty; leave bring_en and bring_fr out instead");
    (std::string_view(k) == "bring_en" ? code.bring_en : code.bring_fr) = *v;
  }
}

template <typename T>
void read_codes(YamlReader& r, YamlNode root, const std::string& key, CodeList<T>& out,
                int max_items, const std::vector<std::string>& extra_keys) {
  const YamlNode list = root[key];
  if (!list.defined()) {
    r.error(root, key, "missing list '" + key + "'");
    return;
  }
  if (!r.expect_sequence(list, key)) return;
  std::vector<std::string> allowed = {"code", "en", "fr", "description"};
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YamlNode item = list[i];
    std::string field = key + "[" + std::to_string(i) + "]";
    if (!r.expect_map(item, field)) continue;
    r.check_keys(item, field, allowed);
    T code;
    code.line = item.mark().line;
    for (const char* k : {"code", "en", "fr", "description"}) {
      if (!item[k].defined()) {
        r.error(item, field + "." + k, "missing");
        continue;
      }
      auto v = r.string(item[k], field + "." + k);
      if (!v) continue;
      std::string_view kk = k;
      if (kk == "code") code.code = *v;
      else if (kk == "en") code.en = *v;
      else if (kk == "fr") code.fr = *v;
      else code.description = *v;
    }
    if constexpr (std::is_same_v<T, NeedCode>) {
      for (const char* k : {"immediate", "in_person", "shelter"}) {
        if (!item[k].defined()) continue;
        auto b = r.boolean(item[k], field + "." + k);
        if (!b) continue;
        std::string_view kk = k;
        (kk == "immediate" ? code.immediate : kk == "in_person" ? code.in_person : code.shelter) = *b;
      }
      read_bring(r, item, field, code);
    }
    if constexpr (std::is_same_v<T, NeedCode>) {
      if (item["enables"].defined())
        if (auto v = r.string(item["enables"], field + ".enables")) {
          if (*v == "travel") code.enables = NeedCode::Enables::kTravel;
          else if (*v == "interpretation") code.enables = NeedCode::Enables::kInterpretation;
          else r.error(item["enables"], field + ".enables", "'" + *v + "' is not accepted; expected travel or interpretation");
        }
    }
    if constexpr (std::is_same_v<T, LanguageCode>) {
      if (item["macro"].defined())
        if (auto b = r.boolean(item["macro"], field + ".macro")) code.macro = *b;
    }
    if (code.code.empty()) continue;
    std::string c = code.code;
    if (!out.add(std::move(code))) {
      r.error(item["code"], field + ".code", "duplicate code '" + c + "'");
    } else if (out.size() > max_items) {
      r.error(item, field, "too many codes in '" + key + "' (at most " + std::to_string(max_items) + ")");
    }
  }
}

// identifying_fields: a list of field names (lower case, '_' between words), optional.
void read_identifying_fields(YamlReader& r, YamlNode root, std::vector<std::string>& out) {
  const YamlNode list = root["identifying_fields"];
  if (!list.defined()) return;
  auto names = r.strings(list, "identifying_fields");
  if (!names) return;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    const std::string field = "identifying_fields[" + std::to_string(i) + "]";
    const bool plain = !name.empty() && name.size() <= 64 &&
                       std::all_of(name.begin(), name.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || ch == '_'; });
    if (!plain) r.error(list[i], field, detail::quote_short(name) + " is not a field name; expected lower case and '_', e.g. first_name");
    else if (std::find(out.begin(), out.end(), name) != out.end()) r.error(list[i], field, "'" + name + "' given twice");
    else out.push_back(name);
  }
}

}  // namespace

Taxonomy load_taxonomy(const std::string& path) {
  Diagnostics diags;
  Taxonomy tax;
  std::optional<detail::YamlDocument> doc = detail::load_yaml_file(path, diags);
  if (doc) {
    const YamlNode root = doc->root();
    YamlReader r(path, diags);
    if (r.expect_map(root, "")) {
      r.check_keys(root, "", {"schema", "needs", "attributes", "identities", "statuses", "genders",
                               "exploitation", "provinces", "languages", "identifying_fields"});
      if (!root["schema"].defined()) r.error(root, "schema", "missing schema version; expected schema: 1");
      else r.integer(root["schema"], "schema", 1, 1);
      read_codes(r, root, "needs", tax.needs, kMaxNeeds,
                 {"immediate", "in_person", "shelter", "enables", "bring_en", "bring_fr"});
      read_codes(r, root, "attributes", tax.attributes, kMaxAttributes, {});
      read_codes(r, root, "identities", tax.identities, kMaxSmallCodes, {});
      read_codes(r, root, "statuses", tax.statuses, kMaxSmallCodes, {});
      read_codes(r, root, "genders", tax.genders, kMaxSmallCodes, {});
      read_codes(r, root, "exploitation", tax.exploitation, kMaxSmallCodes, {});
      read_codes(r, root, "provinces", tax.provinces, kMaxSmallCodes, {});
      read_codes(r, root, "languages", tax.languages, 100000, {"macro", "macrolanguage"});
      read_identifying_fields(r, root, tax.identifying_fields);
      // Second pass: macrolanguage membership, now that every code is known.
      const YamlNode langs = root["languages"];
      if (langs.is_sequence()) {
        std::vector<LanguageCode> fixed = tax.languages.items();
        for (std::size_t i = 0; i < langs.size(); ++i) {
          const YamlNode m = langs[i]["macrolanguage"];
          if (!langs[i].is_map() || !m.defined() || !langs[i]["code"].is_scalar()) continue;
          auto self = tax.languages.find(langs[i]["code"].str());
          auto v = r.string(m, "languages[" + std::to_string(i) + "].macrolanguage");
          if (!self || !v) continue;
          auto macro = tax.languages.find(*v);
          if (!macro || !tax.languages[*macro].macro) {
            r.error(m, "languages[" + std::to_string(i) + "].macrolanguage",
                    "'" + *v + "' is not a macrolanguage code in this file");
            continue;
          }
          fixed[static_cast<std::size_t>(*self)].macrolanguage = *macro;
        }
        CodeList<LanguageCode> rebuilt;
        for (auto& l : fixed) rebuilt.add(std::move(l));
        tax.languages = std::move(rebuilt);
      }
      for (const char* required : {"female", "male", "nonbinary", "unknown"})
        if (tax.genders.size() && !tax.genders.find(required))
          r.error(root["genders"], "genders", std::string("missing required gender '") + required + "'");
      if (tax.statuses.size() && !tax.statuses.find("unknown"))
        r.error(root["statuses"], "statuses", "missing required status 'unknown'");
      if (tax.exploitation.size() && !tax.exploitation.find("unknown"))
        r.error(root["exploitation"], "exploitation", "missing required kind 'unknown'");
      if (tax.languages.size() && !tax.languages.find("eng"))
        r.error(root["languages"], "languages", "missing required language 'eng' (the default)");
    }
  }
  diags.throw_if_any("invalid taxonomy");
  tax.finish();
  return tax;
}

// ---- CSV (directory/csv.hpp) and the travel network (directory/travel_loader.cpp) ---------

using detail::parse_double;
using detail::read_csv;

namespace {

bool zone_exists(const std::string& name) {
  if (name.empty()) return false;
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

Geography load_geography(const std::string& communities_path, const std::string& routes_path,
                         const Taxonomy& tax) {
  Diagnostics diags;
  Geography geo;
  // The header of this version, or the earlier one without timezone (every community then keeps
  // the case's clock: see docs/data.md).
  const std::vector<std::string> header = {"id",         "name",        "province", "latitude", "longitude",
                                           "population", "road_access", "timezone", "source"};
  const std::vector<std::string> no_zones = {"id",         "name",        "province", "latitude",
                                             "longitude",  "population", "road_access", "source"};
  bool zoned = true;
  if (auto text = detail::read_text_file(communities_path, diags)) {
    auto first = detail::parse_csv(text->substr(0, text->find('\n')), communities_path, diags);
    zoned = first.empty() || first.front().fields != no_zones;
  }
  std::set<std::string> seen;
  std::map<std::string, bool> zone_known;
  for (auto& row : read_csv(communities_path, zoned ? header : no_zones, diags)) {
    auto& f = row.fields;
    auto bad = [&](const std::string& field, const std::string& msg) {
      diags.add(communities_path, row.line, 0, field, msg);
    };
    Community c;
    c.line = row.line;
    c.id = f[0];
    c.name = f[1];
    bool ok = true;
    if (c.id.empty() || c.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      bad("id", "'" + c.id + "' is not a community id (lower-case ascii, digits and hyphens)");
      ok = false;
    } else if (!seen.insert(c.id).second) {
      bad("id", "duplicate community id '" + c.id + "'");
      ok = false;
    }
    if (c.name.empty()) bad("name", "missing"), ok = false;
    if (auto p = tax.provinces.find(f[2])) c.province = *p;
    else bad("province", "'" + f[2] + "' is not a province or territory; expected one of " +
                             detail::join_codes(tax.provinces.codes())), ok = false;
    if (!parse_double(f[3], c.latitude) || c.latitude < 41 || c.latitude > 84)
      bad("latitude", "'" + f[3] + "' is not a latitude in Canada (41 to 84)"), ok = false;
    if (!parse_double(f[4], c.longitude) || c.longitude < -142 || c.longitude > -52)
      bad("longitude", "'" + f[4] + "' is not a longitude in Canada (-142 to -52)"), ok = false;
    if (!f[5].empty()) {
      std::int64_t pop = 0;
      auto [p, ec] = std::from_chars(f[5].data(), f[5].data() + f[5].size(), pop);
      if (ec != std::errc() || p != f[5].data() + f[5].size() || pop < 0)
        bad("population", "'" + f[5] + "' is not a whole number >= 0 (or empty for unknown)"), ok = false;
      else c.population = pop;
    }
    if (f[6] == "true") c.road_access = true;
    else if (f[6] == "false") c.road_access = false;
    else bad("road_access", "expected true or false, found '" + f[6] + "'"), ok = false;
    if (zoned) {
      c.timezone = f[7];
      auto [it, fresh] = zone_known.emplace(c.timezone, false);
      if (fresh) it->second = zone_exists(c.timezone);
      if (!it->second)
        bad("timezone", "'" + c.timezone + "' is not a time zone of the tz database (expected an IANA name such as America/Toronto)"), ok = false;
    }
    c.source = f[zoned ? 8 : 7];
    if (ok) geo.communities.push_back(std::move(c));
  }
  std::sort(geo.communities.begin(), geo.communities.end(),
            [](const Community& a, const Community& b) { return a.id < b.id; });
  geo.reindex();

  detail::load_travel_network(routes_path, geo, diags);  // routes, roads, ferries
  diags.throw_if_any("invalid geography");
  return geo;
}

// ---- providers ------------------------------------------------------------------------------

namespace {

const std::vector<std::string> kProviderFields = {
    "id",       "name",      "community",   "services", "delivery", "serves",
    "attributes", "languages", "genders",   "ages",     "accepts_trafficking_victims",
    "accepts_without_status", "law_enforcement", "capacity", "wait_days", "partners",
    "intake",   "address",   "confidential", "verified", "catchment", "peoples"};

class ProviderReader {
 public:
  ProviderReader(const std::string& file, Diagnostics& diags, const Taxonomy& tax,
                 const Geography& geo)
      : r_(file, diags), tax_(tax), geo_(geo) {}

  template <typename T>
  bool codes(YamlNode n, const detail::FieldName& field, const CodeList<T>& list,
             const char* what, std::vector<int>& out) {
    return detail::read_codes(r_, n, field, list, what, out, true);
  }

  std::optional<Provider> read(YamlNode n, std::size_t index,
                               std::vector<std::vector<std::pair<std::string, YamlNode>>>& partner_refs) {
    std::string base = "providers[" + std::to_string(index) + "]";
    auto& refs = partner_refs.emplace_back();
    if (!r_.expect_map(n, base)) return std::nullopt;
    r_.check_keys(n, base, kProviderFields);
    const std::size_t before = r_.diags().size();
    Provider p;
    p.line = n.mark().line;
    auto field = [&](const char* k) { return detail::FieldName(base, k); };
    auto required = [&](const char* k) {
      if (n[k].defined()) return true;
      r_.error(n, field(k), "missing required field");
      return false;
    };
    if (required("id")) {
      if (auto v = r_.string(n["id"], field("id"))) {
        p.id = std::move(*v);
        base = "provider " + p.id;  // later messages name the provider, not the index
        if (p.id.empty() || p.id.find_first_of(" \t/?#") != std::string::npos)
          r_.error(n["id"], field("id"), "'" + p.id + "' is not a usable id (no spaces, '/', '?', '#')");
      }
    }
    if (required("name"))
      if (auto v = r_.string(n["name"], field("name"))) p.name = std::move(*v);
    if (required("community")) {
      if (auto v = r_.string(n["community"], field("community"))) {
        if (auto c = geo_.find(*v)) p.community = *c;
        else {
          std::string near = closest_name(*v, geo_.ids());
          r_.error(n["community"], field("community"),
                   "unknown community '" + *v + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
        }
      }
    }
    if (required("services")) {
      std::vector<int>& s = scratch();
      if (codes(n["services"], field("services"), tax_.needs, "need", s)) {
        if (s.empty()) r_.error(n["services"], field("services"), "a provider must offer at least one service");
        for (int x : s) p.services |= need_bit(x);
      }
    }
    if (required("delivery")) {
      if (auto v = r_.string(n["delivery"], field("delivery"))) {
        if (*v == "in_person") p.delivery = Delivery::kInPerson;
        else if (*v == "remote") p.delivery = Delivery::kRemote;
        else if (*v == "both") p.delivery = Delivery::kBoth;
        else r_.error(n["delivery"], field("delivery"), "'" + *v + "' is not a delivery; expected in_person, remote or both");
      }
    }
    if (required("serves")) {
      const YamlNode s = n["serves"];
      if (s.is_sequence() && s.size() == 1 && s[0].is_scalar() && s[0].text() == "national") {
        p.national = true;
      } else {
        std::vector<int>& prov = scratch();
        if (codes(s, field("serves"), tax_.provinces, "province (or 'national')", prov)) {
          if (prov.empty()) r_.error(s, field("serves"), "empty; expected province codes or [national]");
          for (int x : prov) p.serves |= code_bit(x);
        }
      }
    }
    if (n["attributes"].defined()) {
      std::vector<int>& a = scratch();
      if (codes(n["attributes"], field("attributes"), tax_.attributes, "attribute", a))
        for (int x : a) p.attributes |= attr_bit(x);
    }
    if (n["languages"].defined()) {
      std::vector<int>& l = scratch();
      if (codes(n["languages"], field("languages"), tax_.languages, "language (ISO 639-3)", l))
        p.languages.assign(l.begin(), l.end());
    }
    if (n["genders"].defined()) {
      std::vector<int>& g = scratch();
      if (codes(n["genders"], field("genders"), tax_.genders, "gender", g)) {
        CodeSet set = 0;
        for (int x : g) set |= code_bit(x);
        p.genders = set;
      }
    }
    if (n["ages"].defined()) {
      const YamlNode a = n["ages"];
      if (r_.expect_map(a, field("ages"))) {
        r_.check_keys(a, field("ages"), {"min", "max"});
        if (a["min"].defined())
          if (auto v = r_.integer(a["min"], field("ages.min"), 0, 120)) p.age_min = static_cast<int>(*v);
        if (a["max"].defined())
          if (auto v = r_.integer(a["max"], field("ages.max"), 0, 120)) p.age_max = static_cast<int>(*v);
        if (p.age_min && p.age_max && *p.age_max < *p.age_min)
          r_.error(a["max"], field("ages.max"),
                   std::to_string(*p.age_max) + " is below ages.min " + std::to_string(*p.age_min));
      }
    }
    auto flag = [&](const char* k, bool& out, bool needed) {
      if (!n[k].defined()) {
        if (needed) required(k);
        return;
      }
      if (auto b = r_.boolean(n[k], field(k))) out = *b;
    };
    // Optional: absent = the provider has not said (an HSDS import); the rules read it as unknown.
    if (n["accepts_trafficking_victims"].defined())
      if (auto b = r_.boolean(n["accepts_trafficking_victims"], field("accepts_trafficking_victims")))
        p.accepts_trafficking_victims = *b;
    flag("accepts_without_status", p.accepts_without_status, false);
    flag("law_enforcement", p.law_enforcement, false);
    flag("confidential", p.confidential, false);
    if (n["capacity"].defined()) capacity(n["capacity"], field("capacity").str(), p);
    if (n["wait_days"].defined())
      if (auto v = r_.integer(n["wait_days"], field("wait_days"), 0, 3650)) p.wait_days = static_cast<int>(*v);
    if (n["partners"].defined()) {
      if (auto ids = r_.strings(n["partners"], field("partners")))
        for (std::size_t i = 0; i < ids->size(); ++i) refs.emplace_back((*ids)[i], n["partners"][i]);
    }
    if (n["intake"].defined()) intake(n["intake"], field("intake").str(), p);
    if (n["catchment"].defined()) catchment(n["catchment"], field("catchment").str(), p);
    if (n["peoples"].defined()) peoples(n["peoples"], field("peoples").str(), p);
    if (n["address"].defined())
      if (auto v = r_.string(n["address"], field("address"))) p.address = *v;
    if (p.confidential && p.address)
      r_.error(n["address"], field("address"),
               "a confidential provider must not have an address (it would be shown nowhere, and must not be stored)");
    if (n["verified"].defined())
      if (auto d = r_.date(n["verified"], field("verified"))) p.verified = d;
    if (r_.diags().size() != before) return std::nullopt;
    return p;
  }

  YamlReader& reader() { return r_; }

  // A list of codes' scratch space, reused from one field and one provider to the next.
  std::vector<int>& scratch() {
    scratch_.clear();
    return scratch_;
  }

  // capacity: {beds, available}, both required, available at most beds.
  void capacity(YamlNode c, const std::string& field, Provider& p) {
    if (!r_.expect_map(c, field)) return;
    r_.check_keys(c, field, {"beds", "available"});
    Capacity cap;
    bool ok = true;
    if (!c["beds"].defined()) r_.error(c, field + ".beds", "missing"), ok = false;
    else if (auto v = r_.integer(c["beds"], field + ".beds", 0, 100000)) cap.beds = static_cast<int>(*v);
    else ok = false;
    if (!c["available"].defined()) r_.error(c, field + ".available", "missing"), ok = false;
    else if (auto v = r_.integer(c["available"], field + ".available", 0, 100000)) cap.available = static_cast<int>(*v);
    else ok = false;
    if (ok && cap.available > cap.beds)
      r_.error(c["available"], field + ".available",
               std::to_string(cap.available) + " is above capacity.beds " + std::to_string(cap.beds));
    if (ok) p.capacity = cap;
  }

  // intake: {phone, hours}; hours in the grammar of model/hours.hpp.
  void intake(YamlNode in, const std::string& field, Provider& p) {
    if (!r_.expect_map(in, field)) return;
    r_.check_keys(in, field, {"phone", "hours"});
    if (in["phone"].defined())
      if (auto v = r_.string(in["phone"], field + ".phone")) p.intake_phone = *v;
    if (in["hours"].defined())
      if (auto v = r_.string(in["hours"], field + ".hours")) {
        p.intake_hours = *v;
        std::string why;
        if (auto h = IntakeHours::parse(*v, why)) p.hours = std::move(*h);
        else r_.error(in["hours"], field + ".hours", why);
      }
  }

  // peoples: identities the service is for (a non-empty list).
  void peoples(YamlNode list, const std::string& field, Provider& p) {
    std::vector<int> g;
    if (!codes(list, field, tax_.identities, "identity", g)) return;
    CodeSet set = 0;
    for (int x : g) set |= code_bit(x);
    if (!set) r_.error(list, field, "empty; leave peoples out for a service for everyone");
    p.peoples = set;
  }

  // A list of community ids, each known and listed once.
  void catchment(YamlNode list, const std::string& field, Provider& p) {
    auto ids = r_.strings(list, field);
    if (!ids) return;
    if (ids->empty()) r_.error(list, field, "empty; leave catchment out for a service with none");
    for (std::size_t i = 0; i < ids->size(); ++i) {
      const std::string& id = (*ids)[i];
      if (auto c = geo_.find(id)) {
        p.catchment.push_back(*c);
      } else {
        std::string near = closest_name(id, geo_.ids());
        r_.error(list[i], field + "[" + std::to_string(i) + "]",
                 "unknown community '" + id + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
    }
    std::sort(p.catchment.begin(), p.catchment.end());
    if (std::adjacent_find(p.catchment.begin(), p.catchment.end()) != p.catchment.end())
      r_.error(list, field, "lists a community twice");
  }

 private:
  YamlReader r_;
  const Taxonomy& tax_;
  const Geography& geo_;
  std::vector<int> scratch_;
};

}  // namespace

namespace {

// The entries of a providers file (a list, or a map with schema, synthetic and providers), each
// read and checked against the taxonomy and geography; partner ids are kept as written.
struct ProviderEntries {
  std::vector<std::optional<Provider>> read;  // by entry; empty where the entry has problems
  std::vector<std::vector<std::pair<std::string, YamlNode>>> partner_refs;
  YamlNode list;
};

ProviderEntries read_entries(YamlNode root, ProviderReader& pr) {
  YamlReader& r = pr.reader();
  ProviderEntries e;
  if (root.is_sequence()) {
    e.list = root;
  } else if (r.expect_map(root, "")) {
    r.check_keys(root, "", {"schema", "synthetic", "generated", "providers"});
    if (root["schema"].defined()) r.integer(root["schema"], "schema", 1, 1);
    if (root["synthetic"].defined()) r.boolean(root["synthetic"], "synthetic");
    e.list = root["providers"];
    if (!e.list.defined()) r.error(root, "providers", "missing list 'providers'");
  }
  if (!e.list.defined() || !r.expect_sequence(e.list, "providers")) return e;
  e.read.reserve(e.list.size());
  e.partner_refs.reserve(e.list.size());
  for (std::size_t i = 0; i < e.list.size(); ++i) e.read.push_back(pr.read(e.list[i], i, e.partner_refs));
  return e;
}

// Duplicate ids (`first` holds, for every id already taken, where it was first seen) and partner
// ids that name no provider in `first` once every entry is in.
void check_ids(ProviderEntries& e, YamlReader& r, std::map<std::string, std::string>& first) {
  for (std::size_t i = 0; i < e.read.size(); ++i) {
    if (!e.read[i]) continue;
    auto [it, fresh] = first.emplace(e.read[i]->id, "line " + std::to_string(e.read[i]->line));
    if (!fresh) {
      r.error(e.list[i]["id"], "provider " + e.read[i]->id + ".id",
              "duplicate provider id '" + e.read[i]->id + "' (first at " + it->second + ")");
      e.read[i].reset();
    }
  }
  // Linear in the directory: each reference is one lookup; the list of ids for suggestions is
  // built once, and only the first kSuggested dangling references get a suggestion (each costs a
  // pass over every id).
  constexpr int kSuggested = 20;
  int suggested = 0;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < e.read.size(); ++i) {
    if (!e.read[i]) continue;
    for (auto& [pid, node] : e.partner_refs[i]) {
      if (!first.count(pid)) {
        if (ids.empty())
          for (auto& [k, v] : first) ids.push_back(k);
        std::string near = suggested++ < kSuggested ? closest_name(pid, ids) : std::string();
        r.error(node, "provider " + e.read[i]->id + ".partners",
                "no provider with id " + detail::quote_short(pid) + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      } else if (pid == e.read[i]->id) {
        r.error(node, "provider " + e.read[i]->id + ".partners", "a provider cannot be its own partner");
      }
    }
  }
}

// Appends the entries' providers to `dir` and resolves every provider's partner ids (`ids`: for
// each provider of `dir`, its partners' ids), once `dir` holds them all.
void add_entries(Directory& dir, ProviderEntries& e, std::vector<std::vector<std::string>>& ids) {
  dir.providers.reserve(dir.providers.size() + e.read.size());
  ids.reserve(ids.size() + e.read.size());
  for (std::size_t i = 0; i < e.read.size(); ++i) {
    dir.providers.push_back(std::move(*e.read[i]));
    auto& mine = ids.emplace_back();
    for (auto& [pid, node] : e.partner_refs[i]) mine.push_back(std::move(pid));
  }
}

void resolve_partners(Directory& dir, const std::vector<std::vector<std::string>>& ids) {
  dir.reindex();
  for (std::size_t i = 0; i < dir.providers.size(); ++i) {
    auto& ps = dir.providers[i].partners;
    ps.clear();
    for (const auto& pid : ids[i])
      if (auto q = dir.find(pid)) ps.push_back(*q);
    std::sort(ps.begin(), ps.end());
    ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
  }
}

}  // namespace

Directory load_directory(const DataPaths& paths) {
  Directory dir;
  dir.paths = paths;
  dir.taxonomy = load_taxonomy(paths.taxonomy);  // later files cannot be checked without it
  Diagnostics diags;
  try {
    dir.geography = load_geography(paths.communities, paths.routes, dir.taxonomy);
  } catch (const LoadError& e) {
    for (const auto& d : e.diagnostics()) diags.add(d);
    diags.throw_if_any("invalid data");
  }

  std::optional<detail::YamlDocument> doc = detail::load_yaml_file(paths.providers, diags);
  if (doc) {
    ProviderReader pr(paths.providers, diags, dir.taxonomy, dir.geography);
    ProviderEntries entries = read_entries(doc->root(), pr);
    std::map<std::string, std::string> first;
    check_ids(entries, pr.reader(), first);
    if (diags.empty()) {
      std::vector<std::vector<std::string>> ids;
      add_entries(dir, entries, ids);
      resolve_partners(dir, ids);
    }
  }
  try {
    dir.fallbacks = load_fallbacks(paths.fallbacks);
  } catch (const LoadError& e) {
    for (const auto& d : e.diagnostics()) diags.add(d);
  }
  diags.throw_if_any("invalid data");
  return dir;
}

Directory with_providers(const Directory& base, const std::string& extra_text, const std::string& origin,
                         const std::set<std::string>& drop) {
  Diagnostics diags;
  Directory dir;
  dir.paths = base.paths;
  dir.taxonomy = base.taxonomy;
  dir.geography = base.geography;
  dir.fallbacks = base.fallbacks;
  std::map<std::string, std::string> first;  // ids kept from `base`, then the added ones
  std::vector<std::vector<std::string>> ids;
  for (const Provider& p : base.providers) {
    if (drop.count(p.id)) continue;
    first.emplace(p.id, base.paths.providers + ":" + std::to_string(p.line));
    dir.providers.push_back(p);
    auto& mine = ids.emplace_back();
    for (ProviderIndex q : p.partners)
      if (!drop.count(base.providers[q].id)) mine.push_back(base.providers[q].id);
  }
  if (!extra_text.empty()) {
    std::optional<detail::YamlDocument> doc = detail::parse_yaml(extra_text, origin, diags);
    if (doc && !doc->root().is_null()) {
      ProviderReader pr(origin, diags, dir.taxonomy, dir.geography);
      ProviderEntries entries = read_entries(doc->root(), pr);
      check_ids(entries, pr.reader(), first);
      if (diags.empty()) add_entries(dir, entries, ids);
    }
  }
  diags.throw_if_any("invalid providers");
  resolve_partners(dir, ids);
  return dir;
}

}  // namespace nrm
