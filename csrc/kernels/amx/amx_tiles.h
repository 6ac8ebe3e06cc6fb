// The AMX tile operations the kernels use, on the hardware or on a software model of it.
// Included by gemm_16x64c4__amx.cc only. With EI8_AMX_SOFT defined (the C++ tests), every operation
// runs on amx_soft.h's model, which checks the configuration rules the hardware faults on; otherwise
// they are the AMX-TILE / AMX-INT8 intrinsics (the file is compiled with -mamx-tile -mamx-int8).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(EI8_AMX_SOFT)
#include "kernels/amx/amx_soft.h"
#else
#include <immintrin.h>
#endif

namespace ei8 {
namespace amx_tiles {

// LDTILECFG's 64-byte operand, palette 1: rows and bytes per row of each of the 8 tiles.
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64, "LDTILECFG reads 64 bytes");

#if defined(EI8_AMX_SOFT)
inline void load_config(const TileConfig& c) { amx_soft::load_config(&c); }
inline void release() { amx_soft::release(); }
#else
inline void load_config(const TileConfig& c) { _tile_loadconfig(&c); }
inline void release() { _tile_release(); }
#endif

}  // namespace amx_tiles
}  // namespace ei8

// Tile operations by tile number (a literal: the intrinsics paste it into the register name).
// DPBUSD(c, a, b): tile c += tile a (u8) x tile b (s8), per 4-byte group.
#if defined(EI8_AMX_SOFT)
#define EI8_TILE_ZERO(t) ::ei8::amx_soft::zero(t)
#define EI8_TILE_LOAD(t, p, stride) ::ei8::amx_soft::load(t, p, stride)
#define EI8_TILE_STORE(t, p, stride) ::ei8::amx_soft::store(t, p, stride)
#define EI8_TILE_DPBUSD(c, a, b) ::ei8::amx_soft::dpbusd(c, a, b)
#else
#define EI8_TILE_ZERO(t) _tile_zero(t)
#define EI8_TILE_LOAD(t, p, stride) _tile_loadd(t, p, stride)
#define EI8_TILE_STORE(t, p, stride) _tile_stored(t, p, stride)
#define EI8_TILE_DPBUSD(c, a, b) _tile_dpbusd(c, a, b)
#endif
