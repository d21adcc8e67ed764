// The loaded, validated, immutable directory: taxonomy, geography and providers. Built only by
// directory/loader; shared read-only by every query (and swapped whole on reload).
#pragma once

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
  std::string fallbacks;
};

// A national number every answer ends with, whatever it found (data/fallbacks.yaml): real
// services, not part of the directory the planner routes over. Every text in English and French.
struct Fallback {
  std::string id;
  std::string name_en, name_fr;            // in the worker's answer
  std::string slip_name_en, slip_name_fr;  // on the person's slip: says nothing of what it is for
  std::string phone;
  std::string web;  // optional
  std::string hours_en, hours_fr;          // when the line answers
  std::string when_en, when_fr;            // when to call
  int line = 0;
};

class Directory {
 public:
  Taxonomy taxonomy;
  Geography geography;
  std::vector<Provider> providers;  // in file order
  std::vector<Fallback> fallbacks;  // in file order, never empty once loaded
  DataPaths paths;

  std::optional<ProviderIndex> find(std::string_view id) const;
  // Rebuilds the lookup by id (after providers change).
  void reindex();
  // The lookup itself: provider indices in order of id. The compiled snapshot stores it and gives
  // it back through adopt_index, which checks it is that order (false, and nothing kept, if not).
  const std::vector<ProviderIndex>& by_id() const { return by_id_; }
  bool adopt_index(std::vector<ProviderIndex> by_id);

 private:
  std::vector<ProviderIndex> by_id_;  // indices, not names: a copied Directory stays valid
};

}  // namespace nrm
