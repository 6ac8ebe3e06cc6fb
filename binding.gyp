{
  "includes": ["sources.gypi"],
  "target_defaults": {
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "csrc",
      "csrc/include"
    ],
    "cflags": ["<@(ei8_common_cflags)"],
    "cflags_cc": ["-std=c++17", "-fexceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
      "OTHER_CFLAGS": ["<@(ei8_common_cflags)"]
    }
  },
  "targets": [
    {
      "target_name": "edge_int8",
      "sources": ["<@(ei8_core_sources)", "<@(ei8_napi_sources)"],
      "conditions": [
        ["OS=='linux'", {
          "ldflags": ["-static-libstdc++", "-static-libgcc", "-Wl,--exclude-libs,ALL"]
        }]
      ]
    }
  ]
}
