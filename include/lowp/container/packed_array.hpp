#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "lowp/container/packed_span.hpp"

namespace lowp {

// N elements of format T stored packed (DESIGN §4), zero-initialised.
template <class T, std::size_t N>
class packed_array {
 public:
  using value_type = T;
  using reference = packed_reference<T>;
  using const_reference = packed_reference<const T>;
  using size_type = std::size_t;
  static constexpr size_type size_bytes_v = packed_bytes<T>(N);

  constexpr size_type size() const { return N; }
  constexpr size_type size_bytes() const { return size_bytes_v; }
  constexpr std::uint8_t* data() { return bytes_.data(); }
  constexpr const std::uint8_t* data() const { return bytes_.data(); }

  constexpr packed_span<T> span() { return {bytes_.data(), N}; }
  constexpr packed_span<const T> span() const { return {bytes_.data(), N}; }

  constexpr reference operator[](size_type i) { return span()[i]; }
  constexpr const_reference operator[](size_type i) const { return span()[i]; }
  constexpr reference at(size_type i) { return span().at(i); }
  constexpr const_reference at(size_type i) const { return span().at(i); }

  constexpr auto begin() { return span().begin(); }
  constexpr auto end() { return span().end(); }
  constexpr auto begin() const { return span().begin(); }
  constexpr auto end() const { return span().end(); }

 private:
  std::array<std::uint8_t, size_bytes_v> bytes_{};
};

}  // namespace lowp
