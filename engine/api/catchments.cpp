// Engine::catchment_problems: whether the directory's catchments for territorial services tile
// each province (`nrm validate`; docs/directory.md, "Catchments").
//
// The policy says which needs are territorial (Policy::catchment_needs: those a withhold rule on
// provider.catchment withholds). For each, the providers offering it fall into kinds by whom they
// serve: those for everyone, and one kind per `peoples` set (a First Nations agency, an Inuit
// one). Within a kind no community may be in two catchments: two agencies responsible for one
// place is a question the engine would answer by id. The kind for everyone must also hold every
// community of each province where it has any: a gap is a place whose child the engine could not
// refer. Agencies for specific peoples serve only part of a province, and need not tile it.
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "api/engine.hpp"

namespace nrm::api {

namespace {

constexpr std::size_t kNamed = 3;  // communities named in a message; the rest counted

std::string some(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < kNamed; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > kNamed) out += fmt::format(" and {} more", ids.size() - kNamed);
  return out;
}

struct Kind {
  std::vector<std::int64_t> holder;  // per community: the provider whose catchment holds it, or -1
  // Overlaps per pair of providers (first holder, second), in the order found.
  std::map<std::pair<ProviderIndex, ProviderIndex>, std::vector<std::string>> overlaps;
};

}  // namespace

std::vector<Diagnostic> Engine::catchment_problems() const {
  const Directory& d = *directory_;
  const Taxonomy& t = d.taxonomy;
  const std::string& file = d.paths.providers;
  const NeedSet territorial = policy_->catchment_needs();
  auto field = [](ProviderIndex p) { return fmt::format("providers[{}].catchment", p); };
  std::vector<Diagnostic> out;
  for (NeedId n = 0; n < t.needs.size(); ++n) {
    if (!(territorial & need_bit(n))) continue;
    const std::string& need = t.needs.code(n);
    std::map<CodeSet, Kind> kinds;  // by peoples; 0 = for everyone
    for (ProviderIndex p = 0; p < d.providers.size(); ++p) {
      const Provider& prov = d.providers[p];
      if (!(prov.services & need_bit(n))) continue;
      if (prov.catchment.empty()) {
        out.push_back({file, prov.line, 0, field(p),
                       fmt::format("{} offers {} but has no catchment: the rule on provider.catchment withholds it "
                                   "for every case; list the communities it is responsible for",
                                   prov.id, need)});
        continue;
      }
      Kind& k = kinds[prov.peoples.value_or(0)];
      if (k.holder.empty()) k.holder.assign(d.geography.size(), -1);
      for (CommunityIndex c : prov.catchment) {
        if (k.holder[c] < 0) k.holder[c] = p;
        else k.overlaps[{static_cast<ProviderIndex>(k.holder[c]), p}].push_back(d.geography[c].id);
      }
    }
    for (const auto& [peoples, k] : kinds) {
      for (const auto& [pair, where] : k.overlaps) {
        const Provider& second = d.providers[pair.second];
        out.push_back({file, second.line, 0, field(pair.second),
                       fmt::format("{}'s catchment for {} overlaps {}'s in {} communit{} ({}): one agency must be "
                                   "responsible for each place",
                                   second.id, need, d.providers[pair.first].id, where.size(),
                                   where.size() == 1 ? "y" : "ies", some(where))});
      }
      if (peoples != 0) continue;
      std::vector<char> covered_province(static_cast<std::size_t>(t.provinces.size()), 0);
      for (CommunityIndex c = 0; c < d.geography.size(); ++c)
        if (k.holder[c] >= 0) covered_province[static_cast<std::size_t>(d.geography[c].province)] = 1;
      for (int prov = 0; prov < t.provinces.size(); ++prov) {
        if (!covered_province[static_cast<std::size_t>(prov)]) continue;
        std::vector<std::string> gaps;
        for (CommunityIndex c = 0; c < d.geography.size(); ++c)
          if (d.geography[c].province == prov && k.holder[c] < 0) gaps.push_back(d.geography[c].id);
        if (!gaps.empty())
          out.push_back({file, 0, 0, "catchment",
                         fmt::format("{}: {} communit{} of {} in no catchment ({}): a case there gets no provider "
                                     "of it",
                                     need, gaps.size(), gaps.size() == 1 ? "y" : "ies", t.provinces.code(prov),
                                     some(gaps))});
      }
    }
  }
  return out;
}

}  // namespace nrm::api
