// The server's durable state, one SQLite file in WAL mode, created 0600: API tokens (only a
// BLAKE2b hash of each secret, compared in constant time), capacity updates (committed with
// synchronous=FULL before the caller acknowledges them) and the referral log (the UTC hour, the
// role, province, need codes, outcome — no token id, nothing about the person; deleted after a
// retention period once its month is published). Statistics are published per closed calendar
// month only, from counts frozen when the month closed, small cells suppressed (with their
// complements) and the rest rounded, so no figure can be differenced back to a referral.
// One Store is one connection: use it from one thread at a time; open several on the same file
// for several threads or processes.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace nrm::store {

// Anything SQLite refuses: cannot open, disk full, a newer schema. Internal to the server (500).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TokenInfo {
  std::int64_t id = 0;
  std::string role;
  std::string provider;  // provider_admin only; empty otherwise
  std::string created;   // UTC, ISO 8601
  std::string revoked;   // UTC, ISO 8601; empty while the token is valid
};

struct NewToken {
  std::int64_t id = 0;
  std::string secret;  // "nrm_<id>_<64 hex digits>": shown once, never stored
};

struct CapacityUpdate {
  std::int64_t seq = 0;
  std::string provider;
  int available = 0;
  std::optional<int> beds;
  std::string time;
  std::int64_t token_id = 0;
};

// One lookup as logged. `needs` are the codes the caller asked for, each with whether the answer
// met it (for an explanation: whether the provider would cover it); derived needs are not logged
// (child.protection would reveal a minor). Statistics count only referrals. No token id and no
// time finer than the hour: the log cannot be joined to one caller's case software or clock.
struct ReferralRecord {
  std::string hour;  // UTC, to the hour: 2026-03-14T09
  std::string kind = "referral";  // "referral" | "explain"
  std::string role;
  std::string province;
  std::vector<std::pair<std::string, bool>> needs;  // code, met
  bool complete = false;                            // a pathway met every need
};

struct StatsCell {
  std::string province;
  std::string need;
  std::string outcome;  // "met" | "unmet"
  std::int64_t count = 0;
};

// One closed month's figures. Cells are national (province x need x outcome) and need totals
// national (need x outcome over every province); a figure under kMinCell is left out, and so is,
// in each need x outcome row whose total is published, the smallest other figure when only one
// was left out (complementary suppression: the total minus the rest would reveal it). Published
// figures are rounded to the nearest kRounding.
struct StatsPeriod {
  std::string period;                // "2026-11"
  std::vector<StatsCell> cells;      // by province, need, outcome (filtered to one province if asked)
  std::vector<StatsCell> totals;     // need x outcome over all provinces (province empty)
  std::int64_t suppressed = 0;       // cells left out (of those shown: the province's, if asked)
};

struct Stats {
  static constexpr int kMinCell = 10;
  static constexpr int kRounding = 5;
  std::vector<StatsPeriod> periods;  // closed months, oldest first
};

enum class Durability { kFull, kNormal };  // synchronous=FULL (fsync per commit) or NORMAL

// The current time, UTC, ISO 8601 to the second: 2026-03-14T09:26:53Z.
std::string utc_now();
// The current hour, UTC: 2026-03-14T09 (what the referral log keeps).
std::string utc_hour_now();

class Store {
 public:
  // Opens (creating if needed) the database and its schema. Throws StoreError.
  explicit Store(const std::string& path, Durability durability = Durability::kFull);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  NewToken create_token(const std::string& role, const std::string& provider);
  bool revoke_token(std::int64_t id);  // false: no such token
  std::vector<TokenInfo> tokens();
  // The valid token whose secret this is, or nothing. The secret's hash is compared in constant
  // time; the id inside the secret only selects the row.
  std::optional<TokenInfo> authenticate(std::string_view secret);

  // Appends one update, durably. Returns its sequence number.
  std::int64_t record_capacity(const std::string& provider, int available, std::optional<int> beds,
                               std::int64_t token_id);
  // The latest update of each provider, oldest first: what the server replays on start.
  std::vector<CapacityUpdate> latest_capacities();

  // Appends records in one transaction.
  void log_referrals(const std::vector<ReferralRecord>& records);
  // Freezes the counts of every month before `current_month` ("2026-12") that has log rows and
  // is not frozen yet. Idempotent; a row logged later for a frozen month changes nothing.
  void close_periods(const std::string& current_month);
  // Closes periods, then deletes log rows older than `retention_days` before `today`
  // (YYYY-MM-DD) whose month is closed (the open month's rows stay until it closes). Returns
  // how many referrals were deleted.
  std::int64_t purge_log(int retention_days, const std::string& today);
  // The published statistics: every closed month (closing any that ended before
  // `current_month`), suppressed and rounded; `province` empty = all provinces.
  Stats stats(const std::string& province, const std::string& current_month);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* auth_ = nullptr;  // authenticate()'s statement, prepared once (hot path)
  std::string path_;
};

}  // namespace nrm::store
