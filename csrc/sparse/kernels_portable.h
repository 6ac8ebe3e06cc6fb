// The portable sparse kernels (see sparse.h for the contracts).
#pragma once

#include "sparse/sparse.h"

namespace ei8 {
namespace sparse {
namespace portable {

void bsr_rows(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
              size_t d_stride);
// The same with A as uint8 (for the paths whose AKind is U8).
void bsr_rows_u8(const Bsr& s, size_t br0, size_t br1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                 size_t d_stride);
void nm_rows(const Nm& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
             size_t d_stride);

void sell_rows(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
               size_t d_stride);
// The same with A as uint8 (the sse41 path, which has no SIMD SELL kernel).
void sell_rows_u8(const Sell& s, size_t p0, size_t p1, size_t mr, const uint8_t* a, size_t a_stride, int32_t* d,
                  size_t d_stride);

}  // namespace portable
}  // namespace sparse
}  // namespace ei8
