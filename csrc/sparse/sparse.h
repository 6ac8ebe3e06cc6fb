// Sparse int8 weights: the formats, the object behind ei8_sparse, and what a kernel path provides.
//
// Every format stores w[k][n] = B[k][n] - zb[n] (int8) for the entries where B != zb, so that
//   C[m][n] = sum over stored (k, n) of (A[m][k] - za) * w[k][n]
//           = sum a'[m][k] * w[k][n]  -  za' * colsum_w[n]        (a' = A + shift, za' = za + shift)
// and the correction is the dense path's `correct` epilogue with zb = null and ck = -colsum_w.
//
// Formats (all on the logical B[K, N]; "output" = a column n, "k" = the reduction index):
//  BSR  blocks of r outputs x c consecutive k (c = 1: r = 1 is CSR). Block rows of r outputs, each a
//       list of blocks: idx = k0 / c (uint16), values [r][c] int8 (output-major). Blocks that reach
//       past K or N are zero-filled.
//  NM   at most N non-zeros in every run of M consecutive k of an output (N in {1,2,4}, 4M/N <= 16).
//       Four non-zeros of one output form a "lane": they lie in one window of W = 4M/N consecutive k.
//       Panels of 16 outputs; per (panel, window): 16 lanes x 4 values (lane-major), and 32 bytes of
//       metadata: for each half of 8 lanes, 16 bytes whose low nibbles are the window positions of
//       slots 0..15 (lanes 0-3) and whose high nibbles are those of slots 16..31 (lanes 4-7).
//       Empty slots hold value 0 and position 0.
//  SELL sliced ELLPACK over windows of k, for unstructured weights: panels of 16 outputs x windows of
//       128 consecutive k. A (panel, window) holds as many slots as its fullest output needs (a slot
//       has four places for each output's non-zeros); a slot is 128 bytes: 64 window positions
//       (0..127), four per output (output-major), then the 64 values in the same places. Empty places
//       hold position 0 and value 0. One byte permute over the window's 128 activations (vpermi2b)
//       gathers a slot's 64, or eight 16-byte lookups (vpshufb) 32 on ymm or 64 on zmm, where CSR's GEMV
//       gathers element by element.
//  DENSE the weights did not pay for a sparse format (density above the threshold): a packed dense
//       ei8_packed runs the dense path.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/cache_line.h"
#include "core/kernel_table.h"
#include "edge_int8.h"

namespace ei8 {
namespace sparse {

enum class Format : uint8_t { BSR, NM, SELL, DENSE };

// Bytes of zeroed slack after index and value streams: SIMD kernels may read (never use) this far.
constexpr size_t kSlack = 256;
// Bytes of zeroed padding after each prepared activation row (window loads, gathers past K).
constexpr size_t kRowPad = 64;

struct Bsr {
  uint32_t r = 1, c = 1;
  size_t block_rows = 0;  // ceil(N / r)
  size_t k_blocks = 0;    // ceil(K / c)
  size_t nblocks = 0;
  std::vector<uint32_t> row_ptr;  // block_rows + 1
  AlignedBuffer idx;              // uint16 per block, + slack
  AlignedBuffer val;              // r * c per block, + slack

  const uint16_t* index() const { return reinterpret_cast<const uint16_t*>(idx.data()); }
  const int8_t* values() const { return reinterpret_cast<const int8_t*>(val.data()); }
  // Bytes a kernel streams: values, indices, row pointers.
  size_t stream_bytes() const { return nblocks * (size_t(r) * c + 2) + row_ptr.size() * 4; }
};

struct Nm {
  uint32_t n = 2, m = 4;
  uint32_t window = 8;  // W = 4M/N
  size_t panels = 0;    // ceil(N / 16)
  size_t windows = 0;   // ceil(K / W)
  AlignedBuffer val;    // [panel][window][16][4], + slack
  AlignedBuffer meta;   // [panel][window][32], + slack

  const int8_t* values(size_t panel, size_t t) const {
    return reinterpret_cast<const int8_t*>(val.data()) + (panel * windows + t) * 64;
  }
  const uint8_t* metadata(size_t panel, size_t t) const { return meta.data() + (panel * windows + t) * 32; }
  size_t stream_bytes() const { return panels * windows * (64 + 32); }
  // Window position (0..W-1) of slot s (0..3) of lane l (0..15) from one (panel, window) metadata block.
  static uint32_t position(const uint8_t* md, size_t l, size_t s) {
    const size_t half = l / 8, slot = (l % 8) * 4 + s;
    const uint8_t b = md[half * 16 + slot % 16];
    return slot < 16 ? (b & 15u) : (b >> 4);
  }
};

struct Sell {
  static constexpr uint32_t kWindow = 128;
  static constexpr uint32_t kSlotBytes = 128;
  size_t panels = 0;                // ceil(N / 16)
  size_t windows = 0;               // ceil(K / kWindow)
  std::vector<uint32_t> panel_ptr;  // panels + 1: the first slot of each panel
  AlignedBuffer count;              // slots of each (panel, window), uint8 [panel][window], + slack
  AlignedBuffer data;               // [slot][positions 64, values 64], + slack

  size_t slots() const { return panel_ptr.empty() ? 0 : panel_ptr.back(); }
  const uint8_t* counts(size_t panel) const { return count.data() + panel * windows; }
  const uint8_t* slot(size_t i) const { return data.data() + i * kSlotBytes; }
  size_t stream_bytes() const { return slots() * kSlotBytes + panels * windows + panel_ptr.size() * 4; }
};

// Row-kernel contracts. a: prepared activation rows (the path's AKind), row i at a + i * a_stride,
// zero-padded to at least the format's padded K plus kRowPad. d: int32 results, row i at
// d + i * d_stride, one column per output of the range, and nothing else written (the driver may
// point d into the caller's output). Wrapping int32 accumulation.
//
// Block rows [br0, br1): d[i][(br - br0) * r + j] = sum over blocks of a'[i][k] * w[k][br * r + j].
using BsrRowsFn = void (*)(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride,
                           int32_t* d, size_t d_stride);
// The same for c % 4 == 0, with A transposed in quads: at4 + q * at4_stride + 4 * i holds
// a'[i][4q .. 4q+3]; lanes from mr up to the next multiple of 16 are readable (zeros or other rows:
// their results are not used). The result is transposed too, a vector of rows per output:
// d[((br - br0) * r + j) * d_stride + i];
// lanes from mr up to the next multiple of 16 may be written (d_stride allows for them).
using BsrMvecFn = void (*)(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* at4, size_t at4_stride,
                           int32_t* d, size_t d_stride);
// The same for c = 1 (CSR, r x 1 blocks), A transposed by bytes: at1 + k * at1_stride + i holds
// a'[i][k]; lanes from mr up to the kernel's vector width are readable (their results are not used).
// The result is transposed as bsr_mvec's.
using BsrK1MvecFn = void (*)(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* at1, size_t at1_stride,
                             int32_t* d, size_t d_stride);
// The byte shuffle that makes four r x 1 blocks' weights (r bytes a block, r <= 4) output-major, as
// bsr_k1_mvec's kernels take them: byte 4o + t = block t's weight of output o, zero for o >= r (0xFF
// zeroes a byte under both vpshufb and TBL).
struct K1OutputMajor {
  uint8_t b[16];
};
constexpr K1OutputMajor k1_output_major(uint32_t r) {
  K1OutputMajor c{};
  for (uint32_t o = 0; o < 4; ++o)
    for (uint32_t t = 0; t < 4; ++t) c.b[4 * o + t] = static_cast<uint8_t>(o < r ? t * r + o : 0xFF);
  return c;
}
// The same as BsrRowsFn for the shapes of groups_shape (c % 4 == 0, r x c / 4 a multiple of 4), A
// in groups of 4 rows, each transposed in k-quads: ag + gi * ag_stride + 16 * q + 4 * i holds
// a'[4 gi + i][4q .. 4q+3] (zero past K and in the rows of the last group from mr on). mr <= 12.
using BsrGroupsFn = void (*)(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* ag, size_t ag_stride,
                             int32_t* d, size_t d_stride);
inline bool groups_shape(uint32_t r, uint32_t c) {
  switch (r * 100 + c) {
    case 404: case 804: case 208: case 408: case 116: case 216: case 416: return true;
    default: return false;
  }
}
// Panels [p0, p1) of 16 outputs: d[i][(p - p0) * 16 + l].
using NmRowsFn = void (*)(const Nm& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride,
                          int32_t* d, size_t d_stride);
// Panels [p0, p1) of 16 outputs: d[i][(p - p0) * 16 + l]; rows padded to windows * 128 + kRowPad.
using SellRowsFn = void (*)(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride,
                            int32_t* d, size_t d_stride);

// How a SELL kernel gathers a slot's activations, which sets its cost in 'auto' (sparse_pack.cc).
enum class SellGather : uint8_t {
  kPortable,    // the portable C++ loop, one activation at a time: never measured, 'auto' skips SELL
  kPermute,     // byte permutes over the whole window (vpermi2b on VBMI, TBL / TBX on ARM)
  kLookupsYmm,  // eight 16-byte lookups (vpshufb) per 32 places: AVX2, AVX-VNNI
  kLookupsZmm,  // the same per 64 places: AVX-512 without VBMI
};

// Measured cost of one streamed byte of each format's kernels relative to a dense weight byte:
// dense speedup x (stream bytes / dense bytes), on one path against its own dense kernels. 'auto'
// (sparse_pack.cc) weighs the candidates with them. SELL's cost depends on how the path's kernel
// gathers (sell_cost): sell_permute is the byte-permute kernel's, 0 in a table of a path without one.
struct FormatCosts {
  double nm, csr, block_4x4, block_1x16, block_1x4, block_4x1, sell_permute;
};

// The same for batches (packSparse's rows >= 8), by the rows of a call: 8-15, 16-31, 32-63, 64 and
// more (the batch kernels fill their vectors of rows as M grows).
struct BatchCosts {
  FormatCosts by_rows[4];
};

// Rows per kernel call of a table (SparseKernels' *_mr fields and bsr_groups_max_m), for the x86
// tables built by x86_sparse_kernels.inc's kernel_table.
struct CallRows {
  uint32_t bsr_rows, bsr_mvec, nm_rows, bsr_groups_max_m, bsr_k1_mvec;
};

// What one instruction set provides. Names follow the dense kernels: operation, tile, ISA.
struct SparseKernels {
  const char* isa;  // the dense path of the same name supplies the epilogues when it is in use
  AKind a_kind;
  BsrRowsFn bsr_rows;
  uint32_t bsr_rows_mr;  // rows per call (at most)
  BsrMvecFn bsr_mvec;    // null: not provided
  uint32_t bsr_mvec_mr;  // rows per call (at most, a multiple of 16)
  NmRowsFn nm_rows;
  uint32_t nm_rows_mr;
  BsrGroupsFn bsr_groups;     // null: not provided
  uint32_t bsr_groups_max_m;  // used for 2 <= M <= this, at most 12 (measured against bsr_mvec)
  BsrK1MvecFn bsr_k1_mvec = nullptr;  // null: not provided; for r <= 4
  uint32_t bsr_k1_mvec_mr = 0;        // rows per call (at most, a multiple of 16)
  SellRowsFn sell_rows = nullptr;     // every path has one (the portable kernel at least)
  uint32_t sell_rows_mr = 0;          // rows per call (at most)
  SellGather sell_gather = SellGather::kPermute;
  const FormatCosts* gemv_costs = nullptr;  // M < 8; null: the AVX-512 VNNI figures (sparse_pack.cc)
  const BatchCosts* batch_costs = nullptr;  // M >= 8; null: the AVX-512 VNNI figures (sparse_pack.cc)
  // Null, or the path's kernels for weights without -128 (ei8_sparse::narrow), which the calls and
  // 'auto' take instead of these: paths whose exact dot costs more than a dot that needs w != -128
  // (avx2 and sse41 widen to int16 where the narrow kernels use the sign trick, as the dense ones).
  const SparseKernels* narrow = nullptr;
};

// The kernels of `path` that serve `w`: its narrow table where it has one and w fits it.
inline const SparseKernels* kernels_for(const SparseKernels* path, bool narrow_weights) {
  return path && path->narrow && narrow_weights ? path->narrow : path;
}

// Sparse kernel paths built into this binary and usable on this CPU, portable first, best last.
const std::vector<const SparseKernels*>& kernel_paths();
// The portable C++ kernels (always present).
extern const SparseKernels kPortable;

// The path a sparse call would run now (null: the reference), as the calls choose it.
const SparseKernels* kernels_in_use();

// For tests: run every sparse call on `k` (null: follow the dense ISA in use, the default).
void force_kernels(const SparseKernels* k);

}  // namespace sparse
}  // namespace ei8

// refs, which every call changes, on a cache line of its own (as in ei8_packed).
struct ei8_sparse {
  alignas(ei8::kCacheLine) std::atomic<int> refs{1};
  alignas(ei8::kCacheLine) size_t k = 0, n = 0;
  ei8_dtype dtype = EI8_INT8;
  std::vector<int32_t> zero_point;  // n (broadcast from per tensor)
  std::vector<float> scale;         // n, or empty when packed without scales
  int32_t max_abs_b = 0;            // as ei8_packed: max over zero points of the largest |B - zb|
  bool narrow = true;               // no stored w equals -128 (SparseKernels::narrow)
  ei8::sparse::Format format = ei8::sparse::Format::BSR;
  ei8::sparse::Bsr bsr;
  ei8::sparse::Nm nm;
  ei8::sparse::Sell sell;
  ei8_packed* dense = nullptr;  // Format::DENSE
  std::vector<int32_t> ck;      // n: -sum_k w[k][n] (wrapping)
  size_t nnz = 0;               // stored weights that are not zero

  ~ei8_sparse() { ei8_packed_release(dense); }
};
