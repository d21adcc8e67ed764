// The codes everyone shares (data/taxonomy.yaml): needs, attributes, identities, statuses, genders,
// kinds of exploitation, provinces and languages. Codes are interned to small integers so the
// planner works on bit sets; the strings only appear at the edges.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "i18n/lang.hpp"

namespace nrm {

inline constexpr int kMaxNeeds = 64;
inline constexpr int kMaxAttributes = 32;
inline constexpr int kMaxSmallCodes = 32;  // identities, genders, statuses, provinces...
using NeedId = int;
using NeedSet = std::uint64_t;
using AttrSet = std::uint32_t;
using CodeSet = std::uint32_t;  // a set of small codes (identities, genders, provinces)
using LangId = int;

constexpr NeedSet need_bit(NeedId n) { return NeedSet{1} << n; }
constexpr AttrSet attr_bit(int a) { return AttrSet{1} << a; }
constexpr CodeSet code_bit(int c) { return CodeSet{1} << c; }


struct Code {
  std::string code;
  std::string en;
  std::string fr;
  std::string description;
  int line = 0;
};

// A code's label in the thread's current language (i18n::current()).
inline const std::string& label(const Code& c) { return by_lang(i18n::current(), c.en, c.fr); }

struct NeedCode : Code {
  bool immediate = false;  // comes before every non-immediate step in a pathway
  bool in_person = false;  // cannot be met by phone or video
  bool shelter = false;    // needs a free bed (capacity.available > 0)
  // What a phone/video step meeting this need makes possible, so that it is shown before the
  // in-person steps relying on it (docs/ranking.md, "Step order"): the travel to them
  // (transport assistance) or being understood there (interpretation).
  enum class Enables { kNothing, kTravel, kInterpretation } enables = Enables::kNothing;
  std::string bring_en, bring_fr;  // what to bring, in plain words, for the person's slip (both or neither)
};

struct LanguageCode : Code {
  bool macro = false;
  LangId macrolanguage = -1;  // the macrolanguage this one belongs to, or -1
};

// An ordered list of codes with lookup by code. Order is the file's order, which is the order
// codes are printed in.
template <typename T>
class CodeList {
 public:
  std::optional<int> find(std::string_view code) const {
    auto it = index_.find(code);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  const T& operator[](int i) const { return items_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(items_.size()); }
  const std::vector<T>& items() const { return items_; }
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const auto& i : items_) out.push_back(i.code);
    return out;
  }
  const std::string& code(int i) const { return items_[static_cast<std::size_t>(i)].code; }
  // Returns false if the code is already present.
  bool add(T item) {
    if (index_.count(item.code)) return false;
    index_.emplace(item.code, static_cast<int>(items_.size()));
    items_.push_back(std::move(item));
    return true;
  }

 private:
  std::vector<T> items_;
  std::map<std::string, int, std::less<>> index_;
};

class Taxonomy {
 public:
  CodeList<NeedCode> needs;
  CodeList<Code> attributes;
  CodeList<Code> identities;
  CodeList<Code> statuses;
  CodeList<Code> genders;
  CodeList<Code> exploitation;
  CodeList<Code> provinces;
  CodeList<LanguageCode> languages;
  // Field names a case must never carry because they identify the person (name, date_of_birth,
  // ...): the case reader refuses them by name. Lower case, '_' between words.
  std::vector<std::string> identifying_fields;

  NeedSet immediate_needs() const { return immediate_; }
  NeedSet in_person_needs() const { return in_person_; }
  NeedSet shelter_needs() const { return shelter_; }

  // A language matches itself, its macrolanguage and, for a macrolanguage, its members.
  bool languages_match(LangId a, LangId b) const {
    if (a == b) return true;
    return languages[a].macrolanguage == b || languages[b].macrolanguage == a;
  }

  // The need codes of a set, in taxonomy order.
  std::vector<std::string> need_codes(NeedSet s) const;
  std::vector<std::string> attribute_codes(AttrSet s) const;

  // Called by the loader once every list is filled.
  void finish();

 private:
  NeedSet immediate_ = 0;
  NeedSet in_person_ = 0;
  NeedSet shelter_ = 0;
};

}  // namespace nrm
