// qu8 x qs8 GEMM micro-kernel, tile 16x64c4, AMX-INT8.
// Tiles: 0-3 the four 16 x 16 int32 column blocks of D, 4 a 16-row x 64-byte slice of A, 5 and 6
// B tiles (16 k-quads x 16 columns), loaded from the n64c4 panel at row stride 256. One TDPBUSD per
// column block per 64 k. Rows past mr and k past kc go through zero-padded copies, so that no load
// reads outside A or the panel. D = A * B exactly (wrapping int32); core/gemm.cc applies the
// corrections, and the result must equal ref::matmul_i32.
// With EI8_AMX_SOFT the same code runs on the software model (amx_soft.h) in the C++ tests, as
// namespace amx_soft_kernel.
#include <cstring>

#include "kernels/amx/amx_tiles.h"

#if defined(EI8_AMX_SOFT)
#define EI8_AMX_NS amx_soft_kernel
#else
#include "kernels/amx/amx_kernels.h"
#define EI8_AMX_NS amx
#endif

namespace ei8 {
namespace EI8_AMX_NS {

namespace {

using namespace amx_tiles;

constexpr size_t kRows = 16, kCols = 64, kDepth = 64;  // per call, per TDPBUSD
constexpr size_t kPanelRow = kCols * 4;                  // bytes of one k-quad of a panel

TileConfig make_config() {
  TileConfig c;
  for (int t = 0; t < 7; ++t) {
    c.rows[t] = kRows;     // D and A: 16 rows; B: 16 k-quads
    c.colsb[t] = 64;       // D: 16 int32; A: 64 k; B: 16 columns x 4
  }
  return c;
}

// D += A tile x the panel's 16 k-quads from b (row stride bs), one column block of 16 at a time.
// Two B registers alternate: a load need not wait for the product that reads the previous one.
inline void all_blocks(const int8_t* b, size_t bs) {
  EI8_TILE_LOAD(5, b, bs);
  EI8_TILE_DPBUSD(0, 4, 5);
  EI8_TILE_LOAD(6, b + 64, bs);
  EI8_TILE_DPBUSD(1, 4, 6);
  EI8_TILE_LOAD(5, b + 128, bs);
  EI8_TILE_DPBUSD(2, 4, 5);
  EI8_TILE_LOAD(6, b + 192, bs);
  EI8_TILE_DPBUSD(3, 4, 6);
}

// The first `bytes` of rows 0..mr of A (row stride as) into the rows of an A tile copy.
inline void copy_rows(const uint8_t* a, size_t as, size_t mr, size_t bytes, uint8_t* pad) {
  for (size_t i = 0; i < mr; ++i) std::memcpy(pad + i * kDepth, a + i * as, bytes);
}

inline void zero_d() {
  EI8_TILE_ZERO(0);
  EI8_TILE_ZERO(1);
  EI8_TILE_ZERO(2);
  EI8_TILE_ZERO(3);
}

}  // namespace

void gemm_16x64c4_enter() {
  static const TileConfig config = make_config();
  load_config(config);
}

void gemm_16x64c4_leave() { release(); }

void gemm_16x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  zero_d();
  const size_t full = kc / kDepth * kDepth;
  // A short tile reads its rows from a copy padded with zero rows: zeroed once, since every step
  // rewrites the same mr rows in full.
  alignas(64) uint8_t a_pad[kRows * kDepth];
  if (mr < kRows && full > 0) std::memset(a_pad, 0, sizeof(a_pad));
  size_t k = 0;
  for (; k < full; k += kDepth, w += kDepth / 4 * kPanelRow) {
    if (mr == kRows) {
      EI8_TILE_LOAD(4, a + k, a_stride);
    } else {
      copy_rows(a + k, a_stride, mr, kDepth, a_pad);
      EI8_TILE_LOAD(4, a_pad, kDepth);
    }
    all_blocks(w, kPanelRow);
  }
  if (k < kc) {
    // The last kc - k (a multiple of 4, below 64) k: A and the panel's remaining k-quads, padded
    // with zeros to a whole tile.
    const size_t tail = kc - k, quads = tail / 4;
    alignas(64) int8_t b_pad[kDepth / 4 * kPanelRow];
    std::memset(a_pad, 0, sizeof(a_pad));
    std::memset(b_pad, 0, sizeof(b_pad));
    copy_rows(a + k, a_stride, mr, tail, a_pad);
    std::memcpy(b_pad, w, quads * kPanelRow);
    EI8_TILE_LOAD(4, a_pad, kDepth);
    all_blocks(b_pad, kPanelRow);
  }
  // D rows past mr are not the caller's: a short tile stores through a full-size buffer.
  alignas(64) int32_t d_pad[kRows * kCols];
  int32_t* out = mr == kRows ? d : d_pad;
  EI8_TILE_STORE(0, out, kCols * 4);
  EI8_TILE_STORE(1, out + 16, kCols * 4);
  EI8_TILE_STORE(2, out + 32, kCols * 4);
  EI8_TILE_STORE(3, out + 48, kCols * 4);
  if (out != d) std::memcpy(d, d_pad, mr * kCols * sizeof(int32_t));
}

// Roofline probe: four independent TDPBUSD chains (16 x 16 x 64 MACs each) on tiles loaded once.
uint64_t dot_peak(uint64_t iterations) {
  alignas(64) uint8_t src[kRows * 64] = {};
  gemm_16x64c4_enter();
  EI8_TILE_LOAD(4, src, 64);
  EI8_TILE_LOAD(5, src, 64);
  zero_d();
  for (uint64_t i = 0; i < iterations; ++i) {
    EI8_TILE_DPBUSD(0, 4, 5);
    EI8_TILE_DPBUSD(1, 4, 5);
    EI8_TILE_DPBUSD(2, 4, 5);
    EI8_TILE_DPBUSD(3, 4, 5);
  }
  gemm_16x64c4_leave();
  return iterations * 4 * kRows * 16 * 64;
}

}  // namespace EI8_AMX_NS
}  // namespace ei8
