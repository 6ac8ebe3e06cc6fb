// Codebook weights: the packed form every look-up-table kernel reads, and the reference (normative):
// decode to int8, then the reference integer matmul of ref/matmul_ref.h.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aligned_buffer.h"
#include "edge_int8.h"
#include "edge_int8_codebook.h"
#include "pack/weights.h"

namespace ei8 {
namespace lut {

constexpr size_t kNR = 4;        // columns per panel
constexpr size_t kKR = 32;       // k per block; every group is zero-padded to a multiple of it
constexpr size_t kEntries = 16;  // centroids per codebook
constexpr size_t kBlockBytes = kNR * kKR / 2;  // one block of a panel: 4 columns x 16 bytes

}  // namespace lut
}  // namespace ei8

// Packed codebook weights.
//   idx:    panels of kNR columns; panel p spans packed_k / kKR blocks of kBlockBytes bytes, block b
//           holding column c's 16 bytes at offset c * 16. Byte j of those holds the index of
//           k = 32b + j in its low nibble and of k = 32b + 16 + j in its high nibble, so the low
//           nibbles of one 16-byte load are 16 consecutive k and the high nibbles the next 16.
//           Groups start on a block boundary; padding indices are 0 (the activations are zero
//           there, so they add nothing).
//   tables: per (panel, group): kNR x 16 int8 centroids, column c's table at offset c * 16.
//   colsum: per (group, column): the sum of the decoded weights over the group's real k.
//   scale:  per (group, column) (broadcast from per tensor or per column).
// Columns past N in the last panel have index 0 and an all-zero table.
struct ei8_codebook {
  std::atomic<int> refs{1};
  size_t k = 0, n = 0, group_size = 0;  // group_size 0: one codebook per tensor or per column
  ei8::GroupGeometry geom;              // kr = kKR
  size_t panels = 0;
  ei8::AlignedBuffer idx;
  ei8::AlignedBuffer tables;
  std::vector<int32_t> colsum;
  std::vector<float> scale;

  size_t groups() const { return geom.groups; }
  size_t panel_bytes() const { return geom.packed_k() / 2 * ei8::lut::kNR; }
  const uint8_t* panel(size_t p) const { return idx.data() + p * panel_bytes(); }
  const int8_t* panel_tables(size_t p, size_t g) const {
    return reinterpret_cast<const int8_t*>(tables.data()) + (p * groups() + g) * ei8::lut::kNR * ei8::lut::kEntries;
  }
  // The 4-bit index of B[kk, nn] (logical k, column).
  uint8_t index(size_t kk, size_t nn) const;
  // The centroid B[kk, nn] decodes to.
  int8_t decoded(size_t kk, size_t nn) const;
  size_t bytes() const {
    return idx.size() + tables.size() + colsum.size() * sizeof(int32_t) + scale.size() * sizeof(float);
  }
};

namespace ei8 {
namespace ref {

// Builds the packed form (the arguments are those of ei8_codebook_pack, already validated).
ei8_status codebook_pack(const uint8_t* indices, ei8_layout layout, size_t k, size_t n,
                         const int8_t* tables, const float* scales, size_t n_books,
                         size_t group_size, ei8_codebook& out);

// Reference matmuls: decode B to int8 with zero point 0, then ref::matmul_*.
// The arguments must already be validated (the C API does it).
void codebook_matmul_i32(const ei8_activations& a, const ei8_codebook& b, int32_t* out);
void codebook_matmul_requant(const ei8_activations& a, const ei8_codebook& b, const ei8_requant& rq, void* out);
void codebook_matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales,
                             const ei8_codebook& b, const float* bias, float* out);

}  // namespace ref
}  // namespace ei8
