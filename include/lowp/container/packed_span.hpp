#pragma once

// Sub-byte storage (DESIGN §4): element i occupies bits [i*W, i*W + W) of a
// little-endian bit stream, W = bit_width_v<T>. So 4-bit element 0 sits in the
// low nibble of byte 0, and four 6-bit elements fill three bytes.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <type_traits>

#include "lowp/config.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/error.hpp"

namespace lowp {

template <class T>
constexpr std::size_t packed_bytes(std::size_t count) {
  return (count * std::size_t(bit_width_v<std::remove_const_t<T>>) + 7) / 8;
}

namespace detail {

inline constexpr std::uint32_t read_bits(const std::uint8_t* bytes, std::size_t bit, int width) {
  const std::uint8_t* p = bytes + bit / 8;
  const int shift = int(bit % 8);
  std::uint32_t window = 0;
  for (int i = 0; i * 8 < shift + width; ++i) window |= std::uint32_t(p[i]) << (8 * i);
  return (window >> shift) & ((std::uint32_t{1} << width) - 1U);
}

inline constexpr void write_bits(std::uint8_t* bytes, std::size_t bit, int width, std::uint32_t value) {
  std::uint8_t* p = bytes + bit / 8;
  const int shift = int(bit % 8);
  const std::uint32_t mask = ((std::uint32_t{1} << width) - 1U) << shift;
  const std::uint32_t v = (value << shift) & mask;
  for (int i = 0; i * 8 < shift + width; ++i) {
    const auto m = std::uint8_t(mask >> (8 * i));
    p[i] = std::uint8_t((p[i] & ~m) | std::uint8_t(v >> (8 * i)));
  }
}

inline void check_index(std::size_t index, std::size_t size) {
  if (index >= size)
    fail("index " + std::to_string(index) + " out of range for packed storage of size " +
         std::to_string(size));
}

}  // namespace detail

// Proxy for one element of packed storage.
template <class T>
class packed_reference {
  using value_type = std::remove_const_t<T>;
  using byte_pointer = std::conditional_t<std::is_const_v<T>, const std::uint8_t*, std::uint8_t*>;

 public:
  constexpr packed_reference(byte_pointer bytes, std::size_t index) : bytes_(bytes), index_(index) {}

  constexpr operator value_type() const {
    using S = typename value_type::storage_type;
    return value_type::from_bits(S(detail::read_bits(bytes_, index_ * W, W)));
  }
  constexpr value_type value() const { return *this; }
  constexpr const packed_reference& operator=(value_type v) const
    requires(!std::is_const_v<T>)
  {
    detail::write_bits(bytes_, index_ * W, W, v.bits());
    return *this;
  }
  constexpr const packed_reference& operator=(const packed_reference& other) const
    requires(!std::is_const_v<T>)
  {
    return *this = other.value();
  }
  // Exchanges the two elements (not the proxies), so std::swap-based
  // algorithms (std::reverse, std::sort, ...) work on packed storage.
  friend constexpr void swap(const packed_reference& a, const packed_reference& b)
    requires(!std::is_const_v<T>)
  {
    const value_type t = a;
    a = b.value();
    b = t;
  }

 private:
  static constexpr int W = bit_width_v<value_type>;
  byte_pointer bytes_;
  std::size_t index_;
};

template <class T>
class packed_iterator {
  using byte_pointer = std::conditional_t<std::is_const_v<T>, const std::uint8_t*, std::uint8_t*>;

 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = std::remove_const_t<T>;
  using difference_type = std::ptrdiff_t;
  using reference = packed_reference<T>;
  using pointer = void;

  constexpr packed_iterator() = default;
  constexpr packed_iterator(byte_pointer bytes, std::size_t index) : bytes_(bytes), index_(index) {}

  constexpr reference operator*() const { return {bytes_, index_}; }
  constexpr reference operator[](difference_type n) const { return {bytes_, index_ + std::size_t(n)}; }
  constexpr packed_iterator& operator++() { ++index_; return *this; }
  constexpr packed_iterator operator++(int) { auto t = *this; ++index_; return t; }
  constexpr packed_iterator& operator--() { --index_; return *this; }
  constexpr packed_iterator operator--(int) { auto t = *this; --index_; return t; }
  constexpr packed_iterator& operator+=(difference_type n) { index_ += std::size_t(n); return *this; }
  constexpr packed_iterator& operator-=(difference_type n) { index_ -= std::size_t(n); return *this; }
  friend constexpr packed_iterator operator+(packed_iterator i, difference_type n) { return i += n; }
  friend constexpr packed_iterator operator+(difference_type n, packed_iterator i) { return i += n; }
  friend constexpr packed_iterator operator-(packed_iterator i, difference_type n) { return i -= n; }
  friend constexpr difference_type operator-(packed_iterator a, packed_iterator b) {
    return difference_type(a.index_) - difference_type(b.index_);
  }
  friend constexpr bool operator==(packed_iterator a, packed_iterator b) { return a.index_ == b.index_; }
  friend constexpr auto operator<=>(packed_iterator a, packed_iterator b) { return a.index_ <=> b.index_; }

 private:
  byte_pointer bytes_ = nullptr;
  std::size_t index_ = 0;
};

// A view of `size` packed elements of format T over caller-owned bytes.
// packed_span<const T> is the read-only view.
template <class T>
class packed_span {
  using byte_type = std::conditional_t<std::is_const_v<T>, const std::uint8_t, std::uint8_t>;

 public:
  using value_type = std::remove_const_t<T>;
  using reference = packed_reference<T>;
  using iterator = packed_iterator<T>;
  using size_type = std::size_t;

  constexpr packed_span() = default;
  constexpr packed_span(byte_type* bytes, size_type size) : bytes_(bytes), size_(size) {}
  // Viewing a mutable span as read-only.
  template <class U>
    requires(std::is_const_v<T> && std::is_same_v<U, value_type>)
  constexpr packed_span(packed_span<U> other) : bytes_(other.data()), size_(other.size()) {}

  constexpr size_type size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr size_type size_bytes() const { return packed_bytes<value_type>(size_); }
  constexpr byte_type* data() const { return bytes_; }

  // Checked when LOWP_CHECKED (debug builds): an out-of-range index throws lowp::error.
  constexpr reference operator[](size_type i) const {
#if LOWP_CHECKED
    detail::check_index(i, size_);
#endif
    return {bytes_, i};
  }
  // Always checked.
  constexpr reference at(size_type i) const {
    detail::check_index(i, size_);
    return {bytes_, i};
  }
  constexpr iterator begin() const { return {bytes_, 0}; }
  constexpr iterator end() const { return {bytes_, size_}; }

 private:
  byte_type* bytes_ = nullptr;
  size_type size_ = 0;
};

}  // namespace lowp
