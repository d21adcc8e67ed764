// Scratch memory for one search: every table of a search is carved from one buffer that each
// thread keeps between searches, and dropped together, with no call into malloc on the way.
// A shortcut (P13): we would get the same answers if every table came from the heap.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <memory_resource>
#include <optional>
#include <vector>

namespace nrm::planner::detail {

template <class T>
using Vec = std::pmr::vector<T>;

// Allocation had been a tenth of a referral's time (measured with bench_refer at 50,000
// providers, 2026-11). A search that needs more than the buffer takes the rest from the heap, and
// the thread's next search gets a buffer that large (up to kMaxScratch). Under AddressSanitizer
// every table comes from the heap, so overruns are caught. One search at a time per thread: the
// planner never starts a search from inside another.
class Scratch {
 public:
  Scratch() {
    assert(!busy() && "a search started inside another on the same thread");
    busy() = true;
    arena_.emplace(buffer().data(), buffer().size(), &upstream_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    arena_.reset();
    busy() = false;
    if (upstream_.bytes)
      buffer().resize(std::min(kMaxScratch, buffer().size() + upstream_.bytes + upstream_.bytes / 4));
  }
  std::pmr::memory_resource* resource() {
#if defined(__SANITIZE_ADDRESS__)
    return std::pmr::new_delete_resource();
#else
    return &*arena_;
#endif
  }

 private:
  static constexpr std::size_t kMaxScratch = std::size_t{256} << 20;
  // Passes allocations beyond the buffer to the heap, counting them.
  struct Counting final : std::pmr::memory_resource {
    std::size_t bytes = 0;
    void* do_allocate(std::size_t n, std::size_t align) override {
      bytes += n;
      return std::pmr::new_delete_resource()->allocate(n, align);
    }
    void do_deallocate(void* at, std::size_t n, std::size_t align) override {
      std::pmr::new_delete_resource()->deallocate(at, n, align);
    }
    bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
  };
  static std::vector<std::byte>& buffer() {
    thread_local std::vector<std::byte> b(std::size_t{4} << 20);
    return b;
  }
  static bool& busy() {
    thread_local bool b = false;
    return b;
  }
  Counting upstream_;
  std::optional<std::pmr::monotonic_buffer_resource> arena_;
};

}  // namespace nrm::planner::detail
