#include "sparse/sparse_gemm.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "core/threadpool.h"
#include "core/work_split.h"
#include "pack/weights.h"
#include "sparse/transpose4.h"

namespace ei8 {
namespace sparse {

namespace {

constexpr size_t kMaxRows = 64;  // rows of one tile
constexpr size_t kMaxCols = 64;  // outputs of one tile

// Activations as the kernels read them, in scratch buffers reused across calls (grow only): a fresh
// buffer per call (0.5 MB at M = 64, K = 4096) cost an mmap, its page faults and a memset on every
// call, all before the threads start.
struct PreparedA {
  const uint8_t* rows = nullptr;  // M rows of a', zero-padded (row kernels)
  size_t stride = 0;
  const uint8_t* at4 = nullptr;  // A transposed in k-quads (bsr_mvec)
  size_t at4_stride = 0;
  std::vector<int32_t> za;  // za' per row
};

struct Scratch {
  AlignedBuffer rows, at4;
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
  return w.format == Format::BSR ? w.bsr.k_blocks * w.bsr.c : w.nm.windows * w.nm.window;
}

// Quads [q0, q1) of A^T: at4[q][m] = a'[m][4q .. 4q+3] (zero past K), and zero lanes from M up to
// the padded row count. 4 x 4 transposes over whole quads of 4 rows, element by element at the edges.
void transpose_quads(const ei8_activations& a, uint32_t mask, size_t q0, size_t q1, size_t mpad, uint32_t* at4) {
  const size_t M = a.m, K = a.k, full = K / 4;
  const uint8_t* src = static_cast<const uint8_t*>(a.data);
  const size_t qf = std::max(q0, std::min(q1, full / 4 * 4));  // [q0, qf): 4-quad groups within K
  size_t m4 = 0;
  for (; m4 + 4 <= M; m4 += 4)
    for (size_t q = q0; q + 4 <= qf; q += 4)
      transpose4x4_32(src + m4 * a.row_stride + 4 * q, a.row_stride, reinterpret_cast<uint8_t*>(at4 + q * mpad + m4),
                      mpad * 4, mask);
  for (size_t q = q0; q < q1; ++q) {
    for (size_t m = q < qf ? m4 : 0; m < M; ++m) {
      uint32_t v = 0;
      if (q < full)
        std::memcpy(&v, src + m * a.row_stride + 4 * q, 4);
      else if (4 * q < K)
        std::memcpy(&v, src + m * a.row_stride + 4 * q, K - 4 * q);  // the last partial quad
      at4[q * mpad + m] = v ^ (4 * q < K ? mask : 0);
    }
    std::memset(at4 + q * mpad + M, 0, (mpad - M) * 4);
  }
}

bool prepare(const ei8_activations& a, const ei8_sparse& w, AKind kind, bool want_at4, size_t threads, Scratch& s,
             PreparedA& p) {
  const size_t M = a.m, K = a.k, kp = padded_k(w);
  const bool flip = (a.dtype == EI8_INT8) == (kind == AKind::U8);
  const int32_t shift = !flip ? 0 : (kind == AKind::U8 ? 128 : -128);
  const uint8_t mask = flip ? 0x80 : 0;
  p.za.resize(M);
  for (size_t m = 0; m < M; ++m) p.za[m] = a.zero_point[a.n_zero_points == 1 ? 0 : m] + shift;
  if (want_at4) {
    // The batch kernel reads A^T only: transposed straight from the caller's rows.
    const size_t quads = kp / 4, mpad = round_up(M, kMaxRows);
    p.at4_stride = mpad * 4;
    const size_t bytes = quads * p.at4_stride + kRowPad;
    if (!s.at4.reserve(bytes)) return false;
    uint32_t* at4 = reinterpret_cast<uint32_t*>(s.at4.data());
    const uint32_t mask4 = mask * 0x01010101u;
    // Threads take whole 16-quad blocks; a small transpose stays on this thread.
    const size_t blocks = div_up(quads, 16), tasks = M * kp < (size_t(64) << 10) ? 1 : std::min(threads, blocks);
    auto task = [&](size_t t) {
      transpose_quads(a, mask4, std::min(quads, t * blocks / tasks * 16), std::min(quads, (t + 1) * blocks / tasks * 16),
                      mpad, at4);
    };
    if (tasks > 1)
      ThreadPool::instance().parallel_for(tasks, task);
    else
      task(0);
    std::memset(s.at4.data() + quads * p.at4_stride, 0, kRowPad);
    p.at4 = s.at4.data();
    return true;
  }
  p.stride = round_up(kp + kRowPad, 64);
  if (!s.rows.reserve(M * p.stride)) return false;
  for (size_t m = 0; m < M; ++m) {
    const uint8_t* src = static_cast<const uint8_t*>(a.data) + m * a.row_stride;
    uint8_t* dst = s.rows.data() + m * p.stride;
    for (size_t k = 0; k < K; ++k) dst[k] = src[k] ^ mask;
    std::memset(dst + K, 0, p.stride - K);
  }
  p.rows = s.rows.data();
  return true;
}

// One output tile: rows [m0, m0 + mr), outputs [n0, n0 + nc) of d (row stride ds).
void epilogue(const Epilogues& e, const Request& req, const PreparedA& a, size_t m0, size_t mr, size_t n0, size_t nc,
              int32_t* d, size_t ds) {
  const ei8_sparse& w = *req.w;
  const size_t N = w.n;
  alignas(64) float y[kMaxCols];
  for (size_t i = 0; i < mr; ++i) {
    const size_t m = m0 + i;
    int32_t* di = d + i * ds;
    const int32_t* bias = req.kind == OutKind::REQUANT && req.rq->bias ? req.rq->bias + n0 : nullptr;
    e.correct(di, nc, nullptr, &w.ck[n0], 0, a.za[m], bias);
    switch (req.kind) {
      case OutKind::I32:
        std::memcpy(static_cast<int32_t*>(req.out) + m * N + n0, di, nc * sizeof(int32_t));
        break;
      case OutKind::REQUANT: {
        const ei8_requant& rq = *req.rq;
        const int out_u8 = rq.out_dtype == EI8_UINT8;
        void* out = static_cast<uint8_t*>(req.out) + m * N + n0;
        if (rq.rounding == EI8_ROUND_FLOAT)
          e.requant_float(di, nc, req.mult_float + n0, rq.out_zero_point, rq.clamp_min, rq.clamp_max, out_u8, out);
        else
          e.requant_fixed(di, nc, req.mult_fixed + n0, req.shift_fixed + n0, rq.out_zero_point, rq.clamp_min,
                          rq.clamp_max, out_u8, out);
        break;
      }
      case OutKind::DEQUANT: {
        std::memset(y, 0, nc * sizeof(float));
        e.dequant_accumulate(di, nc, req.a_scale[req.n_a_scales == 1 ? 0 : m], &w.scale[n0], y);
        float* out = static_cast<float*>(req.out) + m * N + n0;
        if (req.bias_f32) {
          for (size_t j = 0; j < nc; ++j) out[j] = y[j] + req.bias_f32[n0 + j];
        } else {
          std::memcpy(out, y, nc * sizeof(float));
        }
        break;
      }
    }
  }
}

// Below this much work (rows x streamed bytes) a call stays on the calling thread.
constexpr size_t kMinParallelWork = size_t(1) << 18;

}  // namespace

ei8_status run(const SparseKernels& kernels, const Epilogues& epilogues, const Request& req) {
  const ei8_activations& a = *req.a;
  const ei8_sparse& w = *req.w;
  const bool bsr = w.format == Format::BSR;
  const bool mvec = bsr && kernels.bsr_mvec && w.bsr.c % 4 == 0 && w.bsr.r <= 4 && a.m >= kMvecMinRows;

  // Column units: block rows (BSR) or panels of 16 outputs (N:M); a tile holds up to kMaxCols outputs.
  const size_t unit = bsr ? w.bsr.r : 16;
  const size_t units = bsr ? w.bsr.block_rows : w.nm.panels;
  const size_t tile_units = std::max<size_t>(1, kMaxCols / unit);
  const size_t tile_mr = std::min<size_t>(kMaxRows, mvec ? kernels.bsr_mvec_mr : (bsr ? kernels.bsr_rows_mr : kernels.nm_rows_mr));
  const size_t M = a.m, N = w.n, m_tiles = div_up(M, tile_mr);
  const size_t work = M * (bsr ? w.bsr.stream_bytes() : w.nm.stream_bytes());
  const size_t threads = work < kMinParallelWork ? 1 : ThreadPool::instance().threads();
  ScratchLease scratch;
  PreparedA prepared;
  if (!prepare(a, w, kernels.a_kind, mvec, threads, scratch.get(), prepared)) return EI8_E_NOMEM;
  // Dynamic: a block row's cost varies with its number of blocks. Pinned shares of equal streamed
  // bytes (as the dense driver pins) measured 10-20 % slower for the sparse GEMV on two threads
  // (4096x11008, 4x4 and 1x16 blocks) and no different at M = 8 and 64.
  const WorkSplit split = split_work(units, m_tiles, threads, ThreadPool::Schedule::kDynamic);
  run_split(split, threads, [&](size_t t) {
    alignas(64) int32_t d[kMaxRows * kMaxCols];
    alignas(64) int32_t dt[kMaxCols * kMaxRows];  // bsr_mvec's transposed tile
    size_t u0, u1, t0, t1;
    split.unit_range(t, u0, u1);
    split.tile_range(t, t0, t1);
    for (size_t ub = u0; ub < u1; ub += tile_units) {
      const size_t ue = std::min(u1, ub + tile_units);
      const size_t n0 = ub * unit;
      if (n0 >= N) break;
      const size_t nc = std::min(N, ue * unit) - n0;
      const size_t ds = (ue - ub) * unit;
      for (size_t tm = t0; tm < t1; ++tm) {
        const size_t m0 = tm * tile_mr, mr = std::min(tile_mr, M - m0);
        if (mvec) {
          // A vector of rows per output, transposed back into rows in 4 x 4 blocks: the kernel
          // stores whole vectors instead of one element at a time.
          const size_t dts = round_up(mr, 16), cols4 = round_up(ds, 4);
          kernels.bsr_mvec(w.bsr, ub, ue, mr, prepared.at4 + m0 * 4, prepared.at4_stride, dt, dts);
          if (cols4 > ds) std::memset(dt + ds * dts, 0, (cols4 - ds) * dts * sizeof(int32_t));
          for (size_t i = 0; i < mr; i += 4)
            for (size_t o = 0; o < cols4; o += 4)
              transpose4x4_32(reinterpret_cast<const uint8_t*>(dt + o * dts + i), dts * 4,
                              reinterpret_cast<uint8_t*>(d + i * cols4 + o), cols4 * 4, 0);
          epilogue(epilogues, req, prepared, m0, mr, n0, nc, d, cols4);
          continue;
        }
        if (bsr)
          kernels.bsr_rows(w.bsr, ub, ue, mr, prepared.rows + m0 * prepared.stride, prepared.stride, d, ds);
        else
          kernels.nm_rows(w.nm, ub, ue, mr, prepared.rows + m0 * prepared.stride, prepared.stride, d, ds);
        epilogue(epilogues, req, prepared, m0, mr, n0, nc, d, ds);
      }
    }
  });
  return EI8_OK;
}

}  // namespace sparse
}  // namespace ei8
