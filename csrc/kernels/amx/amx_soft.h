// A software model of the AMX tile instructions edge-int8 uses (LDTILECFG, TILERELEASE, TILEZERO,
// TILELOADD, TILESTORED, TDPBUSD), for proving the AMX kernel exact on CPUs without AMX: the C++
// tests compile the kernel against it (EI8_AMX_SOFT). It follows the Intel SDM's descriptions,
// including the checks that raise #GP / #UD on the hardware (those abort here): palette 1 only,
// reserved bytes zero, at most 16 rows and 64 bytes per row, no tile use before a configuration, and
// TDPBUSD's shape rules. Per thread, as the tile state is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ei8 {
namespace amx_soft {

struct State {
  bool configured = false;
  uint8_t rows[8] = {};
  uint16_t colsb[8] = {};
  uint8_t data[8][16][64] = {};
};

inline State& state() {
  static thread_local State s;
  return s;
}

[[noreturn]] inline void fault(const char* what) {
  std::fprintf(stderr, "amx_soft: the hardware would fault: %s\n", what);
  std::abort();
}

inline void check_tile(int t) {
  if (t < 0 || t > 7) fault("tile number");
  if (!state().configured) fault("tile used before LDTILECFG");
  if (state().rows[t] == 0 || state().colsb[t] == 0) fault("tile not configured");
}

inline void load_config(const void* cfg) {
  const uint8_t* b = static_cast<const uint8_t*>(cfg);
  State& s = state();
  if (b[0] == 0) {  // palette 0: back to the initial state
    s = State();
    return;
  }
  if (b[0] != 1) fault("palette other than 1");
  if (b[1] != 0) fault("start_row other than 0");  // only restarts after a fault may set it
  for (int i = 2; i < 16; ++i)
    if (b[i]) fault("reserved bytes 2..15 not zero");
  for (int i = 0; i < 16; ++i) {
    uint16_t colsb;
    std::memcpy(&colsb, b + 16 + 2 * i, 2);
    const uint8_t rows = b[48 + i];
    if (i >= 8) {
      if (colsb || rows) fault("tiles 8..15 configured (palette 1 has 8)");
      continue;
    }
    if (rows > 16 || colsb > 64) fault("more than 16 rows or 64 bytes per row");
    if ((rows == 0) != (colsb == 0)) fault("a tile with rows but no bytes, or the reverse");
    s.rows[i] = rows;
    s.colsb[i] = colsb;
  }
  s.configured = true;
  std::memset(s.data, 0, sizeof(s.data));
}

inline void release() { state() = State(); }

inline void zero(int t) {
  check_tile(t);
  std::memset(state().data[t], 0, sizeof(state().data[t]));
}

inline void load(int t, const void* p, size_t stride) {
  check_tile(t);
  State& s = state();
  std::memset(s.data[t], 0, sizeof(s.data[t]));  // bytes past the configured shape read as zero
  for (int r = 0; r < s.rows[t]; ++r)
    std::memcpy(s.data[t][r], static_cast<const uint8_t*>(p) + r * stride, s.colsb[t]);
}

inline void store(int t, void* p, size_t stride) {
  check_tile(t);
  State& s = state();
  for (int r = 0; r < s.rows[t]; ++r) std::memcpy(static_cast<uint8_t*>(p) + r * stride, s.data[t][r], s.colsb[t]);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-tree-vectorize")  // scalar code runs faster under qemu-user than SSE
#endif
// C[m][n] += sum over k < A.colsb / 4 and i < 4 of u8(A[m][4k + i]) * s8(B[k][4n + i]), int32 wrapping.
inline void dpbusd(int c, int a, int b) {
  check_tile(c);
  check_tile(a);
  check_tile(b);
  if (c == a || c == b || a == b) fault("TDPBUSD with a tile used twice");
  State& s = state();
  if (s.colsb[c] % 4 || s.colsb[a] % 4 || s.colsb[b] % 4) fault("TDPBUSD row bytes not a multiple of 4");
  if (s.rows[c] != s.rows[a]) fault("TDPBUSD: C rows != A rows");
  if (s.colsb[c] != s.colsb[b]) fault("TDPBUSD: C row bytes != B row bytes");
  if (s.colsb[a] != 4 * s.rows[b]) fault("TDPBUSD: A row bytes != 4 x B rows");
  // B by columns, bt[n][k] = s8(B[k / 4][4n + k % 4]). Rows of A and columns of B that are all zero
  // add nothing and are skipped: the tests run this model under qemu too, where the kernel's zero
  // padding (short tiles, the end of N) would otherwise dominate.
  const int n_cols = s.colsb[c] / 4, depth = s.colsb[a];
  int32_t bt[16][64];
  bool col_used[16] = {};
  for (int n = 0; n < n_cols; ++n)
    for (int k = 0; k < depth; ++k) {
      bt[n][k] = int8_t(s.data[b][k / 4][4 * n + k % 4]);
      col_used[n] = col_used[n] || bt[n][k] != 0;
    }
  for (int m = 0; m < s.rows[c]; ++m) {
    const uint8_t* row = s.data[a][m];
    bool row_used = false;
    for (int k = 0; k < depth; ++k) row_used = row_used || row[k] != 0;
    if (!row_used) continue;
    for (int n = 0; n < n_cols; ++n) {
      if (!col_used[n]) continue;
      uint32_t sum;
      std::memcpy(&sum, &s.data[c][m][4 * n], 4);
      for (int k = 0; k < depth; ++k) sum += uint32_t(row[k]) * static_cast<uint32_t>(bt[n][k]);
      std::memcpy(&s.data[c][m][4 * n], &sum, 4);
    }
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

}  // namespace amx_soft
}  // namespace ei8
