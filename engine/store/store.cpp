// The SQLite side of the store: schema (and its migration), statements, token hashing (libsodium
// BLAKE2b, compared with sodium_memcmp), the frozen monthly counts and their disclosure control.
#include "store/store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>

namespace nrm::store {

namespace {

// 1: first release. 2: the referral log keeps the hour and no token id; frozen monthly counts.
constexpr int kSchemaVersion = 2;
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kHashBytes = crypto_generichash_BYTES;  // 32
constexpr const char* kTokenPrefix = "nrm_";

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tokens (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  role     TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  hash     BLOB NOT NULL,
  created  TEXT NOT NULL,
  revoked  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS capacity_updates (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  provider  TEXT NOT NULL,
  available INTEGER NOT NULL,
  beds      INTEGER,
  time      TEXT NOT NULL,
  token_id  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS capacity_by_provider ON capacity_updates(provider, seq);
CREATE TABLE IF NOT EXISTS referrals (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  hour     TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('referral', 'explain')),
  role     TEXT NOT NULL,
  province TEXT NOT NULL,
  complete INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS referrals_by_hour ON referrals(hour);
CREATE TABLE IF NOT EXISTS referral_needs (
  referral_id INTEGER NOT NULL REFERENCES referrals(id),
  need        TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('met', 'unmet'))
);
CREATE INDEX IF NOT EXISTS referral_needs_by_referral ON referral_needs(referral_id);
CREATE TABLE IF NOT EXISTS closed_periods (
  period TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS period_counts (
  period   TEXT NOT NULL,
  province TEXT NOT NULL,
  need     TEXT NOT NULL,
  outcome  TEXT NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (period, province, need, outcome)
);
)sql";

// From schema 1: the log loses its token ids and keeps the hour only (secure_delete overwrites
// what was there).
const char* kMigrate1to2 = R"sql(
CREATE TABLE referrals_v2 (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  hour     TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('referral', 'explain')),
  role     TEXT NOT NULL,
  province TEXT NOT NULL,
  complete INTEGER NOT NULL
);
INSERT INTO referrals_v2(id, hour, kind, role, province, complete)
  SELECT id, substr(time, 1, 13), kind, role, province, complete FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_v2 RENAME TO referrals;
)sql";

// The database file is created readable by its owner only (it holds token hashes and the log);
// SQLite gives its -wal and -shm files the same mode. An existing file is narrowed to 0600.
// Never open() and close() a file SQLite may already have open in this process: closing any
// descriptor of a file drops every POSIX lock the process holds on it (SQLite's locks included).
void create_private(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) ::chmod(path.c_str(), st.st_mode & 0700);
    return;
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);  // no one has it open
  if (fd >= 0) ::close(fd);  // otherwise sqlite3_open reports the problem
}

void init_sodium() {
  static const int rc = sodium_init();
  if (rc < 0) throw StoreError("libsodium could not be initialised");
}

using Hash = std::array<unsigned char, kHashBytes>;

Hash hash_secret(std::string_view secret) {
  Hash h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return h;
}

// A prepared statement, finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw StoreError(std::string("store: ") + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Stmt& bind(int i, const std::string& v) {
    return check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  Stmt& bind_blob(int i, const void* p, std::size_t n) {
    return check(sqlite3_bind_blob(s_, i, p, static_cast<int>(n), SQLITE_TRANSIENT));
  }
  Stmt& bind_null(int i) { return check(sqlite3_bind_null(s_, i)); }
  // true: a row is ready; false: done.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
  }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string text(int c) const {
    const unsigned char* t = sqlite3_column_text(s_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }
  std::string_view blob(int c) const {
    const void* b = sqlite3_column_blob(s_, c);
    return b ? std::string_view(static_cast<const char*>(b), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string_view();
  }

 private:
  Stmt& check(int rc) {
    if (rc != SQLITE_OK) throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if the scope is left by an exception.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { run("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    run("COMMIT");
    done_ = true;
  }

 private:
  void run(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("store: " + msg);
    }
  }
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace

std::string utc_hour_now() { return utc_now().substr(0, 13); }

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Store::Store(const std::string& path, Durability durability) : path_(path) {
  init_sodium();
  create_private(path);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": cannot open the database: " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    {
      Stmt mode(db_, "PRAGMA journal_mode=WAL");
      if (!mode.step() || mode.text(0) != "wal") throw StoreError(path + ": cannot switch the database to WAL mode");
    }
    exec(durability == Durability::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA secure_delete=ON");  // deleted log rows are overwritten, not left in free pages
    std::int64_t v = 0;
    {
      Stmt version(db_, "PRAGMA user_version");
      version.step();
      v = version.integer(0);
    }
    if (v > kSchemaVersion)
      throw StoreError(path + ": database schema " + std::to_string(v) + " is newer than this nrm (" +
                       std::to_string(kSchemaVersion) + ")");
    if (v < kSchemaVersion) {
      Transaction tx(db_);
      std::int64_t now = 0;
      {
        Stmt again(db_, "PRAGMA user_version");  // another process may have migrated meanwhile
        again.step();
        now = again.integer(0);
      }
      if (now == 1) exec(kMigrate1to2);
      if (now < kSchemaVersion) {
        exec(kSchema);
        exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
      }
      tx.commit();
    }
    exec("PRAGMA foreign_keys=ON");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  sqlite3_finalize(auth_);
  sqlite3_close(db_);
}

void Store::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError(path_ + ": " + msg);
  }
}

NewToken Store::create_token(const std::string& role, const std::string& provider) {
  unsigned char raw[kSecretBytes];
  randombytes_buf(raw, sizeof raw);
  char hex[kSecretBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  Transaction tx(db_);
  // The id is part of the secret, so insert first, then set the hash of the full secret.
  Stmt ins(db_, "INSERT INTO tokens(role, provider, hash, created) VALUES (?, ?, x'', ?)");
  ins.bind(1, role).bind(2, provider).bind(3, utc_now());
  ins.step();
  NewToken t;
  t.id = sqlite3_last_insert_rowid(db_);
  t.secret = kTokenPrefix + std::to_string(t.id) + "_" + hex;
  Hash h = hash_secret(t.secret);
  Stmt upd(db_, "UPDATE tokens SET hash = ? WHERE id = ?");
  upd.bind_blob(1, h.data(), h.size()).bind(2, t.id);
  upd.step();
  tx.commit();
  sodium_memzero(raw, sizeof raw);
  sodium_memzero(hex, sizeof hex);
  return t;
}

bool Store::revoke_token(std::int64_t id) {
  Stmt s(db_, "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked = ''");
  s.bind(1, utc_now()).bind(2, id);
  s.step();
  if (sqlite3_changes(db_) > 0) return true;
  Stmt e(db_, "SELECT 1 FROM tokens WHERE id = ?");
  e.bind(1, id);
  return e.step();  // already revoked counts as revoked
}

std::vector<TokenInfo> Store::tokens() {
  Stmt s(db_, "SELECT id, role, provider, created, revoked FROM tokens ORDER BY id");
  std::vector<TokenInfo> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

std::optional<TokenInfo> Store::authenticate(std::string_view secret) {
  // nrm_<id>_<hex>: the id selects the row; the whole secret's hash must match.
  if (secret.size() > 128 || secret.substr(0, 4) != kTokenPrefix) return std::nullopt;
  std::string_view rest = secret.substr(4);
  std::size_t us = rest.find('_');
  if (us == std::string_view::npos || us == 0) return std::nullopt;
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + us, id);
  if (ec != std::errc() || p != rest.data() + us) return std::nullopt;
  Hash presented = hash_secret(secret);
  if (!auth_ && sqlite3_prepare_v2(db_, "SELECT id, role, provider, created, revoked, hash FROM tokens WHERE id = ?",
                                   -1, &auth_, nullptr) != SQLITE_OK)
    throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{auth_};
  sqlite3_bind_int64(auth_, 1, id);
  int rc = sqlite3_step(auth_);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
  auto text = [&](int c) {
    const unsigned char* t = sqlite3_column_text(auth_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(auth_, c)))
             : std::string();
  };
  const void* stored = sqlite3_column_blob(auth_, 5);
  if (!stored || static_cast<std::size_t>(sqlite3_column_bytes(auth_, 5)) != presented.size()) return std::nullopt;
  if (sodium_memcmp(stored, presented.data(), presented.size()) != 0) return std::nullopt;
  TokenInfo t{sqlite3_column_int64(auth_, 0), text(1), text(2), text(3), text(4)};
  if (!t.revoked.empty()) return std::nullopt;
  return t;
}

std::int64_t Store::record_capacity(const std::string& provider, int available, std::optional<int> beds,
                                    std::int64_t token_id) {
  Stmt s(db_, "INSERT INTO capacity_updates(provider, available, beds, time, token_id) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, provider).bind(2, available);
  if (beds) s.bind(3, *beds);
  else s.bind_null(3);
  s.bind(4, utc_now()).bind(5, token_id);
  s.step();  // autocommit: durable (synchronous=FULL) when this returns
  return sqlite3_last_insert_rowid(db_);
}

std::vector<CapacityUpdate> Store::latest_capacities() {
  Stmt s(db_,
         "SELECT seq, provider, available, beds, time, token_id FROM capacity_updates "
         "WHERE seq IN (SELECT MAX(seq) FROM capacity_updates GROUP BY provider) ORDER BY seq");
  std::vector<CapacityUpdate> out;
  while (s.step()) {
    CapacityUpdate u;
    u.seq = s.integer(0);
    u.provider = s.text(1);
    u.available = static_cast<int>(s.integer(2));
    if (!s.is_null(3)) u.beds = static_cast<int>(s.integer(3));
    u.time = s.text(4);
    u.token_id = s.integer(5);
    out.push_back(std::move(u));
  }
  return out;
}

void Store::log_referrals(const std::vector<ReferralRecord>& records) {
  if (records.empty()) return;
  Transaction tx(db_);
  Stmt ref(db_, "INSERT INTO referrals(hour, kind, role, province, complete) VALUES (?, ?, ?, ?, ?)");
  Stmt need(db_, "INSERT INTO referral_needs(referral_id, need, outcome) VALUES (?, ?, ?)");
  for (const auto& r : records) {
    ref.reset();
    ref.bind(1, r.hour.substr(0, 13)).bind(2, r.kind).bind(3, r.role).bind(4, r.province);
    ref.bind(5, r.complete ? 1 : 0);
    ref.step();
    std::int64_t id = sqlite3_last_insert_rowid(db_);
    for (const auto& [code, met] : r.needs) {
      need.reset();
      need.bind(1, id).bind(2, code).bind(3, std::string(met ? "met" : "unmet"));
      need.step();
    }
  }
  tx.commit();
}

void Store::close_periods(const std::string& current_month) {
  Transaction tx(db_);
  Stmt open(db_,
            "SELECT DISTINCT substr(hour, 1, 7) FROM referrals WHERE substr(hour, 1, 7) < ?1 "
            "AND substr(hour, 1, 7) NOT IN (SELECT period FROM closed_periods) ORDER BY 1");
  open.bind(1, current_month);
  std::vector<std::string> periods;
  while (open.step()) periods.push_back(open.text(0));
  for (const auto& p : periods) {
    Stmt freeze(db_,
                "INSERT INTO period_counts(period, province, need, outcome, count) "
                "SELECT ?1, r.province, n.need, n.outcome, COUNT(*) FROM referral_needs n "
                "JOIN referrals r ON r.id = n.referral_id "
                "WHERE r.kind = 'referral' AND substr(r.hour, 1, 7) = ?1 "
                "GROUP BY r.province, n.need, n.outcome");
    freeze.bind(1, p);
    freeze.step();
    Stmt mark(db_, "INSERT INTO closed_periods(period) VALUES (?)");
    mark.bind(1, p);
    mark.step();
  }
  tx.commit();
}

std::int64_t Store::purge_log(int retention_days, const std::string& today) {
  close_periods(today.substr(0, 7));
  // The cutoff hour: `retention_days` before today at 00.
  std::tm tm{};
  tm.tm_year = std::stoi(today.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(today.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(today.substr(8, 2)) - retention_days;
  tm.tm_hour = 12;
  std::time_t t = timegm(&tm);
  std::tm cut{};
  gmtime_r(&t, &cut);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT00", &cut);
  Transaction tx(db_);
  const char* old = "SELECT id FROM referrals WHERE hour < ?1 AND substr(hour, 1, 7) IN (SELECT period FROM closed_periods)";
  Stmt needs(db_, (std::string("DELETE FROM referral_needs WHERE referral_id IN (") + old + ")").c_str());
  needs.bind(1, std::string(buf));
  needs.step();
  Stmt refs(db_, (std::string("DELETE FROM referrals WHERE id IN (") + old + ")").c_str());
  refs.bind(1, std::string(buf));
  refs.step();
  std::int64_t n = sqlite3_changes(db_);
  tx.commit();
  return n;
}

namespace {

std::int64_t rounded(std::int64_t n) {
  return (n + Stats::kRounding / 2) / Stats::kRounding * Stats::kRounding;
}

// Disclosure control of one month (see StatsPeriod): primary suppression under kMinCell,
// complementary suppression per need x outcome row, rounding; then the province filter (after,
// so a filtered answer never shows what the whole one hides).
StatsPeriod publish(const std::string& period, std::vector<StatsCell> cells, const std::string& province) {
  StatsPeriod out;
  out.period = period;
  std::vector<bool> hidden(cells.size());
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> rows;  // (need, outcome) -> cells
  for (std::size_t i = 0; i < cells.size(); ++i) {
    hidden[i] = cells[i].count < Stats::kMinCell;
    rows[{cells[i].need, cells[i].outcome}].push_back(i);
  }
  for (auto& [key, members] : rows) {
    std::int64_t total = 0;
    std::size_t nhidden = 0;
    for (std::size_t i : members) {
      total += cells[i].count;
      nhidden += hidden[i] ? 1 : 0;
    }
    bool total_shown = total >= Stats::kMinCell;
    if (total_shown && nhidden == 1) {
      // The smallest shown cell of the row hides with it; if there is none, the total hides.
      std::optional<std::size_t> partner;
      for (std::size_t i : members)
        if (!hidden[i] && (!partner || cells[i].count < cells[*partner].count)) partner = i;
      if (partner) hidden[*partner] = true;
      else total_shown = false;
    }
    if (total_shown) out.totals.push_back({"", key.first, key.second, rounded(total)});
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!province.empty() && cells[i].province != province) continue;
    if (hidden[i]) ++out.suppressed;
    else out.cells.push_back({cells[i].province, cells[i].need, cells[i].outcome, rounded(cells[i].count)});
  }
  return out;
}

}  // namespace

Stats Store::stats(const std::string& province, const std::string& current_month) {
  close_periods(current_month);
  Stmt s(db_,
         "SELECT period, province, need, outcome, count FROM period_counts WHERE period < ?1 "
         "ORDER BY period, province, need, outcome");
  s.bind(1, current_month);
  Stats st;
  std::string period;
  std::vector<StatsCell> cells;
  auto flush = [&] {
    if (!period.empty()) st.periods.push_back(publish(period, std::move(cells), province));
    cells.clear();
  };
  while (s.step()) {
    if (s.text(0) != period) {
      flush();
      period = s.text(0);
    }
    cells.push_back({s.text(1), s.text(2), s.text(3), s.integer(4)});
  }
  flush();
  return st;
}

}  // namespace nrm::store
