#pragma once

// A datapath fixes how a kernel forms and accumulates products. Kernels take
// it as their first template parameter: lowp::gemm<datapath::fast>(...).
//
// datapath::fast is the throughput path: summation order is unspecified (as in
// BLAS) and results are checked against an exact oracle within an error bound.
// Every other datapath (one per file in this folder, each citing its source)
// fixes the arithmetic exactly, so its results are bit-identical on every ISA;
// such a datapath provides a scalar `dot` that the reference kernels call.

#include <concepts>

namespace lowp {

template <class D>
concept datapath_type = requires {
  { D::name } -> std::convertible_to<const char*>;
  { D::ordered } -> std::convertible_to<bool>;
};

namespace datapath {

struct fast {
  static constexpr const char* name = "fast";
  static constexpr bool ordered = false;
};

}  // namespace datapath

}  // namespace lowp
