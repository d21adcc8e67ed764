// A service provider as the engine sees it (one entry of data/providers.yaml, validated and with
// every code interned).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/date.hpp"
#include "model/geography.hpp"
#include "model/hours.hpp"
#include "model/taxonomy.hpp"

namespace nrm {

using ProviderIndex = std::uint32_t;

enum class Delivery { kInPerson, kRemote, kBoth };
const char* delivery_name(Delivery d);

struct Capacity {
  int beds = 0;
  int available = 0;  // 0 = full
};

struct Provider {
  std::string id;
  std::string name;
  CommunityIndex community = 0;
  NeedSet services = 0;
  Delivery delivery = Delivery::kInPerson;
  bool national = false;   // serves: [national]
  CodeSet serves = 0;      // provinces it takes clients from (ignored when national)
  AttrSet attributes = 0;
  std::vector<LangId> languages;
  std::optional<CodeSet> genders;  // absent = everyone
  std::optional<int> age_min;
  std::optional<int> age_max;
  // Absent = unknown (an HSDS import cannot tell): the rules read it as unknown, never as true.
  std::optional<bool> accepts_trafficking_victims;
  bool accepts_without_status = false;
  bool law_enforcement = false;
  std::optional<Capacity> capacity;
  int wait_days = 0;
  std::vector<ProviderIndex> partners;  // sorted
  std::string intake_phone;
  std::string intake_hours;  // as written
  IntakeHours hours;          // parsed from intake_hours
  // The communities a statutory service is responsible for (child protection, police): sorted,
  // empty when the entry gives none. rules/ says which needs require it (docs/rules.md).
  std::vector<CommunityIndex> catchment;
  std::optional<CodeSet> peoples;  // identities the service is specifically for; absent = everyone
  std::optional<std::string> address;  // never present when confidential
  bool confidential = false;
  std::optional<Date> verified;
  int line = 0;  // where the entry starts in its file

  bool offers_remote() const { return delivery != Delivery::kInPerson; }
  bool offers_in_person() const { return delivery != Delivery::kRemote; }
};

}  // namespace nrm
