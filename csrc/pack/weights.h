// Packed weights: quantization parameters plus the weight bytes in the layout a kernel family reads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/cache_line.h"
#include "core/requant_setup.h"
#include "edge_int8.h"

namespace ei8 {

inline size_t round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }
inline size_t div_up(size_t x, size_t m) { return (x + m - 1) / m; }

// Where each group of K sits in a tiled layout: every group starts on a kr boundary and is
// zero-padded to a multiple of kr, so a micro-kernel never straddles two groups.
struct GroupGeometry {
  size_t k = 0, group_size = 0, groups = 1, kr = 1;

  GroupGeometry() = default;
  GroupGeometry(size_t k_, size_t group_size_, size_t kr_)
      : k(k_), group_size(group_size_ ? group_size_ : k_), groups(div_up(k_, group_size)), kr(kr_) {}
  size_t len(size_t g) const { return g + 1 < groups ? group_size : k - g * group_size; }
  size_t padded_len(size_t g) const { return round_up(len(g), kr); }
  size_t packed_offset(size_t g) const { return g * round_up(group_size, kr); }
  size_t packed_k() const { return packed_offset(groups - 1) + padded_len(groups - 1); }
};

// Which packed layout a kernel family reads.
struct LayoutKey {
  size_t nr = 0, kr = 0;  // 0, 0: the reference layout
  bool operator==(const LayoutKey& o) const { return nr == o.nr && kr == o.kr; }
  bool is_ref() const { return nr == 0; }
};

// The weight bytes in one layout.
//  ref:   B[n * K + k] in the original dtype (the canonical form the reference kernels read).
//  tiled: panels of nr columns; inside a panel, blocks of kr consecutive k for each column:
//         byte (p, kb, j, r) = b'[kb * kr + r][p * nr + j], panel stride packed_k * nr.
//         b' = B as int8 (uint8 weights are shifted by -128), padding is 0.
//         Per (group g, column n): zb' = zb - shift, ck = len_g * zb' - sum_k b' (wrapping), and the
//         weight scale sb, stored panel by panel (term_index): a GEMV over per-group weights reads
//         each panel's terms for all its groups as one run, not a line 4 * N bytes from the last.
// Aligned so that std::make_shared puts the use counts, which every call changes, on a line before it.
struct alignas(kCacheLine) PackedData {
  LayoutKey key;
  GroupGeometry geom;
  AlignedBuffer bytes;
  std::vector<int32_t> zb;  // tiled only: zb' per (g, n), at term_index
  std::vector<int32_t> ck;  // tiled only, at term_index
  std::vector<float> sb;    // tiled only, at term_index; empty when packed without scales
  bool narrow = true;       // tiled only: no b' equals -128
  bool needs_row_sums = false;  // tiled only: some zb' != 0
  size_t panels = 0;

  size_t memory() const {
    return bytes.size() + (zb.size() + ck.size()) * sizeof(int32_t) + sb.size() * sizeof(float);
  }
  // Where the terms of group g for a panel's first column sit: nr of them per (panel, group), zero
  // past column N.
  size_t term_index(size_t panel, size_t g) const { return (panel * geom.groups + g) * key.nr; }
  const int8_t* panel(size_t p) const {
    return reinterpret_cast<const int8_t*>(bytes.data()) + p * geom.packed_k() * key.nr;
  }
};

}  // namespace ei8

// The members the calling thread writes on every call (refs, mu and the shared_ptrs' use counts)
// sit on cache lines of their own: the pool's threads read k, n and the scales during the call, and
// a line shared with them moved between the cores twice a call (see ei8::kCacheLine).
struct ei8_packed {
  alignas(ei8::kCacheLine) std::atomic<int> refs{1};
  // Calls of one row tile so far: their parity picks the order of the panels (core/gemm.cc).
  mutable std::atomic<uint32_t> single_tile_calls{0};
  alignas(ei8::kCacheLine) size_t k = 0, n = 0, group_size = 0, groups = 1;
  ei8_dtype dtype = EI8_INT8;
  std::vector<int32_t> zero_point;  // groups * n (broadcast from per tensor), original dtype terms
  std::vector<float> scale;         // groups * n (broadcast), or empty when packed without scales
  int32_t max_abs_b = 0;            // max over zero points of the largest |B - zb| possible

  // The current layout. Calls take a shared_ptr, so a layout replaced for another kernel family
  // stays alive until the calls that use it have finished.
  std::shared_ptr<const ei8::PackedData> acquire(ei8::LayoutKey key) const;

  // The multipliers of the last requantized call (null until one); guarded by mu.
  std::shared_ptr<const ei8::RequantMultipliers> requant_multipliers(float a_scale, float out_scale,
                                                                     ei8_rounding rounding) const;

  alignas(ei8::kCacheLine) mutable std::mutex mu;
  mutable std::shared_ptr<const ei8::PackedData> data;
  mutable std::shared_ptr<const ei8::RequantMultipliers> last_multipliers;
};

namespace ei8 {

// Builds the layout `key` from the weight bytes as given: [K, N] (EI8_LAYOUT_KN) or [N, K].
std::shared_ptr<PackedData> pack_layout(const ei8_packed& w, const uint8_t* src, ei8_layout src_layout, LayoutKey key);
// The canonical n x k bytes (the reference layout) of a [K, N] (EI8_LAYOUT_KN) or [N, K] source; a
// [K, N] source is transposed in cache-sized tiles.
void to_canonical(const uint8_t* src, ei8_layout layout, size_t K, size_t N, uint8_t* nk);
// Recovers the canonical n x k bytes from any layout.
void unpack_layout(const ei8_packed& w, const PackedData& d, uint8_t* canonical_nk);

}  // namespace ei8
