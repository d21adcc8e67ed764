// Taxonomy: derived need masks and code-set formatting.
#include "model/taxonomy.hpp"

namespace nrm {

void Taxonomy::finish() {
  immediate_ = in_person_ = shelter_ = 0;
  for (int i = 0; i < needs.size(); ++i) {
    if (needs[i].immediate) immediate_ |= need_bit(i);
    if (needs[i].in_person) in_person_ |= need_bit(i);
    if (needs[i].shelter) shelter_ |= need_bit(i);
  }
}

std::vector<std::string> Taxonomy::need_codes(NeedSet s) const {
  std::vector<std::string> out;
  for (int i = 0; i < needs.size(); ++i)
    if (s & need_bit(i)) out.push_back(needs.code(i));
  return out;
}

std::vector<std::string> Taxonomy::attribute_codes(AttrSet s) const {
  std::vector<std::string> out;
  for (int i = 0; i < attributes.size(); ++i)
    if (s & attr_bit(i)) out.push_back(attributes.code(i));
  return out;
}

}  // namespace nrm
