// The scalar translation unit of lowp_tests: compiled with scalar's flags
// (cmake/lowpIsa.cmake), it holds only explicit instantiations.
#include <lowp/simd/instantiate.hpp>

LOWP_INSTANTIATE_ISA(scalar)
