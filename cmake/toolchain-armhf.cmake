# Cross-compiling for 32-bit ARM Linux, hard float (armhf: Raspberry Pi OS 32-bit, ARMv7-A and
# later) on an x86-64 host with Debian's g++-arm-linux-gnueabihf:
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake -DEDGE_INT8_TESTS=ON
# The test executables run under qemu-arm (QEMU_CPU picks the core, e.g. cortex-a7, cortex-a15).
# The baseline is Debian armhf's (ARMv7-A, Thumb-2, VFPv3-D16, no NEON): the NEON kernels are a
# separate library compiled with -mfpu=neon and used only where the CPU reports NEON.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)

set(EI8_CROSS_TRIPLE arm-linux-gnueabihf CACHE STRING "GNU triple of the cross compiler")
set(CMAKE_C_COMPILER ${EI8_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${EI8_CROSS_TRIPLE}-g++)
set(CMAKE_STRIP ${EI8_CROSS_TRIPLE}-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/${EI8_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -L /usr/${EI8_CROSS_TRIPLE})
