// Tests of the audit on the SHIPPED data, rules and profiles (data/, rules/, data/profiles.yaml):
// the profiles load, and cells on a sample of communities (and one whole small province) are
// exactly what Engine::refer answers. The full national audit is measured by bench_audit.
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
