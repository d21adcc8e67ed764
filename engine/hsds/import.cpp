// nrm import hsds: HSDS 3.1 services (JSON, or a CSV datapackage nested into the JSON form by
// read_input in input.cpp) into nrm providers, through the map. Every problem is reported
// with the HSDS object's id and field, all at once; the providers file produced is loaded back
// before it is returned, so that what is written is what `nrm validate` accepts.
#include "hsds/hsds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include "directory/csv.hpp"
#include "directory/loader.hpp"
#include "directory/yaml_util.hpp"
#include "hsds/detail.hpp"
#include "hsds/schedule.hpp"

namespace nrm::hsds {

using nlohmann::json;

namespace {

// Province and territory names as HSDS state_province may give them, besides the codes.
const std::map<std::string, std::string>& province_names() {
  static const std::map<std::string, std::string> kNames = {
      {"alberta", "AB"}, {"british-columbia", "BC"}, {"colombie-britannique", "BC"}, {"manitoba", "MB"},
      {"new-brunswick", "NB"}, {"nouveau-brunswick", "NB"}, {"newfoundland-and-labrador", "NL"},
      {"terre-neuve-et-labrador", "NL"}, {"nova-scotia", "NS"}, {"nouvelle-ecosse", "NS"},
      {"northwest-territories", "NT"}, {"territoires-du-nord-ouest", "NT"}, {"nunavut", "NU"},
      {"ontario", "ON"}, {"prince-edward-island", "PE"}, {"ile-du-prince-edouard", "PE"},
      {"quebec", "QC"}, {"saskatchewan", "SK"}, {"yukon", "YT"}};
  return kNames;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      auto b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
      if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// The taxonomy term of an HSDS attribute: nested, or only its id.
TermKey term_of(const json& attr) {
  TermKey k;
  if (attr.contains("taxonomy_term_id") && attr["taxonomy_term_id"].is_string()) k.term_id = attr["taxonomy_term_id"];
  if (attr.contains("taxonomy_term") && attr["taxonomy_term"].is_object()) {
    const json& t = attr["taxonomy_term"];
    if (t.contains("id") && t["id"].is_string()) k.term_id = t["id"];
    if (t.contains("code") && t["code"].is_string()) k.code = t["code"];
    if (t.contains("taxonomy") && t["taxonomy"].is_string()) k.taxonomy = t["taxonomy"];
    else if (t.contains("taxonomy_detail") && t["taxonomy_detail"].is_object() &&
             t["taxonomy_detail"].contains("name") && t["taxonomy_detail"]["name"].is_string())
      k.taxonomy = t["taxonomy_detail"]["name"];
  }
  return k;
}

bool term_matches(const TermKey& want, const TermKey& have) {
  if (!want.term_id.empty()) return want.term_id == have.term_id;
  return want.taxonomy == have.taxonomy && (want.code.empty() || want.code == have.code);
}

// What one HSDS service becomes, before it is written.
struct Draft {
  std::string sid;  // the HSDS service id
  std::string id;   // the nrm provider id
  std::string name;
  std::string community;
  std::vector<std::string> services, attributes, languages;
  std::string delivery;
  std::vector<std::string> serves;  // province codes, or {"national"}
  std::optional<std::vector<std::string>> genders, peoples;
  std::optional<long> age_min, age_max;
  std::optional<bool> atv;
  bool accepts_without_status = false, law_enforcement = false, confidential = false;
  std::optional<std::pair<long, long>> capacity;  // beds, available
  long wait_days = 0;
  std::vector<std::string> partners, catchment;
  std::string phone, hours;
  std::optional<std::string> address;
  std::string verified;
  std::string file;  // where the service came from (a CSV file) and its line, for diagnostics
  int line = 0;
};

std::string yaml_list(const std::vector<std::string>& v, bool quote) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + (quote ? json(v[i]).dump() : v[i]);
  return out + "]";
}

class Importer {
 public:
  Importer(const Map& map, const Directory& dir, const std::string& origin)
      : map_(map), dir_(dir), tax_(dir.taxonomy), origin_(origin) {}

  void service(const json& s, std::size_t index) {
    Draft d;
    where_file_ = origin_, where_line_ = 0;
    origin_of(s);
    d.file = where_file_, d.line = where_line_;
    const std::string at = "services[" + std::to_string(index) + "]";
    if (!s.is_object()) return error(at, "expected an HSDS service object");
    d.sid = text(s, "id");
    obj_ = d.sid.empty() ? at : "service " + d.sid;
    if (d.sid.empty()) error(obj_ + ".id", "missing required field");
    const std::string status = text(s, "status");
    if (status.empty()) error(obj_ + ".status", "missing required field");
    // A temporarily closed service takes no referrals: skipped like an inactive one until the
    // source says it is active again.
    else if (status == "inactive" || status == "defunct" || status == "temporarily closed") return void(++skipped_);
    else if (status != "active")
      error(obj_ + ".status", "'" + status + "' is not a status; expected active, inactive, defunct or temporarily closed");
    d.name = text(s, "name");
    if (d.name.empty()) error(obj_ + ".name", "missing required field");
    d.id = d.sid;

    // Attributes: needs, nrm attributes, confidentiality and nrm's own fields.
    for_each(s, "attributes", [&](const json& a, const std::string& f) { attribute(a, f, d); });
    if (d.services.empty() && d.sid.size())
      error(obj_ + ".attributes", "no taxonomy term maps to an nrm need; add the service's terms to the map's needs");

    // Ages, verified, phone, hours.
    if (auto v = whole(s, "minimum_age", 0, 120)) d.age_min = *v;
    if (auto v = whole(s, "maximum_age", 0, 120)) d.age_max = *v;
    if (d.age_min && d.age_max && *d.age_max < *d.age_min)
      error(obj_ + ".maximum_age", std::to_string(*d.age_max) + " is below minimum_age " + std::to_string(*d.age_min));
    const std::string assured = text(s, "assured_date");
    if (!assured.empty()) {
      const std::string day = assured.substr(0, std::min(assured.find('T'), assured.size()));
      if (Date::parse(day)) d.verified = day;
      else error(obj_ + ".assured_date", "'" + assured + "' is not a date (YYYY-MM-DD)");
    }
    for_each(s, "phones", [&](const json& p, const std::string& f) {
      const std::string n = text(p, "number");
      if (n.empty()) error(f + ".number", "missing required field");
      else if (d.phone.empty()) d.phone = n;
    });
    schedules(s, d);

    // Capacity: the first capacity counted in beds.
    for_each(s, "capacities", [&](const json& c, const std::string& f) {
      std::string unit_name, unit_id = text(c, "unit_id");
      if (c.contains("unit") && c["unit"].is_object()) {
        unit_name = lower(text(c["unit"], "name"));
        if (unit_id.empty()) unit_id = text(c["unit"], "id");
      } else if (unit_id.empty()) {
        error(f + ".unit", "missing required field");
        return;
      }
      const auto& units = map_.capacity_units;
      if (std::find(units.begin(), units.end(), unit_name) == units.end() &&
          std::find(units.begin(), units.end(), lower(unit_id)) == units.end())
        return;  // not beds: not nrm's
      auto avail = whole(c, "available", 0, 100000, f);
      if (!c.contains("available")) error(f + ".available", "missing required field");
      auto max = whole(c, "maximum", 0, 100000, f);
      if (!avail || d.capacity) return;
      const long beds = max ? *max : *avail;
      if (*avail > beds) error(f + ".available", std::to_string(*avail) + " is above maximum " + std::to_string(beds));
      else d.capacity = std::make_pair(beds, *avail);
    });

    // Languages.
    for_each(s, "languages", [&](const json& l, const std::string& f) {
      const std::string code = text(l, "code");
      if (code.empty()) return error(f + ".code", "missing; nrm needs the ISO 639-3 code");
      std::string nrm_code = code;
      if (auto it = map_.languages.find(code); it != map_.languages.end()) nrm_code = it->second;
      if (!tax_.languages.find(nrm_code))
        return error(f + ".code", "unknown language '" + code + "'; expected ISO 639-3, or map it in the map's languages");
      if (std::find(d.languages.begin(), d.languages.end(), nrm_code) == d.languages.end()) d.languages.push_back(nrm_code);
    });
    if (d.languages.empty())
      for (LangId l : map_.default_languages) d.languages.push_back(tax_.languages.code(l));

    // Locations: delivery, community, address.
    locations(s, d);

    // Defaults for what the service did not say.
    if (d.serves.empty()) {
      if (map_.serves_national) d.serves = {"national"};
      else if (!map_.serves_province)
        for (int p = 0; p < tax_.provinces.size(); ++p) {
          if (map_.serves & code_bit(p)) d.serves.push_back(tax_.provinces.code(p));
        }
      else if (auto c = dir_.geography.find(d.community))
        d.serves = {tax_.provinces.code(dir_.geography[*c].province)};
    }
    if (d.confidential) d.address.reset();
    if (!d.id.empty() && d.id.find_first_of(" \t/?#") != std::string::npos)
      error(obj_ + ".id", "'" + d.id + "' is not usable as a provider id (no spaces, '/', '?', '#')");
    if (!d.id.empty() && !ids_.emplace(d.id, obj_).second)
      error(obj_ + ".id", "provider id '" + d.id + "' is also that of " + ids_[d.id]);
    drafts_.push_back(std::move(d));
  }

  // Intake hours: the first schedule description that reads as nrm hours (what the export
  // writes); else the weekly schedules (freq WEEKLY, byday, opens_at, closes_at) together.
  // Monthly schedules say nothing of a given week: left out (the hours stay unknown).
  void schedules(const json& s, Draft& d) {
    std::vector<hsds::detail::Opening> weekly;
    for_each(s, "schedules", [&](const json& p, const std::string& f) {
      const std::string desc = text(p, "description");
      std::string why;
      if (d.hours.empty() && !desc.empty() && IntakeHours::parse(desc, why)) d.hours = desc;
      const std::string freq = text(p, "freq"), byday = text(p, "byday");
      const std::string opens = text(p, "opens_at"), closes = text(p, "closes_at");
      if (freq == "MONTHLY" || (byday.empty() && opens.empty() && closes.empty())) return;
      if (!freq.empty() && freq != "WEEKLY") return error(f + ".freq", "'" + freq + "' is not a frequency; expected WEEKLY or MONTHLY");
      bool ok = true;
      auto need = [&](const std::string& v, const char* field) {
        if (v.empty()) error(f + "." + field, "missing; a weekly schedule needs byday, opens_at and closes_at"), ok = false;
      };
      need(byday, "byday"), need(opens, "opens_at"), need(closes, "closes_at");
      if (!ok) return;
      std::string err;
      const auto days = hsds::detail::byday_days(byday, err);
      if (!days) error(f + ".byday", err);
      const auto from = hsds::detail::hsds_time(opens, err);
      if (!from) error(f + ".opens_at", err);
      const auto to = hsds::detail::hsds_time(closes, err);
      if (!to) error(f + ".closes_at", err);
      if (days && from && to && *from == *to) error(f + ".closes_at", "'" + closes + "' is when it opens; a whole day is 00:00 to 23:59");
      else if (days && from && to)
        for (const auto& o : hsds::detail::openings(*days, *from, *to)) weekly.push_back(o);
    });
    if (d.hours.empty()) d.hours = hsds::detail::hours_text(std::move(weekly));
  }

  // Partners must be providers of this import.
  void check_partners() {
    for (const Draft& d : drafts_) {
      where_file_ = d.file, where_line_ = d.line;
      for (const auto& p : d.partners)
        if (!ids_.count(p)) error("service " + d.sid + ".attributes[nrm partners]", "no imported provider has id '" + p + "'");
    }
  }

  std::string yaml() const {
    std::string y =
        "# Imported from HSDS 3.1 by `nrm import hsds` (docs/data.md, \"Importing and exporting HSDS 3.1\").\n"
        "# accepts_trafficking_victims is absent where the source did not say: unknown, never guessed.\n"
        "schema: 1\nproviders:\n";
    for (const Draft& d : drafts_) {
      y += "  - id: " + json(d.id).dump() + "\n";
      y += "    name: " + json(d.name).dump() + "\n";
      y += "    community: " + d.community + "\n";
      y += "    services: " + yaml_list(d.services, false) + "\n";
      y += "    delivery: " + d.delivery + "\n";
      y += "    serves: " + yaml_list(d.serves, false) + "\n";
      if (!d.attributes.empty()) y += "    attributes: " + yaml_list(d.attributes, false) + "\n";
      if (!d.languages.empty()) y += "    languages: " + yaml_list(d.languages, false) + "\n";
      if (d.genders) y += "    genders: " + yaml_list(*d.genders, false) + "\n";
      if (d.peoples) y += "    peoples: " + yaml_list(*d.peoples, false) + "\n";
      if (d.age_min || d.age_max) {
        y += "    ages: {";
        if (d.age_min) y += "min: " + std::to_string(*d.age_min);
        if (d.age_max) y += std::string(d.age_min ? ", " : "") + "max: " + std::to_string(*d.age_max);
        y += "}\n";
      }
      if (d.atv) y += std::string("    accepts_trafficking_victims: ") + (*d.atv ? "true" : "false") + "\n";
      y += std::string("    accepts_without_status: ") + (d.accepts_without_status ? "true" : "false") + "\n";
      y += std::string("    law_enforcement: ") + (d.law_enforcement ? "true" : "false") + "\n";
      if (d.capacity)
        y += "    capacity: {beds: " + std::to_string(d.capacity->first) + ", available: " + std::to_string(d.capacity->second) + "}\n";
      y += "    wait_days: " + std::to_string(d.wait_days) + "\n";
      if (!d.partners.empty()) y += "    partners: " + yaml_list(d.partners, true) + "\n";
      if (!d.catchment.empty()) y += "    catchment: " + yaml_list(d.catchment, false) + "\n";
      if (!d.phone.empty() || !d.hours.empty()) {
        y += "    intake: {";
        if (!d.phone.empty()) y += "phone: " + json(d.phone).dump();
        if (!d.hours.empty()) y += std::string(d.phone.empty() ? "" : ", ") + "hours: " + json(d.hours).dump();
        y += "}\n";
      }
      if (d.address) y += "    address: " + json(*d.address).dump() + "\n";
      y += std::string("    confidential: ") + (d.confidential ? "true" : "false") + "\n";
      if (!d.verified.empty()) y += "    verified: " + d.verified + "\n";
    }
    return y;
  }

  Diagnostics& diags() { return diags_; }
  int imported() const { return static_cast<int>(drafts_.size()); }
  int skipped() const { return skipped_; }

 private:
  void error(const std::string& field, const std::string& message) {
    diags_.add(where_file_, where_line_, 0, field, message);
  }

  // An object built from a CSV row carries its file and line (input.cpp).
  void origin_of(const json& o) {
    if (!o.is_object() || !o.contains("_origin")) return;
    const json& w = o["_origin"];
    if (w.contains("file") && w["file"].is_string()) where_file_ = w["file"];
    if (w.contains("line") && w["line"].is_number_integer()) where_line_ = w["line"];
  }

  // A string field, "" when absent or null; another type is an error.
  std::string text(const json& o, const char* key) {
    if (!o.is_object() || !o.contains(key) || o[key].is_null()) return {};
    if (o[key].is_string()) return o[key];
    error(obj_ + "." + key, "expected text, found " + std::string(o[key].type_name()));
    return {};
  }

  // A whole number in [lo, hi] (HSDS numbers; a CSV cell arrives as text and is read here).
  std::optional<long> whole(const json& o, const char* key, long lo, long hi, const std::string& at = "") {
    const std::string field = (at.empty() ? obj_ : at) + "." + key;
    if (!o.is_object() || !o.contains(key) || o[key].is_null()) return std::nullopt;
    double v = 0;
    const json& x = o[key];
    if (x.is_number()) v = x.get<double>();
    else if (x.is_string() && nrm::detail::parse_double(x.get<std::string>(), v)) {
    } else {
      error(field, "expected a number, found " + (x.is_string() ? "'" + x.get<std::string>() + "'" : std::string(x.type_name())));
      return std::nullopt;
    }
    if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", v);
      error(field, std::string(buf) + " is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return std::nullopt;
    }
    return static_cast<long>(v);
  }

  std::optional<double> real(const json& o, const char* key, const std::string& at) {
    if (!o.is_object() || !o.contains(key) || o[key].is_null()) return std::nullopt;
    const json& x = o[key];
    double v = 0;
    if (x.is_number()) return x.get<double>();
    if (x.is_string() && nrm::detail::parse_double(x.get<std::string>(), v)) return v;
    error(at + "." + key, "expected a number");
    return std::nullopt;
  }

  template <typename F>
  void for_each(const json& o, const char* key, F f, const std::string& at = "") {
    const std::string base = (at.empty() ? obj_ : at) + "." + key;
    if (!o.is_object() || !o.contains(key) || o[key].is_null()) return;
    if (!o[key].is_array()) return error(base, "expected a list");
    for (std::size_t i = 0; i < o[key].size(); ++i) {
      const json& x = o[key][i];
      if (!x.is_object()) {
        error(base + "[" + std::to_string(i) + "]", "expected an object");
        continue;
      }
      const std::string id = x.contains("id") && x["id"].is_string() ? x["id"].get<std::string>() : "";
      f(x, id.empty() ? base + "[" + std::to_string(i) + "]" : base + "[" + id + "]");
    }
  }

  bool is_confidential(const TermKey& k) const { return map_.confidential && term_matches(*map_.confidential, k); }

  void attribute(const json& a, const std::string& f, Draft& d) {
    const TermKey k = term_of(a);
    if (k.term_id.empty() && k.taxonomy.empty()) return error(f + ".taxonomy_term", "missing required field");
    const std::string value = a.contains("value") && a["value"].is_string() ? a["value"].get<std::string>() : "";
    const std::string what = k.code.empty() ? "term " + k.term_id : "term '" + k.code + "' of taxonomy '" + k.taxonomy + "'";
    if (is_confidential(k)) {
      if (value.empty() || value == "true") d.confidential = true;
      else if (value != "false") error(f + ".value", "'" + value + "' is not true or false");
      return;
    }
    for (const auto& e : map_.needs)
      if (term_matches(e.key, k)) return add_code(d.services, tax_.needs.code(e.code));
    for (const auto& e : map_.attributes)
      if (term_matches(e.key, k)) return add_code(d.attributes, tax_.attributes.code(e.code));
    auto listed = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), k.taxonomy) != v.end(); };
    if (!k.taxonomy.empty() && listed(map_.need_taxonomies)) {
      if (tax_.needs.find(k.code)) return add_code(d.services, k.code);
      return error(f + ".taxonomy_term.code", "'" + k.code + "' is not an nrm need code (taxonomy '" + k.taxonomy + "')");
    }
    if (!k.taxonomy.empty() && listed(map_.attribute_taxonomies)) {
      if (tax_.attributes.find(k.code)) return add_code(d.attributes, k.code);
      return error(f + ".taxonomy_term.code", "'" + k.code + "' is not an nrm attribute code (taxonomy '" + k.taxonomy + "')");
    }
    if (k.taxonomy == kFieldTaxonomy) return field(k.code, value, f, d);
    for (const auto& ig : map_.ignore)
      if (term_matches(ig, k)) return;
    error(f + ".taxonomy_term", "unmapped " + what + "; map it in the map's needs or attributes, or list it under ignore");
  }

  static void add_code(std::vector<std::string>& v, const std::string& c) {
    if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(c);
  }

  std::optional<bool> flag(const std::string& value, const std::string& f) {
    if (value == "true") return true;
    if (value == "false") return false;
    error(f + ".value", "'" + value + "' is not true or false");
    return std::nullopt;
  }

  // `list` is a CodeList, or CommunityCodes: anything with find(code) that tests as found.
  template <typename L>
  std::optional<std::vector<std::string>> code_list(const std::string& value, const L& list,
                                                    const std::string& f, const char* what) {
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& c : split_commas(value)) {
      if (list.find(c)) out.push_back(c);
      else error(f + ".value", "unknown " + std::string(what) + " '" + c + "'"), ok = false;
    }
    if (out.empty() && ok) error(f + ".value", "empty; expected " + std::string(what) + " codes separated by commas"), ok = false;
    return ok ? std::optional(out) : std::nullopt;
  }

  // An attribute of the `nrm` taxonomy: a field nrm has and HSDS lacks (what export writes).
  void field(const std::string& code, const std::string& value, const std::string& f, Draft& d) {
    if (code == "id") {
      if (value.empty()) error(f + ".value", "empty provider id");
      else d.id = value;
    } else if (code == "community") {
      if (!dir_.geography.find(value)) error(f + ".value", "unknown community '" + value + "'");
      else d.community = value;
    } else if (code == "serves") {
      if (value == "national") d.serves = {"national"};
      else if (auto v = code_list(value, tax_.provinces, f, "province")) d.serves = *v;
    } else if (code == "genders") {
      d.genders = code_list(value, tax_.genders, f, "gender");
    } else if (code == "peoples") {
      d.peoples = code_list(value, tax_.identities, f, "identity");
    } else if (code == "accepts_trafficking_victims") {
      d.atv = flag(value, f);
    } else if (code == "accepts_without_status") {
      if (auto b = flag(value, f)) d.accepts_without_status = *b;
      explicit_status_ = true;
    } else if (code == "law_enforcement") {
      if (auto b = flag(value, f)) d.law_enforcement = *b;
      explicit_police_ = true;
    } else if (code == "wait_days") {
      double v = 0;
      if (nrm::detail::parse_double(value, v) && v == std::floor(v) && v >= 0 && v <= 3650) d.wait_days = static_cast<long>(v);
      else error(f + ".value", "'" + value + "' is not a whole number of days from 0 to 3650");
      explicit_wait_ = true;
    } else if (code == "partners") {
      d.partners = split_commas(value);
    } else if (code == "catchment") {
      if (auto v = code_list(value, CommunityCodes{dir_.geography}, f, "community")) d.catchment = *v;
    } else {
      error(f + ".taxonomy_term.code", "'" + code + "' is not a field of the nrm taxonomy");
    }
  }

  // The geography's ids looked up like a code list (for code_list above).
  struct CommunityCodes {
    const Geography& g;
    bool find(const std::string& id) const { return g.find(id).has_value(); }
  };

  void locations(const json& s, Draft& d) {
    bool physical = false, remote = false;
    std::string placed;  // the community the locations place the service in
    bool placed_physical = false;
    std::string addr, postal_addr;
    for_each(s, "service_at_locations", [&](const json& sal, const std::string& f) {
      if (!sal.contains("location") || !sal["location"].is_object()) {
        error(f + ".location", "missing; nrm needs the location nested in its service_at_location");
        return;
      }
      const json& loc = sal["location"];
      const std::string lid = text(loc, "id");
      const std::string at = lid.empty() ? f + ".location" : "location " + lid;
      if (lid.empty()) error(at + ".id", "missing required field");
      const std::string type = text(loc, "location_type");
      if (type.empty()) return error(at + ".location_type", "missing required field");
      if (type != "physical" && type != "postal" && type != "virtual")
        return error(at + ".location_type", "'" + type + "' is not a location type; expected physical, postal or virtual");
      if (type == "physical") physical = true;
      if (type == "virtual") remote = true;
      for_each(loc, "attributes", [&](const json& a, const std::string&) {
        if (is_confidential(term_of(a))) {
          const std::string v = a.contains("value") && a["value"].is_string() ? a["value"].get<std::string>() : "";
          if (v != "false") d.confidential = true;
        }
      }, at);
      // Place the service: the nrm community attribute wins; else the first physical location,
      // else the first location, that can be placed. Every location is checked.
      const std::string community = place(loc, at);
      if (!community.empty() && (placed.empty() || (type == "physical" && !placed_physical))) {
        if (placed.empty() || type == "physical") placed = community;
        placed_physical = placed_physical || type == "physical";
      }
      // The address: the first physical location's, else the first postal one's (an office).
      std::string& into = type == "physical" ? addr : postal_addr;
      if (type != "virtual" && into.empty()) {
        for_each(loc, "addresses", [&](const json& a, const std::string& af) {
          const std::string a1 = text(a, "address_1");
          if (a1.empty()) return error(af + ".address_1", "missing required field");
          if (!into.empty()) return;
          into = a1;
          const std::string a2 = text(a, "address_2");
          if (!a2.empty()) into += ", " + a2;
        }, at);
      }
    });
    if (physical && remote) d.delivery = "both";
    else if (remote) d.delivery = "remote";
    else if (physical) d.delivery = "in_person";
    else if (!d.sid.empty())
      error(obj_ + ".service_at_locations", "no physical or virtual location; nrm cannot tell how the service is given");
    if (d.community.empty()) d.community = placed;
    if (d.community.empty() && !d.sid.empty() && (physical || remote))
      error(obj_ + ".service_at_locations", "no location gives coordinates or a city and province to place it in a community");
    if (!addr.empty()) d.address = addr;
    else if (!postal_addr.empty()) d.address = postal_addr;
  }

  // The community a location is in: the nearest by latitude and longitude (within max_km), else
  // the one its address's city and state_province name. "" when neither is given, or on error.
  std::string place(const json& loc, const std::string& at) {
    auto lat = real(loc, "latitude", at), lon = real(loc, "longitude", at);
    if (lat && lon) {
      if (*lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
        error(at + ".latitude", "not a latitude and longitude");
        return {};
      }
      const Community* best = nullptr;
      double best_km = 0;
      for (const Community& c : dir_.geography.communities) {
        const double km = great_circle_km(*lat, *lon, c.latitude, c.longitude);
        if (!best || km < best_km) best = &c, best_km = km;
      }
      if (!best) return {};
      if (best_km > map_.max_km) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%.4f, %.4f is %.0f km from the nearest community (%s); the map allows %.0f km",
                      *lat, *lon, best_km, best->id.c_str(), map_.max_km);
        error(at + ".latitude", buf);
        return {};
      }
      return best->id;
    }
    if (lat || lon) error(at + (lat ? ".longitude" : ".latitude"), "missing; latitude and longitude go together");
    std::string found;
    for_each(loc, "addresses", [&](const json& a, const std::string& af) {
      if (!found.empty()) return;
      const std::string city = text(a, "city"), prov = text(a, "state_province");
      if (city.empty() || prov.empty()) return;
      std::string code = prov;
      if (!tax_.provinces.find(code)) {
        auto it = province_names().find(detail::slug(prov));
        if (it == province_names().end()) {
          error(af + ".state_province", "'" + prov + "' is not a Canadian province or territory");
          return;
        }
        code = it->second;
      }
      const std::string id = detail::slug(city) + "-" + lower(code);
      if (dir_.geography.find(id)) found = id;
      else error(af + ".city", "no community '" + id + "' (from '" + city + "', " + code + ") in data/communities.csv");
    }, at);
    return found;
  }

  const Map& map_;
  const Directory& dir_;
  const Taxonomy& tax_;
  std::string origin_;
  Diagnostics diags_;
  std::vector<Draft> drafts_;
  std::map<std::string, std::string> ids_;  // provider id -> the HSDS object it came from
  std::string obj_;                          // "service <id>": what diagnostics name
  std::string where_file_;
  int where_line_ = 0;
  int skipped_ = 0;
  bool explicit_status_ = false, explicit_police_ = false, explicit_wait_ = false;

 public:
  // Defaults apply where the service's nrm attributes did not say (reset per service).
  void reset_explicit() { explicit_status_ = explicit_police_ = explicit_wait_ = false; }
  void apply_defaults() {
    if (drafts_.empty()) return;
    Draft& d = drafts_.back();
    if (!explicit_status_) d.accepts_without_status = map_.accepts_without_status;
    if (!explicit_police_) d.law_enforcement = map_.law_enforcement;
    if (!explicit_wait_) d.wait_days = map_.wait_days;
  }
  std::size_t drafted() const { return drafts_.size(); }
};

}  // namespace

ImportResult import_services(const json& input, const Map& map, const Directory& dir, const std::string& origin) {
  Importer im(map, dir, origin);
  if (!input.is_array()) throw LoadError("invalid HSDS input", {Diagnostic{origin, 0, 0, "", "expected a list of services"}});
  for (std::size_t i = 0; i < input.size(); ++i) {
    im.reset_explicit();
    const std::size_t before = im.drafted();
    im.service(input[i], i);
    if (im.drafted() > before) im.apply_defaults();
  }
  im.check_partners();
  im.diags().throw_if_any("invalid HSDS input");
  ImportResult r;
  r.yaml = im.yaml();
  r.imported = im.imported();
  r.skipped = im.skipped();
  // What is written must load: load it back against the directory's taxonomy and geography.
  Directory empty;
  empty.taxonomy = dir.taxonomy;
  empty.geography = dir.geography;
  empty.fallbacks = dir.fallbacks;
  empty.paths = dir.paths;
  empty.reindex();
  (void)with_providers(empty, r.yaml, origin + " (as imported)", {});
  return r;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  auto fail = [&](const std::string& why) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw LoadError("cannot write " + path, {Diagnostic{path, 0, 0, "", why}});
  };
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot create a file in " + dir.string());
    out << text;
    out.flush();
    if (!out) fail("write failed");
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) fail("cannot rename into place: " + ec.message());
}

}  // namespace nrm::hsds
