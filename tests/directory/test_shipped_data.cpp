// The shipped data (data/): it loads, it is national, it says it is synthetic, and it has the
// communities the product promises. These tests are about the shipped files, not the loader.
#include <algorithm>
#include <fstream>
#include <set>

#include "directory/loader.hpp"
#include "test_util.hpp"

using namespace nrm;

namespace {
const Directory& shipped() {
  static Directory d = load_directory(shipped_data_paths(test::source_root()));
  return d;
}
}  // namespace

TEST_CASE("shipped data loads and is national", "[shipped]") {
  const Directory& d = shipped();
  CHECK(d.geography.size() >= 600);
  CHECK(d.providers.size() >= 800);
  std::set<int> provinces_with_communities, provinces_with_providers;
  for (const auto& c : d.geography.communities) provinces_with_communities.insert(c.province);
  for (const auto& p : d.providers) provinces_with_providers.insert(d.geography[p.community].province);
  CHECK(provinces_with_communities.size() == 13);
  CHECK(provinces_with_providers.size() == 13);
}

TEST_CASE("shipped communities include every promised id, fly-in ones without road access", "[shipped]") {
  const Directory& d = shipped();
  for (const char* id :
       {"toronto-on", "ottawa-on", "hamilton-on", "brampton-on", "mississauga-on", "london-on", "windsor-on",
        "leamington-on", "kingston-on", "niagara-falls-on", "greater-sudbury-on", "thunder-bay-on", "kenora-on",
        "sioux-lookout-on", "moosonee-on", "attawapiskat-on", "sandy-lake-on", "timmins-on", "sault-ste-marie-on",
        "montreal-qc", "quebec-qc", "gatineau-qc", "sherbrooke-qc", "trois-rivieres-qc", "kuujjuaq-qc",
        "puvirnituq-qc", "inukjuak-qc", "salluit-qc", "val-dor-qc", "sept-iles-qc", "winnipeg-mb", "brandon-mb",
        "thompson-mb", "churchill-mb", "norway-house-mb", "regina-sk", "saskatoon-sk", "prince-albert-sk",
        "la-ronge-sk", "calgary-ab", "edmonton-ab", "red-deer-ab", "lethbridge-ab", "fort-mcmurray-ab", "brooks-ab",
        "vancouver-bc", "surrey-bc", "victoria-bc", "kelowna-bc", "prince-george-bc", "prince-rupert-bc",
        "nanaimo-bc", "halifax-ns", "sydney-ns", "fredericton-nb", "saint-john-nb", "moncton-nb",
        "charlottetown-pe", "st-johns-nl", "corner-brook-nl", "happy-valley-goose-bay-nl", "nain-nl",
        "whitehorse-yt", "old-crow-yt", "yellowknife-nt", "inuvik-nt", "hay-river-nt", "iqaluit-nu",
        "rankin-inlet-nu", "cambridge-bay-nu", "baker-lake-nu", "arviat-nu", "pond-inlet-nu", "grise-fiord-nu"}) {
    INFO(id);
    CHECK(d.geography.find(id));
  }
  for (const char* fly_in : {"iqaluit-nu", "grise-fiord-nu", "kuujjuaq-qc", "attawapiskat-on", "old-crow-yt", "nain-nl"}) {
    INFO(fly_in);
    CHECK_FALSE(d.geography[*d.geography.find(fly_in)].road_access);
  }
  CHECK(d.geography[*d.geography.find("toronto-on")].road_access);
}

TEST_CASE("the shipped directory says it is synthetic, at its top", "[shipped]") {
  std::ifstream in(test::source_root() + "/data/providers.yaml");
  std::string first;
  std::getline(in, first);
  CHECK_THAT(first, Catch::Contains("SYNTHETIC"));
  for (const auto& p : shipped().providers) {
    INFO(p.id);
    CHECK_THAT(p.name, Catch::Contains("(fictitious)"));
    if (p.confidential) CHECK_FALSE(p.address);
    CHECK_THAT(p.intake_phone, Catch::Contains("-555-01"));
  }
}

TEST_CASE("the shipped taxonomy lists the fields that identify a person", "[shipped][privacy]") {
  const auto& fields = shipped().taxonomy.identifying_fields;
  for (const char* f : {"name", "surname", "first_name", "last_name", "date_of_birth", "dob", "birthdate", "phone",
                        "email", "address", "sin", "health_card", "passport"}) {
    INFO(f);
    CHECK(std::find(fields.begin(), fields.end(), f) != fields.end());
  }
}

TEST_CASE("the shipped fallbacks: the national hotline and 911; every need says what to bring", "[shipped]") {
  const Directory& d = shipped();
  REQUIRE(d.fallbacks.size() == 2);
  CHECK(d.fallbacks[0].name_en == "Canadian Human Trafficking Hotline");
  CHECK(d.fallbacks[0].phone == "1-833-900-1010");
  CHECK(d.fallbacks[0].web == "canadianhumantraffickinghotline.ca");
  CHECK(d.fallbacks[1].phone == "911");
  for (const Fallback& f : d.fallbacks) {
    INFO(f.id);
    for (const std::string* slip : {&f.slip_name_en, &f.slip_name_fr}) CHECK(slip->find("raffick") == std::string::npos);
  }
  const auto& immigration = d.taxonomy.needs[*d.taxonomy.needs.find("legal.immigration")];
  CHECK_THAT(immigration.bring_en, Catch::Contains("even expired"));
  int with_bring = 0;
  for (const auto& n : d.taxonomy.needs.items()) with_bring += !n.bring_en.empty();
  CHECK(with_bring >= 20);
}
