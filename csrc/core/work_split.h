// How the dense, codebook and sparse GEMM drivers share their output among the pool's threads.
// The output is `units` column units (weight panels, block rows) by `tiles` row tiles. N is split
// first, so that each thread streams its own share of the weights once; M only when there are too
// few column units to go round.
//
// A share is the same on every call, so that repeated calls on the same weights find each share in
// its thread's core caches (what a streaming GEMV needs; measured on two threads against about four
// tasks a thread on a dynamic schedule, dense weights were faster on every benchmark shape, GEMV
// most). A long share is cut into chunks: a thread takes its own share's chunks from the front and,
// done with them, the other shares' chunks from the back. A thread that started late, was
// descheduled or runs on a slower core (a busy neighbour on a shared host, a LITTLE core of a
// big.LITTLE board) is then helped instead of waited for.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "core/cache_line.h"
#include "core/threadpool.h"

namespace ei8 {

// Chunks a share is cut into: enough for a thread to help one that is behind, few enough that each
// chunk is still a long run of kernel calls.
constexpr size_t kChunksPerShare = 8;

// The chunks of one share not yet taken: [front, back), taken from either end.
class ChunkRange {
 public:
  void reset(size_t n) { r_.store(pack(0, n), std::memory_order_relaxed); }
  bool take_front(size_t& c) {
    uint64_t r = r_.load(std::memory_order_relaxed);
    do {
      if (front(r) >= back(r)) return false;
    } while (!r_.compare_exchange_weak(r, pack(front(r) + 1, back(r)), std::memory_order_relaxed));
    c = front(r);
    return true;
  }
  bool take_back(size_t& c) {
    uint64_t r = r_.load(std::memory_order_relaxed);
    do {
      if (front(r) >= back(r)) return false;
    } while (!r_.compare_exchange_weak(r, pack(front(r), back(r) - 1), std::memory_order_relaxed));
    c = back(r) - 1;
    return true;
  }

 private:
  static uint64_t pack(uint64_t f, uint64_t b) { return f | b << 32; }
  static size_t front(uint64_t r) { return r & 0xFFFFFFFFu; }
  static size_t back(uint64_t r) { return r >> 32; }
  alignas(kCacheLine) std::atomic<uint64_t> r_{0};
};

// `rounds` x `shares` chunk ranges of `chunks` chunks each. A round is a part of the work that every
// thread finishes before it starts the next (the sparse driver's row blocks); most calls have one.
class SharedChunks {
 public:
  SharedChunks(size_t rounds, size_t shares, size_t chunks)
      : shares_(shares), ranges_(new ChunkRange[rounds * shares]) {
    for (size_t i = 0; i < rounds * shares; ++i) ranges_[i].reset(chunks);
  }

  // The chunks thread `self` takes in `round`: run(share, chunk, own) for each, its own share's
  // first (own = true), then the other shares' from the back.
  template <class Run>
  void take(size_t round, size_t self, Run&& run) {
    ChunkRange* r = &ranges_[round * shares_];
    for (size_t c; r[self].take_front(c);) run(self, c, true);
    for (size_t s = (self + 1) % shares_; s != self; s = (s + 1) % shares_)
      for (size_t c; r[s].take_back(c);) run(s, c, false);
  }

 private:
  size_t shares_;
  std::unique_ptr<ChunkRange[]> ranges_;
};

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

// One task per thread: contiguous shares of N, and of M only when N has fewer units than threads.
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

// Chunks for a share of share_work: one per min_chunk_work, at most kChunksPerShare, and one when
// a single thread runs (nobody to help). A short call keeps one chunk a share: taking chunks costs
// each call about one more cache line sent between cores (0.3-0.5 us between this machine's two
// cores, 7 % of a two-thread 1x1024x1024 GEMV), more than a share that short can lose to a late
// thread.
inline size_t chunks_for_share(size_t share_work, size_t min_chunk_work, size_t threads) {
  if (threads <= 1) return 1;
  return std::max<size_t>(1, std::min(kChunksPerShare, share_work / min_chunk_work));
}

// The same for each share of `s`, a unit costing unit_work.
inline size_t chunks_per_share(const WorkSplit& s, size_t unit_work, size_t min_chunk_work, size_t threads) {
  return chunks_for_share(s.units_per_chunk * unit_work, min_chunk_work, threads);
}

// Runs the split on at most `threads` threads (the calling thread alone when 1) as
// run(u0, u1, t0, t1, u_end) over pieces that together cover every (unit, tile) once. u_end >= u1
// is how far the piece's owner goes on after it (its share's end for the chunks it takes from the
// front, u1 otherwise): a driver may prefetch up to there. With more than one chunk a share and a
// split of N alone, shares go in chunks (SharedChunks); otherwise one pinned task per thread.
template <class Run>
void run_split(const WorkSplit& s, size_t threads, size_t chunks, Run&& run) {
  auto whole_task = [&](size_t t) {
    size_t u0, u1, t0, t1;
    s.unit_range(t, u0, u1);
    s.tile_range(t, t0, t1);
    if (u0 < u1 && t0 < t1) run(u0, u1, t0, t1, u1);
  };
  if (threads <= 1 || s.tasks() == 1) {
    for (size_t t = 0; t < s.tasks(); ++t) whole_task(t);
    return;
  }
  ThreadPool& pool = ThreadPool::instance();
  if (s.m_chunks > 1 || chunks <= 1) {
    pool.parallel_for(s.tasks(), whole_task, ThreadPool::Schedule::kPinned, threads);
    return;
  }
  SharedChunks shared(1, s.n_chunks, chunks);
  pool.parallel_for(
      s.n_chunks,
      [&](size_t self) {
        shared.take(0, self, [&](size_t share, size_t c, bool own) {
          size_t u0, u1;
          s.unit_range(share, u0, u1);
          const size_t n = u1 - u0, c0 = u0 + n * c / chunks, c1 = u0 + n * (c + 1) / chunks;
          if (c0 < c1) run(c0, c1, size_t(0), s.tiles, own ? u1 : c1);
        });
      },
      ThreadPool::Schedule::kPinned, threads);
}

}  // namespace ei8
