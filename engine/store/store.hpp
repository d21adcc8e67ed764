// The server's durable state, one SQLite file in WAL mode, created 0600: API tokens (only a
// BLAKE2b hash of each secret, compared in constant time), capacity updates (committed with
// synchronous=FULL before the caller acknowledges them), the referral log (the UTC hour, the
// role, province, need codes, outcome — no token id, nothing about the person; deleted after a
// retention period once its month is published) and tracked cases (the case document, consent,
// steps and their history to the day; each transition one durable transaction; deleted a set
// number of days after closing). Statistics of both are published per closed calendar month only,
// from counts frozen when the month closed, small cells suppressed (with their complements) and
// the rest rounded, so no figure can be differenced back to a person.
// One Store is one connection: use it from one thread at a time; open several on the same file
// for several threads or processes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace nrm::store {

namespace detail {
class StatementCache;
}

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

// One published figure of the tracked cases: how many `event`s (with `code`) in a province (and,
// by breakdown, of an exploitation type or a need) in one closed month. Events: opened and closed
// (per case; by need: each need asked), requested, accepted, declined, withdrawn (per step; by
// need: each need the step covers), accepted_after (per acceptance, code = days from request:
// same_day, 1_day, 2_to_7_days, over_7_days).
struct CaseFigure {
  std::string province;  // empty in totals (every province)
  std::string value;     // the exploitation type or need code; empty in the "province" breakdown
  std::string event;
  std::string code;      // declined: the reason; closed: the outcome; accepted_after: the wait; else empty
  std::int64_t count = 0;
};

// One breakdown of one month, disclosure-controlled as StatsPeriod is: cells under kMinCell left
// out, complementary suppression per (value, event, code) row against its national total, the rest
// rounded; `province` filters the cells shown, never the totals.
struct CaseTable {
  std::string breakdown;  // "province", "exploitation" or "need"
  std::vector<CaseFigure> cells;
  std::vector<CaseFigure> totals;
  std::int64_t suppressed = 0;
};

struct CaseStatsPeriod {
  std::string period;
  std::vector<CaseTable> tables;  // province, exploitation, need
};

struct Stats {
  static constexpr int kMinCell = 10;
  static constexpr int kRounding = 5;
  std::vector<StatsPeriod> periods;           // referral log: closed months, oldest first
  std::vector<CaseStatsPeriod> case_periods;  // tracked cases: closed months, oldest first
};

// ---- Tracked cases (docs/api.md, "Tracked cases") ----

// One step of a case: a provider asked to cover some needs.
struct CaseStep {
  std::string provider;
  std::vector<std::string> covers;   // need codes it is asked to cover
  std::string mode = "in_person";    // in_person | remote
  std::string status = "requested";  // requested | accepted | declined | withdrawn
  std::string reason;                // declined: the reason code
  bool duty = false;                 // a minor's child-protection step: opened whatever the consent
  bool bed = false;                  // its acceptance took a bed (given back if it is withdrawn)
  std::string requested, updated;    // days, YYYY-MM-DD (UTC)
};

// One transition, to the day. `code`: the reason of a decline, the outcome of a closing.
struct CaseEvent {
  std::string day, event, provider, code;
};

struct CaseRecord {
  std::int64_t id = 0;
  std::string reference;
  std::int64_t opened_by = 0;        // the token that opened it (it, and coordinators, may read it)
  std::string role;                  // that token's role
  std::string case_json;             // the engine's case document: nothing identifies the person
  std::string consent_json;          // {"share", "police", "duty_to_report"}
  std::string province, exploitation;
  std::vector<std::string> needs;    // as asked
  std::string status = "open";       // open | closed
  std::string outcome;               // closed: the outcome code
  std::string opened, closed;        // days
  std::int64_t version = 0;          // grows with every transition
  std::vector<CaseStep> steps;       // in pathway order
  std::vector<CaseEvent> history;    // oldest first
};

// A provider's bed count written in the same transaction as the step that changes it.
struct BedChange {
  int available = 0;
  int beds = 0;
  std::int64_t token_id = 0;
};

enum class StepAction { kAccept, kDecline, kWithdraw };

struct StepChange {
  std::string reference, provider;
  StepAction action = StepAction::kAccept;
  std::string reason;               // decline
  std::optional<BedChange> bed;     // accept: a bed taken; withdraw: one given back
  std::string day;
};

// Reference codes: "XXXX-XXXX" from 30 symbols that cannot be misread (no 0, O, 1, I, L, U).
inline constexpr std::string_view kReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
// The reference as stored (upper case), or nothing when it cannot be one.
std::optional<std::string> normal_reference(std::string_view text);

enum class Durability { kFull, kNormal };  // synchronous=FULL (fsync per commit) or NORMAL
// kReadOnly: `nrm cases`, on the server's store: nothing is written (no schema, no freezing).
enum class OpenMode { kReadWrite, kReadOnly };

// The current time, UTC, ISO 8601 to the second: 2026-03-14T09:26:53Z.
std::string utc_now();
// The current hour, UTC: 2026-03-14T09 (what the referral log keeps).
std::string utc_hour_now();

class Store {
 public:
  // Opens (creating if needed) the database and its schema. Throws StoreError.
  explicit Store(const std::string& path, Durability durability = Durability::kFull,
                 OpenMode mode = OpenMode::kReadWrite);
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
  // The published statistics of the referral log and the tracked cases: every closed month
  // (closing any that ended before `current_month`; read-only: counting them without freezing),
  // suppressed and rounded; `province` empty = all provinces.
  Stats stats(const std::string& province, const std::string& current_month);

  // Tracked cases. Each call that changes a case is one transaction (durable when it returns,
  // with Durability::kFull) and returns false, writing nothing, when the case or step is not in a
  // state that allows it: of two racing requests one wins.
  //
  // Opens a case (status open, every step requested) with a fresh reference, which it returns.
  std::string open_case(CaseRecord record);
  std::optional<CaseRecord> find_case(std::string_view reference);
  // Cases, newest first; `status` empty = all.
  std::vector<CaseRecord> list_cases(const std::string& status);
  // The steps of open cases asked of `provider` (requested or accepted), each with its case
  // (without the other steps or the history), oldest request first.
  std::vector<CaseRecord> requests_for(const std::string& provider);
  // accept and decline: a requested step; withdraw: a requested or accepted one. The case is open.
  bool change_step(const StepChange& change);
  // A new pathway for an open case still at `version`: `steps` in order (provider, covers, mode,
  // duty). Listed steps already requested keep their status (covers updated), withdrawn ones are
  // requested again, new ones are requested; requested steps not listed are withdrawn.
  bool replace_steps(const std::string& reference, std::int64_t version, const std::vector<CaseStep>& steps,
                     const std::string& day);
  // Closes an open case with `outcome`; its steps still requested are withdrawn.
  bool close_case(const std::string& reference, const std::string& outcome, const std::string& day);
  // Closes periods, then deletes the cases closed more than `retention_days` before `today` whose
  // closing month is closed (its figures frozen). Returns how many.
  std::int64_t purge_cases(int retention_days, const std::string& today);

 private:
  void exec(const char* sql);
  std::vector<std::string> months_to_close(const std::string& current_month);
  void load_case(CaseRecord& c, bool history);
  void add_event(std::int64_t case_id, const CaseEvent& e, const std::string& needs, std::optional<int> days = {});
  sqlite3* db_ = nullptr;
  sqlite3_stmt* auth_ = nullptr;  // authenticate()'s statement, prepared once (hot path)
  std::unique_ptr<detail::StatementCache> cache_;  // the cases' statements, prepared once each
  std::string path_;
  bool read_only_ = false;
};

}  // namespace nrm::store
