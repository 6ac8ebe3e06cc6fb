#include "napi/weights_table.h"

namespace ei8napi {

double WeightsTable::add(WeightsKind kind, void* ptr) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    if (slots_.size() >= kSlots) return 0;
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  ++s.generation;  // 1 for a new slot
  s.ptr = ptr;
  s.kind = kind;
  return static_cast<double>((uint64_t(s.generation) << kSlotBits) | slot);
}

WeightsTable::Found WeightsTable::locate(double id, uint32_t* slot) const {
  // Negative, fractional, NaN and too large numbers fail here, before any conversion.
  if (!(id >= 1 && id < static_cast<double>((kMaxGeneration + 1) << kSlotBits))) return Found::NOT_AN_ID;
  const uint64_t u = static_cast<uint64_t>(id);
  if (static_cast<double>(u) != id) return Found::NOT_AN_ID;
  const uint64_t s = u & (kSlots - 1), generation = u >> kSlotBits;
  if (s >= slots_.size() || generation == 0 || generation > slots_[s].generation) return Found::NOT_AN_ID;
  if (slots_[s].generation != generation || slots_[s].ptr == nullptr) return Found::GONE;
  *slot = static_cast<uint32_t>(s);
  return Found::LIVE;
}

WeightsTable::Found WeightsTable::find(double id, WeightsKind kind, void** ptr) const {
  uint32_t slot;
  const Found f = locate(id, &slot);
  if (f != Found::LIVE) return f;
  if (slots_[slot].kind != kind) return Found::WRONG_KIND;
  *ptr = slots_[slot].ptr;
  return Found::LIVE;
}

void WeightsTable::remove(double id) {
  uint32_t slot;
  if (locate(id, &slot) != Found::LIVE) return;
  Slot& s = slots_[slot];
  s.ptr = nullptr;
  // A slot whose generations are used up is retired, so that no id is ever issued twice.
  if (s.generation < kMaxGeneration) free_.push_back(slot);
}

}  // namespace ei8napi
