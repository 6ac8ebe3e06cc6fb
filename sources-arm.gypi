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
    "arm_neon_sources": [],
    "arm_dotprod_sources": [],
    "arm_i8mm_sources": [],
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
