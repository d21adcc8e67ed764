// Planner::Batch (the audit's way to plan one prepared problem from many starts on shared search
// tables) answers exactly as Planner::plan does, on the shipped data: every community of two
// provinces, for cases of several kinds, pathways compared provider by provider and cost by cost,
// and the unmet needs of cases with no pathway.
#include <map>
#include <memory>

#include "shipped_engine.hpp"

using namespace nrm;

TEST_CASE("a batch plans every start as Planner::plan does", "[planner][batch][shipped]") {
  const auto& e = test::shipped();
  const auto& planner = e.planner();
  const Directory& d = e.directory();
  const Date as_of = test::test_date();
  const char* const cases[] = {
      "location: toronto-on\ngender: female\nage: 16\nneeds: [shelter.emergency, counselling.trauma]\ntop: 1\n",
      "location: toronto-on\ngender: male\nage: 38\nstatus: temporary_resident\nexploitation: labour\n"
      "languages: [hun]\nneeds: [shelter.emergency, medical.emergency]\ntop: 2\n",
      "location: toronto-on\ngender: female\nidentity: [inuit]\nneeds: [cultural.support, shelter.transitional]\n"
      "max_travel_hours: 3\ntop: 1\n",
  };
  int compared = 0, unmet = 0, batched = 0;
  for (const char* text : cases) {
    for (const char* province : {"NU", "PE"}) {
      Case c = e.parse_case(text, "case");
      std::map<int, std::unique_ptr<planner::Batch>> batches;  // one per location class
      for (CommunityIndex at = 0; at < d.geography.size(); ++at) {
        if (d.taxonomy.provinces.code(d.geography[at].province) != province) continue;
        Case here = c;
        here.location = at;
        auto& batch = batches[planner.location_class(at)];
        if (!batch) batch = std::make_unique<planner::Batch>(planner, planner.prepare(here, as_of));
        INFO(text << "at " << d.geography[at].id);
        const auto want = planner.plan(here, as_of);
        const auto got = batch->plan(here, as_of);
        REQUIRE(got.complete == want.complete);
        REQUIRE(got.pathways.size() == want.pathways.size());
        for (std::size_t i = 0; i < want.pathways.size(); ++i) {
          CHECK(got.pathways[i].cost.total() == want.pathways[i].cost.total());
          REQUIRE(got.pathways[i].steps.size() == want.pathways[i].steps.size());
          for (std::size_t k = 0; k < want.pathways[i].steps.size(); ++k)
            CHECK(got.pathways[i].steps[k].provider == want.pathways[i].steps[k].provider);
        }
        REQUIRE(got.unmet.size() == want.unmet.size());
        for (std::size_t i = 0; i < want.unmet.size(); ++i) CHECK(got.unmet[i].reason == want.unmet[i].reason);
        ++compared;
        batched += batches.size() < static_cast<std::size_t>(compared) ? 1 : 0;
        unmet += want.complete ? 0 : 1;
      }
    }
  }
  CHECK(compared > 90);  // NU's and PE's communities (25 and 9), three kinds of case
  CHECK(unmet > 0);       // and some with no pathway (the travel cap in the North)
  CHECK(batched > compared / 2);  // most plans were made on a batch's tables built before them
}
