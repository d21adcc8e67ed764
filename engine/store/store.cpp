// The SQLite side of the store: schema (and its migrations), token hashing (libsodium BLAKE2b,
// compared with sodium_memcmp), capacity, the referral log, the frozen monthly counts of the log
// and of the tracked cases, and their one disclosure control. The cases themselves: cases.cpp.
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
#include <tuple>

#include "store/detail.hpp"

namespace nrm::store {

using detail::Stmt;
using detail::Transaction;

namespace {

// 1: first release. 2: the referral log keeps the hour and no token id; frozen monthly counts.
// 3: tracked cases (cases, case_steps, case_history) and their frozen monthly counts.
constexpr int kSchemaVersion = 3;
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
CREATE TABLE IF NOT EXISTS cases (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  reference    TEXT NOT NULL UNIQUE,
  opened_by    INTEGER NOT NULL,
  role         TEXT NOT NULL,
  case_json    TEXT NOT NULL,
  consent      TEXT NOT NULL,
  province     TEXT NOT NULL,
  exploitation TEXT NOT NULL,
  needs        TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  outcome      TEXT NOT NULL DEFAULT '',
  opened       TEXT NOT NULL,
  closed       TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS cases_by_closed ON cases(status, closed);
CREATE TABLE IF NOT EXISTS case_steps (
  case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  provider  TEXT NOT NULL,
  covers    TEXT NOT NULL,
  mode      TEXT NOT NULL CHECK (mode IN ('in_person', 'remote')),
  status    TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'declined', 'withdrawn')),
  reason    TEXT NOT NULL DEFAULT '',
  duty      INTEGER NOT NULL DEFAULT 0,
  bed       INTEGER NOT NULL DEFAULT 0,
  requested TEXT NOT NULL,
  updated   TEXT NOT NULL,
  PRIMARY KEY (case_id, provider)
);
CREATE INDEX IF NOT EXISTS case_steps_by_provider ON case_steps(provider, status);
CREATE TABLE IF NOT EXISTS case_history (
  case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  day      TEXT NOT NULL,
  event    TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  code     TEXT NOT NULL DEFAULT '',
  needs    TEXT NOT NULL DEFAULT '',
  days     INTEGER,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX IF NOT EXISTS case_history_by_day ON case_history(day);
CREATE TABLE IF NOT EXISTS case_counts (
  period    TEXT NOT NULL,
  breakdown TEXT NOT NULL,
  province  TEXT NOT NULL,
  value     TEXT NOT NULL,
  event     TEXT NOT NULL,
  code      TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (period, breakdown, province, value, event, code)
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

Store::Store(const std::string& path, Durability durability, OpenMode mode)
    : path_(path), read_only_(mode == OpenMode::kReadOnly) {
  init_sodium();
  if (!read_only_) create_private(path);
  const int flags = read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": cannot open the database: " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  cache_ = std::make_unique<detail::StatementCache>(db_);
  try {
    std::int64_t v = 0;
    auto version = [&] {
      Stmt q(db_, "PRAGMA user_version");
      q.step();
      return q.integer(0);
    };
    if (read_only_) {
      v = version();
      if (v != kSchemaVersion)
        throw StoreError(path + ": database schema " + std::to_string(v) + (v > kSchemaVersion ? " is newer" : " is older") +
                         " than this nrm (" + std::to_string(kSchemaVersion) + ")" +
                         (v < kSchemaVersion ? "; start nrm serve on it once to upgrade it" : ""));
      return;
    }
    {
      Stmt wal(db_, "PRAGMA journal_mode=WAL");
      if (!wal.step() || wal.text(0) != "wal") throw StoreError(path + ": cannot switch the database to WAL mode");
    }
    exec(durability == Durability::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA secure_delete=ON");  // deleted rows (log, cases) are overwritten, not left in free pages
    v = version();
    if (v > kSchemaVersion)
      throw StoreError(path + ": database schema " + std::to_string(v) + " is newer than this nrm (" +
                       std::to_string(kSchemaVersion) + ")");
    if (v < kSchemaVersion) {
      Transaction tx(db_);
      const std::int64_t now = version();  // another process may have migrated meanwhile
      if (now == 1) exec(kMigrate1to2);
      if (now < kSchemaVersion) {
        exec(kSchema);  // schema 2 -> 3: the case tables are new
        exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
      }
      tx.commit();
    }
    exec("PRAGMA foreign_keys=ON");
  } catch (...) {
    cache_.reset();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  cache_.reset();  // its statements are finalised before the connection closes
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

namespace {

// One month's referral counts, province x need x outcome (referrals only, not explanations).
constexpr const char* kReferralCounts =
    "SELECT r.province, n.need, n.outcome, COUNT(*) FROM referral_needs n "
    "JOIN referrals r ON r.id = n.referral_id "
    "WHERE r.kind = 'referral' AND substr(r.hour, 1, 7) = ?1 "
    "GROUP BY r.province, n.need, n.outcome";

}  // namespace

// Months before `current_month` with log rows or case events that are not frozen yet.
std::vector<std::string> Store::months_to_close(const std::string& current_month) {
  Stmt open(db_,
            "SELECT m FROM (SELECT DISTINCT substr(hour, 1, 7) AS m FROM referrals "
            "UNION SELECT DISTINCT substr(day, 1, 7) FROM case_history) "
            "WHERE m < ?1 AND m NOT IN (SELECT period FROM closed_periods) ORDER BY 1");
  open.bind(1, current_month);
  std::vector<std::string> periods;
  while (open.step()) periods.push_back(open.text(0));
  return periods;
}

void Store::close_periods(const std::string& current_month) {
  Transaction tx(db_);
  for (const auto& p : months_to_close(current_month)) {
    Stmt freeze(db_, (std::string("INSERT INTO period_counts(period, province, need, outcome, count) SELECT ?1, * FROM (") +
                      kReferralCounts + ")")
                         .c_str());
    freeze.bind(1, p);
    freeze.step();
    Stmt cases(db_,
               "INSERT INTO case_counts(period, breakdown, province, value, event, code, count) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& c : detail::count_case_events(db_, p)) {
      cases.reset();
      cases.bind(1, p).bind(2, c.breakdown).bind(3, c.province).bind(4, c.value).bind(5, c.event).bind(6, c.code);
      cases.bind(7, c.count);
      cases.step();
    }
    Stmt mark(db_, "INSERT INTO closed_periods(period) VALUES (?)");
    mark.bind(1, p);
    mark.step();
  }
  tx.commit();
}

std::string detail::days_before(const std::string& today, int days) {
  std::tm tm{};
  tm.tm_year = std::stoi(today.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(today.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(today.substr(8, 2)) - days;
  tm.tm_hour = 12;
  std::time_t t = timegm(&tm);
  std::tm cut{};
  gmtime_r(&t, &cut);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &cut);
  return buf;
}

std::int64_t Store::purge_log(int retention_days, const std::string& today) {
  close_periods(today.substr(0, 7));
  const std::string cutoff = detail::days_before(today, retention_days) + "T00";  // that day at 00
  Transaction tx(db_);
  const char* old = "SELECT id FROM referrals WHERE hour < ?1 AND substr(hour, 1, 7) IN (SELECT period FROM closed_periods)";
  Stmt needs(db_, (std::string("DELETE FROM referral_needs WHERE referral_id IN (") + old + ")").c_str());
  needs.bind(1, cutoff);
  needs.step();
  Stmt refs(db_, (std::string("DELETE FROM referrals WHERE id IN (") + old + ")").c_str());
  refs.bind(1, cutoff);
  refs.step();
  std::int64_t n = sqlite3_changes(db_);
  tx.commit();
  return n;
}

namespace {

std::int64_t rounded(std::int64_t n) {
  return (n + Stats::kRounding / 2) / Stats::kRounding * Stats::kRounding;
}

// One figure of a month's table before disclosure control: a province's count of one row.
struct Figure {
  std::string province;
  std::vector<std::string> row;  // the log: (need, outcome); cases: (value, event, code)
  std::int64_t count = 0;
};

struct Disclosed {
  std::vector<Figure> cells;
  std::vector<Figure> totals;  // per row, over every province (province empty)
  std::int64_t suppressed = 0;
};

// Disclosure control of one month's table, the one used for every published figure (see
// StatsPeriod): primary suppression under kMinCell; per row, when its total is published and only
// one of its figures was left out, the smallest other figure is left out too (complementary
// suppression: the total minus the rest would reveal it; with no other figure the total hides);
// every figure shown rounded to kRounding. Then the province filter, after, so a filtered answer
// never shows what the whole one hides.
Disclosed disclose(const std::vector<Figure>& cells, const std::string& province) {
  Disclosed out;
  std::vector<bool> hidden(cells.size());
  std::map<std::vector<std::string>, std::vector<std::size_t>> rows;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    hidden[i] = cells[i].count < Stats::kMinCell;
    rows[cells[i].row].push_back(i);
  }
  for (auto& [row, members] : rows) {
    std::int64_t total = 0;
    std::size_t nhidden = 0;
    for (std::size_t i : members) {
      total += cells[i].count;
      nhidden += hidden[i] ? 1 : 0;
    }
    bool total_shown = total >= Stats::kMinCell;
    if (total_shown && nhidden == 1) {
      std::optional<std::size_t> partner;
      for (std::size_t i : members)
        if (!hidden[i] && (!partner || cells[i].count < cells[*partner].count)) partner = i;
      if (partner) hidden[*partner] = true;
      else total_shown = false;
    }
    if (total_shown) out.totals.push_back({"", row, rounded(total)});
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!province.empty() && cells[i].province != province) continue;
    if (hidden[i]) ++out.suppressed;
    else out.cells.push_back({cells[i].province, cells[i].row, rounded(cells[i].count)});
  }
  return out;
}

StatsPeriod publish(const std::string& period, const std::vector<StatsCell>& cells, const std::string& province) {
  std::vector<Figure> figures;
  for (const auto& c : cells) figures.push_back({c.province, {c.need, c.outcome}, c.count});
  Disclosed d = disclose(figures, province);
  StatsPeriod out;
  out.period = period;
  for (const auto& f : d.cells) out.cells.push_back({f.province, f.row[0], f.row[1], f.count});
  for (const auto& f : d.totals) out.totals.push_back({"", f.row[0], f.row[1], f.count});
  out.suppressed = d.suppressed;
  return out;
}

// Each breakdown of a month's case events is a table of its own, controlled alone.
CaseStatsPeriod publish_cases(const std::string& period, const std::vector<detail::CaseCount>& counts,
                              const std::string& province) {
  CaseStatsPeriod out;
  out.period = period;
  for (const char* breakdown : {"province", "exploitation", "need"}) {
    std::vector<Figure> figures;
    for (const auto& c : counts)
      if (c.breakdown == breakdown) figures.push_back({c.province, {c.value, c.event, c.code}, c.count});
    Disclosed d = disclose(figures, province);
    CaseTable& t = out.tables.emplace_back();
    t.breakdown = breakdown;
    for (const auto& f : d.cells) t.cells.push_back({f.province, f.row[0], f.row[1], f.row[2], f.count});
    for (const auto& f : d.totals) t.totals.push_back({"", f.row[0], f.row[1], f.row[2], f.count});
    t.suppressed = d.suppressed;
  }
  return out;
}

}  // namespace

Stats Store::stats(const std::string& province, const std::string& current_month) {
  if (!read_only_) close_periods(current_month);
  std::map<std::string, std::vector<StatsCell>> log;
  std::map<std::string, std::vector<detail::CaseCount>> cases;
  {
    Stmt s(db_, "SELECT period, province, need, outcome, count FROM period_counts WHERE period < ?1");
    s.bind(1, current_month);
    while (s.step()) log[s.text(0)].push_back({s.text(1), s.text(2), s.text(3), s.integer(4)});
  }
  {
    Stmt s(db_, "SELECT period, breakdown, province, value, event, code, count FROM case_counts WHERE period < ?1");
    s.bind(1, current_month);
    while (s.step()) cases[s.text(0)].push_back({s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6)});
  }
  // Read-only: months that ended but nobody froze yet, counted as freezing them would.
  if (read_only_)
    for (const auto& p : months_to_close(current_month)) {
      Stmt s(db_, kReferralCounts);
      s.bind(1, p);
      while (s.step()) log[p].push_back({s.text(0), s.text(1), s.text(2), s.integer(3)});
      for (auto& c : detail::count_case_events(db_, p)) cases[p].push_back(std::move(c));
    }
  Stats st;
  for (auto& [period, cells] : log) {
    std::sort(cells.begin(), cells.end(), [](const StatsCell& a, const StatsCell& b) {
      return std::tie(a.province, a.need, a.outcome) < std::tie(b.province, b.need, b.outcome);
    });
    st.periods.push_back(publish(period, cells, province));
  }
  for (auto& [period, counts] : cases) {
    std::sort(counts.begin(), counts.end(), [](const detail::CaseCount& a, const detail::CaseCount& b) {
      return std::tie(a.province, a.value, a.event, a.code) < std::tie(b.province, b.value, b.event, b.code);
    });
    st.case_periods.push_back(publish_cases(period, counts, province));
  }
  return st;
}

}  // namespace nrm::store
