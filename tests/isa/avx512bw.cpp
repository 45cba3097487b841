// The avx512bw translation unit of lowp_tests: compiled with avx512bw's flags
// (cmake/lowpIsa.cmake), it holds only explicit instantiations.
#include <lowp/simd/instantiate.hpp>

LOWP_INSTANTIATE_ISA(avx512bw)
