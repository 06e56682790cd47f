# Cortex-M0+ (ARMv6-M, no FPU), arm-none-eabi-gcc + newlib-nano.
#   cmake --preset m0plus   (or -DCMAKE_TOOLCHAIN_FILE=toolchain/arm-none-eabi-m0plus.cmake)
set(MOOR_CPU_NAME m0plus)
set(MOOR_CPU_FLAGS -mcpu=cortex-m0plus -mfloat-abi=soft)
# M0+ has only a 32x32->32 multiply: BearSSL's Cortex-M0 assembly and its
# "low multiply" code paths (i15 Montgomery multiplication) fit it.
set(MOOR_BEARSSL_DEFINES BR_ARMEL_CORTEXM_GCC=1 BR_LOMUL=1)
include(${CMAKE_CURRENT_LIST_DIR}/cmake/arm-none-eabi-common.cmake)
