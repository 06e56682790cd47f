# Cortex-M4F (ARMv7E-M, single-precision FPU fpv4-sp-d16, hard float ABI),
# arm-none-eabi-gcc + newlib-nano.
#   cmake --preset m4f   (or -DCMAKE_TOOLCHAIN_FILE=toolchain/arm-none-eabi-m4f.cmake)
set(MOOR_CPU_NAME m4f)
set(MOOR_CPU_FLAGS -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
include(${CMAKE_CURRENT_LIST_DIR}/cmake/arm-none-eabi-common.cmake)
