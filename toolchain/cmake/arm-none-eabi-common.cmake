# Shared part of the arm-none-eabi toolchain files. The including file sets
#   MOOR_CPU_NAME   short name (m0plus, m4f, m33): names the size report section
#   MOOR_CPU_FLAGS  -mcpu/-mfpu/-mfloat-abi flags
# and may set MOOR_BEARSSL_DEFINES (extra BearSSL config macros).
#
# Debian packages: gcc-arm-none-eabi libnewlib-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(MOOR_ARM_GCC arm-none-eabi-gcc)
if(NOT MOOR_ARM_GCC)
  message(FATAL_ERROR "arm-none-eabi-gcc not found (apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi)")
endif()
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(CMAKE_NM arm-none-eabi-nm CACHE FILEPATH "")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

# Compiler checks build a static library: there is no startup code yet.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Thumb, newlib-nano, size-optimized, every function and object in its own
# section so --gc-sections drops what the firmware does not call.
string(JOIN " " _moor_cflags ${MOOR_CPU_FLAGS} -mthumb --specs=nano.specs
  -Os -ffunction-sections -fdata-sections)
set(CMAKE_C_FLAGS_INIT "${_moor_cflags}")
set(CMAKE_ASM_FLAGS_INIT "${_moor_cflags}")
# --specs=nano.specs is in the compile flags, which CMake also passes when
# linking (giving it twice makes gcc fail: "attempt to rename spec").
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nosys.specs -Wl,--gc-sections")

# Look for libraries and headers in the target environment only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
