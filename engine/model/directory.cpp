// Directory: provider lookup by id.
#include "model/directory.hpp"

#include <algorithm>

namespace nrm {

std::optional<ProviderIndex> Directory::find(std::string_view id) const {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), id,
                             [this](ProviderIndex p, std::string_view key) { return providers[p].id < key; });
  if (it == by_id_.end() || providers[*it].id != id) return std::nullopt;
  return *it;
}

void Directory::reindex() {
  by_id_.resize(providers.size());
  for (ProviderIndex i = 0; i < providers.size(); ++i) by_id_[i] = i;
  std::sort(by_id_.begin(), by_id_.end(),
            [this](ProviderIndex a, ProviderIndex b) { return providers[a].id < providers[b].id; });
}

bool Directory::adopt_index(std::vector<ProviderIndex> by_id) {
  if (by_id.size() != providers.size()) return false;
  for (std::size_t i = 0; i < by_id.size(); ++i) {
    // strictly increasing ids, every index in range: a permutation, in id order
    if (by_id[i] >= providers.size()) return false;
    if (i > 0 && !(providers[by_id[i - 1]].id < providers[by_id[i]].id)) return false;
  }
  by_id_ = std::move(by_id);
  return true;
}

}  // namespace nrm
