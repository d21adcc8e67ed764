// The SQLite side of the store: schema, statements, token hashing (libsodium BLAKE2b, compared
// with sodium_memcmp) and the small-cell suppression of the statistics.
#include "store/store.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <charconv>
#include <chrono>
#include <ctime>

namespace nrm::store {

namespace {

constexpr int kSchemaVersion = 1;
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
  time     TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('referral', 'explain')),
  role     TEXT NOT NULL,
  token_id INTEGER NOT NULL,
  province TEXT NOT NULL,
  complete INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS referral_needs (
  referral_id INTEGER NOT NULL REFERENCES referrals(id),
  need        TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('met', 'unmet'))
);
)sql";

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
    exec("PRAGMA foreign_keys=ON");
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
      exec(kSchema);
      exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
      tx.commit();
    }
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
  Stmt ref(db_, "INSERT INTO referrals(time, kind, role, token_id, province, complete) VALUES (?, ?, ?, ?, ?, ?)");
  Stmt need(db_, "INSERT INTO referral_needs(referral_id, need, outcome) VALUES (?, ?, ?)");
  for (const auto& r : records) {
    ref.reset();
    ref.bind(1, r.time).bind(2, r.kind).bind(3, r.role).bind(4, r.token_id).bind(5, r.province);
    ref.bind(6, r.complete ? 1 : 0);
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

Stats Store::stats(const std::string& province, int min_cell) {
  Stmt s(db_,
         "SELECT r.province, n.need, n.outcome, COUNT(*) FROM referral_needs n "
         "JOIN referrals r ON r.id = n.referral_id WHERE r.kind = 'referral' AND (?1 = '' OR r.province = ?1) "
         "GROUP BY r.province, n.need, n.outcome ORDER BY r.province, n.need, n.outcome");
  s.bind(1, province);
  Stats st;
  st.min_cell = min_cell;
  while (s.step()) {
    StatsCell c{s.text(0), s.text(1), s.text(2), s.integer(3)};
    if (c.count < min_cell) ++st.suppressed;
    else st.cells.push_back(std::move(c));
  }
  return st;
}

}  // namespace nrm::store
