#pragma once

// Pieces shared by the GEMM/GEMV engines (lowp/kernels/gemm.hpp, kernels/gemm/float.hpp,
// kernels/gemm/int8.hpp, gemv.hpp): operand traits, argument checks, element loads.

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "lowp/block/block_matrix_view.hpp"
#include "lowp/container/matrix_view.hpp"
#include "lowp/format/element.hpp"
#include "lowp/error.hpp"

namespace lowp {

// The element type of an operand view: T for matrix_view<T>, float for a
// block operand (its values are decoded to float).
template <class V>
struct operand_element {
  using type = float;
};
template <class T>
struct operand_element<matrix_view<T>> {
  using type = std::remove_const_t<T>;
};
template <class V>
using operand_element_t = typename operand_element<V>::type;

template <class TA, class TB>
inline constexpr bool is_integer_gemm_v = is_integer_element_v<TA> && is_integer_element_v<TB>;

template <class VA, class VB>
using gemm_output_t =
    std::conditional_t<is_integer_gemm_v<operand_element_t<VA>, operand_element_t<VB>>, std::int32_t, float>;

template <class V>
inline constexpr bool is_operand_v = is_block_matrix_view_v<V>;
template <class T>
inline constexpr bool is_operand_v<matrix_view<T>> = is_element_v<std::remove_const_t<T>>;

namespace detail {

inline std::string shape(std::size_t r, std::size_t c) { return std::to_string(r) + "x" + std::to_string(c); }

template <class X, class Y>
bool overlaps(const X& x, const Y& y) {
  if (x.empty() || y.empty()) return false;
  const auto* x0 = reinterpret_cast<const unsigned char*>(x.data());
  const auto* y0 = reinterpret_cast<const unsigned char*>(y.data());
  return x0 < y0 + y.extent_bytes() && y0 < x0 + x.extent_bytes();
}

template <class VA, class VB, class TC>
void check_gemm_args(const char* fn, const VA& a, const VB& b, const matrix_view<TC>& c) {
  if (a.cols() != b.rows())
    fail(std::string(fn) + ": A is " + shape(a.rows(), a.cols()) + " and B is " + shape(b.rows(), b.cols()) +
         ": A.cols() must equal B.rows()");
  if (c.rows() != a.rows() || c.cols() != b.cols())
    fail(std::string(fn) + ": C is " + shape(c.rows(), c.cols()) + " but A * B is " + shape(a.rows(), b.cols()));
  if (overlaps(c, a)) fail(std::string(fn) + ": C overlaps A");
  if (overlaps(c, b)) fail(std::string(fn) + ": C overlaps B");
}

// Depth granule of packed panels: a multiple of every block size along K, so
// block operands are decoded in whole blocks.
template <class V>
constexpr std::size_t k_granule() {
  if constexpr (is_block_matrix_view_v<V>) return V::format::block_size;
  else return 1;
}

template <class Acc, class T>
constexpr Acc load_element(const T& x) {
  if constexpr (std::is_integral_v<Acc>) return Acc(std::int32_t(element_integer(x)));
  else return Acc(element_value(x));
}

}  // namespace detail

}  // namespace lowp
