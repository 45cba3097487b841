# Cross build for aarch64 Linux with Debian's g++-aarch64-linux-gnu; the
# tests run under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++-12)

# xsimd, Catch2 and Boost are installed once, in /usr/include. -idirafter
# rather than -isystem keeps the aarch64 libc and libstdc++ headers ahead of it.
set(CMAKE_CXX_FLAGS_INIT "-idirafter /usr/include")

set(LOWP_AARCH64_SYSROOT /usr/aarch64-linux-gnu)
find_program(LOWP_QEMU_AARCH64 qemu-aarch64)
if(NOT LOWP_QEMU_AARCH64)
  set(LOWP_QEMU_AARCH64 qemu-aarch64)
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${LOWP_QEMU_AARCH64};-L;${LOWP_AARCH64_SYSROOT}")

set(CMAKE_FIND_ROOT_PATH "${LOWP_AARCH64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
