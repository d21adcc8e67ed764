// The loaded, validated, immutable directory: taxonomy, geography and providers. Built only by
// directory/loader; shared read-only by every query (and swapped whole on reload).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/geography.hpp"
#include "model/provider.hpp"
#include "model/taxonomy.hpp"

namespace nrm {

struct DataPaths {
  std::string taxonomy;
  std::string communities;
  std::string routes;
  std::string providers;
};

class Directory {
 public:
  Taxonomy taxonomy;
  Geography geography;
  std::vector<Provider> providers;  // in file order
  DataPaths paths;

  std::optional<ProviderIndex> find(std::string_view id) const {
    auto it = index_.find(id);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  void reindex();

 private:
  std::map<std::string, ProviderIndex, std::less<>> index_;
};

}  // namespace nrm
