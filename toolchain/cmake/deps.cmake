# Third-party sources: BearSSL 0.6 and lwIP 2.1.3.
#
# By default both come from Debian's source packages, fetched at configure
# time by toolchain/fetch-deps.sh into MOOR_DEPS_CACHE (sha256-pinned, and
# done once: later configures only check a stamp file). Point
# MOOR_BEARSSL_DIR / MOOR_LWIP_DIR at your own checkouts to skip that, or
# set MOOR_DEPS_TARBALLS in the environment to a directory holding the two
# orig tarballs to fetch without apt.
#
# Defines:
#   bearssl          static library, BearSSL's own (quiet) flags; public
#                    include dir is BearSSL's inc/.
#   MOOR_BEARSSL_DIR the BearSSL tree used (validated).
#   MOOR_LWIP_DIR    the lwIP tree used (validated); no target yet.

set(MOOR_FETCH_DEPS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../fetch-deps.sh)

if(NOT MOOR_BEARSSL_DIR OR NOT MOOR_LWIP_DIR)
  find_program(MOOR_BASH bash)
  if(NOT MOOR_BASH)
    message(FATAL_ERROR "bash is needed to run ${MOOR_FETCH_DEPS_SCRIPT}; "
      "or set MOOR_BEARSSL_DIR and MOOR_LWIP_DIR to your own checkouts")
  endif()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env MOOR_CMAKE=${CMAKE_COMMAND}
            ${MOOR_BASH} ${MOOR_FETCH_DEPS_SCRIPT} ${MOOR_DEPS_CACHE}
    RESULT_VARIABLE fetch_rc
    OUTPUT_VARIABLE fetch_out
    ERROR_VARIABLE fetch_out)
  if(NOT fetch_rc EQUAL 0)
    message(FATAL_ERROR "Fetching BearSSL/lwIP into ${MOOR_DEPS_CACHE} failed "
      "(exit ${fetch_rc}):\n${fetch_out}\n"
      "Fix the cause above, or set MOOR_BEARSSL_DIR and MOOR_LWIP_DIR to your "
      "own BearSSL 0.6 / lwIP 2.1.3 trees, or MOOR_DEPS_TARBALLS=DIR (environment) "
      "to a directory holding the Debian orig tarballs.")
  endif()
  if(fetch_out)
    message(STATUS "fetch-deps:\n${fetch_out}")
  endif()
endif()

if(NOT MOOR_BEARSSL_DIR)
  set(MOOR_BEARSSL_DIR ${MOOR_DEPS_CACHE}/bearssl-0.6)
endif()
if(NOT MOOR_LWIP_DIR)
  set(MOOR_LWIP_DIR ${MOOR_DEPS_CACHE}/lwip-2.1.3)
endif()
get_filename_component(MOOR_BEARSSL_DIR "${MOOR_BEARSSL_DIR}" ABSOLUTE)
get_filename_component(MOOR_LWIP_DIR "${MOOR_LWIP_DIR}" ABSOLUTE)

foreach(f inc/bearssl.h src/ssl/ssl_engine.c src/config.h)
  if(NOT EXISTS ${MOOR_BEARSSL_DIR}/${f})
    message(FATAL_ERROR "MOOR_BEARSSL_DIR=${MOOR_BEARSSL_DIR} is not a BearSSL 0.6 "
      "source tree: ${f} is missing")
  endif()
endforeach()
foreach(f src/include/lwip/opt.h src/include/lwip/init.h)
  if(NOT EXISTS ${MOOR_LWIP_DIR}/${f})
    message(FATAL_ERROR "MOOR_LWIP_DIR=${MOOR_LWIP_DIR} is not an lwIP 2.1.x "
      "source tree: ${f} is missing")
  endif()
endforeach()
message(STATUS "BearSSL: ${MOOR_BEARSSL_DIR}")
message(STATUS "lwIP:    ${MOOR_LWIP_DIR}")

# --- BearSSL -------------------------------------------------------------
file(GLOB_RECURSE MOOR_BEARSSL_SOURCES ${MOOR_BEARSSL_DIR}/src/*.c)
add_library(bearssl STATIC ${MOOR_BEARSSL_SOURCES})
# inc/ is a SYSTEM include for users: BearSSL's headers do not pass our
# -Wundef (#if BR_DOXYGEN_IGNORE), and they are not ours to fix.
target_include_directories(bearssl SYSTEM PUBLIC ${MOOR_BEARSSL_DIR}/inc)
target_include_directories(bearssl PRIVATE ${MOOR_BEARSSL_DIR}/src)
# BearSSL is built with its own flags: no warnings (it is not our code and
# our -Werror set is not its style). Global options (the sanitizers from
# flags.cmake) still apply, as add_compile_options() reaches every target.
target_compile_options(bearssl PRIVATE -w)
# GNU C99: BearSSL's Cortex-M0 assembly (BR_ARMEL_CORTEXM_GCC) uses `asm`.
set_target_properties(bearssl PROPERTIES C_EXTENSIONS ON)
if(CMAKE_CROSSCOMPILING)
  target_compile_options(bearssl PRIVATE -Os -ffunction-sections -fdata-sections)
  # Bare metal: no OS entropy or clock. The application seeds the DRBG
  # (moor takes entropy from its platform hook) and gives X.509 the time.
  # BR_USE_GETENTROPY is not known to 0.6 but is harmless and keeps newer
  # BearSSL releases bare-metal too.
  target_compile_definitions(bearssl PRIVATE
    BR_USE_URANDOM=0 BR_USE_GETENTROPY=0 BR_USE_UNIX_TIME=0
    BR_USE_WIN32_RAND=0 BR_USE_WIN32_TIME=0
    BR_RDRAND=0 BR_AES_X86NI=0 BR_SSE2=0 BR_POWER8=0
    ${MOOR_BEARSSL_DEFINES})
else()
  target_compile_options(bearssl PRIVATE -O2)
endif()
if(MOOR_SANITIZE)
  # BearSSL reads unaligned words through a fast path on x86 that UBSan's
  # alignment check rejects (poly1305_ctmulq, ghash_ctmul64 on record
  # payloads at buf + 5). Sanitizer builds use its portable byte loads.
  target_compile_definitions(bearssl PRIVATE BR_LE_UNALIGNED=0 BR_BE_UNALIGNED=0)
endif()
