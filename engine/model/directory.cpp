// Directory: provider lookup by id.
#include "model/directory.hpp"

namespace nrm {

void Directory::reindex() {
  index_.clear();
  for (ProviderIndex i = 0; i < providers.size(); ++i) index_.emplace(providers[i].id, i);
}

}  // namespace nrm
