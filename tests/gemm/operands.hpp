#pragma once

// GEMM operands for the tests: storage of any element type (packed when
// narrower than a byte), random elements, the memory layouts an operand comes
// in, the integer kernels' variants (VNNI on and off, Winograd's form and
// the direct one) to run each case on, and a scoped thread count.

#include <cmath>
#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "lowp/kernels/gemm.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/threads.hpp"

namespace lowp_test {

// Storage of rows x cols elements of T (packed when T is narrower than a byte).
template <class T>
struct storage {
  static constexpr bool packed = lowp::detail::is_packed_v<T>;
  std::vector<std::conditional_t<packed, std::uint8_t, T>> data;
  lowp::matrix_view<T> view;
  storage(std::size_t rows, std::size_t cols)
      : data(packed ? lowp::packed_bytes<T>(rows * cols) : rows * cols), view(data.data(), rows, cols) {}
};

// A random element: any int8 or uint8, float32 in [-2, 2), any finite code of
// a narrow format.
template <class T>
T random_element(std::mt19937& g) {
  if constexpr (std::is_same_v<T, float>) return std::uniform_real_distribution<float>(-2.f, 2.f)(g);
  else if constexpr (std::is_same_v<T, std::int8_t>) return std::int8_t(std::uniform_int_distribution<int>(-128, 127)(g));
  else if constexpr (std::is_same_v<T, std::uint8_t>) return std::uint8_t(std::uniform_int_distribution<int>(0, 255)(g));
  else {
    std::uniform_int_distribution<int> code(0, (1 << lowp::bit_width_v<T>) - 1);
    for (;;) {
      const T t = T::from_bits(typename T::storage_type(code(g)));
      if (std::isfinite(float(t))) return t;
    }
  }
}

template <class T>
void fill_random(lowp::matrix_view<T> v, std::mt19937& g) {
  for (std::size_t i = 0; i < v.rows(); ++i)
    for (std::size_t j = 0; j < v.cols(); ++j) v(i, j) = random_element<T>(g);
}

// How an operand is laid out in memory.
enum class layout { row_major, col_major, sub_view, strided };
inline const char* layout_name(layout l) {
  switch (l) {
    case layout::row_major: return "row-major";
    case layout::col_major: return "column-major";
    case layout::sub_view: return "sub-view";
    case layout::strided: return "strided";
  }
  return "?";
}

// A rows x cols operand of random elements laid out as `l`; storage kept in `s`
// (reserve room first: a reallocation would move the views' storage).
template <class T>
lowp::matrix_view<const T> make_operand(std::vector<storage<T>>& s, std::size_t rows, std::size_t cols, layout l,
                                        std::mt19937& g) {
  s.reserve(4);
  switch (l) {
    case layout::row_major: {
      s.emplace_back(rows, cols);
      fill_random(s.back().view, g);
      return s.back().view;
    }
    case layout::col_major: {
      s.emplace_back(cols, rows);
      fill_random(s.back().view, g);
      return s.back().view.transposed();
    }
    case layout::sub_view: {  // rows x cols inside a larger matrix, at an offset of 8k elements (byte boundary if packed)
      s.emplace_back(rows + 3, (cols + 9 + 7) / 8 * 8);
      fill_random(s.back().view, g);
      return s.back().view.block(2, 8, rows, cols);
    }
    case layout::strided: {  // every other column of every third row
      s.emplace_back(rows * 3 + 1, cols * 2 + 1);
      fill_random(s.back().view, g);
      auto v = s.back().view;
      return lowp::matrix_view<T>::strided(v.data(), rows, cols, v.row_stride() * 3, 2);
    }
  }
  return {};
}

// f(isa, options) on every available ISA, in both orders of the driver (the
// few-rows order where the shape allows it, and the blocked one); on avx2 and
// avx512bw both with and without VNNI, and on avx2 without VNNI in both the
// direct and Winograd's form.
template <class F>
void each_kernel(F&& f) {
  for (lowp::isa which : lowp::available_isas()) {
    f(which, lowp::gemm_options{});
    {
      lowp::gemm_options blocked;
      blocked.resident_a_rows = 0;
      INFO("blocked order");
      f(which, blocked);
    }
    if (which != lowp::isa::avx2 && which != lowp::isa::avx512bw) continue;
    lowp::gemm_options no_vnni;
    no_vnni.allow_vnni = false;
    if (which == lowp::isa::avx2) {
      for (lowp::winograd_form w : {lowp::winograd_form::always, lowp::winograd_form::never}) {
        no_vnni.winograd = w;
        INFO("without VNNI, Winograd's form: " << (w == lowp::winograd_form::always ? "always" : "never"));
        f(which, no_vnni);
      }
    } else {
      INFO("without VNNI");
      f(which, no_vnni);
    }
  }
}

// Sets the thread count of lowp::gemm and lowp::gemv for one scope.
struct threads_scope {
  int saved = lowp::num_threads();
  explicit threads_scope(int n) { lowp::set_num_threads(n); }
  ~threads_scope() { lowp::set_num_threads(saved); }
};

}  // namespace lowp_test
