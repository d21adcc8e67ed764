// The store on its own: tokens are stored as hashes and checked whole, capacity updates replay
// the latest per provider, the referral log keeps no personal field, no token id and no time finer
// than the hour, statistics are published for closed months only with small cells (and their
// complements) hidden and the rest rounded, old rows are deleted, and the file is private.
#include <sqlite3.h>
#include <sys/stat.h>

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

ReferralRecord record(const std::string& province, std::vector<std::pair<std::string, bool>> needs,
                      const std::string& hour = "2026-10-14T09") {
  ReferralRecord r;
  r.hour = hour;
  r.role = "frontline";
  r.province = province;
  r.needs = std::move(needs);
  return r;
}

// n referrals of one need in one province and month.
std::vector<ReferralRecord> many(int n, const std::string& province, const std::string& need, bool met,
                                 const std::string& hour = "2026-10-14T09") {
  return std::vector<ReferralRecord>(static_cast<std::size_t>(n), record(province, {{need, met}}, hour));
}

const StatsCell* cell(const StatsPeriod& p, const std::string& province, const std::string& need,
                      const std::string& outcome = "met") {
  for (const auto& c : p.cells)
    if (c.province == province && c.need == need && c.outcome == outcome) return &c;
  return nullptr;
}

const StatsCell* total(const StatsPeriod& p, const std::string& need, const std::string& outcome = "met") {
  for (const auto& c : p.totals)
    if (c.need == need && c.outcome == outcome) return &c;
  return nullptr;
}

std::vector<std::string> rows(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
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

TEST_CASE("referral log: no personal field, no token id, the hour only", "[store]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  {
    ReferralLog log(db);
    log.add(record("ON", {{"shelter.emergency", true}}, utc_hour_now()));
    log.flush();
  }
  auto cols = column_names(db, "referrals");
  auto need_cols = column_names(db, "referral_needs");
  cols.insert(cols.end(), need_cols.begin(), need_cols.end());
  for (const char* personal : {"age", "gender", "identity", "languages", "status", "exploitation", "location",
                               "community", "avoid", "name", "token_id", "time"})
    CHECK(std::find(cols.begin(), cols.end(), personal) == cols.end());
  auto hours = rows(db, "SELECT hour FROM referrals");
  REQUIRE(hours.size() == 1);
  CHECK(hours[0].size() == 13);  // 2026-12-02T14: no minutes, no seconds
  CHECK(hours[0] == utc_hour_now());
}

TEST_CASE("statistics: closed months only, cells under 10 hidden, the rest rounded to 5", "[store][privacy]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  std::vector<ReferralRecord> oct = many(12, "ON", "shelter.emergency", true);
  for (auto& r : many(13, "QC", "shelter.emergency", true)) oct.push_back(r);
  for (auto& r : many(9, "NU", "legal.family", true)) oct.push_back(r);
  for (auto& r : many(10, "NU", "legal.labour", false)) oct.push_back(r);
  auto explain = record("ON", {{"shelter.emergency", true}});
  explain.kind = "explain";
  for (int i = 0; i < 20; ++i) oct.push_back(explain);
  s.log_referrals(oct);
  s.log_referrals(many(40, "ON", "counselling.trauma", true, "2026-11-03T10"));  // the open month

  Stats st = s.stats("", "2026-11");
  REQUIRE(st.periods.size() == 1);  // October is closed; November is not published
  const StatsPeriod& p = st.periods[0];
  CHECK(p.period == "2026-10");
  REQUIRE(cell(p, "ON", "shelter.emergency"));
  CHECK(cell(p, "ON", "shelter.emergency")->count == 10);  // 12, rounded; explanations not counted
  CHECK(cell(p, "QC", "shelter.emergency")->count == 15);  // 13
  CHECK_FALSE(cell(p, "NU", "legal.family"));               // 9: hidden
  REQUIRE(cell(p, "NU", "legal.labour", "unmet"));
  CHECK(cell(p, "NU", "legal.labour", "unmet")->count == 10);
  CHECK(p.suppressed == 1);
  CHECK_FALSE(cell(p, "ON", "counselling.trauma"));
  for (const auto& c : p.cells) CHECK(c.count % Stats::kRounding == 0);
  REQUIRE(total(p, "shelter.emergency"));
  CHECK(total(p, "shelter.emergency")->count == 25);
  CHECK_FALSE(total(p, "legal.family"));  // its total is 9: hidden too

  Stats nu = s.stats("NU", "2026-11");
  REQUIRE(nu.periods.size() == 1);
  CHECK(nu.periods[0].cells.size() == 1);
  CHECK(nu.periods[0].suppressed == 1);
}

TEST_CASE("statistics cannot be differenced: a new referral never moves a published figure", "[store][privacy]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  // The attack of issue 13: 4 referrals show nothing, the 5th makes a cell of 5 appear. Now: the
  // month is not published while it is open, whatever is added.
  s.log_referrals(many(4, "YT", "employment.training", true, "2026-11-20T10"));
  CHECK(s.stats("", "2026-11").periods.empty());
  s.log_referrals(many(1, "YT", "employment.training", true, "2026-11-21T10"));
  CHECK(s.stats("", "2026-11").periods.empty());
  // Once November has closed its figures are frozen: more rows for it (a late batch) and rows of
  // December change nothing published.
  s.log_referrals(many(20, "YT", "employment.training", true, "2026-11-22T10"));
  Stats closed = s.stats("", "2026-12");
  REQUIRE(closed.periods.size() == 1);
  REQUIRE(cell(closed.periods[0], "YT", "employment.training"));
  CHECK(cell(closed.periods[0], "YT", "employment.training")->count == 25);
  s.log_referrals(many(3, "YT", "employment.training", true, "2026-11-30T23"));
  s.log_referrals(many(7, "YT", "employment.training", true, "2026-12-01T00"));
  Stats later = s.stats("", "2026-12");
  REQUIRE(later.periods.size() == 1);
  CHECK(cell(later.periods[0], "YT", "employment.training")->count == 25);
  CHECK(later.periods[0].suppressed == closed.periods[0].suppressed);
}

TEST_CASE("statistics: complementary suppression, so a total does not reveal a hidden cell", "[store][privacy]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  // shelter.emergency met: ON 30, QC 12, NU 3. The national total (45) is published; with NU
  // alone hidden, 45 - 30 - 12 would reveal it: the smallest other cell (QC) hides too.
  auto oct = many(30, "ON", "shelter.emergency", true);
  for (auto& r : many(12, "QC", "shelter.emergency", true)) oct.push_back(r);
  for (auto& r : many(3, "NU", "shelter.emergency", true)) oct.push_back(r);
  // legal.labour unmet: NU 4 alone and the total 4: both hidden, nothing more to do.
  for (auto& r : many(4, "NU", "legal.labour", false)) oct.push_back(r);
  s.log_referrals(oct);
  Stats st = s.stats("", "2026-11");
  REQUIRE(st.periods.size() == 1);
  const StatsPeriod& p = st.periods[0];
  CHECK(cell(p, "ON", "shelter.emergency"));
  CHECK_FALSE(cell(p, "QC", "shelter.emergency"));
  CHECK_FALSE(cell(p, "NU", "shelter.emergency"));
  REQUIRE(total(p, "shelter.emergency"));
  CHECK(total(p, "shelter.emergency")->count == 45);
  CHECK_FALSE(total(p, "legal.labour", "unmet"));
  CHECK(p.suppressed == 3);
  // The province filter shows no more than the whole table does.
  Stats qc = s.stats("QC", "2026-11");
  CHECK(qc.periods[0].cells.empty());
  CHECK(qc.periods[0].suppressed == 1);
}

TEST_CASE("retention: old rows of closed months are deleted, their figures stay", "[store][privacy]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  Store s(db);
  s.log_referrals(many(15, "ON", "shelter.emergency", true, "2026-08-10T10"));
  s.log_referrals(many(12, "ON", "shelter.emergency", true, "2026-11-25T10"));
  s.log_referrals(many(11, "ON", "shelter.emergency", true, "2026-12-01T10"));
  // On 2026-12-02 with 30 days: August's rows go; November's (within 30 days) and December's stay.
  CHECK(s.purge_log(30, "2026-12-02") == 15);
  CHECK(rows(db, "SELECT id FROM referrals").size() == 23);
  CHECK(rows(db, "SELECT referral_id FROM referral_needs").size() == 23);
  Stats st = s.stats("", "2026-12");
  REQUIRE(st.periods.size() == 2);
  CHECK(st.periods[0].period == "2026-08");
  CHECK(cell(st.periods[0], "ON", "shelter.emergency")->count == 15);
  // With 1 day, November's rows go too; the open month's rows stay whatever their age.
  CHECK(s.purge_log(1, "2026-12-30") == 12);
  CHECK(rows(db, "SELECT id FROM referrals").size() == 11);
  CHECK(s.stats("", "2026-12").periods.size() == 2);
}

TEST_CASE("store: the database file is readable by its owner only", "[store][privacy]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  ::umask(022);
  { Store s(db); }
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // A file made world-readable by hand is narrowed when the store opens it.
  ::chmod(db.c_str(), 0644);
  { Store s(db); }
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("store: a schema 1 database is migrated; its log loses token ids and seconds", "[store]") {
  test::TempDir tmp;
  std::string db = tmp.path("nrm.db");
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  const char* v1 = R"sql(
    CREATE TABLE tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, role TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '',
      hash BLOB NOT NULL, created TEXT NOT NULL, revoked TEXT NOT NULL DEFAULT '');
    CREATE TABLE capacity_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL,
      available INTEGER NOT NULL, beds INTEGER, time TEXT NOT NULL, token_id INTEGER NOT NULL);
    CREATE TABLE referrals (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, kind TEXT NOT NULL,
      role TEXT NOT NULL, token_id INTEGER NOT NULL, province TEXT NOT NULL, complete INTEGER NOT NULL);
    CREATE TABLE referral_needs (referral_id INTEGER NOT NULL REFERENCES referrals(id), need TEXT NOT NULL,
      outcome TEXT NOT NULL);
    INSERT INTO referrals VALUES (1, '2026-10-14T09:26:53Z', 'referral', 'frontline', 7, 'ON', 1);
    INSERT INTO referral_needs VALUES (1, 'shelter.emergency', 'met');
    PRAGMA user_version=1;)sql";
  REQUIRE(sqlite3_exec(h, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(h);
  { Store s(db); }
  auto cols = column_names(db, "referrals");
  CHECK(std::find(cols.begin(), cols.end(), "token_id") == cols.end());
  CHECK(rows(db, "SELECT hour FROM referrals") == std::vector<std::string>{"2026-10-14T09"});
  CHECK(rows(db, "SELECT need FROM referral_needs") == std::vector<std::string>{"shelter.emergency"});
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
  auto st = s.stats("", "2026-11");
  REQUIRE(st.periods.size() == 1);
  REQUIRE(st.periods[0].cells.size() == 1);
  CHECK(st.periods[0].cells[0].count == 1000);
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
