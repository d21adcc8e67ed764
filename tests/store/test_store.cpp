// The store on its own: tokens are stored as hashes and checked whole, capacity updates replay
// the latest per provider, the referral log keeps no personal field and statistics hide small cells.
#include <sqlite3.h>

#include <thread>

#include "store/referral_log.hpp"
#include "store/store.hpp"
#include "test_util.hpp"

using namespace nrm;
using namespace nrm::store;

namespace {

std::vector<std::string> column_names(const std::string& db, const std::string& table) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, ("PRAGMA table_info(" + table + ")").c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

ReferralRecord record(const std::string& province, std::vector<std::pair<std::string, bool>> needs) {
  ReferralRecord r;
  r.time = utc_now();
  r.role = "frontline";
  r.token_id = 1;
  r.province = province;
  r.needs = std::move(needs);
  return r;
}

}  // namespace

TEST_CASE("tokens: created once, stored as a hash, checked whole, revocable", "[store]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  NewToken a = s.create_token("frontline", "");
  NewToken b = s.create_token("provider_admin", "on-toronto-001");
  CHECK(a.id != b.id);
  CHECK(a.secret.rfind("nrm_" + std::to_string(a.id) + "_", 0) == 0);
  CHECK(a.secret.size() == 4 + std::to_string(a.id).size() + 1 + 64);

  auto ta = s.authenticate(a.secret);
  REQUIRE(ta);
  CHECK(ta->role == "frontline");
  CHECK(ta->provider.empty());
  auto tb = s.authenticate(b.secret);
  REQUIRE(tb);
  CHECK(tb->role == "provider_admin");
  CHECK(tb->provider == "on-toronto-001");

  SECTION("a changed character, a borrowed id, garbage: refused") {
    std::string wrong = a.secret;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    CHECK_FALSE(s.authenticate(wrong));
    std::string other_id = "nrm_" + std::to_string(b.id) + a.secret.substr(a.secret.find('_', 4));
    CHECK_FALSE(s.authenticate(other_id));
    for (const char* bad : {"", "nrm_", "nrm__", "nrm_x_abc", "nrm_99999999999999999999999_ab", "Bearer", "nrm_1"})
      CHECK_FALSE(s.authenticate(bad));
  }

  SECTION("the secret is not in the database") {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(tmp.path("nrm.db").c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "SELECT count(*) FROM tokens WHERE instr(CAST(hash AS TEXT), ?) > 0 OR length(hash) != 32",
                               -1, &st, nullptr) == SQLITE_OK);
    std::string hex = a.secret.substr(a.secret.rfind('_') + 1);
    sqlite3_bind_text(st, 1, hex.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
  }

  SECTION("revoked: refused, listed as revoked; unknown ids are reported") {
    CHECK(s.revoke_token(a.id));
    CHECK_FALSE(s.authenticate(a.secret));
    CHECK(s.authenticate(b.secret));
    CHECK_FALSE(s.revoke_token(12345));
    auto list = s.tokens();
    REQUIRE(list.size() == 2);
    CHECK_FALSE(list[0].revoked.empty());
    CHECK(list[1].revoked.empty());
  }

  SECTION("another connection (another process) sees new tokens at once") {
    Store other(tmp.path("nrm.db"));
    NewToken c = other.create_token("coordinator", "");
    CHECK(s.authenticate(c.secret));
  }
}

TEST_CASE("capacity: every update kept, the latest per provider replayed in order", "[store]") {
  test::TempDir tmp;
  {
    Store s(tmp.path("nrm.db"));
    CHECK(s.record_capacity("p-1", 3, 10, 1) == 1);
    s.record_capacity("p-2", 0, std::nullopt, 1);
    s.record_capacity("p-1", 5, 10, 2);
  }
  Store s(tmp.path("nrm.db"));  // reopened: all there
  auto latest = s.latest_capacities();
  REQUIRE(latest.size() == 2);
  CHECK(latest[0].provider == "p-2");
  CHECK(latest[0].available == 0);
  CHECK_FALSE(latest[0].beds);
  CHECK(latest[1].provider == "p-1");
  CHECK(latest[1].available == 5);
  CHECK(latest[1].beds == 10);
  CHECK(latest[1].token_id == 2);
}

TEST_CASE("referral log: no personal field; statistics suppress cells under 5", "[store]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  {
    ReferralLog log(db);
    for (int i = 0; i < 6; ++i) log.add(record("ON", {{"shelter.emergency", true}, {"legal.labour", i < 4}}));
    for (int i = 0; i < 2; ++i) log.add(record("NU", {{"shelter.emergency", false}}));
    auto explain = record("ON", {{"shelter.emergency", true}});
    explain.kind = "explain";
    for (int i = 0; i < 10; ++i) log.add(explain);
    log.flush();
  }
  auto cols = column_names(db, "referrals");
  auto need_cols = column_names(db, "referral_needs");
  cols.insert(cols.end(), need_cols.begin(), need_cols.end());
  for (const char* personal : {"age", "gender", "identity", "languages", "status", "exploitation", "location",
                               "community", "avoid", "name"})
    CHECK(std::find(cols.begin(), cols.end(), personal) == cols.end());

  Store s(db);
  Stats all = s.stats();
  // ON shelter met 6, ON labour met 4 (hidden), ON labour unmet 2 (hidden), NU shelter unmet 2 (hidden).
  REQUIRE(all.cells.size() == 1);
  CHECK(all.cells[0].province == "ON");
  CHECK(all.cells[0].need == "shelter.emergency");
  CHECK(all.cells[0].outcome == "met");
  CHECK(all.cells[0].count == 6);  // explanations are not counted
  CHECK(all.suppressed == 3);
  Stats nu = s.stats("NU");
  CHECK(nu.cells.empty());
  CHECK(nu.suppressed == 1);
}

TEST_CASE("referral log: many writers, nothing lost", "[store]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  {
    ReferralLog log(db);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 250; ++i) log.add(record("QC", {{"counselling.trauma", true}}));
      });
    for (auto& t : threads) t.join();
  }  // the destructor writes what is queued
  Store s(db);
  auto st = s.stats();
  REQUIRE(st.cells.size() == 1);
  CHECK(st.cells[0].count == 1000);
}

TEST_CASE("store: a database from a newer nrm is refused", "[store]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  { Store s(db); }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_exec(h, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  CHECK_THROWS_AS(Store(db), StoreError);
  CHECK_THROWS_AS(Store(tmp.path("no/such/dir/nrm.db")), StoreError);
}
