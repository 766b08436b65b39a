// One Catch2 main for every test executable (compiling it once saves build time).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
