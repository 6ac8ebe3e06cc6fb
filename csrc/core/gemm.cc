#include "core/gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/threadpool.h"
#include "core/work_split.h"
#include "ref/scalar_math.h"

namespace ei8 {

namespace {

constexpr size_t kMaxMr = 16, kMaxNr = 64;

// A in the micro-kernel's representation: kp bytes per row, each group at its packed offset.
struct PreparedA {
  const uint8_t* data;
  size_t stride;
  size_t bytes_per_k = 1;         // 2 for ALayout::WithAbs
  int32_t za_shift;               // za' = za + za_shift
  const ei8_activations* a;
  std::vector<int32_t> row_sums;  // per (row, group) of a', when the weights need them
  AlignedBuffer storage, abs_storage;

  int32_t za(size_t m) const { return a->zero_point[a->n_zero_points == 1 ? 0 : m] + za_shift; }
  // Row m from packed k onward, as a micro-kernel reads it (k counts bytes_per_k bytes each).
  const uint8_t* at(size_t m, size_t k) const { return data + m * stride + k * bytes_per_k; }
};

int32_t load_a(const ei8_activations& a, size_t m, size_t k) {
  const size_t i = m * a.row_stride + k;
  return a.dtype == EI8_INT8 ? static_cast<const int8_t*>(a.data)[i]
                             : static_cast<const uint8_t*>(a.data)[i];
}

// Rows of `p` (XOR `mask`) rewritten with each 4-byte k-group followed by its absolute values.
bool add_abs(size_t M, size_t kp, uint8_t mask, PreparedA& p) {
  if (!p.abs_storage.resize(M * kp * 2)) return false;
  for (size_t m = 0; m < M; ++m) {
    const uint8_t* src = p.data + m * p.stride;
    uint8_t* dst = p.abs_storage.data() + m * kp * 2;
    size_t k = 0;
#if defined(__SSE2__)
    const __m128i flip = _mm_set1_epi8(static_cast<char>(mask));
    for (; k + 16 <= kp; k += 16, dst += 32) {
      const __m128i x = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k)), flip);
      const __m128i neg = _mm_cmpgt_epi8(_mm_setzero_si128(), x);  // 0xFF where x < 0
      const __m128i ax = _mm_sub_epi8(_mm_xor_si128(x, neg), neg);  // |x|, and |-128| = 0x80
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_unpacklo_epi32(x, ax));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), _mm_unpackhi_epi32(x, ax));
    }
#endif
    for (; k < kp; k += 4, dst += 8)
      for (size_t i = 0; i < 4; ++i) {
        const int8_t v = static_cast<int8_t>(src[k + i] ^ mask);
        dst[i] = static_cast<uint8_t>(v);
        dst[4 + i] = static_cast<uint8_t>(v < 0 ? -v : v);
      }
  }
  p.data = p.abs_storage.data();
  p.stride = kp * 2;
  p.bytes_per_k = 2;
  return true;
}

bool prepare_a(const ei8_activations& a, const PackedData& pd, AKind kind, ALayout layout, PreparedA& p) {
  const GroupGeometry& g = pd.geom;
  const size_t M = a.m, kp = g.packed_k();
  // Signed input for an unsigned kernel (or the reverse): flip the top bit, shift the zero point.
  const bool flip = (a.dtype == EI8_INT8) == (kind == AKind::U8);
  const int32_t za_shift = !flip ? 0 : (kind == AKind::U8 ? 128 : -128);
  p.za_shift = za_shift;
  p.a = &a;

  // The caller's rows are used in place when their k positions are the packed ones; the flip is
  // then left to add_abs (WithAbs writes a copy anyway) or forces a copy (Plain).
  const bool groups_unpadded = g.groups == 1 || g.group_size % g.kr == 0;
  const bool in_place = kp == a.k && groups_unpadded && (!flip || layout == ALayout::WithAbs);
  const uint8_t mask = flip ? 0x80 : 0;
  if (in_place) {
    p.data = static_cast<const uint8_t*>(a.data);
    p.stride = a.row_stride;
  } else {
    if (!p.storage.resize(M * kp)) return false;
    uint8_t* dst = p.storage.data();
    for (size_t m = 0; m < M; ++m) {
      const uint8_t* src = static_cast<const uint8_t*>(a.data) + m * a.row_stride;
      for (size_t gi = 0; gi < g.groups; ++gi) {
        const size_t k0 = gi * g.group_size, len = g.len(gi);
        uint8_t* d = dst + m * kp + g.packed_offset(gi);
        for (size_t k = 0; k < len; ++k) d[k] = src[k0 + k] ^ mask;
      }
    }
    p.data = dst;
    p.stride = kp;
  }
  if (layout == ALayout::WithAbs && !add_abs(M, kp, in_place ? mask : 0, p)) return false;
  if (pd.needs_row_sums) {
    p.row_sums.assign(M * g.groups, 0);
    for (size_t m = 0; m < M; ++m) {
      for (size_t gi = 0; gi < g.groups; ++gi) {
        uint32_t s = 0;
        const size_t k0 = gi * g.group_size;
        for (size_t k = k0; k < k0 + g.len(gi); ++k)
          s += static_cast<uint32_t>(load_a(a, m, k) + za_shift);  // a' = a + shift
        p.row_sums[m * g.groups + gi] = static_cast<int32_t>(s);
      }
    }
  }
  return true;
}

// Output rows of one tile: micro-kernel per group, corrections, epilogue.
struct TileRunner {
  const KernelPath& path;
  const GemmRequest& req;
  const PackedData& pd;
  const PreparedA& a;
  const Ukernel& ukernel;

  // Grouped int32 sums or the f32 accumulator of one tile: never both in one call.
  union alignas(64) Sums {
    int32_t acc[kMaxMr * kMaxNr];
    float y[kMaxMr * kMaxNr];
  };

  // pf: a slice of the next panel to prefetch meanwhile (null for none), when the kernel can.
  void run(size_t m0, size_t mr, size_t panel, const int8_t* pf = nullptr, size_t pf_bytes = 0) const {
    const GroupGeometry& g = pd.geom;
    if (g.groups > 1 && req.kind == OutKind::DEQUANT && ukernel.run_dequant_groups)
      return run_dequant_groups(m0, mr, panel);
    const size_t nr = pd.key.nr;
    alignas(64) int32_t d[kMaxMr * kMaxNr];
    Sums sums;
    for (size_t gi = 0; gi < g.groups; ++gi) {
      const size_t off = g.packed_offset(gi);
      const size_t kc = g.padded_len(gi);
      const uint8_t* ai = a.at(m0, off);
      const int8_t* wi = pd.panel(panel) + off * nr;
      if (pf && ukernel.run_prefetch) {
        // Each group's call prefetches its share of the slice.
        const size_t kp = g.packed_k(), b0 = pf_bytes * off / kp, b1 = pf_bytes * (off + kc) / kp;
        ukernel.run_prefetch(mr, kc, ai, a.stride, wi, d, pf + b0, b1 - b0);
      } else if (ukernel.run_columns && (panel + 1) * nr > req.w->n) {
        ukernel.run_columns(mr, req.w->n - panel * nr, kc, ai, a.stride, wi, d);
      } else {
        ukernel.run(mr, kc, ai, a.stride, wi, d);
      }
      if (g.groups == 1) return finish_one_group(m0, mr, panel, d);
      add_group(gi, m0, mr, panel, d, sums);
    }
    store(m0, mr, panel, sums.acc, sums.y);
  }

  // Per-group weights with f32 output: every group of the panel in one kernel call
  // (Ukernel::run_dequant_groups), the f32 sums kept in registers (GEMVs) or in sums.y (GEMM tiles).
  // The kernel reads A in its own layout.
  void run_dequant_groups(size_t m0, size_t mr, size_t panel) const {
    const GroupGeometry& g = pd.geom;
    int32_t za[kMaxMr];
    float sa[kMaxMr];
    for (size_t i = 0; i < mr; ++i) {
      za[i] = a.za(m0 + i);
      sa[i] = req.a_scale[req.n_a_scales == 1 ? 0 : m0 + i];
    }
    const size_t ti = pd.term_index(panel, 0);
    const GroupDequantTerms t = {g.groups, g.packed_offset(1), g.padded_len(g.groups - 1), pd.key.nr, &pd.ck[ti],
                                 pd.needs_row_sums ? &pd.zb[ti] : nullptr, &pd.sb[ti],
                                 pd.needs_row_sums ? &a.row_sums[m0 * g.groups] : nullptr, za, sa};
    Sums sums;
    ukernel.run_dequant_groups(mr, a.at(m0, 0), a.stride, pd.panel(panel), t, sums.y);
    store(m0, mr, panel, nullptr, sums.y);
  }

  // The epilogue of one-group weights whose products d the caller has computed (int32 and f32
  // results are already in the output rows after add_group).
  void finish_one_group(size_t m0, size_t mr, size_t panel, int32_t* d) const {
    Sums sums;
    add_group(0, m0, mr, panel, d, sums);
    if (req.kind == OutKind::REQUANT) store(m0, mr, panel, d, sums.y);
  }

 private:
  // Zero-point corrections of group gi's products d, then its share of the sums. int32 results of
  // one-group weights are corrected straight into the output rows, and their f32 results go there
  // from d in one pass (Epilogues::dequant_store): no sums, no copy in store().
  void add_group(size_t gi, size_t m0, size_t mr, size_t panel, int32_t* d, Sums& sums) const {
    const GroupGeometry& g = pd.geom;
    const size_t N = req.w->n, nr = pd.key.nr;
    const size_t n0 = panel * nr, nc = std::min(nr, N - n0);
    const Epilogues& e = path.epilogues;
    const size_t ti = pd.term_index(panel, gi);
    const int32_t* zb = pd.needs_row_sums ? &pd.zb[ti] : nullptr;
    const int32_t* ck = &pd.ck[ti];
    const int32_t* bias = (req.kind == OutKind::REQUANT && req.rq->bias) ? req.rq->bias + n0 : nullptr;
    int32_t row_sums[kMaxMr], za[kMaxMr];
    for (size_t i = 0; i < mr; ++i) {
      row_sums[i] = pd.needs_row_sums ? a.row_sums[(m0 + i) * g.groups + gi] : 0;
      za[i] = a.za(m0 + i);
    }
    const TileTerms terms = {zb, ck, bias, row_sums, za};
    if (req.kind == OutKind::I32 && g.groups == 1) {
      e.correct(d, nr, mr, nc, terms, static_cast<int32_t*>(req.out) + m0 * N + n0, N);
      return;
    }
    e.correct(d, nr, mr, nc, terms, d, nr);
    if (req.kind == OutKind::DEQUANT && g.groups == 1) {
      req.dequantize(e, d, nr, m0, mr, n0, nc, &pd.sb[ti]);
      return;
    }
    for (size_t i = 0; i < mr; ++i) {
      const size_t m = m0 + i;
      int32_t* di = d + i * nr;
      if (req.kind == OutKind::DEQUANT) {
        const float sa = req.a_scale[req.n_a_scales == 1 ? 0 : m];
        float* yi = sums.y + i * nr;
        if (gi == 0) std::memset(yi, 0, nc * sizeof(float));
        e.dequant_accumulate(di, nc, sa, &pd.sb[ti], yi);
      } else if (g.groups > 1) {
        int32_t* ai = sums.acc + i * nr;
        for (size_t j = 0; j < nc; ++j) ai[j] = gi == 0 ? di[j] : ref::wrap_add(ai[j], di[j]);
      }
    }
  }

  // The tile's output rows from its int32 sums (acc) or, for DEQUANT, its f32 sums (y).
  void store(size_t m0, size_t mr, size_t panel, const int32_t* acc, const float* y) const {
    const size_t N = req.w->n, nr = pd.key.nr;
    const size_t n0 = panel * nr, nc = std::min(nr, N - n0);
    if (req.kind == OutKind::REQUANT) {
      req.requantize(path.epilogues, acc, nr, m0, mr, n0, nc);
      return;
    }
    for (size_t i = 0; i < mr; ++i) {
      const size_t m = m0 + i;
      if (req.kind == OutKind::I32) {
        std::memcpy(static_cast<int32_t*>(req.out) + m * N + n0, acc + i * nr, nc * sizeof(int32_t));
        continue;
      }
      float* out = static_cast<float*>(req.out) + m * N + n0;  // DEQUANT
      const float* yi = y + i * nr;
      if (req.bias_f32) {
        for (size_t j = 0; j < nc; ++j) out[j] = yi[j] + req.bias_f32[n0 + j];
      } else {
        std::memcpy(out, yi, nc * sizeof(float));
      }
    }
  }
};

// Below this many multiply-adds a call runs on the calling thread: waking workers costs more.
constexpr size_t kMinParallelMacs = size_t(1) << 18;
// The least work of a chunk of a thread's share (work_split.h): 2 MB of GEMV weights, about 20 us.
constexpr size_t kMinChunkMacs = size_t(1) << 21;

// Panels smaller than this stay in L2/L3 between calls: prefetching the next one gains nothing.
constexpr size_t kMinPrefetchPanel = size_t(128) << 10;

// Panel by panel: the row tiles after the first compute from L2 while the next panel is still in
// DRAM, so each of them prefetches its slice of that panel (up to panel p_end, where this thread's
// work ends). reverse (one row tile only, which prefetches nothing): from panel p1 - 1 down to p0.
void run_panels(const TileRunner& runner, size_t p0, size_t p1, size_t t0, size_t t1, size_t p_end, bool reverse) {
  const PackedData& pd = runner.pd;
  const size_t M = runner.req.a->m, tile_mr = runner.ukernel.mr;
  const size_t panel_bytes = pd.geom.packed_k() * pd.key.nr, tiles = t1 - t0;
  const bool prefetch = runner.ukernel.run_prefetch && tiles > 1 && panel_bytes >= kMinPrefetchPanel;
  const size_t slice = prefetch ? div_up(div_up(panel_bytes, tiles - 1), 64) * 64 : 0;
  for (size_t i = p0; i < p1; ++i)
    for (size_t tm = t0; tm < t1; ++tm) {
      const size_t p = reverse ? p0 + p1 - 1 - i : i;
      const size_t m0 = tm * tile_mr, mr = std::min(tile_mr, M - m0);
      const size_t start = tm > t0 ? (tm - t0 - 1) * slice : 0;  // this tile's slice
      if (prefetch && p + 1 < p_end && tm > t0 && start < panel_bytes)
        runner.run(m0, mr, p, pd.panel(p + 1) + start, std::min(slice, panel_bytes - start));
      else
        runner.run(m0, mr, p);
    }
}

// A few row tiles over weights that stream from DRAM: panel by panel, the first tile of a panel
// waits on DRAM, and prefetching the whole next panel overflows L2 when K is large. Instead the
// tiles walk each panel together, chunk_k at a time: a chunk comes from DRAM once and from L1 for
// the other tiles, and every call prefetches its share of the next chunk, a steady stream.
// Measured (one thread, against panel by panel, avx512vnni): 8x4096x11008 1.7x, 16x11008x4096 1.3x, 24 rows
// 1.1-1.25x; one tile (M <= 6) 0.7-0.98x and six tiles 0.9x, where the panel order stays.
// Weights that stay in L2/L3 between calls gain nothing (1 MB: 0.81-0.98x, 16 MB in this
// machine's 32 MB L3: 0.96-0.99x); from 4 MB on we take the chunks, as in a model whose layers
// evict each other.
// A chunk is kChunkBytes of a panel: 128 k of a 64-column panel, 512 k of a 16-column one, so that
// every call runs long enough to amortise reloading its accumulators.
constexpr size_t kChunkBytes = size_t(8) << 10;
constexpr size_t kMinChunkedTiles = 2, kMaxChunkedTiles = 4;
constexpr size_t kMinChunkedWeights = size_t(4) << 20;

size_t chunk_k(const PackedData& pd) {
  return std::max<size_t>(kChunkBytes / pd.key.nr / pd.key.kr, 1) * pd.key.kr;
}

bool use_k_chunks(const Ukernel& uk, const PackedData& pd, size_t tiles) {
  return uk.run_prefetch && uk.run_accumulate && pd.geom.groups == 1 && tiles >= kMinChunkedTiles &&
         tiles <= kMaxChunkedTiles && pd.geom.packed_k() > chunk_k(pd) &&
         pd.bytes.size() >= gemm_schedule_hooks().min_chunked_weights;
}

void run_k_chunks(const TileRunner& runner, size_t p0, size_t p1, size_t t0, size_t t1, size_t p_end) {
  const PackedData& pd = runner.pd;
  const PreparedA& a = runner.a;
  const Ukernel& uk = runner.ukernel;
  const size_t M = runner.req.a->m, tile_mr = uk.mr, nr = pd.key.nr, kp = pd.geom.packed_k();
  const size_t tiles = t1 - t0, chunk = chunk_k(pd);
  alignas(64) int32_t d[kMaxChunkedTiles][kMaxMr * kMaxNr];
  for (size_t p = p0; p < p1; ++p) {
    for (size_t k0 = 0; k0 < kp; k0 += chunk) {
      const size_t kc = std::min(chunk, kp - k0);
      // The next chunk, of this panel or the first of the next one: panels are contiguous.
      const int8_t* next = pd.panel(p) + (k0 + kc) * nr;
      const size_t next_k = k0 + kc < kp ? std::min(chunk, kp - k0 - kc) : (p + 1 < p_end ? chunk : 0);
      const size_t next_bytes = next_k * nr;
      const size_t share = div_up(div_up(next_bytes, tiles), 64) * 64;
      for (size_t tm = t0; tm < t1; ++tm) {
        const size_t m0 = tm * tile_mr, mr = std::min(tile_mr, M - m0);
        const size_t start = std::min(next_bytes, (tm - t0) * share);
        const size_t pf_bytes = std::min(share, next_bytes - start);
        const GemmUkernelPrefetch kernel = k0 == 0 ? uk.run_prefetch : uk.run_accumulate;
        kernel(mr, kc, a.at(m0, k0), a.stride, pd.panel(p) + k0 * nr, d[tm - t0],
               pf_bytes ? next + start : nullptr, pf_bytes);
      }
    }
    for (size_t tm = t0; tm < t1; ++tm) {
      const size_t m0 = tm * tile_mr;
      runner.finish_one_group(m0, std::min(tile_mr, M - m0), p, d[tm - t0]);
    }
  }
}

}  // namespace

GemmScheduleHooks& gemm_schedule_hooks() {
  static GemmScheduleHooks hooks{kMinChunkedWeights};
  return hooks;
}

ei8_status run_tiled(const KernelPath& path, const GemmRequest& req, const PackedData& pd) {
  const ei8_activations& a = *req.a;
  const GemmKernels& gk = path.gemm;
  if (gk.gemm.mr > kMaxMr || gk.gemv.mr > kMaxMr || gk.nr > kMaxNr || pd.key.nr != gk.nr || pd.key.kr != gk.kr) return EI8_E_ARG;

  const Ukernel& gemv = pd.narrow ? gk.gemv : gk.gemv_any;
  const Ukernel& gemm = pd.narrow ? gk.gemm : gk.gemm_any;
  const Ukernel& uk = gemv.run != nullptr && a.m <= gemv.mr ? gemv : gemm;
  PreparedA prepared;
  if (!prepare_a(a, pd, gk.a_kind, uk.a_layout, prepared)) return EI8_E_NOMEM;
  const size_t tile_mr = uk.mr;
  const TileRunner runner{path, req, pd, prepared, uk};

  const size_t M = a.m, m_tiles = div_up(M, tile_mr);
  const size_t macs = M * req.w->n * a.k;
  const size_t threads = macs < kMinParallelMacs ? 1 : ThreadPool::instance().threads();
  // One row tile (GEMV) reads each weight once a call, and a call repeated on the same weights (a
  // small model's layers, a benchmark) finds them in the cache they fit. Weights a little larger than
  // the cache, read in one order every call, would miss on every line: the lines read first are the
  // ones the last call evicted first (1x1024x1024: 1 MB of weights and the call's other data in
  // this Zen 4's 1 MB L2). Every other call walks each thread's panels backwards, so that it starts
  // where the last one ended, on lines still cached.
  const bool reverse = m_tiles == 1 && (req.w->single_tile_calls.fetch_add(1, std::memory_order_relaxed) & 1);
  const WorkSplit split = split_work(pd.panels, m_tiles, threads);
  const size_t chunks = chunks_per_share(split, M * a.k * pd.key.nr, kMinChunkMacs, threads);
  run_split(split, threads, chunks, [&](size_t p0, size_t p1, size_t t0, size_t t1, size_t p_end) {
    if (uk.enter) uk.enter();
    if (use_k_chunks(uk, pd, t1 - t0)) {
      gemm_schedule_hooks().k_chunked_runs.fetch_add(1, std::memory_order_relaxed);
      run_k_chunks(runner, p0, p1, t0, t1, p_end);
    } else {
      run_panels(runner, p0, p1, t0, t1, p_end, reverse);
    }
    if (uk.leave) uk.leave();
  });
  return EI8_OK;
}

}  // namespace ei8
