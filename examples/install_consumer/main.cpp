#include <lowp/version.hpp>

#include <cstdio>

int main()
{
    std::printf("lowp %d.%d.%d\n", LOWP_VERSION_MAJOR, LOWP_VERSION_MINOR, LOWP_VERSION_PATCH);
}
