{
  "variables": {
    "quant_sources": [],
    "quant_napi_sources": [],
    "quant_avx2_sources": [],
    "quant_avxvnni_sources": [],
    "quant_avx512vnni_sources": [],
    "quant_amx_sources": [],
    "quant_neon_sources": [],
    "quant_dotprod_sources": [],
    "quant_i8mm_sources": []
  }
}
