{
  "variables": {
    "quant_sources": [
      "csrc/kernels/codebook_lut.cc",
      "csrc/kernels/scalar/lut4_gemm_1x4c32__scalar.cc",
      "csrc/ref/codebook_ref.cc"
    ],
    "quant_napi_sources": [
      "csrc/napi/codebook_napi.cc"
    ],
    "quant_sse41_sources": [
      "csrc/kernels/sse41/lut4_gemm_2x4c32__sse41.cc"
    ],
    "quant_avx2_sources": [
      "csrc/kernels/avx2/lut4_gemm_2x4c32__avx2.cc"
    ],
    "quant_avxvnni_sources": [],
    "quant_avx512vnni_sources": [
      "csrc/kernels/avx512vnni/lut4_gemm_8x4c32__avx512vnni.cc"
    ],
    "quant_amx_sources": [],
    "quant_neon_sources": [
      "csrc/kernels/neon/lut4_gemm_4x4c32__neon.cc"
    ],
    "quant_dotprod_sources": [
      "csrc/kernels/dotprod/lut4_gemm_4x4c32__neondot.cc"
    ],
    "quant_i8mm_sources": [
      "csrc/kernels/i8mm/lut4_gemm_8x4c32__neoni8mm.cc"
    ]
  }
}
