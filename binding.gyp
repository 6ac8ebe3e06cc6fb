{
  "includes": [
    "sources.gypi",
    "sources-arm.gypi",
    "sources-sparse.gypi",
    "sources-quant.gypi"
  ],
  "target_defaults": {
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "csrc",
      "csrc/include"
    ],
    "cflags": [
      "<@(common_cflags)"
    ],
    "cflags_cc": [
      "-std=c++17",
      "-fexceptions"
    ],
    "cflags_cc!": [
      "-fno-exceptions",
      "-std=gnu++1y",
      "-std=gnu++17"
    ],
    "defines": [
      "NAPI_VERSION=8",
      "NAPI_CPP_EXCEPTIONS"
    ],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
      "OTHER_CFLAGS": [
        "<@(common_cflags)"
      ]
    }
  },
  "targets": [
    {
      "target_name": "edge_int8",
      "sources": [
        "<@(core_sources)",
        "<@(arm_sources)",
        "<@(sparse_sources)",
        "<@(quant_sources)",
        "<@(core_napi_sources)",
        "<@(arm_napi_sources)",
        "<@(sparse_napi_sources)",
        "<@(quant_napi_sources)"
      ],
      "conditions": [
        [
          "OS=='linux'",
          {
            "ldflags": [
              "-static-libstdc++",
              "-Wl,--exclude-libs,ALL",
              "-Wl,--no-as-needed",
              "-l:libpthread.so.0",
              "-Wl,--as-needed"
            ]
          }
        ],
        [
          "target_arch=='x64'",
          {
            "dependencies": [
              "ei8_sse41",
              "ei8_avx2",
              "ei8_avxvnni",
              "ei8_avx512vnni",
              "ei8_avx512vbmi",
              "ei8_amx"
            ]
          }
        ],
        [
          "target_arch=='arm64'",
          {
            "dependencies": [
              "ei8_arm64_neon",
              "ei8_arm64_dotprod",
              "ei8_arm64_i8mm"
            ]
          }
        ],
        [
          "target_arch=='arm'",
          {
            "dependencies": [
              "ei8_armv7_neon"
            ]
          }
        ]
      ]
    }
  ],
  "conditions": [
    [
      "target_arch=='x64'",
      {
        "targets": [
          {
            "target_name": "ei8_sse41",
            "type": "static_library",
            "sources": [
              "<@(core_sse41_sources)",
              "<@(sparse_sse41_sources)",
              "<@(quant_sse41_sources)"
            ],
            "cflags": [
              "<@(isa_sse41_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_sse41_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_avx2",
            "type": "static_library",
            "sources": [
              "<@(core_avx2_sources)",
              "<@(arm_avx2_sources)",
              "<@(sparse_avx2_sources)",
              "<@(quant_avx2_sources)"
            ],
            "cflags": [
              "<@(isa_avx2_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_avx2_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_avxvnni",
            "type": "static_library",
            "sources": [
              "<@(core_avxvnni_sources)",
              "<@(arm_avxvnni_sources)",
              "<@(sparse_avxvnni_sources)",
              "<@(quant_avxvnni_sources)"
            ],
            "cflags": [
              "<@(isa_avxvnni_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_avxvnni_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_avx512vnni",
            "type": "static_library",
            "sources": [
              "<@(core_avx512vnni_sources)",
              "<@(arm_avx512vnni_sources)",
              "<@(sparse_avx512vnni_sources)",
              "<@(quant_avx512vnni_sources)"
            ],
            "cflags": [
              "<@(isa_avx512vnni_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_avx512vnni_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_avx512vbmi",
            "type": "static_library",
            "sources": [
              "<@(sparse_avx512vbmi_sources)"
            ],
            "cflags": [
              "<@(isa_avx512vbmi_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_avx512vbmi_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_amx",
            "type": "static_library",
            "sources": [
              "<@(core_amx_sources)",
              "<@(arm_amx_sources)",
              "<@(sparse_amx_sources)",
              "<@(quant_amx_sources)"
            ],
            "cflags": [
              "<@(isa_amx_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_amx_cflags)"
              ]
            }
          }
        ]
      }
    ],
    [
      "target_arch=='arm64'",
      {
        "targets": [
          {
            "target_name": "ei8_arm64_neon",
            "type": "static_library",
            "sources": [
              "<@(core_neon_sources)",
              "<@(arm_neon_sources)",
              "<@(sparse_neon_sources)",
              "<@(quant_neon_sources)"
            ],
            "cflags": [
              "<@(isa_arm64_neon_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_arm64_neon_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_arm64_dotprod",
            "type": "static_library",
            "sources": [
              "<@(core_dotprod_sources)",
              "<@(arm_dotprod_sources)",
              "<@(sparse_dotprod_sources)",
              "<@(quant_dotprod_sources)"
            ],
            "cflags": [
              "<@(isa_arm64_dotprod_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_arm64_dotprod_cflags)"
              ]
            }
          },
          {
            "target_name": "ei8_arm64_i8mm",
            "type": "static_library",
            "sources": [
              "<@(core_i8mm_sources)",
              "<@(arm_i8mm_sources)",
              "<@(sparse_i8mm_sources)",
              "<@(quant_i8mm_sources)"
            ],
            "cflags": [
              "<@(isa_arm64_i8mm_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_arm64_i8mm_cflags)"
              ]
            }
          }
        ]
      }
    ],
    [
      "target_arch=='arm'",
      {
        "targets": [
          {
            "target_name": "ei8_armv7_neon",
            "type": "static_library",
            "sources": [
              "<@(core_neon_sources)",
              "<@(arm_neon_sources)",
              "<@(sparse_neon_sources)",
              "<@(quant_neon_sources)"
            ],
            "cflags": [
              "<@(isa_armv7_neon_cflags)"
            ],
            "xcode_settings": {
              "OTHER_CFLAGS": [
                "<@(isa_armv7_neon_cflags)"
              ]
            }
          }
        ]
      }
    ]
  ]
}
