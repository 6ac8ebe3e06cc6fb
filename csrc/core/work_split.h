// How the dense and codebook GEMM drivers cut their output into thread-pool tasks (the sparse
// driver balances its own shares by work: sparse_gemm.cc).
// The output is `units` column units (weight panels, block rows) by `tiles` row tiles. N is split
// first, so that each task streams its own share of the weights once; M only when there are too
// few column units to go round.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#include "core/threadpool.h"

namespace ei8 {

struct WorkSplit {
  size_t units = 0, tiles = 0;
  size_t n_chunks = 1, m_chunks = 1;
  size_t units_per_chunk = 0, tiles_per_chunk = 0;

  size_t tasks() const { return n_chunks * m_chunks; }
  // Task t covers column units [u0, u1) and row tiles [t0, t1); either range may be empty.
  void unit_range(size_t t, size_t& u0, size_t& u1) const {
    u0 = std::min(units, (t % n_chunks) * units_per_chunk);
    u1 = std::min(units, u0 + units_per_chunk);
  }
  void tile_range(size_t t, size_t& t0, size_t& t1) const {
    t0 = std::min(tiles, (t / n_chunks) * tiles_per_chunk);
    t1 = std::min(tiles, t0 + tiles_per_chunk);
  }
};

// One contiguous share per thread, the same share on every call (a pinned schedule), so repeated
// calls on the same weights find them in that core's caches and each core streams one address
// range. Measured on two threads against about four tasks a thread on a dynamic schedule: dense
// weights faster on every benchmark shape (GEMV most), 4-bit codebooks within noise.
inline WorkSplit split_work(size_t units, size_t tiles, size_t threads) {
  WorkSplit s;
  s.units = units;
  s.tiles = tiles;
  const size_t target = std::max<size_t>(1, threads);
  s.n_chunks = std::max<size_t>(1, std::min(units, target));
  s.m_chunks = std::max<size_t>(1, std::min(tiles, (target + s.n_chunks - 1) / s.n_chunks));
  s.units_per_chunk = (units + s.n_chunks - 1) / s.n_chunks;
  s.tiles_per_chunk = (tiles + s.m_chunks - 1) / s.m_chunks;
  return s;
}

// Runs every task of the split on at most `threads` threads: on the calling thread alone when 1.
template <class Task>
void run_split(const WorkSplit& s, size_t threads, Task&& task) {
  if (threads <= 1 || s.tasks() == 1) {
    for (size_t t = 0; t < s.tasks(); ++t) task(t);
  } else {
    ThreadPool::instance().parallel_for(s.tasks(), std::forward<Task>(task), ThreadPool::Schedule::kPinned, threads);
  }
}

}  // namespace ei8
