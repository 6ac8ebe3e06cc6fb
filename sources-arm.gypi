{
  "variables": {
    "arm_sources": [
      "csrc/kernels/paths_arm.cc"
    ],
    "arm_napi_sources": [],
    "arm_avx2_sources": [],
    "arm_avxvnni_sources": [],
    "arm_avx512vnni_sources": [],
    "arm_amx_sources": [],
    "arm_neon_sources": [
      "csrc/kernels/neon/epilogues__neon.cc",
      "csrc/kernels/neon/gemm_2x4c16__neon_mlal.cc",
      "csrc/kernels/neon/gemm_2x4c16__neon_mull.cc",
      "csrc/kernels/neon/gemm_2x8c16__neon_mlal.cc",
      "csrc/kernels/neon/gemm_2x8c16__neon_mull.cc",
      "csrc/kernels/neon/gemm_2x8c16_groups__neon.cc",
      "csrc/kernels/neon/peak__neon.cc",
      "csrc/kernels/neon/quantize__neon.cc"
    ],
    "arm_dotprod_sources": [
      "csrc/kernels/dotprod/gemm_4x16c4__neondot.cc",
      "csrc/kernels/dotprod/gemm_groups__neondot.cc",
      "csrc/kernels/dotprod/gemv_1x16c4__neondot.cc",
      "csrc/kernels/dotprod/peak__neondot.cc"
    ],
    "arm_i8mm_sources": [
      "csrc/kernels/i8mm/gemm_4x16c8__neoni8mm.cc",
      "csrc/kernels/i8mm/gemm_groups__neoni8mm.cc",
      "csrc/kernels/i8mm/peak__neoni8mm.cc"
    ],
    "isa_arm64_neon_cflags": [
      "-march=armv8-a"
    ],
    "isa_arm64_dotprod_cflags": [
      "-march=armv8.2-a+dotprod"
    ],
    "isa_arm64_i8mm_cflags": [
      "-march=armv8.2-a+dotprod+i8mm"
    ],
    "isa_armv7_neon_cflags": [
      "-mfpu=neon",
      "-mfloat-abi=hard"
    ]
  }
}
