#include <cstring>

#include "kernels/amx/amx_kernels.h"
#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace amx {

// Every AMX-INT8 CPU has AVX-512 VNNI: its GEMV (M <= 2 streams the weights once; a 16-row tile
// would waste most of each TDPBUSD) and its epilogues serve here too.
const KernelPath kPath = {
    "amx",
    {"qu8_gemm_16x64c4__amx", 64, 4, AKind::U8,
     {gemm_16x64c4, 16, nullptr, nullptr, ALayout::Plain, gemm_16x64c4_enter, gemm_16x64c4_leave},
     {gemm_16x64c4, 16, nullptr, nullptr, ALayout::Plain, gemm_16x64c4_enter, gemm_16x64c4_leave},
     {avx512vnni::gemv_2x64c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr,
      avx512vnni::gemm_6x64c4_columns, avx512vnni::gemv_2x64c4_dequant_groups},
     {avx512vnni::gemv_2x64c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr,
      avx512vnni::gemm_6x64c4_columns, avx512vnni::gemv_2x64c4_dequant_groups}},
    {avx512vnni::correct, avx512vnni::requant_float, avx512vnni::requant_fixed, avx512vnni::dequant_accumulate,
     avx512vnni::dequant_store},
    dot_peak,
    {avx512vnni::minmax, avx512vnni::quantize_run},
};

namespace {

// A deterministic panel and rows of A with the extremes in them.
uint8_t byte_at(size_t i) { return static_cast<uint8_t>((i * 2654435761u) >> 13) | (i % 7 == 0 ? 0x80 : 0); }

bool matches(size_t mr, size_t kc) {
  constexpr size_t kMaxK = 64 * 2 + 36;
  alignas(64) uint8_t a[16 * kMaxK];
  alignas(64) int8_t w[kMaxK / 4 * 256];
  alignas(64) int32_t d[16 * 64];
  for (size_t i = 0; i < sizeof(a); ++i) a[i] = i % 11 == 0 ? 255 : byte_at(i);
  for (size_t i = 0; i < sizeof(w); ++i) w[i] = static_cast<int8_t>(i % 13 == 0 ? 0x80 : byte_at(i + 977));
  gemm_16x64c4_enter();
  gemm_16x64c4(mr, kc, a, kMaxK, w, d);
  gemm_16x64c4_leave();
  for (size_t i = 0; i < mr; ++i)
    for (size_t j = 0; j < 64; ++j) {
      int32_t s = 0;
      for (size_t k = 0; k < kc; ++k) s += int32_t(a[i * kMaxK + k]) * int32_t(w[k / 4 * 256 + j * 4 + k % 4]);
      if (d[i * 64 + j] != s) return false;
    }
  return true;
}

}  // namespace

bool self_check() {
  static const bool ok = matches(16, 64 * 2 + 36) && matches(5, 64 * 2 + 36) && matches(16, 64) && matches(3, 20);
  return ok;
}

}  // namespace amx
}  // namespace ei8
