// The referral log's writer: requests hand records over without waiting, a background thread
// writes them in batches (one transaction each, at most every kBatchDelay unless a flush asks or
// kBatchMax are waiting) on its own connection. Losing the last few hundred milliseconds of log on
// a crash is accepted; capacity updates and case transitions never go through here. The same
// thread keeps the store short: on start and then hourly it freezes the counts of months that have
// ended, deletes log rows older than the log's retention period and cases closed longer ago than
// the cases' one (each once its month is frozen).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace nrm::store {

class ReferralLog {
 public:
  static constexpr int kDefaultRetentionDays = 90;
  static constexpr std::chrono::milliseconds kBatchDelay{200};
  static constexpr std::size_t kBatchMax = 4096;
  explicit ReferralLog(const std::string& db_path, int retention_days = kDefaultRetentionDays,
                       int case_retention_days = kDefaultRetentionDays);
  ~ReferralLog();  // writes what is queued, then stops
  void add(ReferralRecord record);
  // Returns once everything added before the call is written.
  void flush();

 private:
  void run();
  void maintain();  // close ended months, purge old log rows and cases; never throws
  std::unique_ptr<Store> store_;
  int retention_days_;
  int case_retention_days_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::deque<ReferralRecord> queue_;
  std::uint64_t added_ = 0, written_ = 0;
  int flushing_ = 0;  // callers of flush() waiting
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace nrm::store
