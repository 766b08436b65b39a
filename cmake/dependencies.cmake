# Third-party libraries, all from Debian 12 packages (deploy/install-deps installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(simdjson REQUIRED)
find_package(nlohmann_json REQUIRED)

if(CANDLE_FUZZ)
  return()
endif()

find_package(Catch2 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# SHA-1 of the Redis L2 script, so writes can call it by digest (EVALSHA).
find_package(OpenSSL REQUIRED)
# Boost.Beast and Asio, header-only (Debian's libboost-dev): the WebSocket server of /ws.
find_package(Boost 1.74 REQUIRED)
add_library(beast INTERFACE)
target_include_directories(beast SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_compile_definitions(beast INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(beast INTERFACE Threads::Threads)

# CAF 0.17 ships neither a CMake package nor a pkg-config file.
find_library(CAF_CORE_LIB caf_core REQUIRED)
find_library(CAF_IO_LIB caf_io REQUIRED)
add_library(caf INTERFACE)
target_link_libraries(caf INTERFACE ${CAF_IO_LIB} ${CAF_CORE_LIB} Threads::Threads)
# Node-to-node TLS (cluster.tls). Our own code calls libssl/libcrypto too (actors/cluster/openssl_error_queue.cpp).
find_library(CAF_OPENSSL_LIB caf_openssl REQUIRED)
add_library(caf_openssl INTERFACE)
find_package(OpenSSL REQUIRED)
target_link_libraries(caf_openssl INTERFACE ${CAF_OPENSSL_LIB} caf OpenSSL::SSL OpenSSL::Crypto ${CMAKE_DL_LIBS})

# Debian builds cpp-httplib as a shared library (its header declares, the .so defines).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(httplib INTERFACE)
target_link_libraries(httplib INTERFACE PkgConfig::HTTPLIB Threads::Threads)

# The node allocates and frees small message buffers on every worker thread; glibc's arenas
# serialise on their locks and fragment (perf at 100 K symbols: a fifth of node CPU in malloc and
# free, futex wake-ups on the arena locks). jemalloc's per-thread caches avoid both. Sanitizer
# builds keep the sanitizer's allocator, which must see every allocation.
if(NOT CANDLE_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  add_library(candle_allocator INTERFACE)
  target_link_libraries(candle_allocator INTERFACE PkgConfig::JEMALLOC)
else()
  add_library(candle_allocator INTERFACE)
endif()
