# Cortex-M33 (ARMv8-M Mainline, single-precision FPU fpv5-sp-d16, hard
# float ABI), arm-none-eabi-gcc + newlib-nano.
#   cmake --preset m33   (or -DCMAKE_TOOLCHAIN_FILE=toolchain/arm-none-eabi-m33.cmake)
set(MOOR_CPU_NAME m33)
set(MOOR_CPU_FLAGS -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard)
include(${CMAKE_CURRENT_LIST_DIR}/cmake/arm-none-eabi-common.cmake)
