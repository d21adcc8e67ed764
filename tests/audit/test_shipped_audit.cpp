// Tests of the audit on the SHIPPED data, rules and profiles (data/, rules/, data/profiles.yaml):
// the profiles load, and cells on a sample of communities (and one whole small province) are
// exactly what Engine::refer answers. The full national audit is measured by bench_audit.
#include <map>

#include "audit/audit.hpp"
#include "audit_util.hpp"

using namespace nrm;

namespace {

const api::Engine& shipped() {
  static auto e = api::Engine::load(api::EnginePaths::shipped(test::source_root()));
  return *e;
}

const std::vector<audit::Profile>& shipped_profiles() {
  static auto p = audit::load_profiles(test::source_root() + "/data/profiles.yaml", shipped());
  return p;
}

}  // namespace

TEST_CASE("shipped profiles: the six scenarios, one per immediate need, the man without status", "[audit][shipped]") {
  const auto& p = shipped_profiles();
  std::vector<std::string> ids;
  for (const auto& x : p) ids.push_back(x.id);
  for (const char* id : {"minor-in-child-welfare", "inuit-girl-leaving-community", "minor-lured-online",
                         "migrant-construction-worker", "youth-leaving-care", "suburban-high-school-girl",
                         "need-shelter-emergency", "need-medical-emergency", "need-safety-planning",
                         "need-child-protection", "man-labour-no-status"})
    CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  // One profile per single immediate need.
  const auto& d = shipped().directory();
  NeedSet single = 0;
  for (const auto& x : p)
    if (x.base.needs.size() == 1) single |= need_bit(x.base.needs[0]);
  CHECK((d.taxonomy.immediate_needs() & ~single) == 0);
}

TEST_CASE("shipped data: sampled cells are exactly what refer answers", "[audit][shipped]") {
  const auto& e = shipped();
  const auto& d = e.directory();
  const Date as_of = test::audit_date();
  std::vector<CommunityIndex> sample;
  for (const char* id : {"toronto-on", "iqaluit-nu", "thunder-bay-on", "halifax-ns", "val-dor-qc"})
    if (auto c = d.geography.find(id)) sample.push_back(*c);
  for (CommunityIndex c = 7; c < d.geography.size(); c += 233) sample.push_back(c);
  for (CommunityIndex c : sample)
    for (const auto& p : shipped_profiles())
      test::check_cell_is_refer(e, p, audit::compute_cell(e, p, c, as_of), as_of);
}

TEST_CASE("shipped data: a whole small territory through run()", "[audit][shipped]") {
  const auto& e = shipped();
  audit::Options o = test::audit_options();
  o.province = e.directory().taxonomy.provinces.find("YT");
  auto a = audit::run(e, shipped_profiles(), o);
  REQUIRE(!a.communities.empty());
  for (const auto& cell : a.cells)
    test::check_cell_is_refer(e, a.profiles[static_cast<std::size_t>(cell.profile)], cell, a.as_of);
  REQUIRE(a.provinces.size() == 1);
  CHECK(a.provinces[0].population > 0);
}

TEST_CASE("shipped data: suggestions for a man in labour trafficking go where the people are", "[audit][shipped][national]") {
  const auto& e = shipped();
  const auto& d = e.directory();
  const auto& profiles = shipped_profiles();
  auto p = std::find_if(profiles.begin(), profiles.end(), [](const auto& x) { return x.id == "man-labour-no-status"; });
  REQUIRE(p != profiles.end());
  // Nunavut: one provider anywhere in the territory reaches every community within 24 h by air,
  // so the 24 h gain ties everywhere; Iqaluit, with the most people within 2 h, is proposed.
  audit::Options o = test::audit_options();
  o.province = d.taxonomy.provinces.find("NU");
  auto nu = audit::suggest(e, *p, 1, o);
  REQUIRE(nu.size() == 1);
  CHECK(d.geography[nu[0].community].id == "iqaluit-nu");
  CHECK(nu[0].gain.within[0] >= *d.geography[nu[0].community].population);
  test::check_gains_are_reruns(e, *p, nu, o);
  // Nationally, the proposals are not the first community id of each province.
  audit::Options all = test::audit_options();
  auto s = audit::suggest(e, *p, 3, all);
  REQUIRE(s.size() == 3);
  std::map<int, std::string> first_id;
  for (CommunityIndex c = 0; c < d.geography.size(); ++c) first_id.emplace(d.geography[c].province, d.geography[c].id);
  for (const auto& x : s) {
    INFO(d.geography[x.community].id);
    CHECK(d.geography[x.community].id != first_id.at(x.province));
    CHECK(x.gain.within[0] > 0);
  }
}
