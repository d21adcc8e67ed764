// Dense numbers, from 0 up, for the few distinct 64-bit keys of thousands of candidates (kinds of
// step, phone/video groups): open addressing with linear probing, which the search's fixed work
// per case can afford where a node-based map could not. A shortcut (P13): a std::map would give
// the same numbers in the same order.
#pragma once

#include <cstdint>
#include <utility>

#include "planner/detail/scratch.hpp"

namespace nrm::planner::detail {

class DenseIds {
 public:
  explicit DenseIds(std::pmr::memory_resource* mr) : slots_(256, Slot{}, mr) {}
  // The key's number (keys are numbered in the order they are first seen), and whether it is new.
  std::pair<std::uint32_t, bool> id(std::uint64_t key) {
    for (std::size_t i = hash(key) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.key == key && s.id != kEmpty) return {s.id, false};
      if (s.id != kEmpty) continue;
      if (2 * (count_ + 1) > slots_.size()) {
        grow();
        return id(key);
      }
      s = {key, count_++};
      return {s.id, true};
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = ~0u;
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t id = kEmpty;
  };
  static std::size_t hash(std::uint64_t k) {  // MurmurHash3's finaliser
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDull;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }
  void grow() {
    Vec<Slot> bigger(2 * slots_.size(), Slot{}, slots_.get_allocator());
    for (const Slot& s : slots_) {
      if (s.id == kEmpty) continue;
      std::size_t i = hash(s.key) & (bigger.size() - 1);
      while (bigger[i].id != kEmpty) i = (i + 1) & (bigger.size() - 1);
      bigger[i] = s;
    }
    slots_.swap(bigger);
  }
  Vec<Slot> slots_;  // a power of two, at most half full
  std::uint32_t count_ = 0;
};

}  // namespace nrm::planner::detail
