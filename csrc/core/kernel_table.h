// What a kernel path (one instruction set) provides to the tiled driver in core/gemm.cc.
// One table per path, filled at compile time in the path's own source folder.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ei8 {

// How a micro-kernel wants the activations: signed, or shifted by +128 into unsigned
// (the VNNI / AMX instructions multiply u8 by s8).
enum class AKind : uint8_t { S8, U8 };

// D[i][j] = sum over k < kc of a[i][k] * w[k][j], for i < mr and every j < nr of one packed panel.
//   a: row i at a + i * a_stride, kc bytes (kc is a multiple of kr), or 2 * kc for ALayout::WithAbs;
//   w: the panel, positioned at the first k-block to use (layout in pack/weights.h);
//   d: mr rows of nr int32, row stride nr. Accumulation wraps modulo 2^32 (exact whenever the
//      true result fits int32, which the API's K bound guarantees).
using GemmUkernel = void (*)(size_t mr, size_t kc, const uint8_t* a, size_t a_stride,
                             const int8_t* w, int32_t* d);

// The same product, and while it runs, [pf, pf + pf_bytes) is prefetched into L2, spread over its
// k-steps. The driver passes a slice of the next weight panel: without it, the next panel's first
// row tile would wait on DRAM while the later tiles of this panel compute from L2 (M = 16..64
// with large K lose 10-20 % that way).
using GemmUkernelPrefetch = void (*)(size_t mr, size_t kc, const uint8_t* a, size_t a_stride,
                                     const int8_t* w, int32_t* d, const int8_t* pf, size_t pf_bytes);

// The product for the first nc (< nr) columns of a panel only, the last panel when N % nr != 0:
// d's other columns are left unspecified. For wide panels (64 columns), where a 16-column panel
// computed whole is three quarters padding.
using GemmUkernelColumns = void (*)(size_t mr, size_t nc, size_t kc, const uint8_t* a, size_t a_stride,
                                    const int8_t* w, int32_t* d);

// A row as a micro-kernel reads it: kp bytes (Plain), or 2 * kp bytes where each 4-byte k-group is
// followed by its absolute values (WithAbs; |-128| is 0x80). The AVX2 sign trick multiplies |a| by
// sign(b, a): with |a| prepared once per call, each row and k-group costs a broadcast load
// instead of a vpabsb on the vector ALUs the kernel is bound by (measured 73 -> 86 % of peak for
// the kernel alone, 60-68 -> 72-76 % through the API at 256x1024x1024).
enum class ALayout : uint8_t { Plain, WithAbs };

// The terms of a tile over per-group weights with f32 output, for a kernel that runs every group
// of a panel in one call. Per (group g, column j from the tile's first column): ck[g * stride + j],
// zb[g * stride + j] (zb null: no row-sum term) and sb[g * stride + j], readable for all nr columns
// of the panel (zero past N). Per row i: za[i], sa[i] and row_sums[i * groups + g].
struct GroupDequantTerms {
  size_t groups;
  size_t group_kc;  // packed k of every group but the last (a multiple of kr): also the groups' spacing
  size_t last_kc;   // packed k of the last group
  size_t stride;
  const int32_t* ck;
  const int32_t* zb;
  const float* sb;
  const int32_t* row_sums;
  const int32_t* za;
  const float* sa;
};

// For i < mr, j < nr: y[i][j] = the sum over the groups, in order, of fl32(acc_g[i][j]) *
// fl32(sa[i] * sb[g][j]) from 0.0f, each step rounded to f32 (ref::matmul_dequant without its
// bias), where acc_g is group g's product corrected as Epilogues::correct (wrapping int32). w is
// the panel; a is row 0 of A from k = 0 in the Ukernel's a_layout; y (64-byte aligned) has row
// stride nr (columns past N come out zero, their terms being zero). A kernel call and two
// epilogues per group made a GEMV over 1x4096x4096 1.3x slower with groups of 128 and 2.5x slower
// with groups of 32 than the GEMV kernels that keep the group sums in registers (Zen 4, one thread).
using DequantGroupsUkernel = void (*)(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                      const GroupDequantTerms& t, float* y);

struct Ukernel {
  GemmUkernel run;  // null when the path has no such kernel
  uint32_t mr;      // rows per call (at most)
  GemmUkernelPrefetch run_prefetch = nullptr;  // optional
  // Optional: D += A * B (d holds the sums over earlier k on entry), prefetching like run_prefetch.
  // With it, the driver walks a panel in k-chunks, every row tile per chunk (core/gemm.cc).
  GemmUkernelPrefetch run_accumulate = nullptr;
  ALayout a_layout = ALayout::Plain;
  // Optional: called on each thread before its first call of a run and after its last (the AMX
  // tile configuration, which is per-thread state).
  void (*enter)() = nullptr;
  void (*leave)() = nullptr;
  GemmUkernelColumns run_columns = nullptr;  // optional
  DequantGroupsUkernel run_dequant_groups = nullptr;  // optional
};

struct GemmKernels {
  const char* name;  // e.g. "qs8_gemm_8x16c4__avx512vnni": operation, tile, ISA
  uint32_t nr, kr;
  AKind a_kind;
  Ukernel gemm;      // exact when no packed weight equals -128 ("narrow" weights)
  Ukernel gemm_any;  // exact for every weight (may be the same function as gemm)
  // Optional small-M kernels (LLM decode): stream each panel once for up to mr rows.
  Ukernel gemv;
  Ukernel gemv_any;
};

// The zero-point terms of one tile's correction: per column, from the tile's first column on, and
// per row.
struct TileTerms {
  const int32_t* zb;        // per column; null: no row-sum term
  const int32_t* ck;        // per column
  const int32_t* bias;      // per column, or null
  const int32_t* row_sums;  // per row (read only with zb)
  const int32_t* za;        // per row

  // The same terms for the columns from j on.
  TileTerms from_column(size_t j) const {
    return {zb ? zb + j : nullptr, ck + j, bias ? bias + j : nullptr, row_sums, za};
  }
};

// One tile's requantization: mr rows of nc int32 sums (row i at acc + i * acc_stride) into int8
// (out_u8 = 0) or uint8 bytes (row i at out + i * out_stride), zero point zy, clamped to [lo, hi].
struct RequantTile {
  const int32_t* acc;
  size_t acc_stride;
  size_t mr, nc;
  int32_t zy, lo, hi;
  int out_u8;
  uint8_t* out;
  size_t out_stride;

  // The same tile from column j on.
  RequantTile from_column(size_t j) const {
    return {acc + j, acc_stride, mr, nc - j, zy, lo, hi, out_u8, out + j, out_stride};
  }
};

// One tile's f32 output from its corrected int32 sums: mr rows of nc (row i at acc + i * acc_stride,
// of out at out + i * out_stride), sa[i] row i's activation scale.
struct DequantTile {
  const int32_t* acc;
  size_t acc_stride;
  size_t mr, nc;
  const float* sa;
  float* out;
  size_t out_stride;

  // The same tile from column j on.
  DequantTile from_column(size_t j) const { return {acc + j, acc_stride, mr, nc - j, sa, out + j, out_stride}; }
};

// Epilogues over nc (<= nr) columns of one tile (correct, requant_*, dequant_store) or tile row
// (dequant_accumulate). Wrapping int32 arithmetic.
struct Epilogues {
  // For i < mr and j < nc: out[i][j] = d[i][j] - zb[j] * row_sums[i] + za[i] * ck[j] (+ bias[j]).
  // Row i of d at d + i * d_stride, of out at out + i * out_stride; out may be d with the same stride
  // (in place) or the caller's output (one pass for int32 results). One call a tile: the column terms
  // are loaded once for all its rows.
  void (*correct)(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
                  size_t out_stride);
  // 'float' requantization (ref::requantize_float) by the columns' multipliers mult[0, nc). One call
  // a tile, as correct: a column vector's multipliers are loaded once for all its rows.
  void (*requant_float)(const RequantTile& t, const float* mult);
  // 'fixedpoint' requantization (ref::requantize_fixedpoint).
  void (*requant_fixed)(const RequantTile& t, const int32_t* mult, const int32_t* shift);
  // y[j] += fl32(acc[j]) * fl32(sa * sb[j])  (ref::dequant_term)
  void (*dequant_accumulate)(const int32_t* acc, size_t nc, float sa, const float* sb, float* y);
  // out[i][j] = (0.0f + fl32(acc[i][j]) * fl32(sa[i] * sb[j])) + bias[j] (bias null: no second
  // addition): ref::matmul_dequant of one-group weights, in one pass from the corrected products to
  // the output.
  void (*dequant_store)(const DequantTile& t, const float* sb, const float* bias);
};

// Dynamic quantization of f32 activations (matmulF32). Both must equal the reference rule lane for
// lane: min/max are exact, and q = sat(RNE(x / s) + z) uses an IEEE division.
struct DynamicQuantKernels {
  // Smallest and largest of x[0..n); false (results unspecified) if any value is NaN or infinite.
  bool (*minmax)(const float* x, size_t n, float* lo, float* hi);
  // q[i] = sat(RNE(x[i] / scale) + zero_point, qmin, qmax) as a byte (int8 in two's complement, or
  // uint8), all x finite, -128 <= qmin <= qmax <= 255 within one dtype's range.
  void (*quantize_run)(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                       uint8_t* q);
};

struct KernelPath {
  const char* isa;  // "scalar", "avx2", "avxvnni", "avx512vnni", "amx", "neon", "dotprod", "i8mm"
  GemmKernels gemm;
  Epilogues epilogues;
  // Roofline probe (bench/): a register-only loop of this ISA's dot-product instruction with
  // enough independent accumulators to reach its throughput; returns the MACs it performed.
  // Null when the path has no dot-product instruction of its own.
  uint64_t (*dot_peak)(uint64_t iterations) = nullptr;
  // Null: the portable versions (kernels/scalar) are used.
  DynamicQuantKernels dynamic_quant = {nullptr, nullptr};
};

}  // namespace ei8
