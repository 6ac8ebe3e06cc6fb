// Sparse packing: w = B - zb in canonical n x k form, then the format requested or the cheapest one
// the weights allow (EI8_SPARSE_AUTO), or dense when no sparse format pays.
#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "pack/weights.h"
#include "ref/quantize_ref.h"
#include "sparse/sparse.h"

using namespace ei8;
using namespace ei8::sparse;

namespace {

// w[n * K + k] as int8 (B - zb); every value was checked to fit.
struct WeightsNk {
  size_t k, n;
  std::vector<int8_t> w;
  int8_t at(size_t nn, size_t kk) const { return kk < k && nn < n ? w[nn * k + kk] : 0; }
};

// The costs (FormatCosts, sparse.h) measured on AVX-512 VNNI (bench/sparse.bench.ts, docs/sparse.md),
// for every path whose kernels do not carry their own GEMV costs (SparseKernels::gemv_costs).
// AUTO keeps a sparse format only when stream_bytes * cost < K * N: this is the density threshold.
// GEMV (decode, the bytes-bound case), at the crossover: CSR ~95 % sparsity, 4x4 / 1x16 ~25 %,
// 1x4 (gather GEMV) ~80 %, N:M always; SELL 0.9-1.06 at 75-95 % (4096 x 4096 and 4096 x 11008, one
// thread, 2026-12-05), so 1.0. 4x1 (the quads kernel, 2026-12-06): 3.5-3.9 at 50-90 %, 4.7 at 95 %.
constexpr FormatCosts kGemvCosts = {1.0, 6.5, 1.25, 1.25, 4.0, 4.0, 1.0};
// Batches (M >= 8), for every path without batch costs of its own (SparseKernels::batch_costs), by
// the rows of a call (BatchCosts); measured at M = 8 and 64, where the dense kernel is compute-bound:
// N:M 1.3 (2:4 and 4:8 run 0.96-1.54x dense, median 1.07, 0.96-1.08x at M = 64: N:M, a quarter
// fewer bytes for the same time or less; 1:4 1.74-2.8x), 4x4 1.3-1.65, 1x16 2.35-3.0, 1x4 about 1.9.
// CSR and 4x1 in batches: bsr_k1_mvec's vectors hold 16, 32 or 64 rows, so the cost falls as the
// rows fill them. Measured at 4096 x 4096, 75-95 % sparsity, one thread (docs/sparse-log.md, "Batch
// kernel for CSR and r x 1 blocks"), rounded up where runs differed: CSR 5.3-8.1 (M = 8), 3.1-5.1
// (16), 1.8-3.0 (32), 1.3-1.8 (64); 4x1 6.7-7.2, 3.3-4.6, 2.3-2.7, 1.36-1.53.
// SELL runs its GEMV kernel row by row (4 rows a step on AVX-512): 1.1-1.55 at 8-32 rows,
// 1.17-1.64 at 64 (75-95 %, 2026-12-05). At 64 rows and 90 % CSR's batch kernel ran 1.1-1.2x as
// fast on the same weights, and 1.7 keeps it there while SELL takes 75 %.
constexpr BatchCosts kBatchCosts = {{{1.3, 8.0, 1.6, 2.7, 2.0, 7.0, 1.4},
                                     {1.3, 5.0, 1.6, 2.7, 2.0, 4.5, 1.4},
                                     {1.3, 3.0, 1.6, 2.7, 2.0, 2.7, 1.4},
                                     {1.3, 1.8, 1.6, 2.7, 2.0, 1.5, 1.7}}};
constexpr uint32_t kBatchRows = 8;

FormatCosts costs_for(uint32_t rows, const SparseKernels* path) {
  if (rows < kBatchRows) return path && path->gemv_costs ? *path->gemv_costs : kGemvCosts;
  const BatchCosts& b = path && path->batch_costs ? *path->batch_costs : kBatchCosts;
  return b.by_rows[rows >= 64 ? 3 : rows >= 32 ? 2 : rows >= 16 ? 1 : 0];
}

// SELL's cost by how the kernel gathers (SparseKernels::sell_gather); 0: not weighed. Byte permutes:
// costs.sell_permute. Eight lookups per vector bind the kernel to its shuffles more than to its bytes; GEMV
// (4096 x 4096 and 4096 x 11008, 75-95 %, one and two threads, 2026-12-06): on ymm (avx2, avxvnni)
// 1.44-2.17 on one thread, 1.48-2.8 on two, so 2.0; on zmm (avx512vnni without VBMI) 0.97-1.71,
// median 1.3. They run a row at a time, so with 2-7 rows their cost grows as far as the dense
// GEMV's time does not (4096 x 4096, 90 and 95 %, one thread, 2026-12-06): on ymm the dense time
// grows too (1.8x from one row to four on avxvnni), and SELL cost 2.8-3.8 at M = 2 and 4, so 4.0;
// on zmm it hardly grows up to four rows, and SELL cost 2.2-2.4 at M = 2 and 4.5-5.2 at M = 4, so
// 1.3 a row. In batches they ran 0.38-1.02x dense (M = 8 and 64, 90 and 95 %), where CSR's batch
// kernel ran 0.61-4.75x, so they are not weighed there.
double sell_cost(const FormatCosts& c, SellGather gather, uint32_t rows) {
  if (gather == SellGather::kPortable) return 0;
  if (gather == SellGather::kPermute) return c.sell_permute;
  if (rows >= kBatchRows) return 0;
  return gather == SellGather::kLookupsYmm ? (rows >= 2 ? 4.0 : 2.0) : 1.3 * std::max(rows, 1u);
}

double block_cost(const FormatCosts& c, uint32_t r, uint32_t k) {
  if (r == 1 && k == 1) return c.csr;
  if (r == 4 && k == 4) return c.block_4x4;
  if (r == 1 && k == 16) return c.block_1x16;
  return r == 1 ? c.block_1x4 : c.block_4x1;
}

bool nm_supported(uint32_t n, uint32_t m) {
  return (n == 1 || n == 2 || n == 4) && m >= n && 4 * m / n <= 16;
}

bool nm_conforms(const WeightsNk& w, uint32_t n_keep, uint32_t m) {
  for (size_t nn = 0; nn < w.n; ++nn) {
    const int8_t* row = &w.w[nn * w.k];
    for (size_t k0 = 0; k0 < w.k; k0 += m) {
      uint32_t count = 0;
      for (size_t kk = k0; kk < std::min<size_t>(w.k, k0 + m); ++kk) count += row[kk] != 0;
      if (count > n_keep) return false;
    }
  }
  return true;
}

// hit[kb] = 1 where block (br, kb) of r x c holds a non-zero weight, else 0 (hit: one per k block).
// Block by block rather than a division per weight (docs/sparse.md, "Pruning": packing speed).
void block_hits(const WeightsNk& w, size_t br, uint32_t r, uint32_t c, std::vector<uint8_t>& hit) {
  std::fill(hit.begin(), hit.end(), 0);
  for (size_t nn = br * r; nn < std::min<size_t>(w.n, br * r + r); ++nn) {
    const int8_t* row = &w.w[nn * w.k];
    if (c == 1) {
      for (size_t kk = 0; kk < w.k; ++kk) hit[kk] |= row[kk] != 0;
      continue;
    }
    for (size_t kb = 0, k0 = 0; k0 < w.k; ++kb, k0 += c) {
      const size_t len = std::min<size_t>(c, w.k - k0);
      uint8_t any = 0;
      for (size_t cc = 0; cc < len; ++cc) any |= static_cast<uint8_t>(row[k0 + cc]);
      hit[kb] |= any != 0;
    }
  }
}

size_t bsr_nonzero_blocks(const WeightsNk& w, uint32_t r, uint32_t c) {
  const size_t brs = (w.n + r - 1) / r, kbs = (w.k + c - 1) / c;
  size_t count = 0;
  std::vector<uint8_t> hit(kbs);
  for (size_t br = 0; br < brs; ++br) {
    block_hits(w, br, r, c, hit);
    for (uint8_t h : hit) count += h;
  }
  return count;
}

size_t bsr_stream_bytes(size_t blocks, size_t n, uint32_t r, uint32_t c) {
  return blocks * (size_t(r) * c + 2) + ((n + r - 1) / r + 1) * 4;
}

size_t nm_stream_bytes(size_t k, size_t n, uint32_t nn, uint32_t m) {
  const size_t window = 4 * m / nn;
  return (n + 15) / 16 * ((k + window - 1) / window) * 96;
}

bool build_bsr(const WeightsNk& w, uint32_t r, uint32_t c, Bsr& s) {
  s.r = r;
  s.c = c;
  s.block_rows = (w.n + r - 1) / r;
  s.k_blocks = (w.k + c - 1) / c;
  s.row_ptr.assign(s.block_rows + 1, 0);
  std::vector<uint16_t> idx;
  std::vector<int8_t> val;
  std::vector<uint8_t> hit(s.k_blocks);
  for (size_t br = 0; br < s.block_rows; ++br) {
    block_hits(w, br, r, c, hit);
    for (size_t kb = 0; kb < s.k_blocks; ++kb) {
      if (!hit[kb]) continue;
      idx.push_back(static_cast<uint16_t>(kb));
      // r rows of c weights; rows past n and k past K are zeros.
      const size_t k0 = kb * c, len = std::min<size_t>(c, w.k - k0);
      for (uint32_t j = 0; j < r; ++j) {
        const size_t nn = br * r + j;
        const size_t end = val.size() + c;
        if (nn < w.n) val.insert(val.end(), &w.w[nn * w.k + k0], &w.w[nn * w.k + k0] + len);
        val.resize(end, 0);
      }
    }
    s.row_ptr[br + 1] = static_cast<uint32_t>(idx.size());
  }
  s.nblocks = idx.size();
  if (!s.idx.resize(idx.size() * 2 + kSlack) || !s.val.resize(val.size() + kSlack)) return false;
  if (!idx.empty()) std::memcpy(s.idx.data(), idx.data(), idx.size() * 2);
  if (!val.empty()) std::memcpy(s.val.data(), val.data(), val.size());
  return true;
}

bool build_nm(const WeightsNk& w, uint32_t n_keep, uint32_t m, Nm& s) {
  s.n = n_keep;
  s.m = m;
  s.window = 4 * m / n_keep;
  s.panels = (w.n + 15) / 16;
  s.windows = (w.k + s.window - 1) / s.window;
  const size_t blocks = s.panels * s.windows;
  if (!s.val.resize(blocks * 64 + kSlack) || !s.meta.resize(blocks * 32 + kSlack)) return false;
  const uint32_t groups_per_lane = 4 / n_keep;
  for (size_t p = 0; p < s.panels; ++p) {
    for (size_t t = 0; t < s.windows; ++t) {
      int8_t* val = reinterpret_cast<int8_t*>(s.val.data()) + (p * s.windows + t) * 64;
      uint8_t* md = s.meta.data() + (p * s.windows + t) * 32;
      for (size_t l = 0; l < 16; ++l) {
        const size_t out = p * 16 + l;
        if (out >= w.n) continue;
        const int8_t* row = &w.w[out * w.k];
        for (uint32_t gi = 0; gi < groups_per_lane; ++gi) {
          const size_t k0 = t * s.window + size_t(gi) * m;
          uint32_t slot = gi * n_keep;
          for (size_t kk = k0; kk < std::min<size_t>(w.k, k0 + m); ++kk) {
            const int8_t v = row[kk];
            if (v == 0) continue;
            const uint32_t pos = static_cast<uint32_t>(kk - t * s.window);
            val[l * 4 + slot] = v;
            const size_t half = l / 8, flat = (l % 8) * 4 + slot;
            md[half * 16 + flat % 16] |= static_cast<uint8_t>(flat < 16 ? pos : pos << 4);
            ++slot;
          }
        }
      }
    }
  }
  return true;
}

// Slots of 4 non-zeros each output of a (panel, window) needs: the largest is the window's count.
uint32_t sell_slots(const WeightsNk& w, size_t p, size_t t) {
  uint32_t most = 0;
  const size_t k0 = t * Sell::kWindow, k1 = std::min(w.k, k0 + Sell::kWindow);
  for (size_t nn = p * 16; nn < std::min(w.n, p * 16 + 16); ++nn) {
    const int8_t* row = &w.w[nn * w.k];
    uint32_t count = 0;
    for (size_t kk = k0; kk < k1; ++kk) count += row[kk] != 0;
    most = std::max(most, (count + 3) / 4);
  }
  return most;
}

size_t sell_stream_bytes(const WeightsNk& w) {
  const size_t panels = (w.n + 15) / 16, windows = (w.k + Sell::kWindow - 1) / Sell::kWindow;
  size_t slots = 0;
  for (size_t p = 0; p < panels; ++p)
    for (size_t t = 0; t < windows; ++t) slots += sell_slots(w, p, t);
  return slots * Sell::kSlotBytes + panels * windows + (panels + 1) * 4;
}

bool build_sell(const WeightsNk& w, Sell& s) {
  s.panels = (w.n + 15) / 16;
  s.windows = (w.k + Sell::kWindow - 1) / Sell::kWindow;
  if (!s.count.resize(s.panels * s.windows + kSlack)) return false;
  s.panel_ptr.assign(s.panels + 1, 0);
  for (size_t p = 0; p < s.panels; ++p) {
    uint32_t slots = 0;
    for (size_t t = 0; t < s.windows; ++t) {
      const uint32_t c = sell_slots(w, p, t);
      s.count.data()[p * s.windows + t] = static_cast<uint8_t>(c);
      slots += c;
    }
    s.panel_ptr[p + 1] = s.panel_ptr[p] + slots;
  }
  if (!s.data.resize(s.slots() * Sell::kSlotBytes + kSlack)) return false;
  uint8_t* slot = s.data.data();
  for (size_t p = 0; p < s.panels; ++p) {
    for (size_t t = 0; t < s.windows; ++t) {
      const uint32_t slots = s.counts(p)[t];
      for (size_t l = 0; l < 16; ++l) {
        uint32_t i = 0;  // the output's i-th non-zero of the window: slot i / 4, place 4 l + i % 4
        for (uint32_t pos = 0; pos < Sell::kWindow; ++pos) {
          const int8_t v = w.at(p * 16 + l, t * Sell::kWindow + pos);
          if (v == 0) continue;
          uint8_t* dst = slot + (i / 4) * Sell::kSlotBytes + 4 * l + i % 4;
          dst[0] = static_cast<uint8_t>(pos);
          dst[64] = static_cast<uint8_t>(v);
          ++i;
        }
      }
      slot += size_t(slots) * Sell::kSlotBytes;
    }
  }
  return true;
}

ei8_status build(const void* data, ei8_dtype dt, ei8_layout layout, const int32_t* zero_point, const float* scale,
                 size_t n_params, const ei8_sparse_options& o, const WeightsNk& w, ei8_sparse& s) {
  switch (o.format) {
    case EI8_SPARSE_DENSE:
      s.format = Format::DENSE;
      return ei8_pack_weights(data, dt, layout, w.k, w.n, zero_point, scale, n_params, 0, &s.dense);
    case EI8_SPARSE_NM:
      s.format = Format::NM;
      if (!nm_conforms(w, o.nm_n, o.nm_m)) return EI8_E_ARG;
      return build_nm(w, o.nm_n, o.nm_m, s.nm) ? EI8_OK : EI8_E_NOMEM;
    case EI8_SPARSE_SELL:
      s.format = Format::SELL;
      return build_sell(w, s.sell) ? EI8_OK : EI8_E_NOMEM;
    default:
      s.format = Format::BSR;
      if ((w.k + o.block_c - 1) / o.block_c > 65536) return EI8_E_OVERFLOW;
      return build_bsr(w, o.block_r, o.block_c, s.bsr) ? EI8_OK : EI8_E_NOMEM;
  }
}

}  // namespace

ei8_status ei8_pack_sparse(const void* data, ei8_dtype dt, ei8_layout layout, size_t k, size_t n,
                           const int32_t* zero_point, const float* scale, size_t n_params,
                           const ei8_sparse_options* opts, ei8_sparse** out) {
  if (!out) return EI8_E_ARG;
  *out = nullptr;
  if (!data || !opts || (dt != EI8_INT8 && dt != EI8_UINT8) || k == 0 || n == 0 || !zero_point) return EI8_E_ARG;
  if (layout != EI8_LAYOUT_KN && layout != EI8_LAYOUT_NK) return EI8_E_ARG;
  if (n_params != 1 && n_params != n) return EI8_E_ARG;
  if (k > std::numeric_limits<size_t>::max() / n) return EI8_E_OVERFLOW;
  int32_t qmin, qmax;
  ei8_dtype_range(dt, 0, &qmin, &qmax);
  if (ref::check_params(scale, zero_point, n_params, qmin, qmax, nullptr) != EI8_OK) return EI8_E_RANGE;

  ei8_sparse_options o = *opts;
  switch (o.format) {
    case EI8_SPARSE_AUTO:
    case EI8_SPARSE_DENSE:
    case EI8_SPARSE_SELL:
      break;
    case EI8_SPARSE_CSR:
      o.format = EI8_SPARSE_BSR;
      o.block_r = o.block_c = 1;
      break;
    case EI8_SPARSE_BSR:
      if (o.block_r < 1 || o.block_r > 16 || o.block_c < 1 || o.block_c > 64) return EI8_E_ARG;
      break;
    case EI8_SPARSE_NM:
      if (!nm_supported(o.nm_n, o.nm_m)) return EI8_E_ARG;
      break;
    default:
      return EI8_E_ARG;
  }

  ei8_sparse* s = new (std::nothrow) ei8_sparse();
  if (!s) return EI8_E_NOMEM;
  s->k = k;
  s->n = n;
  s->dtype = dt;
  ei8_status status = EI8_OK;
  try {
    s->zero_point.resize(n);
    if (scale) s->scale.resize(n);
    for (size_t j = 0; j < n; ++j) {
      const size_t src = n_params == 1 ? 0 : j;
      s->zero_point[j] = zero_point[src];
      if (scale) s->scale[j] = scale[src];
      s->max_abs_b = std::max(s->max_abs_b, std::max(zero_point[src] - qmin, qmax - zero_point[src]));
    }
    // The source bytes in n x k order (a [K, N] source in tiles, not a column at a time: each byte of
    // a column is a row of the source apart), then w = B - zb in place, row by row.
    WeightsNk w{k, n, std::vector<int8_t>(n * k)};
    to_canonical(static_cast<const uint8_t*>(data), layout, k, n, reinterpret_cast<uint8_t*>(w.w.data()));
    s->ck.assign(n, 0);
    // A row's range is checked after it (no exit inside the loop, which the compiler vectorizes).
    for (size_t nn = 0; nn < n; ++nn) {
      int8_t* row = &w.w[nn * k];
      const int32_t zb = s->zero_point[nn];
      int32_t lo = 0, hi = 0;
      uint32_t colsum = 0;
      size_t nonzero = 0, minus128 = 0;
      for (size_t kk = 0; kk < k; ++kk) {
        const int32_t b = dt == EI8_INT8 ? int32_t(static_cast<int8_t>(row[kk])) : int32_t(static_cast<uint8_t>(row[kk]));
        const int32_t v = b - zb;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        row[kk] = static_cast<int8_t>(v);
        colsum += static_cast<uint32_t>(v);
        nonzero += v != 0;
        minus128 += v == -128;
      }
      if (lo < -128 || hi > 127) {
        status = EI8_E_RANGE;
        break;
      }
      s->ck[nn] = static_cast<int32_t>(0u - colsum);
      s->nnz += nonzero;
      s->narrow = s->narrow && minus128 == 0;
    }

    if (status == EI8_OK && o.format == EI8_SPARSE_AUTO) {
      // The cheapest candidate by cost-weighted streamed bytes; dense when none beats K * N.
      const SparseKernels* path = kernels_for(kernels_in_use(), s->narrow);
      const FormatCosts costs = costs_for(o.rows, path);
      double best = static_cast<double>(k) * n;
      o.format = EI8_SPARSE_DENSE;
      const uint32_t nms[][2] = {{1, 4}, {2, 4}, {4, 8}};
      for (const auto& nm : nms) {
        const double cost = costs.nm * nm_stream_bytes(k, n, nm[0], nm[1]);
        if (cost < best && nm_conforms(w, nm[0], nm[1])) {
          best = cost;
          o = {EI8_SPARSE_NM, 0, 0, nm[0], nm[1], o.rows};
        }
      }
      const uint32_t blocks[][2] = {{4, 4}, {1, 16}, {1, 4}, {4, 1}, {1, 1}};
      for (const auto& b : blocks) {
        if ((k + b[1] - 1) / b[1] > 65536) continue;
        const double cost = block_cost(costs, b[0], b[1]) * bsr_stream_bytes(bsr_nonzero_blocks(w, b[0], b[1]), n, b[0], b[1]);
        if (cost < best) {
          best = cost;
          o = {EI8_SPARSE_BSR, b[0], b[1], 0, 0, o.rows};
        }
      }
      // SELL only where the path in use has a SIMD kernel: the portable one was never measured.
      const double sell = path ? sell_cost(costs, path->sell_gather, o.rows) : 0;
      if (sell > 0 && sell * sell_stream_bytes(w) < best) o = {EI8_SPARSE_SELL, 0, 0, 0, 0, o.rows};
    }

    if (status == EI8_OK) status = build(data, dt, layout, zero_point, scale, n_params, o, w, *s);
  } catch (const std::bad_alloc&) {
    status = EI8_E_NOMEM;
  }
  if (status != EI8_OK) {
    delete s;
    return status;
  }
  *out = s;
  return EI8_OK;
}

void ei8_sparse_retain(ei8_sparse* s) {
  if (s) s->refs.fetch_add(1);
}
void ei8_sparse_release(ei8_sparse* s) {
  if (s && s->refs.fetch_sub(1) == 1) delete s;
}
size_t ei8_sparse_k(const ei8_sparse* s) { return s ? s->k : 0; }
size_t ei8_sparse_n(const ei8_sparse* s) { return s ? s->n : 0; }
size_t ei8_sparse_nnz(const ei8_sparse* s) { return s ? s->nnz : 0; }

void ei8_sparse_describe(const ei8_sparse* s, ei8_sparse_format* format, uint32_t* block_r, uint32_t* block_c,
                         uint32_t* nm_n, uint32_t* nm_m) {
  ei8_sparse_format f = EI8_SPARSE_DENSE;
  uint32_t r = 0, c = 0, nn = 0, m = 0;
  if (s && s->format == Format::BSR) {
    f = s->bsr.r == 1 && s->bsr.c == 1 ? EI8_SPARSE_CSR : EI8_SPARSE_BSR;
    r = s->bsr.r;
    c = s->bsr.c;
  } else if (s && s->format == Format::NM) {
    f = EI8_SPARSE_NM;
    nn = s->nm.n;
    m = s->nm.m;
  } else if (s && s->format == Format::SELL) {
    f = EI8_SPARSE_SELL;
  }
  if (format) *format = f;
  if (block_r) *block_r = r;
  if (block_c) *block_c = c;
  if (nm_n) *nm_n = nn;
  if (nm_m) *nm_m = m;
}

size_t ei8_sparse_stream_bytes(const ei8_sparse* s) {
  if (!s) return 0;
  switch (s->format) {
    case Format::BSR: return s->bsr.stream_bytes();
    case Format::NM: return s->nm.stream_bytes();
    case Format::SELL: return s->sell.stream_bytes();
    case Format::DENSE: return s->k * s->n;
  }
  return 0;
}

size_t ei8_sparse_bytes(const ei8_sparse* s) {
  if (!s) return 0;
  size_t b = (s->zero_point.size() + s->scale.size() + s->ck.size()) * 4;
  switch (s->format) {
    case Format::BSR: b += s->bsr.idx.size() + s->bsr.val.size() + s->bsr.row_ptr.size() * 4; break;
    case Format::NM: b += s->nm.val.size() + s->nm.meta.size(); break;
    case Format::SELL: b += s->sell.count.size() + s->sell.data.size() + s->sell.panel_ptr.size() * 4; break;
    case Format::DENSE: b += ei8_packed_bytes(s->dense); break;
  }
  return b;
}
