// The codebook C API (edge_int8_codebook.h): argument checks, kernel choice, and the tiled driver
// that runs a look-up-table micro-kernel per (panel, rows, group) and applies the epilogues of
// ref/scalar_math.h in the reference's order, so that results equal the reference bit for bit.
#include "kernels/codebook_lut.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/dynamic_quant.h"
#include "core/matmul_request.h"
#include "core/requant_setup.h"
#include "core/threadpool.h"
#include "core/work_split.h"
#include "dispatch/registry.h"
#include "edge_int8_codebook.h"
#include "ref/codebook_ref.h"
#include "ref/quantize_ref.h"
#include "ref/scalar_math.h"

using namespace ei8;
using ei8::lut::AForm;
using ei8::lut::LutKernel;

namespace {

// ------------------------------------------------------------------------ kernel choice ----

struct KernelEntry {
  const char* name;  // "ref" or the kernel's ISA
  const LutKernel* kernel;  // null: the reference
  const LutKernel* gemv;    // if set, runs the calls with M = 1 instead of kernel
};

const std::vector<KernelEntry>& available() {
  static const std::vector<KernelEntry> list = [] {
    std::vector<KernelEntry> v{{"ref", nullptr, nullptr}, {lut::kLut4Scalar.isa, &lut::kLut4Scalar, nullptr}};
#if defined(__x86_64__) || defined(_M_X64)
    for (const LutKernel* k : {&lut::kLut4Sse41, &lut::kLut4Avx2, &lut::kLut4Avx512Vnni})
      if (k->supported(cpu_features())) v.push_back({k->isa, k, nullptr});
#elif defined(__aarch64__)
    // The features are those of the dense paths (kernels/paths_arm.cc). SMMLA multiplies row
    // pairs, so on one row half of its work is wasted: M = 1 runs the dotprod kernel (every CPU
    // admitted to i8mm has dotprod).
    const KernelEntry arm[] = {{lut::kLut4Neon.isa, &lut::kLut4Neon, nullptr},
                               {lut::kLut4Neondot.isa, &lut::kLut4Neondot, nullptr},
                               {lut::kLut4Neoni8mm.isa, &lut::kLut4Neoni8mm, &lut::kLut4Neondot}};
    for (const KernelEntry& e : arm)
      if (e.kernel->supported(cpu_features())) v.push_back(e);
#endif
    return v;
  }();
  return list;
}

std::atomic<int>& forced() {  // index into available(), or -1 for "auto"
  static std::atomic<int> f{-1};
  return f;
}

// The forced kernel, or the best one the dense path in use may run (registry.h, family_kernels:
// never instructions above the forced path's); "ref" with the reference. One table lookup a call.
const KernelEntry& current_entry() {
  const auto& list = available();
  const int f = forced().load();
  if (f >= 0) return list[static_cast<size_t>(f)];
  static const std::vector<int> by_isa = [&] {
    std::vector<const char*> names;
    for (const KernelEntry& e : list) names.push_back(e.name);
    return family_kernels(names);
  }();
  const int best = by_isa[static_cast<size_t>(&current_isa() - available_isas().data())];
  return list[best < 0 ? 0 : static_cast<size_t>(best)];
}

// Calls per entry of available(), for tests that prove a kernel ran.
std::atomic<uint64_t>* calls() {
  static std::atomic<uint64_t>* c = [] {
    auto* a = new std::atomic<uint64_t>[available().size()];
    for (size_t i = 0; i < available().size(); ++i) a[i].store(0);
    return a;
  }();
  return c;
}

// ------------------------------------------------------------------------------ checks ----

bool valid_dtype(ei8_dtype dt) { return dt == EI8_INT8 || dt == EI8_UINT8; }

// Shapes, zero points and the exactness bound over `reduced` (K, or the group length). The decoded
// weights are int8 with zero point 0, so |B - zb| <= 128, as for int8 weights packed by ei8_pack_weights.
ei8_status check_activations(const ei8_activations* a, const ei8_codebook* b, bool per_group_bound) {
  if (!a || !b || !a->data || !a->zero_point || !valid_dtype(a->dtype)) return EI8_E_ARG;
  if (a->m == 0 || a->k != b->k || a->row_stride < a->k) return EI8_E_ARG;
  if (a->n_zero_points != 1 && a->n_zero_points != a->m) return EI8_E_ARG;
  if (a->m - 1 > (std::numeric_limits<size_t>::max() - a->k) / a->row_stride) return EI8_E_OVERFLOW;
  int32_t qmin, qmax;
  ei8_dtype_range(a->dtype, 0, &qmin, &qmax);
  if (ref::check_params(nullptr, a->zero_point, a->n_zero_points, qmin, qmax, nullptr) != EI8_OK) return EI8_E_RANGE;
  int32_t worst = 0;
  for (size_t i = 0; i < a->n_zero_points; ++i)
    worst = std::max(worst, std::max(a->zero_point[i] - qmin, qmax - a->zero_point[i]));
  const size_t reduced = per_group_bound && b->group_size ? std::min(b->group_size, b->k) : b->k;
  const int64_t bound = worst == 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int32_t>::max() / (int64_t{worst} * 128);
  return static_cast<int64_t>(reduced) <= bound ? EI8_OK : EI8_E_OVERFLOW;
}

// ------------------------------------------------------------------------------ driver ----

using Request = MatmulRequest<ei8_codebook>;

// A in the kernel's form: one row per m, packed_k elements, each group at its packed offset, zero padding.
struct PreparedA {
  AlignedBuffer storage;
  size_t stride = 0;            // bytes per row (S8X2: a pair of rows spans two)
  std::vector<int32_t> za;      // byte forms: za' per row (subtracted times colsum); S16: unused
};

// Bytes per element of a row, and per k from a kernel's `a` (S8X2: a pair's rows share the bytes).
size_t row_bytes(AForm f) { return f == AForm::S16 ? 2 : 1; }
size_t k_bytes(AForm f) { return f == AForm::S16 || f == AForm::S8X2 ? 2 : 1; }
// The byte forms shift A into the multiplier's type; the driver subtracts za' * colsum.
bool corrected(AForm f) { return f != AForm::S16; }

int32_t load_a(const ei8_activations& a, size_t m, size_t k) {
  const size_t i = m * a.row_stride + k;
  return a.dtype == EI8_INT8 ? static_cast<const int8_t*>(a.data)[i] : static_cast<const uint8_t*>(a.data)[i];
}

bool prepare_a(const ei8_activations& a, const ei8_codebook& b, AForm form, PreparedA& p) {
  const GroupGeometry& g = b.geom;
  p.stride = round_up(g.packed_k() * row_bytes(form), 64);
  const size_t rows = form == AForm::S8X2 ? round_up(a.m, 2) : a.m;
  if (!p.storage.resize(rows * p.stride)) return false;
  p.za.resize(a.m);
  // U8: int8 activations become a + 128; S8, S8X2: uint8 ones become a - 128.
  int32_t shift = 0;
  if (form == AForm::U8 && a.dtype == EI8_INT8) shift = 128;
  if ((form == AForm::S8 || form == AForm::S8X2) && a.dtype == EI8_UINT8) shift = -128;
  for (size_t m = 0; m < a.m; ++m) {
    const int32_t za = a.zero_point[a.n_zero_points == 1 ? 0 : m];
    p.za[m] = za + shift;
    uint8_t* row = p.storage.data() + m * p.stride;
    uint8_t* pair = p.storage.data() + (m & ~size_t{1}) * p.stride;
    for (size_t gi = 0; gi < g.groups; ++gi) {
      const size_t k0 = gi * g.group_size, off = g.packed_offset(gi);
      for (size_t kk = 0; kk < g.len(gi); ++kk) {
        const int32_t v = load_a(a, m, k0 + kk);
        const size_t pk = off + kk;
        switch (form) {
          case AForm::U8:
          case AForm::S8:
            row[pk] = static_cast<uint8_t>(v + shift);
            break;
          case AForm::S8X2:
            pair[pk / 8 * 16 + (m & 1) * 8 + pk % 8] = static_cast<uint8_t>(v + shift);
            break;
          case AForm::S16:
            reinterpret_cast<int16_t*>(row)[pk] = static_cast<int16_t>(v - za);
            break;
        }
      }
    }
  }
  return true;
}

constexpr size_t kMaxMr = 8;
constexpr size_t kGroupChunk = 32;  // groups per micro-kernel call (bounds the stack buffer)

// The epilogue of the groups [g0, g0 + gc) for rows [m0, m0 + mr) and the NC columns from n0: the U8
// correction, then the f32 group sum in group order (DEQUANT) or the wrapping int32 sum (I32,
// REQUANT). NC is 4 for full panels, a constant the compiler vectorises; every operation is the
// reference's, one IEEE operation each, so vectorising changes no bit.
template <size_t NC>
void accumulate_groups(const Request& req, const PreparedA& pa, AForm form, size_t g0, size_t gc, size_t m0, size_t mr,
                       size_t n0, size_t nc, const int32_t* d, uint32_t* total, float* y) {
  const ei8_codebook& b = *req.w;
  const size_t N = b.n, cols = NC ? NC : nc;
  const bool dequant = req.kind == OutKind::DEQUANT;
  for (size_t i = 0; i < mr; ++i) {
    const size_t m = m0 + i;
    const uint32_t za = corrected(form) ? static_cast<uint32_t>(pa.za[m]) : 0;
    const float sa = dequant ? req.a_scale[req.n_a_scales == 1 ? 0 : m] : 0.0f;
    // Local copies (no aliasing with the inputs) for the compiler to keep in vector registers.
    float yl[lut::kNR];
    uint32_t tl[lut::kNR];
    for (size_t j = 0; j < lut::kNR; ++j) {
      yl[j] = y[i * lut::kNR + j];
      tl[j] = total[i * lut::kNR + j];
    }
    for (size_t g = g0; g < g0 + gc; ++g) {
      const int32_t* __restrict dg = d + ((g - g0) * mr + i) * lut::kNR;
      const int32_t* __restrict colsum = &b.colsum[g * N + n0];
      int32_t acc[lut::kNR];
      for (size_t j = 0; j < cols; ++j)
        acc[j] = static_cast<int32_t>(static_cast<uint32_t>(dg[j]) - za * static_cast<uint32_t>(colsum[j]));
      if (dequant) {
        const float* __restrict sb = &b.scale[g * N + n0];
        for (size_t j = 0; j < cols; ++j) yl[j] += ref::dequant_term(acc[j], sa, sb[j]);
      } else {
        for (size_t j = 0; j < cols; ++j) tl[j] += static_cast<uint32_t>(acc[j]);
      }
    }
    for (size_t j = 0; j < lut::kNR; ++j) {
      y[i * lut::kNR + j] = yl[j];
      total[i * lut::kNR + j] = tl[j];
    }
  }
}

// Rows [m0, m0 + mr) of panel p: the micro-kernel over chunks of groups, then the output epilogue.
void run_tile(const LutKernel& kern, const Request& req, const PreparedA& pa, size_t m0, size_t mr, size_t p) {
  const ei8_codebook& b = *req.w;
  const GroupGeometry& geom = b.geom;
  const size_t N = b.n, n0 = p * lut::kNR, nc = std::min(lut::kNR, N - n0);
  const size_t elem = k_bytes(kern.a_form);
  const size_t G = geom.groups, group_blocks = round_up(geom.group_size, lut::kKR) / lut::kKR;
  const size_t last_blocks = geom.padded_len(G - 1) / lut::kKR;
  int32_t d[kGroupChunk * kMaxMr * lut::kNR];
  uint32_t total[kMaxMr * lut::kNR] = {};
  float y[kMaxMr * lut::kNR] = {};
  // Float output of a full panel: the kernel's own epilogue, when it has one.
  const bool fused = req.kind == OutKind::DEQUANT && nc == lut::kNR && kern.gemm_dequant != nullptr;
  int32_t za[kMaxMr] = {};
  float sa[kMaxMr] = {};
  if (fused) {
    for (size_t i = 0; i < mr; ++i) {
      za[i] = corrected(kern.a_form) ? pa.za[m0 + i] : 0;
      sa[i] = req.a_scale[req.n_a_scales == 1 ? 0 : m0 + i];
    }
  }
  for (size_t g0 = 0; g0 < G; g0 += kGroupChunk) {
    const size_t gc = std::min(kGroupChunk, G - g0);
    const lut::Groups groups{gc, group_blocks, g0 + gc == G ? last_blocks : group_blocks};
    const size_t off = geom.packed_offset(g0);
    const uint8_t* a = pa.storage.data() + m0 * pa.stride + off * elem;
    const uint8_t* w = b.panel(p) + off / 2 * lut::kNR;
    if (fused) {
      const lut::DequantParams params{za, sa, &b.colsum[g0 * N + n0], &b.scale[g0 * N + n0], N, y};
      kern.gemm_dequant(mr, groups, a, pa.stride, w, b.panel_tables(p, g0), params);
      continue;
    }
    kern.gemm(mr, groups, a, pa.stride, w, b.panel_tables(p, g0), d);
    if (nc == lut::kNR)
      accumulate_groups<lut::kNR>(req, pa, kern.a_form, g0, gc, m0, mr, n0, nc, d, total, y);
    else
      accumulate_groups<0>(req, pa, kern.a_form, g0, gc, m0, mr, n0, nc, d, total, y);
  }
  for (size_t i = 0; i < mr; ++i) {
    const size_t m = m0 + i;
    for (size_t j = 0; j < nc; ++j) {
      const size_t n = n0 + j, t = i * lut::kNR + j;
      switch (req.kind) {
        case OutKind::I32:
          static_cast<int32_t*>(req.out)[m * N + n] = static_cast<int32_t>(total[t]);
          break;
        case OutKind::REQUANT: {
          const ei8_requant& rq = *req.rq;
          int32_t acc = static_cast<int32_t>(total[t]);
          if (rq.bias) acc = ref::wrap_add(acc, rq.bias[n]);
          const int32_t v = rq.rounding == EI8_ROUND_FLOAT
                                ? ref::requantize_float(acc, req.mult_float[n], rq.out_zero_point, rq.clamp_min, rq.clamp_max)
                                : ref::requantize_fixedpoint(acc, req.mult_fixed[n], req.shift_fixed[n], rq.out_zero_point,
                                                             rq.clamp_min, rq.clamp_max);
          if (rq.out_dtype == EI8_INT8)
            static_cast<int8_t*>(req.out)[m * N + n] = static_cast<int8_t>(v);
          else
            static_cast<uint8_t*>(req.out)[m * N + n] = static_cast<uint8_t>(v);
          break;
        }
        case OutKind::DEQUANT: {
          float v = y[t];
          if (req.bias_f32) v += req.bias_f32[n];
          static_cast<float*>(req.out)[m * N + n] = v;
          break;
        }
      }
    }
  }
}

// Below this many multiply-adds a call runs on the calling thread: waking workers costs more.
constexpr size_t kMinParallelMacs = size_t(1) << 18;
// The least work of a chunk of a thread's share (work_split.h), as for dense weights.
constexpr size_t kMinChunkMacs = size_t(1) << 21;

ei8_status run_kernel(const LutKernel& kern, const Request& req) {
  const ei8_activations& a = *req.a;
  const ei8_codebook& b = *req.w;
  if (kern.mr > kMaxMr || (kern.a_form == AForm::S8X2 && kern.mr % 2)) return EI8_E_ARG;
  PreparedA pa;
  if (!prepare_a(a, b, kern.a_form, pa)) return EI8_E_NOMEM;
  const size_t M = a.m, panels = b.panels;
  const size_t threads = M * b.n * b.k < kMinParallelMacs ? 1 : ThreadPool::instance().threads();
  // Row tiles start at multiples of kern.mr (even for S8X2, whose pairs are rows 2i, 2i + 1).
  const WorkSplit split = split_work(panels, div_up(M, kern.mr), threads);
  const size_t chunks = chunks_per_share(split, M * b.k * lut::kNR, kMinChunkMacs, threads);
  run_split(split, threads, chunks, [&](size_t p0, size_t p1, size_t t0, size_t t1, size_t) {
    for (size_t p = p0; p < p1; ++p)
      for (size_t tm = t0; tm < t1; ++tm) {
        const size_t m0 = tm * kern.mr;
        run_tile(kern, req, pa, m0, std::min<size_t>(kern.mr, M - m0), p);
      }
  });
  return EI8_OK;
}

// Runs the chosen kernel, or `reference` for "ref".
template <class RefFn>
ei8_status dispatch(const Request& req, RefFn&& reference) {
  const KernelEntry& e = current_entry();
  calls()[&e - available().data()].fetch_add(1, std::memory_order_relaxed);
  try {
    if (e.kernel == nullptr) {
      reference();
      return EI8_OK;
    }
    return run_kernel(req.a->m == 1 && e.gemv ? *e.gemv : *e.kernel, req);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

}  // namespace

// ------------------------------------------------------------------------------- C API ----

ei8_status ei8_codebook_pack(const uint8_t* indices, ei8_layout layout, size_t k, size_t n,
                             const int8_t* tables, const float* scales, size_t n_books,
                             size_t group_size, ei8_codebook** out) {
  if (!out) return EI8_E_ARG;
  *out = nullptr;
  if (!indices || !tables || !scales || k == 0 || n == 0) return EI8_E_ARG;
  if (layout != EI8_LAYOUT_KN && layout != EI8_LAYOUT_NK) return EI8_E_ARG;
  if (k > std::numeric_limits<size_t>::max() / 2 / n) return EI8_E_OVERFLOW;
  const size_t groups = group_size ? div_up(k, group_size) : 1;
  const bool books_ok = group_size ? n_books == groups * n : (n_books == 1 || n_books == n);
  if (!books_ok) return EI8_E_ARG;
  for (size_t i = 0; i < n_books; ++i)
    if (!std::isfinite(scales[i]) || !(scales[i] > 0.0f)) return EI8_E_RANGE;
  ei8_codebook* c = new (std::nothrow) ei8_codebook();
  if (!c) return EI8_E_NOMEM;
  const ei8_status st = ref::codebook_pack(indices, layout, k, n, tables, scales, n_books, group_size, *c);
  if (st != EI8_OK) {
    delete c;
    return st;
  }
  *out = c;
  return EI8_OK;
}

void ei8_codebook_retain(ei8_codebook* c) {
  if (c) c->refs.fetch_add(1);
}
void ei8_codebook_release(ei8_codebook* c) {
  if (c && c->refs.fetch_sub(1) == 1) delete c;
}
size_t ei8_codebook_k(const ei8_codebook* c) { return c ? c->k : 0; }
size_t ei8_codebook_n(const ei8_codebook* c) { return c ? c->n : 0; }
size_t ei8_codebook_group_size(const ei8_codebook* c) { return c ? c->group_size : 0; }
size_t ei8_codebook_bytes(const ei8_codebook* c) { return c ? c->bytes() : 0; }

ei8_status ei8_codebook_matmul_i32(const ei8_activations* a, const ei8_codebook* b, int32_t* out) {
  const ei8_status st = check_activations(a, b, false);
  if (st != EI8_OK) return st;
  if (!out) return EI8_E_ARG;
  return dispatch(Request::i32(a, b, out), [&] { ref::codebook_matmul_i32(*a, *b, out); });
}

ei8_status ei8_codebook_matmul_requant(const ei8_activations* a, const ei8_codebook* b,
                                       const ei8_requant* rq, void* out) {
  const ei8_status st = check_activations(a, b, false);
  if (st != EI8_OK) return st;
  if (!out || b->group_size) return EI8_E_ARG;
  const ei8_status rq_st = check_requant(rq);
  if (rq_st != EI8_OK) return rq_st;
  try {
    RequantMultipliers mult;
    if (!compute_requant_multipliers(rq->a_scale, b->scale.data(), b->n, rq->out_scale, rq->rounding, &mult))
      return EI8_E_RANGE;
    return dispatch(Request::requant(a, b, rq, mult, out),
                    [&] { ref::codebook_matmul_requant(*a, *b, *rq, out); });
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

ei8_status ei8_codebook_matmul_dequant(const ei8_activations* a, const float* a_scale,
                                       size_t n_a_scales, const ei8_codebook* b, const float* bias,
                                       float* out) {
  const ei8_status st = check_activations(a, b, true);
  if (st != EI8_OK) return st;
  if (!out) return EI8_E_ARG;
  const ei8_status scales_st = check_dequant_scales(a, a_scale, n_a_scales);
  if (scales_st != EI8_OK) return scales_st;
  return dispatch(Request::dequant(a, b, a_scale, n_a_scales, bias, out),
                  [&] { ref::codebook_matmul_dequant(*a, a_scale, n_a_scales, *b, bias, out); });
}

ei8_status ei8_codebook_matmul_f32(const float* a, size_t m, size_t k, int per_token,
                                   const ei8_codebook* b, const float* bias, float* out,
                                   size_t* bad_index) {
  if (!a || !b || !out || m == 0 || k != b->k) return EI8_E_ARG;
  if (m > std::numeric_limits<size_t>::max() / k) return EI8_E_OVERFLOW;
  try {
    // A per row (per token) or per tensor, uint8 affine: exactly as ei8_matmul_f32 quantizes it.
    DynamicQuantActivations qa;
    const ei8_status st = quantize_activations_u8(a, m, k, per_token != 0, &qa, bad_index);
    if (st != EI8_OK) return st;
    return ei8_codebook_matmul_dequant(&qa.view, qa.scale, qa.n_scales, b, bias, out);
  } catch (const std::bad_alloc&) {
    return EI8_E_NOMEM;
  }
}

size_t ei8_codebook_kernel_count(void) { return available().size(); }
const char* ei8_codebook_kernel_name(size_t i) { return i < available().size() ? available()[i].name : nullptr; }
const char* ei8_codebook_kernel_current(void) { return current_entry().name; }

ei8_status ei8_codebook_set_kernel(const char* name) {
  if (!name) return EI8_E_ISA;
  if (std::strcmp(name, "auto") == 0) {
    forced().store(-1);
    return EI8_OK;
  }
  const auto& list = available();
  for (size_t i = 0; i < list.size(); ++i) {
    if (std::strcmp(name, list[i].name) == 0) {
      forced().store(static_cast<int>(i));
      return EI8_OK;
    }
  }
  return EI8_E_ISA;
}

uint64_t ei8_codebook_kernel_calls(const char* name) {
  if (!name) return 0;
  const auto& list = available();
  for (size_t i = 0; i < list.size(); ++i)
    if (std::strcmp(name, list[i].name) == 0) return calls()[i].load();
  return 0;
}
