# Warning and hardening flags for moor's own code. BearSSL and lwIP are
# built with their own (quieter) flags in deps.cmake.
set(MOOR_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2 -Wundef)

add_library(moor_flags INTERFACE)
target_compile_options(moor_flags INTERFACE ${MOOR_WARNINGS})
if(CMAKE_CROSSCOMPILING)
  target_compile_options(moor_flags INTERFACE -ffunction-sections -fdata-sections)
endif()

# Build date as the default time floor for MOOR_TIME_USE_FLOOR.
string(TIMESTAMP MOOR_BUILD_EPOCH "%s" UTC)
# Round down to the day so rebuilds on the same day are identical.
math(EXPR MOOR_BUILD_EPOCH "${MOOR_BUILD_EPOCH} / 86400 * 86400")
target_compile_definitions(moor_flags INTERFACE MOOR_CONFIG_TIME_FLOOR=${MOOR_BUILD_EPOCH}LL)

if(MOOR_FUZZ)
  # Coverage instrumentation everywhere; the fuzz targets add the
  # libFuzzer main themselves.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(MOOR_SANITIZE)
  set(MOOR_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${MOOR_SAN_FLAGS})
  add_link_options(${MOOR_SAN_FLAGS})
endif()

# valgrind 3.19 cannot read clang 14's default DWARF 5.
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  add_compile_options(-gdwarf-4)
endif()

# Python 3 for build scripts (standard library only): Debian's interpreter,
# the one the install scripts guarantee, else the first on PATH.
if(EXISTS /usr/bin/python3)
  set(_moor_py_default /usr/bin/python3)
else()
  find_program(_moor_py_default python3)
endif()
set(MOOR_PYTHON3 ${_moor_py_default} CACHE FILEPATH "Python 3 for build scripts (stdlib only)")
