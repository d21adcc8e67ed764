// Internal to store/: the SQLite statement (with its per-connection cache) and transaction
// wrappers its files share, and what store.cpp needs of cases.cpp (a month's case events counted,
// for freezing and statistics).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace nrm::store::detail {

// The prepared statements of one connection, kept for reuse: each SQL text is parsed once (the
// case transitions run a dozen statements each; parsing them again was a fifth of their time).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache() {
    for (auto& [sql, e] : entries_) sqlite3_finalize(e.stmt);
  }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  sqlite3* db() const { return db_; }

 private:
  friend class Stmt;
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;  // borrowed by a Stmt now (a second user of the same text prepares its own)
  };
  sqlite3* db_;
  std::unordered_map<std::string, Entry> entries_;  // element addresses are stable
};

// A prepared statement: its own (finalised on scope exit), or borrowed from a StatementCache
// (reset and handed back on scope exit).
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { prepare(sql); }
  Stmt(StatementCache& cache, const std::string& sql) : db_(cache.db_) {
    auto [it, fresh] = cache.entries_.try_emplace(sql);
    if (it->second.busy) {
      prepare(sql.c_str());
      return;
    }
    if (fresh) {
      try {
        prepare(sql.c_str());
      } catch (...) {
        cache.entries_.erase(it);
        throw;
      }
      it->second.stmt = s_;
    }
    s_ = it->second.stmt;
    borrowed_ = &it->second;
    borrowed_->busy = true;
  }
  ~Stmt() {
    if (!borrowed_) {
      sqlite3_finalize(s_);
      return;
    }
    reset();
    borrowed_->busy = false;
  }
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
  void prepare(const char* sql) {
    if (sqlite3_prepare_v2(db_, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  StatementCache::Entry* borrowed_ = nullptr;
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

// A month's case events as raw figures (breakdown, province, value, event, code, count), every
// breakdown, before disclosure control: what close_periods freezes (cases.cpp).
struct CaseCount {
  std::string breakdown, province, value, event, code;
  std::int64_t count = 0;
};
std::vector<CaseCount> count_case_events(sqlite3* db, const std::string& period);

// The day `days` before `today` (both YYYY-MM-DD, UTC): retention cutoffs (store.cpp).
std::string days_before(const std::string& today, int days);

}  // namespace nrm::store::detail
