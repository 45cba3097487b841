#pragma once

// Strided matrix views. Element (i, j) is element number
// i * row_stride + j * col_stride of the underlying storage; for formats
// narrower than a byte that number indexes the packed bit stream (DESIGN §4),
// so a view over packed int4 weights works like one over float.

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "lowp/config.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/error.hpp"

namespace lowp {

namespace detail {
template <class T>
inline constexpr bool is_packed_v = requires { T::bit_width; } && (bit_width_v<T> % 8 != 0);
}  // namespace detail

template <class T>
class matrix_view {
  using value_type_ = std::remove_const_t<T>;
  static constexpr bool packed = detail::is_packed_v<value_type_>;
  using storage_pointer =
      std::conditional_t<packed, std::conditional_t<std::is_const_v<T>, const std::uint8_t*, std::uint8_t*>, T*>;

 public:
  using value_type = value_type_;
  using size_type = std::size_t;

  constexpr matrix_view() = default;
  // Row-major rows x cols with leading dimension ld (elements between rows).
  constexpr matrix_view(storage_pointer data, size_type rows, size_type cols, size_type ld)
      : data_(data), rows_(rows), cols_(cols), row_stride_(ld), col_stride_(1) {
    if (ld < cols) detail::fail("matrix_view: leading dimension " + std::to_string(ld) + " < cols " + std::to_string(cols));
  }
  constexpr matrix_view(storage_pointer data, size_type rows, size_type cols)
      : matrix_view(data, rows, cols, cols) {}
  // Fully strided. Strides in elements.
  static constexpr matrix_view strided(storage_pointer data, size_type rows, size_type cols,
                                       size_type row_stride, size_type col_stride) {
    matrix_view v;
    v.data_ = data;
    v.rows_ = rows;
    v.cols_ = cols;
    v.row_stride_ = row_stride;
    v.col_stride_ = col_stride;
    return v;
  }
  // A mutable view seen as read-only.
  template <class U>
    requires(std::is_const_v<T> && std::is_same_v<U, value_type>)
  constexpr matrix_view(matrix_view<U> o)
      : data_(o.data()), rows_(o.rows()), cols_(o.cols()), row_stride_(o.row_stride()), col_stride_(o.col_stride()) {}

  constexpr size_type rows() const { return rows_; }
  constexpr size_type cols() const { return cols_; }
  constexpr size_type row_stride() const { return row_stride_; }
  constexpr size_type col_stride() const { return col_stride_; }
  constexpr storage_pointer data() const { return data_; }
  constexpr bool empty() const { return rows_ == 0 || cols_ == 0; }
  constexpr bool is_row_major() const { return col_stride_ == 1; }
  constexpr bool is_col_major() const { return row_stride_ == 1; }

  constexpr matrix_view transposed() const { return strided(data_, cols_, rows_, col_stride_, row_stride_); }
  constexpr matrix_view block(size_type r0, size_type c0, size_type r, size_type c) const {
    check(r0 + r <= rows_ && c0 + c <= cols_, "block out of range");
    return strided(element_pointer_base(r0, c0), r, c, row_stride_, col_stride_);
  }

  constexpr size_type offset(size_type i, size_type j) const { return i * row_stride_ + j * col_stride_; }
  // Number of elements of storage the view spans (one past the furthest element).
  constexpr size_type extent() const {
    return empty() ? 0 : offset(rows_ - 1, cols_ - 1) + 1;
  }
  // Byte range of the storage the view touches: [data, data + extent_bytes()).
  constexpr size_type extent_bytes() const {
    if constexpr (packed) return packed_bytes<value_type>(extent());
    else return extent() * sizeof(value_type);
  }

  constexpr decltype(auto) operator()(size_type i, size_type j) const {
#if LOWP_CHECKED
    check(i < rows_ && j < cols_, "index out of range");
#endif
    if constexpr (packed) return packed_reference<T>(data_, offset(i, j));
    else return data_[offset(i, j)];
  }

 private:
  constexpr storage_pointer element_pointer_base(size_type r0, size_type c0) const {
    if constexpr (packed) {
      // A packed sub-view must start on a byte boundary.
      const size_type bit = offset(r0, c0) * size_type(bit_width_v<value_type>);
      check(bit % 8 == 0, "packed block does not start on a byte boundary");
      return data_ + bit / 8;
    } else {
      return data_ + offset(r0, c0);
    }
  }
  static constexpr void check(bool ok, const char* what) {
    if (!ok) detail::fail(std::string("matrix_view: ") + what);
  }

  storage_pointer data_ = nullptr;
  size_type rows_ = 0, cols_ = 0, row_stride_ = 0, col_stride_ = 1;
};

}  // namespace lowp
