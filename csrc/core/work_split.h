// How the driver of a GEMM (dense, codebook or sparse) cuts its output into thread-pool tasks.
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
  ThreadPool::Schedule schedule = ThreadPool::Schedule::kDynamic;

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

// Pinned: one contiguous share per thread, the same share on every call, so repeated calls on the
// same weights find them in that core's caches and each core streams one address range. Measured
// on two threads against dynamic: dense weights faster on every benchmark shape (GEMV most), 4-bit
// codebooks within noise. Dynamic: about four tasks per thread, handed to whichever thread is free,
// for work whose cost varies across N (sparse block rows).
inline WorkSplit split_work(size_t units, size_t tiles, size_t threads, ThreadPool::Schedule schedule) {
  WorkSplit s;
  s.units = units;
  s.tiles = tiles;
  s.schedule = schedule;
  const size_t target = threads <= 1 ? 1 : schedule == ThreadPool::Schedule::kPinned ? threads : threads * 4;
  s.n_chunks = std::max<size_t>(1, std::min(units, target));
  s.m_chunks = std::max<size_t>(1, std::min(tiles, (target + s.n_chunks - 1) / s.n_chunks));
  s.units_per_chunk = (units + s.n_chunks - 1) / s.n_chunks;
  s.tiles_per_chunk = (tiles + s.m_chunks - 1) / s.m_chunks;
  return s;
}

// As split_work for the column units, with every one of `blocks` row blocks a chunk of its own,
// numbered block-major: a dynamic schedule hands out the tasks of one row block before the next, so
// a thread's consecutive tasks mostly share the block (and the activations it prepared for it).
inline WorkSplit split_row_blocks(size_t units, size_t blocks, size_t threads) {
  WorkSplit s = split_work(units, 1, threads, ThreadPool::Schedule::kDynamic);
  s.tiles = s.m_chunks = std::max<size_t>(1, blocks);
  s.tiles_per_chunk = 1;
  return s;
}

// Runs every task of the split on at most `threads` threads: on the calling thread alone when 1.
template <class Task>
void run_split(const WorkSplit& s, size_t threads, Task&& task) {
  if (threads <= 1 || s.tasks() == 1) {
    for (size_t t = 0; t < s.tasks(); ++t) task(t);
  } else {
    ThreadPool::instance().parallel_for(s.tasks(), std::forward<Task>(task), s.schedule, threads);
  }
}

}  // namespace ei8
