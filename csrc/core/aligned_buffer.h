// A 64-byte aligned, zero-initialised byte buffer (cache-line and AVX-512 aligned).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

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
    const size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (p == nullptr) return false;
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
  unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ei8
