// Portable C++ sparse kernels (no intrinsics): the "scalar" sparse path, and the fallback of the SIMD
// paths for block shapes they do not specialise. A as int8 (AKind::S8). Each must equal
// ref::sparse_matmul_i32 after the driver's corrections.
#include "sparse/kernels_portable.h"

#include <type_traits>

namespace ei8 {
namespace sparse {
namespace portable {

// A as int8 (kUnsigned = false) or uint8 (true).
template <bool kUnsigned>
static void bsr_rows_t(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                       size_t d_stride) {
  using A = typename std::conditional<kUnsigned, uint8_t, int8_t>::type;
  const uint32_t r = s.r, c = s.c;
  for (size_t br = br0; br < br1; ++br) {
    for (size_t i = 0; i < mr; ++i) {
      const A* ai = reinterpret_cast<const A*>(a + i * a_stride);
      int32_t* di = d + i * d_stride + (br - br0) * r;
      for (uint32_t j = 0; j < r; ++j) {
        uint32_t acc = 0;
        for (size_t blk = s.row_ptr[br]; blk < s.row_ptr[br + 1]; ++blk) {
          const A* ak = ai + size_t(s.index()[blk]) * c;
          const int8_t* w = s.values() + blk * r * c + j * c;
          int32_t sum = 0;
          for (uint32_t cc = 0; cc < c; ++cc) sum += int32_t(ak[cc]) * w[cc];
          acc += static_cast<uint32_t>(sum);
        }
        di[j] = static_cast<int32_t>(acc);
      }
    }
  }
}

void bsr_rows(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
              size_t d_stride) {
  bsr_rows_t<false>(s, br0, br1, mr, a, a_stride, d, d_stride);
}

void bsr_rows_u8(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                 size_t d_stride) {
  bsr_rows_t<true>(s, br0, br1, mr, a, a_stride, d, d_stride);
}

void nm_rows(const Nm& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
             size_t d_stride) {
  for (size_t p = p0; p < p1; ++p) {
    for (size_t i = 0; i < mr; ++i) {
      const int8_t* ai = reinterpret_cast<const int8_t*>(a + i * a_stride);
      uint32_t acc[16] = {};
      for (size_t t = 0; t < s.windows; ++t) {
        const int8_t* win = ai + t * s.window;
        const int8_t* v = s.values(p, t);
        const uint8_t* md = s.metadata(p, t);
        for (size_t l = 0; l < 16; ++l) {
          int32_t sum = 0;
          for (size_t slot = 0; slot < 4; ++slot) sum += int32_t(win[Nm::position(md, l, slot)]) * v[l * 4 + slot];
          acc[l] += static_cast<uint32_t>(sum);
        }
      }
      for (size_t l = 0; l < 16; ++l) d[i * d_stride + (p - p0) * 16 + l] = static_cast<int32_t>(acc[l]);
    }
  }
}

// A as int8 (kUnsigned = false) or uint8 (true).
template <bool kUnsigned>
static void sell_rows_t(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                        size_t d_stride) {
  using A = typename std::conditional<kUnsigned, uint8_t, int8_t>::type;
  for (size_t p = p0; p < p1; ++p) {
    for (size_t i = 0; i < mr; ++i) {
      const A* ai = reinterpret_cast<const A*>(a + i * a_stride);
      const uint8_t* slot = s.slot(s.panel_ptr[p]);
      uint32_t acc[16] = {};
      for (size_t t = 0; t < s.windows; ++t) {
        const A* win = ai + t * Sell::kWindow;
        for (uint32_t n = 0; n < s.counts(p)[t]; ++n, slot += Sell::kSlotBytes)
          for (size_t l = 0; l < 16; ++l) {
            int32_t sum = 0;
            for (size_t j = 0; j < 4; ++j)
              sum += int32_t(win[slot[4 * l + j]]) * static_cast<int8_t>(slot[64 + 4 * l + j]);
            acc[l] += static_cast<uint32_t>(sum);
          }
      }
      for (size_t l = 0; l < 16; ++l) d[i * d_stride + (p - p0) * 16 + l] = static_cast<int32_t>(acc[l]);
    }
  }
}

void sell_rows(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
               size_t d_stride) {
  sell_rows_t<false>(s, p0, p1, mr, a, a_stride, d, d_stride);
}

void sell_rows_u8(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                  size_t d_stride) {
  sell_rows_t<true>(s, p0, p1, mr, a, a_stride, d, d_stride);
}

}  // namespace portable

const SparseKernels kPortable = {"scalar", AKind::S8, portable::bsr_rows, 16, nullptr, 0, portable::nm_rows, 16,
                                 nullptr, 0, nullptr, 0, portable::sell_rows, 16, SellGather::kPortable};

}  // namespace sparse
}  // namespace ei8
