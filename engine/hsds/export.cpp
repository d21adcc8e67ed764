// nrm export hsds: the loaded directory as HSDS 3.1 services. What HSDS has a field for goes there
// (name, ages, assured_date, phones, schedules, capacities, languages, locations and addresses);
// needs and attributes become taxonomy terms of nrm's own taxonomies, and every field nrm has and
// HSDS lacks becomes an attribute of the `nrm` taxonomy with its value (docs/data.md).
#include "hsds/hsds.hpp"

#include "hsds/detail.hpp"
#include "hsds/schedule.hpp"

namespace nrm::hsds {

using nlohmann::json;
using detail::byday_text;
using detail::hsds_clock;
using detail::stable_uuid;
using detail::weekly_groups;

namespace {

template <typename T>
std::string export_codes(const CodeList<T>& list, std::uint64_t bits) {
  std::string out;
  for (int i = 0; i < list.size(); ++i)
    if ((bits >> i) & 1) out += (out.empty() ? "" : ",") + list.code(i);
  return out;
}

class Exporter {
 public:
  explicit Exporter(const Directory& dir) : dir_(dir), tax_(dir.taxonomy) {}

  json service(const Provider& p) {
    const std::string sid = stable_uuid("service:" + p.id);
    const Community& c = dir_.geography[p.community];
    json s = json::object();
    s["id"] = sid;
    s["organization_id"] = stable_uuid("organization:" + p.id);
    s["name"] = p.name;
    s["status"] = "active";
    if (p.age_min) s["minimum_age"] = *p.age_min;
    if (p.age_max) s["maximum_age"] = *p.age_max;
    if (p.verified) s["assured_date"] = p.verified->str();
    s["organization"] = {{"id", stable_uuid("organization:" + p.id)}, {"name", p.name}, {"description", p.name}};

    json phones = json::array();
    if (!p.intake_phone.empty())
      phones.push_back({{"id", stable_uuid("phone:" + p.id)}, {"service_id", sid}, {"number", p.intake_phone}});
    s["phones"] = phones;

    // nrm's hours as written (read back first by the import), and as weekly schedules, one per
    // distinct opening time, for tools that read only the structured form.
    json schedules = json::array();
    if (!p.intake_hours.empty()) {
      const auto groups = weekly_groups(p.hours);
      if (groups.empty())
        schedules.push_back({{"id", stable_uuid("schedule:" + p.id)}, {"service_id", sid}, {"description", p.intake_hours}});
      for (std::size_t i = 0; i < groups.size(); ++i) {
        json x = {{"id", stable_uuid("schedule:" + p.id + (i ? ":" + std::to_string(i) : ""))},
                  {"service_id", sid},
                  {"freq", "WEEKLY"},
                  {"byday", byday_text(groups[i].days)},
                  {"opens_at", hsds_clock(groups[i].opens)},
                  {"closes_at", hsds_clock(groups[i].closes)}};
        if (i == 0) x["description"] = p.intake_hours;
        schedules.push_back(std::move(x));
      }
    }
    s["schedules"] = schedules;

    json capacities = json::array();
    if (p.capacity) {
      capacities.push_back({{"id", stable_uuid("capacity:" + p.id)},
                            {"service_id", sid},
                            {"unit", {{"id", stable_uuid("unit:bed")}, {"name", "bed"}}},
                            {"available", p.capacity->available},
                            {"maximum", p.capacity->beds},
                            {"description", "Beds"},
                            {"updated", (p.verified ? p.verified->str() : std::string("1970-01-01")) + "T00:00:00Z"}});
    }
    s["capacities"] = capacities;

    json languages = json::array();
    for (LangId l : p.languages) {
      const std::string& code = tax_.languages.code(l);
      languages.push_back({{"id", stable_uuid("language:" + p.id + ":" + code)},
                           {"service_id", sid},
                           {"name", tax_.languages[l].en},
                           {"code", code}});
    }
    s["languages"] = languages;

    json sals = json::array();
    if (p.offers_in_person()) sals.push_back(service_at_location(p, sid, c, "physical"));
    if (p.offers_remote()) sals.push_back(service_at_location(p, sid, c, "virtual"));
    // A phone/video service's office: a postal location holds its address (no in-person visits).
    if (!p.offers_in_person() && p.address && !p.confidential) sals.push_back(service_at_location(p, sid, c, "postal"));
    s["service_at_locations"] = sals;

    json attrs = json::array();
    for (int n = 0; n < tax_.needs.size(); ++n)
      if (p.services & need_bit(n))
        attrs.push_back(attribute(p, sid, kNeedTaxonomy, tax_.needs.code(n), tax_.needs[n].en, ""));
    for (int a = 0; a < tax_.attributes.size(); ++a)
      if (p.attributes & attr_bit(a))
        attrs.push_back(attribute(p, sid, kAttributeTaxonomy, tax_.attributes.code(a), tax_.attributes[a].en, ""));
    auto field = [&](const std::string& code, const std::string& value) {
      attrs.push_back(attribute(p, sid, kFieldTaxonomy, code, "nrm " + code, value));
    };
    field("id", p.id);
    field("community", c.id);
    field("serves", p.national ? std::string("national") : export_codes(tax_.provinces, p.serves));
    if (p.genders) field("genders", export_codes(tax_.genders, *p.genders));
    if (p.peoples) field("peoples", export_codes(tax_.identities, *p.peoples));
    if (p.accepts_trafficking_victims) field("accepts_trafficking_victims", *p.accepts_trafficking_victims ? "true" : "false");
    field("accepts_without_status", p.accepts_without_status ? "true" : "false");
    field("law_enforcement", p.law_enforcement ? "true" : "false");
    field("wait_days", std::to_string(p.wait_days));
    if (!p.partners.empty()) {
      std::string v;
      for (ProviderIndex q : p.partners) v += (v.empty() ? "" : ",") + dir_.providers[q].id;
      field("partners", v);
    }
    if (!p.catchment.empty()) {
      std::string v;
      for (CommunityIndex q : p.catchment) v += (v.empty() ? "" : ",") + dir_.geography[q].id;
      field("catchment", v);
    }
    s["attributes"] = attrs;
    s["metadata"] = json::array();
    return s;
  }

 private:
  json term(const std::string& taxonomy, const std::string& code, const std::string& name) {
    return {{"id", stable_uuid("term:" + taxonomy + ":" + code)},
            {"code", code},
            {"name", name},
            {"description", name},
            {"taxonomy", taxonomy}};
  }

  json attribute(const Provider& p, const std::string& link, const std::string& taxonomy, const std::string& code,
                 const std::string& name, const std::string& value) {
    json t = term(taxonomy, code, name);
    json a = {{"id", stable_uuid("attribute:" + p.id + ":" + link + ":" + taxonomy + ":" + code)},
              {"link_id", link},
              {"link_entity", "service"},
              {"taxonomy_term_id", t["id"]},
              {"taxonomy_term", t}};
    if (!value.empty()) a["value"] = value;
    return a;
  }

  json service_at_location(const Provider& p, const std::string& sid, const Community& c, const std::string& type) {
    const std::string lid = stable_uuid("location:" + type + ":" + p.id);
    json loc = {{"id", lid},
                {"location_type", type},
                {"name", c.name},
                {"latitude", c.latitude},
                {"longitude", c.longitude}};
    json addresses = json::array();
    if (type != "virtual" && p.address && !p.confidential)
      addresses.push_back({{"id", stable_uuid("address:" + p.id)},
                           {"location_id", lid},
                           {"address_1", *p.address},
                           {"city", c.name},
                           {"state_province", tax_.provinces.code(c.province)},
                           {"postal_code", ""},
                           {"country", "CA"},
                           {"address_type", type}});
    loc["addresses"] = addresses;
    json attrs = json::array();
    if (p.confidential) {
      json t = term(kFieldTaxonomy, "confidential", "nrm confidential");
      attrs.push_back({{"id", stable_uuid("attribute:" + p.id + ":" + lid + ":confidential")},
                       {"link_id", lid},
                       {"link_entity", "location"},
                       {"taxonomy_term_id", t["id"]},
                       {"taxonomy_term", t},
                       {"value", "true"}});
    }
    loc["attributes"] = attrs;
    const std::string salid = stable_uuid("service_at_location:" + type + ":" + p.id);
    return {{"id", salid}, {"service_id", sid}, {"location_id", lid}, {"location", loc}};
  }

  const Directory& dir_;
  const Taxonomy& tax_;
};

}  // namespace

json export_services(const Directory& dir) {
  json out = json::array();
  Exporter e(dir);
  for (const Provider& p : dir.providers) out.push_back(e.service(p));
  return out;
}

}  // namespace nrm::hsds
