# lwIP 2.1.3 for moor: build functions for the stack and for moor's port.
#
# Included once from the top-level CMakeLists.txt after deps.cmake (which
# sets and validates MOOR_LWIP_DIR). lwIP is never copied into this tree:
# its sources are compiled from MOOR_LWIP_DIR. A board calls:
#
#   moor_add_lwip(<target> OPTS_DIR <dir> [SYS] [SYS_ARCH_DIR <dir>]
#                 [DEFINES <d>...] [EXTRA_SOURCES <file>...])
#       A static library <target>: lwIP's core, IPv4 (ARP, ICMP, DHCP,
#       AutoIP, IGMP, fragmentation), ethernet.c, the SNTP app, and with
#       SYS also the netconn/sockets API and the tcpip thread.
#       - OPTS_DIR holds the board's lwipopts.h (NO_SYS must agree with SYS:
#         NO_SYS=1 without it, NO_SYS=0 with it). Options a feature is off
#         for compile to nothing, so the same list serves every config.
#       - arch/cc.h is ours (port/lwip/include/arch/cc.h). With SYS the
#         sys_arch comes from SYS_ARCH_DIR (a dir with arch/sys_arch.h; the
#         board adds its sys_arch.c through EXTRA_SOURCES). On the host,
#         SYS without SYS_ARCH_DIR uses the pthread stand-in for an RTOS in
#         port/lwip/pthread/ (header and sys_arch.c, linked with Threads).
#       - The board must provide `u32_t sys_now(void)` for NO_SYS=1
#         (milliseconds, any origin); the pthread sys_arch provides it
#         for SYS builds.
#       - lwIP is built like BearSSL: -w, its includes SYSTEM (so our
#         -Werror code can include lwIP headers), -Os plus function/data
#         sections when cross-compiling, -O2 on the host. DEFINES go to
#         lwIP and to everything that links it (PUBLIC).
#       - Its include dirs are PUBLIC: linking <target> is enough to
#         include "lwip/tcp.h", "lwipopts.h" and "moor/lwip.h".
#
#   moor_add_lwip_port(<target> LWIP <lwiptarget>)
#       A static library <target> of moor's port for that lwIP build:
#       platform.c (now_ms = sys_now, wall time from SNTP or an RTC hook,
#       entropy hook), tcp.c (raw-API transport; NO_SYS=1 builds) and
#       sock.c (sockets transport; SYS builds). Links moor and <lwiptarget>
#       PUBLIC. The API is port/lwip/include/moor/lwip.h.
#
# Example (a superloop board):
#   moor_add_lwip(lwip_fw OPTS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cfg)
#   moor_add_lwip_port(moor_lwip_fw LWIP lwip_fw)
#   target_link_libraries(fw PRIVATE moor_lwip_fw moor moor_flags)

set(MOOR_LWIP_PORT_DIR ${CMAKE_CURRENT_LIST_DIR})

function(moor_add_lwip target)
  cmake_parse_arguments(A "SYS" "OPTS_DIR;SYS_ARCH_DIR" "DEFINES;EXTRA_SOURCES" ${ARGN})
  if(NOT A_OPTS_DIR)
    message(FATAL_ERROR "moor_add_lwip(${target}): OPTS_DIR (the dir of lwipopts.h) is required")
  endif()
  if(NOT EXISTS ${A_OPTS_DIR}/lwipopts.h)
    message(FATAL_ERROR "moor_add_lwip(${target}): ${A_OPTS_DIR}/lwipopts.h does not exist")
  endif()
  set(L ${MOOR_LWIP_DIR}/src)
  # The lists of lwIP's src/Filelists.cmake (lwipcore_SRCS minus altcp,
  # lwipcore4_SRCS, ethernet.c of lwipnetif_SRCS, lwipsntp_SRCS,
  # lwipapi_SRCS). That file is not include()d: it also writes into the
  # lwIP tree (configure_file of init.h) and defines targets of its own.
  set(srcs
    ${L}/core/init.c ${L}/core/def.c ${L}/core/dns.c ${L}/core/inet_chksum.c
    ${L}/core/ip.c ${L}/core/mem.c ${L}/core/memp.c ${L}/core/netif.c
    ${L}/core/pbuf.c ${L}/core/raw.c ${L}/core/stats.c ${L}/core/sys.c
    ${L}/core/tcp.c ${L}/core/tcp_in.c ${L}/core/tcp_out.c
    ${L}/core/timeouts.c ${L}/core/udp.c
    ${L}/core/ipv4/autoip.c ${L}/core/ipv4/dhcp.c ${L}/core/ipv4/etharp.c
    ${L}/core/ipv4/icmp.c ${L}/core/ipv4/igmp.c ${L}/core/ipv4/ip4_frag.c
    ${L}/core/ipv4/ip4.c ${L}/core/ipv4/ip4_addr.c
    ${L}/netif/ethernet.c
    ${L}/apps/sntp/sntp.c
    ${MOOR_LWIP_PORT_DIR}/arch.c)
  set(sysinc "")
  if(A_SYS)
    list(APPEND srcs
      ${L}/api/api_lib.c ${L}/api/api_msg.c ${L}/api/err.c ${L}/api/if_api.c
      ${L}/api/netbuf.c ${L}/api/netdb.c ${L}/api/netifapi.c
      ${L}/api/sockets.c ${L}/api/tcpip.c)
    if(A_SYS_ARCH_DIR)
      set(sysinc ${A_SYS_ARCH_DIR})
    elseif(NOT CMAKE_CROSSCOMPILING)
      set(sysinc ${MOOR_LWIP_PORT_DIR}/pthread/include)
      list(APPEND srcs ${MOOR_LWIP_PORT_DIR}/pthread/sys_arch.c)
      set(need_threads ON)
    else()
      message(FATAL_ERROR "moor_add_lwip(${target} SYS): cross builds need SYS_ARCH_DIR "
        "(your RTOS's arch/sys_arch.h) and its sys_arch.c in EXTRA_SOURCES")
    endif()
  endif()
  list(APPEND srcs ${A_EXTRA_SOURCES})
  add_library(${target} STATIC ${srcs})
  # Order matters: the board's lwipopts.h first, then our arch/, then lwIP.
  target_include_directories(${target} SYSTEM PUBLIC
    ${A_OPTS_DIR} ${sysinc} ${MOOR_LWIP_PORT_DIR}/include ${L}/include)
  target_compile_options(${target} PRIVATE -w)
  set_target_properties(${target} PROPERTIES C_EXTENSIONS ON MOOR_LWIP_SYS "${A_SYS}")
  if(A_DEFINES)
    target_compile_definitions(${target} PUBLIC ${A_DEFINES})
  endif()
  if(CMAKE_CROSSCOMPILING)
    target_compile_options(${target} PRIVATE -Os -ffunction-sections -fdata-sections)
  else()
    target_compile_options(${target} PRIVATE -O2)
  endif()
  if(need_threads)
    find_package(Threads REQUIRED)
    target_link_libraries(${target} PUBLIC Threads::Threads)
  endif()
endfunction()

function(moor_add_lwip_port target)
  cmake_parse_arguments(A "" "LWIP;MOOR" "" ${ARGN})
  if(NOT A_MOOR)
    set(A_MOOR moor)   # or a variant of it (moor_library_variant)
  endif()
  if(NOT A_LWIP OR NOT TARGET ${A_LWIP})
    message(FATAL_ERROR "moor_add_lwip_port(${target}): LWIP <target of moor_add_lwip> is required")
  endif()
  get_target_property(sys ${A_LWIP} MOOR_LWIP_SYS)
  set(srcs ${MOOR_LWIP_PORT_DIR}/platform.c)
  if(sys)
    list(APPEND srcs ${MOOR_LWIP_PORT_DIR}/sock.c)
  else()
    list(APPEND srcs ${MOOR_LWIP_PORT_DIR}/tcp.c)
  endif()
  add_library(${target} STATIC ${srcs})
  target_link_libraries(${target} PUBLIC ${A_MOOR} ${A_LWIP} PRIVATE moor_flags)
endfunction()
