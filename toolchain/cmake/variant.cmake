# moor_library_variant(TARGET DIR DEFINES...): the moor library built again
# from the same sources with other configuration macros
# (core/include/moor/config_defaults.h). The archive is named libmoor.a, in
# DIR, so linker maps name its objects as moor's. The macros are PUBLIC:
# some change the layout of public structs (MOOR_CONFIG_TLS12).
#
# MOOR_TLS13ONLY_DEFINES: the configuration of the TLS 1.3-only client of
# the size report and the benchmarks: no TLS 1.2, AES-128-GCM only,
# X25519 and P-256 only, and the certificate validator in handshake
# scratch memory lent by the caller instead of inside the session.
set(MOOR_TLS13ONLY_DEFINES
  MOOR_CONFIG_TLS12=0
  MOOR_CONFIG_TLS_CHACHA20=0
  MOOR_CONFIG_TLS_AES256=0
  MOOR_CONFIG_SHA384=0
  MOOR_CONFIG_TLS_X509_INLINE=0
  "MOOR_CONFIG_EC_IMPL=(&moor_ec_small)")

function(moor_library_variant target dir)
  get_target_property(_sources moor SOURCES)
  get_target_property(_dir moor SOURCE_DIR)
  set(_abs)
  foreach(_s IN LISTS _sources)
    if(IS_ABSOLUTE "${_s}")
      list(APPEND _abs "${_s}")
    else()
      list(APPEND _abs "${_dir}/${_s}")
    endif()
  endforeach()
  add_library(${target} STATIC ${_abs})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME moor
    ARCHIVE_OUTPUT_DIRECTORY ${dir})
  target_include_directories(${target} PUBLIC ${_dir}/include)
  target_link_libraries(${target} PUBLIC bearssl PRIVATE moor_flags)
  if(TARGET moor_anchors)
    target_link_libraries(${target} PUBLIC moor_anchors)
  endif()
  target_compile_definitions(${target} PUBLIC ${ARGN})
endfunction()
