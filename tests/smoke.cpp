#include <lowp/version.hpp>

#include <catch2/catch.hpp>

TEST_CASE("version macros give the 0.x series", "[version]")
{
    REQUIRE(LOWP_VERSION_MAJOR == 0);
}
