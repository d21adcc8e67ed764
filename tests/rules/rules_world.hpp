// A tiny hand-built directory for the rules engine tests: a few codes of each kind, four
// communities in three provinces, and a provider builder. Independent of data/ and of the
// directory loader, so these tests only change when the engine does.
#pragma once

#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/directory.hpp"

namespace nrm::test {

namespace rules_world_detail {
template <typename T>
void add_codes(CodeList<T>& list, const std::vector<std::string>& codes) {
  for (const auto& c : codes) {
    T item;
    item.code = c;
    list.add(item);
  }
}
}  // namespace rules_world_detail

// Needs (in order): shelter.emergency (shelter), counselling.trauma, child.protection,
// legal.immigration, legal.labour, interpretation, police.liaison, case.management,
// shelter.transitional (shelter).
inline Directory rules_world() {
  using rules_world_detail::add_codes;
  Directory d;
  Taxonomy& t = d.taxonomy;
  for (const char* code : {"shelter.emergency", "counselling.trauma", "child.protection",
                           "legal.immigration", "legal.labour", "interpretation", "police.liaison",
                           "case.management", "shelter.transitional"}) {
    NeedCode n;
    n.code = code;
    n.shelter = n.code.rfind("shelter.", 0) == 0;
    n.in_person = n.shelter;
    n.immediate = n.code == "shelter.emergency" || n.code == "child.protection";
    t.needs.add(n);
  }
  add_codes(t.attributes, {"trauma_informed", "indigenous_led", "inuit_specific", "youth_serving",
                           "lgbtq2s_affirming"});
  add_codes(t.identities, {"first_nations", "inuit", "metis", "lgbtq2s"});
  add_codes(t.statuses, {"citizen", "no_status", "temporary_resident", "unknown"});
  add_codes(t.genders, {"female", "male", "nonbinary", "unknown"});
  add_codes(t.exploitation, {"both", "labour", "sex", "unknown"});
  add_codes(t.provinces, {"MB", "NU", "ON"});
  for (auto [code, macro] : std::vector<std::pair<std::string, int>>{
           {"eng", -1}, {"fra", -1}, {"iku", -1}, {"ike", 2}, {"cre", -1}, {"crk", 4}}) {
    LanguageCode l;
    l.code = code;
    l.macrolanguage = macro;
    l.macro = code == "iku" || code == "cre";
    t.languages.add(l);
  }
  t.finish();
  auto community = [&](std::string id, int province) {
    Community c;
    c.id = std::move(id);
    c.name = c.id;
    c.province = province;
    d.geography.communities.push_back(c);
  };
  // Sorted by id, as the loader keeps them.
  community("alpha-on", 2);   // 0
  community("beta-on", 2);    // 1
  community("delta-mb", 0);   // 2
  community("nordic-nu", 1);  // 3
  d.geography.reindex();
  return d;
}

// Adds a provider with sensible defaults (in person, serves ON, accepts trafficking victims,
// verified on 2026-01-01) and returns its index; `edit` adjusts it.
template <typename Edit>
ProviderIndex add_provider(Directory& d, const std::string& id, Edit edit) {
  Provider p;
  p.id = id;
  p.name = id;
  p.community = *d.geography.find("alpha-on");
  p.services = need_bit(*d.taxonomy.needs.find("counselling.trauma"));
  p.delivery = Delivery::kInPerson;
  p.serves = code_bit(*d.taxonomy.provinces.find("ON"));
  p.languages = {*d.taxonomy.languages.find("eng")};
  p.accepts_trafficking_victims = true;
  p.verified = Date::parse("2026-01-01");
  edit(p, d.taxonomy);
  d.providers.push_back(p);
  d.reindex();
  return static_cast<ProviderIndex>(d.providers.size() - 1);
}
inline ProviderIndex add_provider(Directory& d, const std::string& id) {
  return add_provider(d, id, [](Provider&, const Taxonomy&) {});
}

// A case at alpha-on, English, citizen, gender unknown, asking for counselling.trauma.
inline Case base_case(const Directory& d) {
  Case c;
  c.location = *d.geography.find("alpha-on");
  c.gender = *d.taxonomy.genders.find("unknown");
  c.languages = {*d.taxonomy.languages.find("eng")};
  c.status = *d.taxonomy.statuses.find("citizen");
  c.exploitation = *d.taxonomy.exploitation.find("unknown");
  c.needs = {*d.taxonomy.needs.find("counselling.trauma")};
  return c;
}

inline Date day(const char* text) {
  return *Date::parse(text);
}

}  // namespace nrm::test
