#include "sparse/sparse_gemm.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "core/threadpool.h"
#include "core/work_split.h"
#include "pack/weights.h"
#include "sparse/transpose.h"

namespace ei8 {
namespace sparse {

namespace {

constexpr size_t kMaxRows = 64;  // rows of one tile
constexpr size_t kMaxCols = 64;  // outputs of one tile (more when M is small: see tile_cols)
// Rows of A prepared at a time. The loops run row block by row block, so that a block's prepared
// activations (64 x K bytes: 256 KB at K = 4096) stay in the core's L2 while the weights stream past
// once per block; when all of M was prepared at once, each tile of 64 outputs walked A^T for every
// row (1 MB at M = 256), and M = 128 / 256 ran 1.15-1.6x slower.
constexpr size_t kBlockRows = 64;

// A thread's prepared row block: each thread prepares the blocks it works on into its own buffer
// (its tasks go block by block, so it prepares each block once).
// Read and written by its own thread only, on lines of its own.
struct alignas(kCacheLine) ThreadBlock {
  AlignedBuffer buf;
  size_t block = SIZE_MAX;  // row block it holds in this call
};

// Per call: one ThreadBlock per thread, reused across calls (grow only: a fresh buffer per call cost
// an mmap, page faults and a memset before any work).
struct Scratch {
  std::vector<std::unique_ptr<ThreadBlock>> threads;
};

// A call borrows a Scratch for its duration (concurrent calls each get their own) and returns it.
// A free list rather than thread_local: a thread_local with a destructor needs
// __cxa_thread_atexit_impl (GLIBC_2.18), above the prebuild's glibc floor (2.17).
class ScratchLease {
 public:
  ScratchLease() {
    std::lock_guard<std::mutex> lock(mutex());
    if (!free_list().empty()) {
      s_ = std::move(free_list().back());
      free_list().pop_back();
    }
    if (!s_) s_ = std::make_unique<Scratch>();
  }
  ~ScratchLease() {
    std::lock_guard<std::mutex> lock(mutex());
    free_list().push_back(std::move(s_));
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch& get() { return *s_; }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::unique_ptr<Scratch>>& free_list() {
    static std::vector<std::unique_ptr<Scratch>> l;
    return l;
  }
  std::unique_ptr<Scratch> s_;
};

size_t padded_k(const ei8_sparse& w) {
  switch (w.format) {
    case Format::BSR: return w.bsr.k_blocks * w.bsr.c;
    case Format::SELL: return w.sell.windows * Sell::kWindow;
    default: return w.nm.windows * w.nm.window;
  }
}

// The forms of a row block of A the kernels read.
enum class ActForm {
  kRows,     // rows zero-padded to the stride (bsr_rows, nm_rows, sell_rows)
  kQuadsT,   // A^T in k-quads (bsr_mvec)
  kGroups,   // groups of 4 rows, each transposed in k-quads (bsr_groups)
  kBytesT,   // A^T by bytes, the block's rows (rounded up to 16 lanes) a k (bsr_k1_mvec)
};

// How a row block of A is laid out for the kernels, and how to build one.
struct ActLayout {
  const ei8_activations* a;
  ActForm form;
  uint8_t mask;     // XOR applied to every byte (0x80: the sign flip to the path's AKind)
  size_t kp;        // padded K of the format
  size_t rows;      // rows of the largest block: min(M, kBlockRows)
  size_t stride;    // bytes between rows, between k-quads of A^T (rows rounded up to 16 lanes), or
                    // between row groups
  std::vector<int32_t> za;  // za' per row

  size_t bytes() const {
    switch (form) {
      case ActForm::kQuadsT: return kp / 4 * stride + kRowPad;
      case ActForm::kGroups: return div_up(rows, 4) * stride;
      case ActForm::kBytesT: return a->k * stride + kRowPad;
      default: return rows * stride;
    }
  }

  // Rows [m0, m0 + mb) of A into dst. Transposed: dst + q * stride + 4 * i holds a'[m0 + i][4q ..
  // 4q+3] (zero past K and for i from mb to the stride's end), built with 4 x 4 transposes over whole
  // quads of 4 rows and element by element at the edges. Rows: a' zero-padded to the stride.
  void build(size_t m0, size_t mb, uint8_t* dst) const {
    const size_t K = a->k, rs = a->row_stride;
    const uint8_t* src = static_cast<const uint8_t*>(a->data) + m0 * rs;
    if (form == ActForm::kGroups) return build_groups(src, mb, dst);
    if (form == ActForm::kBytesT) return build_bytes_t(src, mb, dst);
    if (form == ActForm::kRows) {
      const uint8_t x = mask;  // a local: stores through dst could alias the members
      for (size_t i = 0; i < mb; ++i) {
        const uint8_t* s = src + i * rs;
        uint8_t* d = dst + i * stride;
        for (size_t k = 0; k < K; ++k) d[k] = s[k] ^ x;
        std::memset(d + K, 0, stride - K);
      }
      return;
    }
    const uint32_t mask4 = mask * 0x01010101u;
    const size_t quads = kp / 4, full = K / 4, qf = full / 4 * 4;  // [0, qf): 4-quad groups within K
    uint32_t* at4 = reinterpret_cast<uint32_t*>(dst);
    const size_t lanes = stride / 4;
    size_t i4 = 0;
    for (; i4 + 4 <= mb; i4 += 4)
      for (size_t q = 0; q < qf; q += 4)
        transpose4x4_32(src + i4 * rs + 4 * q, rs, reinterpret_cast<uint8_t*>(at4 + q * lanes + i4), stride, mask4);
    for (size_t q = 0; q < quads; ++q) {
      for (size_t i = q < qf ? i4 : 0; i < mb; ++i) {
        uint32_t v = 0;
        if (q < full)
          std::memcpy(&v, src + i * rs + 4 * q, 4);
        else if (4 * q < K)
          std::memcpy(&v, src + i * rs + 4 * q, K - 4 * q);  // the last partial quad
        at4[q * lanes + i] = v ^ (4 * q < K ? mask4 : 0);
      }
      std::memset(at4 + q * lanes + mb, 0, (lanes - mb) * 4);
    }
    std::memset(dst + quads * stride, 0, kRowPad);
  }

  // Groups of 4 rows (see BsrGroupsFn), 4 x 4 transposes within K.
  void build_groups(const uint8_t* src, size_t mb, uint8_t* dst) const {
    const size_t K = a->k, rs = a->row_stride, quads = kp / 4, full = K / 4, qf = full / 4 * 4;
    const uint32_t mask4 = mask * 0x01010101u;
    const size_t groups = div_up(mb, 4);
    for (size_t gi = 0; gi < groups; ++gi) {
      uint8_t* d = dst + gi * stride;
      const size_t rows = std::min<size_t>(4, mb - 4 * gi);
      const uint8_t* s = src + 4 * gi * rs;
      size_t q = 0;
      if (rows == 4) {
        for (; q < qf; q += 4) transpose4x4_32(s + 4 * q, rs, d + 16 * q, 16, mask4);
      } else {
        // The last, partial group: its rows copied next to rows of `mask` bytes (zeros once flipped).
        alignas(16) uint8_t tmp[4][16];
        std::memset(tmp, mask, sizeof(tmp));
        for (; q < qf; q += 4) {
          for (size_t i = 0; i < rows; ++i) std::memcpy(tmp[i], s + i * rs + 4 * q, 16);
          transpose4x4_32(tmp[0], 16, d + 16 * q, 16, mask4);
        }
      }
      for (; q < quads; ++q)
        for (size_t i = 0; i < 4; ++i) {
          uint32_t v = 0;
          if (i < rows && 4 * q < K) {
            std::memcpy(&v, s + i * rs + 4 * q, std::min<size_t>(4, K - 4 * q));
            v ^= mask4;
            if (4 * q + 4 > K) v &= (1u << (8 * (K - 4 * q))) - 1;  // zero past K
          }
          std::memcpy(d + 16 * q + 4 * i, &v, 4);
        }
    }
  }

  // A^T by bytes: dst + k * stride + i holds a'[i][k], by 16 x 16 transposes. Lanes from mb to the end
  // of its 16 are zero; in a last row block shorter than the stride, the lanes past those keep what
  // the buffer held (readable, their results unused). A stride of just the rows: at M = 8, 64 bytes
  // a k left 7/8 of each line L2 brought in unused. A kernel's vectors read past a row into the next
  // (and kRowPad past the last).
  void build_bytes_t(const uint8_t* src, size_t mb, uint8_t* dst) const {
    const size_t K = a->k, rs = a->row_stride, k16 = K / 16 * 16;
    for (size_t i0 = 0; i0 < mb; i0 += 16) {
      const size_t rows = std::min<size_t>(16, mb - i0);
      const uint8_t* s = src + i0 * rs;
      alignas(16) uint8_t tmp[16][16];
      if (rows < 16) std::memset(tmp, mask, sizeof(tmp));  // zeros once flipped
      for (size_t k = 0; k < k16; k += 16) {
        if (rows == 16) {
          transpose16x16_8(s + k, rs, dst + k * stride + i0, stride, mask);
        } else {
          for (size_t i = 0; i < rows; ++i) std::memcpy(tmp[i], s + i * rs + k, 16);
          transpose16x16_8(tmp[0], 16, dst + k * stride + i0, stride, mask);
        }
      }
      for (size_t k = k16; k < K; ++k)
        for (size_t i = 0; i < 16; ++i) dst[k * stride + i0 + i] = i < rows ? s[i * rs + k] ^ mask : 0;
    }
  }
};

ActLayout layout_for(const ei8_activations& a, const ei8_sparse& w, AKind kind, ActForm form) {
  ActLayout l;
  l.a = &a;
  l.form = form;
  l.kp = padded_k(w);
  l.rows = std::min(a.m, kBlockRows);
  switch (form) {
    case ActForm::kQuadsT: l.stride = round_up(l.rows, 16) * 4; break;
    case ActForm::kGroups: l.stride = round_up(l.kp * 4, 64); break;
    case ActForm::kBytesT: l.stride = round_up(l.rows, 16); break;
    default: l.stride = round_up(l.kp + kRowPad, 64); break;
  }
  const bool flip = (a.dtype == EI8_INT8) == (kind == AKind::U8);
  const int32_t shift = !flip ? 0 : (kind == AKind::U8 ? 128 : -128);
  l.mask = flip ? 0x80 : 0;
  l.za.resize(a.m);
  for (size_t m = 0; m < a.m; ++m) l.za[m] = a.zero_point[a.n_zero_points == 1 ? 0 : m] + shift;
  return l;
}

// One output tile: rows [m0, m0 + mr), outputs [n0, n0 + nc) of d (row stride ds). int32 results
// are corrected straight into the output (d may be the output itself, where the kernel wrote them).
void epilogue(const Epilogues& e, const Request& req, const ActLayout& a, size_t m0, size_t mr, size_t n0, size_t nc,
              int32_t* d, size_t ds) {
  const ei8_sparse& w = *req.w;
  const size_t N = w.n;
  const int32_t* bias = req.kind == OutKind::REQUANT && req.rq->bias ? req.rq->bias + n0 : nullptr;
  const TileTerms terms = {nullptr, &w.ck[n0], bias, nullptr, &a.za[m0]};
  if (req.kind == OutKind::I32) {
    e.correct(d, ds, mr, nc, terms, static_cast<int32_t*>(req.out) + m0 * N + n0, N);
    return;
  }
  e.correct(d, ds, mr, nc, terms, d, ds);
  if (req.kind == OutKind::REQUANT) {
    req.requantize(e, d, ds, m0, mr, n0, nc);
    return;
  }
  req.dequantize(e, d, ds, m0, mr, n0, nc, &w.scale[n0]);  // DEQUANT
}

// Below this much work (rows x streamed bytes) a call stays on the calling thread.
constexpr size_t kMinParallelWork = size_t(1) << 18;

// The least work (rows x streamed bytes) of a chunk of a thread's share: 512 KB of a GEMV's
// weights, about 8 us at this machine's 4x4 block rate. Each chunk costs a kernel call, an epilogue
// call and a shared counter: 8 chunks of a 4096 x 4096 4x4 GEMV at 90 % (0.95 MB a share on two
// threads) took 0.6-0.7 us more of a 17 us call than 1 or 2 did.
constexpr size_t kMinChunkWork = size_t(512) << 10;

// A block row's fixed cost in the balance below, in streamed bytes: entering and leaving the row,
// folding and storing its outputs (about 1 ns against 0.3 ns for a block of 16 weights).
constexpr size_t kRowCostBytes = 64;

// The column units cut into `parts` contiguous ranges of about equal work: bounds[p] .. bounds[p+1].
// Block rows differ in their numbers of blocks, so BSR ranges are cut at equal shares of the
// streamed bytes (plus a cost per row), and so are SELL's panels, by their slots; N:M panels all
// cost the same.
std::vector<size_t> balanced_bounds(const ei8_sparse& w, size_t units, size_t parts) {
  std::vector<size_t> bounds(parts + 1);
  for (size_t p = 0; p <= parts; ++p) bounds[p] = units * p / parts;
  if (w.format == Format::NM || parts == 1) return bounds;
  const bool bsr = w.format == Format::BSR;
  const std::vector<uint32_t>& starts = bsr ? w.bsr.row_ptr : w.sell.panel_ptr;
  const size_t unit_bytes = bsr ? size_t(w.bsr.r) * w.bsr.c + 2 : Sell::kSlotBytes;
  auto cost_before = [&](size_t u) { return starts[u] * unit_bytes + u * kRowCostBytes; };
  const size_t total = cost_before(units);
  for (size_t p = 1; p < parts; ++p) {
    size_t lo = bounds[p - 1], hi = units;  // the first row whose prefix reaches p / parts of the work
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (cost_before(mid) * parts < total * p) lo = mid + 1;
      else hi = mid;
    }
    bounds[p] = lo;
  }
  return bounds;
}

}  // namespace

ei8_status run(const SparseKernels& kernels, const Epilogues& epilogues, const Request& req) {
  const ei8_activations& a = *req.a;
  const ei8_sparse& w = *req.w;
  const bool bsr = w.format == Format::BSR, sell = w.format == Format::SELL;
  const bool groups = bsr && kernels.bsr_groups && groups_shape(w.bsr.r, w.bsr.c) && a.m >= 2 &&
                      a.m <= kernels.bsr_groups_max_m;
  const bool k1 = bsr && kernels.bsr_k1_mvec && w.bsr.c == 1 && w.bsr.r <= 4 && a.m >= kMvecMinRows;
  const bool mvec = k1 || (!groups && bsr && kernels.bsr_mvec && w.bsr.c % 4 == 0 && w.bsr.r <= 4 &&
                           a.m >= kMvecMinRows);

  // Column units: block rows (BSR) or panels of 16 outputs (N:M, SELL); a tile holds tile_cols outputs.
  const size_t unit = bsr ? w.bsr.r : 16;
  const size_t units = bsr ? w.bsr.block_rows : sell ? w.sell.panels : w.nm.panels;
  const size_t tile_mr = std::min<size_t>(kMaxRows, groups ? kernels.bsr_groups_max_m
                                                    : k1   ? kernels.bsr_k1_mvec_mr
                                                    : mvec ? kernels.bsr_mvec_mr
                                                    : bsr  ? kernels.bsr_rows_mr
                                                    : sell ? kernels.sell_rows_mr
                                                           : kernels.nm_rows_mr);
  const size_t M = a.m, N = w.n;
  // When all rows go in one kernel call (GEMV, small batches) no tile's weights are read twice, so a
  // tile spans as many outputs as d holds: each tile costs a kernel call and an epilogue call, and
  // with 64 outputs a tile those were about 1 us of a 4096 x 4096 GEMV's 30.
  const size_t tile_cols = !mvec && M <= tile_mr ? kMaxRows * kMaxCols / M : kMaxCols;
  const size_t tile_units = std::max<size_t>(1, tile_cols / unit);
  // int32 out: whole tiles are written by the row kernels straight into the output (rows at stride
  // N) and corrected there; a tile at the end of N (the kernel writes whole block rows or panels)
  // and bsr_mvec's transposed tiles go through d.
  const bool direct = req.kind == OutKind::I32;
  const size_t work = M * ei8_sparse_stream_bytes(&w);
  const size_t threads = work < kMinParallelWork ? 1 : ThreadPool::instance().threads();
  const ActLayout layout = layout_for(a, w, kernels.a_kind,
                                      groups ? ActForm::kGroups
                                      : k1   ? ActForm::kBytesT
                                      : mvec ? ActForm::kQuadsT
                                             : ActForm::kRows);
  const size_t blocks = div_up(M, kBlockRows);
  ScratchLease lease;
  Scratch& scratch = lease.get();
  // Each thread builds its own copy of A's row blocks in its kernels' form, when it first works on
  // one. A copy shared by the threads (built together before the tasks) was 1.3-1.4x slower at
  // M = 64 on two threads (4x4 at 90 %): each call's build wrote lines that the other core had read
  // in the last call, and that build alone took 30 us on two threads against 15 on one.
  // Sized here for the threads that may run (never more than `threads`), so that running out of
  // memory is an error code rather than a failure inside a worker.
  while (scratch.threads.size() < threads) scratch.threads.push_back(std::make_unique<ThreadBlock>());
  for (size_t t = 0; t < threads; ++t)
    if (!scratch.threads[t]->buf.reserve(layout.bytes())) return EI8_E_NOMEM;
  // Each thread owns one share of the columns (of about equal work) and helps the others at its end
  // (SharedChunks, core/work_split.h), one round per row block, in chunks of at least kMinChunkWork.
  // Measured on two threads against four equal chunks a thread on a dynamic schedule: GEMV
  // 0.95-1.0x the time, M = 8 0.81-0.97x, M = 64 and 256 0.83-1.0x (4x4, 1x16, 2:4, CSR; 4096 x 4096
  // and 4096 x 11008).
  const size_t chunks = chunks_for_share(work / blocks / threads, kMinChunkWork, threads);
  const std::vector<size_t> bounds = balanced_bounds(w, units, threads * chunks);
  SharedChunks shared(blocks, threads, chunks);
  // Chunk c of share p of row block b.
  auto run_chunk = [&](size_t b, size_t p, size_t c, ThreadBlock& mine, int32_t* d, int32_t* dt) {
    const size_t u0 = bounds[p * chunks + c], u1 = bounds[p * chunks + c + 1];
    const size_t mb0 = b * kBlockRows, mb = std::min(kBlockRows, M - mb0);
    if (mine.block != b) {
      layout.build(mb0, mb, mine.buf.data());
      mine.block = b;
    }
    const uint8_t* act = mine.buf.data();
    for (size_t ub = u0; ub < u1; ub += tile_units) {
      const size_t ue = std::min(u1, ub + tile_units);
      const size_t n0 = ub * unit;
      if (n0 >= N) break;
      const size_t nc = std::min(N, ue * unit) - n0;
      const size_t ds = (ue - ub) * unit;
      for (size_t i0 = 0; i0 < mb; i0 += tile_mr) {
        const size_t m0 = mb0 + i0, mr = std::min(tile_mr, mb - i0);
        if (mvec) {
          // A vector of rows per output, transposed back into rows in 4 x 4 blocks: the kernel
          // stores whole vectors instead of one element at a time.
          const size_t dts = round_up(mr, 16), cols4 = round_up(ds, 4);
          if (k1)
            kernels.bsr_k1_mvec(w.bsr, ub, ue, mr, act + i0, layout.stride, dt, dts);
          else
            kernels.bsr_mvec(w.bsr, ub, ue, mr, act + i0 * 4, layout.stride, dt, dts);
          if (cols4 > ds) std::memset(dt + ds * dts, 0, (cols4 - ds) * dts * sizeof(int32_t));
          for (size_t i = 0; i < mr; i += 4)
            for (size_t o = 0; o < cols4; o += 4)
              transpose4x4_32(reinterpret_cast<const uint8_t*>(dt + o * dts + i), dts * 4,
                              reinterpret_cast<uint8_t*>(d + i * cols4 + o), cols4 * 4, 0);
          epilogue(epilogues, req, layout, m0, mr, n0, nc, d, cols4);
          continue;
        }
        const bool in_place = direct && nc == ds;
        int32_t* dd = in_place ? static_cast<int32_t*>(req.out) + m0 * N + n0 : d;
        const size_t dds = in_place ? N : ds;
        if (groups) {
          kernels.bsr_groups(w.bsr, ub, ue, mr, act + i0 / 4 * layout.stride, layout.stride, dd, dds);
          epilogue(epilogues, req, layout, m0, mr, n0, nc, dd, dds);
          continue;
        }
        const uint8_t* rows = act + i0 * layout.stride;
        if (bsr)
          kernels.bsr_rows(w.bsr, ub, ue, mr, rows, layout.stride, dd, dds);
        else if (sell)
          kernels.sell_rows(w.sell, ub, ue, mr, rows, layout.stride, dd, dds);
        else
          kernels.nm_rows(w.nm, ub, ue, mr, rows, layout.stride, dd, dds);
        epilogue(epilogues, req, layout, m0, mr, n0, nc, dd, dds);
      }
    }
  };
  // Thread i: row block by row block, its own share's chunks, then the other shares' last ones.
  auto task = [&](size_t i) {
    alignas(64) int32_t d[kMaxRows * kMaxCols];
    alignas(64) int32_t dt[kMaxCols * kMaxRows];  // bsr_mvec's transposed tile
    ThreadBlock& mine = *scratch.threads[ThreadPool::participant()];
    mine.block = SIZE_MAX;  // by its own thread: no line of it moves to the caller's core
    for (size_t b = 0; b < blocks; ++b)
      shared.take(b, i, [&](size_t share, size_t c, bool) { run_chunk(b, share, c, mine, d, dt); });
  };
  if (threads == 1) {
    task(0);
  } else {
    ThreadPool::instance().parallel_for(threads, task, ThreadPool::Schedule::kPinned, threads);
  }
  return EI8_OK;
}

}  // namespace sparse
}  // namespace ei8
