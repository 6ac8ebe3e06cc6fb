// A 64-byte aligned, zero-initialised byte buffer (cache-line and AVX-512 aligned).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ei8 {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) { resize(bytes); }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Discards the contents; the new bytes are zero. Returns false when out of memory.
  bool resize(size_t bytes) {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
    if (bytes == 0) return true;
    // Large buffers (packed weights streamed by GEMV) go on 2 MB boundaries and ask for huge
    // pages: one TLB entry per 2 MB instead of 512 page walks while streaming.
    const bool huge = bytes >= kHugeThreshold;
    const size_t align = huge ? kHugePage : 64;
    const size_t rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (p == nullptr) return false;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (huge) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: ignored where unsupported
#endif
    std::memset(p, 0, rounded);
    data_ = static_cast<unsigned char*>(p);
    size_ = bytes;
    return true;
  }

  // Grows only; keeps no contents. For per-thread scratch reused across calls.
  bool reserve(size_t bytes) { return bytes <= size_ || resize(bytes); }

  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kHugePage = size_t(2) << 20;
  static constexpr size_t kHugeThreshold = size_t(4) << 20;

  unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ei8
