// The matmul calls receive their weights as a number: an id into the environment's table of live
// native weights objects. One look-up here replaces a type-tag check and an unwrap of a JS object,
// two property look-ups in V8 that took 18 % of a 16x16x16 matmulInt32 (perf, Zen 4). The ids need
// no trust: a number from script names live weights of the kind asked for, or nothing.
//
// An id is generation * 2^24 + slot: a freed slot is reused with the next generation, so the id of
// disposed weights never names the weights that take its slot. Exact in a double (< 2^52), never 0.
// Used on the environment's JS thread only (constructors, dispose, finalizers, calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ei8napi {

enum class WeightsKind : uint8_t { PACKED, SPARSE, CODEBOOK };
constexpr size_t kWeightsKinds = 3;

class WeightsTable {
 public:
  enum class Found { LIVE, WRONG_KIND, GONE, NOT_AN_ID };

  // A new id for `ptr`; 0 when 2^24 weights objects are alive at once.
  double add(WeightsKind kind, void* ptr);
  // Frees the id's slot (nothing if it is not live).
  void remove(double id);
  // What `id` names; *ptr is set when LIVE.
  Found find(double id, WeightsKind kind, void** ptr) const;

 private:
  static constexpr uint64_t kSlotBits = 24, kSlots = uint64_t(1) << kSlotBits;
  static constexpr uint64_t kMaxGeneration = (uint64_t(1) << 28) - 1;
  struct Slot {
    void* ptr = nullptr;
    uint32_t generation = 0;  // of the id now (or last) in this slot
    WeightsKind kind = WeightsKind::PACKED;
  };
  // LIVE (and *slot) if id names an object still in the table, of any kind.
  Found locate(double id, uint32_t* slot) const;

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
};

}  // namespace ei8napi
