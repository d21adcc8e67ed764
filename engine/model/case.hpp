// A case: what a frontline worker says about a person's situation and needs. Nothing in it
// identifies the person. Parsed and validated by directory/case_reader.
#pragma once

#include <optional>
#include <vector>

#include "model/date.hpp"
#include "model/geography.hpp"
#include "model/hours.hpp"
#include "model/provider.hpp"
#include "model/taxonomy.hpp"

namespace nrm {

struct Case {
  CommunityIndex location = 0;
  std::optional<int> age;
  int gender = 0;               // index into Taxonomy::genders
  CodeSet identity = 0;         // bits of Taxonomy::identities
  std::vector<LangId> languages;  // preferred first; never empty after parsing
  int status = 0;               // index into Taxonomy::statuses
  int exploitation = 0;         // index into Taxonomy::exploitation
  std::vector<NeedId> needs;    // as asked, in order, without repeats
  AttrSet require = 0;
  AttrSet prefer = 0;
  std::vector<CommunityIndex> avoid;  // sorted, unique
  bool police_consent = false;
  std::optional<double> max_travel_hours;
  std::vector<ProviderIndex> exclude;  // sorted, unique: providers that refused or must not be used
  int top = 3;
  std::optional<Date> as_of;  // the query's date; absent = today
  // The wall-clock time where the person is (case.location's zone): intake hours are checked
  // against it. Absent: hours are not considered (the audit); the CLI and the API set it to now.
  std::optional<LocalTime> when;

  NeedSet need_set() const {
    NeedSet s = 0;
    for (NeedId n : needs) s |= need_bit(n);
    return s;
  }
};

}  // namespace nrm
