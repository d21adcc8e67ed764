// The referral log's background writer (see referral_log.hpp).
#include "store/referral_log.hpp"

#include <chrono>
#include <iostream>
#include <vector>

namespace nrm::store {

ReferralLog::ReferralLog(const std::string& db_path, int retention_days, int case_retention_days)
    : store_(std::make_unique<Store>(db_path, Durability::kNormal)),
      retention_days_(retention_days),
      case_retention_days_(case_retention_days),
      thread_([this] { run(); }) {}

void ReferralLog::maintain() {
  const std::string today = utc_now().substr(0, 10);
  try {
    store_->purge_log(retention_days_, today);
  } catch (const std::exception& e) {
    std::cerr << "nrm serve: referral log retention: " << e.what() << "\n";
  }
  try {
    store_->purge_cases(case_retention_days_, today);
  } catch (const std::exception& e) {
    std::cerr << "nrm serve: case retention: " << e.what() << "\n";
  }
}

ReferralLog::~ReferralLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ReferralLog::add(ReferralRecord record) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(record));
    ++added_;
    // The writer waits for the first record of a batch, or for a full batch; no other wake-up.
    wake = queue_.size() == 1 || queue_.size() == kBatchMax;
  }
  if (wake) wake_.notify_one();
}

void ReferralLog::flush() {
  std::unique_lock lock(mu_);
  std::uint64_t target = added_;
  ++flushing_;
  wake_.notify_one();
  done_.wait(lock, [&] { return written_ >= target || stop_; });
  --flushing_;
}

void ReferralLog::run() {
  using clock = std::chrono::steady_clock;
  maintain();
  auto last_maintained = clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    // Whatever queued up while the previous batch was written goes in one transaction.
    wake_.wait_for(lock, std::chrono::minutes(10), [&] { return stop_ || !queue_.empty(); });
    if (clock::now() - last_maintained > std::chrono::hours(1)) {
      lock.unlock();
      maintain();
      last_maintained = clock::now();
      lock.lock();
    }
    if (queue_.empty()) {
      if (stop_) return;
      continue;
    }
    // Let a batch gather (fewer transactions, the same pages written once).
    wake_.wait_for(lock, kBatchDelay, [&] { return stop_ || flushing_ > 0 || queue_.size() >= kBatchMax; });
    std::vector<ReferralRecord> batch(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    lock.unlock();
    try {
      store_->log_referrals(batch);
    } catch (const std::exception& e) {
      std::cerr << "nrm serve: referral log: " << e.what() << " (" << batch.size() << " records lost)\n";
    }
    lock.lock();
    written_ += batch.size();
    done_.notify_all();
  }
}

}  // namespace nrm::store
