// Stable ids and slugs for the HSDS import and export (detail.hpp).
#include "hsds/detail.hpp"

#include <cstdint>
#include <cstdio>

namespace nrm::hsds::detail {

namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  // A final mix, so that names differing in their last byte differ everywhere.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

std::string stable_uuid(std::string_view name) {
  std::uint64_t hi = fnv1a(name, 0x6e726d2d68736473ULL), lo = fnv1a(name, 0x9e3779b97f4a7c15ULL);
  hi = (hi & ~0xF000ULL) | 0x8000ULL;                          // version 8
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10xx
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

bool uuid_shaped(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string slug(std::string_view name) {
  // The accented letters of French and other Canadian place names, as UTF-8, and their ASCII.
  static const struct {
    const char* utf8;
    char ascii;
  } kFold[] = {{"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"á", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'},
               {"ê", 'e'}, {"ë", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"í", 'i'}, {"ô", 'o'}, {"ö", 'o'},
               {"ó", 'o'}, {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ú", 'u'}, {"ÿ", 'y'}, {"À", 'a'},
               {"Â", 'a'}, {"Ç", 'c'}, {"É", 'e'}, {"È", 'e'}, {"Ê", 'e'}, {"Î", 'i'}, {"Ô", 'o'},
               {"Û", 'u'}, {"Ü", 'u'}};
  std::string out;
  bool gap = false;
  for (std::size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    char a = 0;
    std::size_t len = 1;
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') a = static_cast<char>(c - 'A' + 'a');
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) a = static_cast<char>(c);
      else if (c == '\'') a = '\'';  // dropped, joining what it separates
    } else {
      for (const auto& f : kFold) {
        const std::string_view u = f.utf8;
        if (name.substr(i, u.size()) == u) {
          a = f.ascii;
          len = u.size();
          break;
        }
      }
      if (!a) {  // another letter or mark: skip the whole UTF-8 sequence
        len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (name.substr(i, 3) == "\xE2\x80\x99") a = '\'';  // right single quotation mark
      }
    }
    i += len;
    if (a == '\'') continue;
    if (!a) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += '-';
    gap = false;
    out += a;
  }
  return out;
}

}  // namespace nrm::hsds::detail
