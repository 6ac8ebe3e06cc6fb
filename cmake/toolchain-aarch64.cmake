# Cross-compiling for 64-bit ARM Linux (arm64) on an x86-64 host with Debian's
# g++-aarch64-linux-gnu:
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake -DEDGE_INT8_TESTS=ON
# The test executables run under qemu-user: ctest uses CMAKE_CROSSCOMPILING_EMULATOR (QEMU_CPU in
# the environment picks the emulated core, e.g. cortex-a53, cortex-a76, max).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(EI8_CROSS_TRIPLE aarch64-linux-gnu CACHE STRING "GNU triple of the cross compiler")
set(CMAKE_C_COMPILER ${EI8_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${EI8_CROSS_TRIPLE}-g++)
set(CMAKE_STRIP ${EI8_CROSS_TRIPLE}-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/${EI8_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/${EI8_CROSS_TRIPLE})
