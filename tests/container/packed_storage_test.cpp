// packed_span / packed_array (DESIGN §4): elements packed LSB-first into a
// little-endian bit stream, checked against hand-written bytes and against a
// bit-by-bit model of the stream; proxy writes leave neighbours alone;
// iterators work with the standard algorithms; at() is always checked.

// Whether the build left LOWP_CHECKED to config.hpp's default.
#ifndef LOWP_CHECKED
#define LOWP_TEST_CHECKED_BY_DEFAULT 1
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <numeric>
#include <ranges>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "lowp/container/packed_array.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/error.hpp"
#include "lowp/format/formats.hpp"

#if defined(LOWP_TEST_CHECKED_BY_DEFAULT) && !defined(NDEBUG)
static_assert(LOWP_CHECKED == 1, "config.hpp: bounds checks are on by default without NDEBUG");
#endif
#if defined(LOWP_TEST_CHECKED_BY_DEFAULT) && defined(NDEBUG)
static_assert(LOWP_CHECKED == 0, "config.hpp: bounds checks are off by default with NDEBUG");
#endif

namespace {

using bytes = std::vector<std::uint8_t>;

template <class T>
bytes bytes_of(const T& container) {
  return bytes(container.data(), container.data() + container.size_bytes());
}

template <class T>
T code(std::uint32_t c) {
  return T::from_bits(static_cast<typename T::storage_type>(c));
}

// The bit-stream model: element i occupies bits [i*W, i*W + W), bit k of the
// stream being bit k % 8 of byte k / 8.
std::uint32_t model_read(const bytes& b, std::size_t i, int w) {
  std::uint32_t v = 0;
  for (int k = 0; k < w; ++k) {
    const std::size_t bit = i * std::size_t(w) + std::size_t(k);
    v |= std::uint32_t((b[bit / 8] >> (bit % 8)) & 1U) << k;
  }
  return v;
}
void model_write(bytes& b, std::size_t i, int w, std::uint32_t v) {
  for (int k = 0; k < w; ++k) {
    const std::size_t bit = i * std::size_t(w) + std::size_t(k);
    const auto mask = std::uint8_t(1U << (bit % 8));
    b[bit / 8] = std::uint8_t(((v >> k) & 1U) ? (b[bit / 8] | mask) : (b[bit / 8] & ~mask));
  }
}

}  // namespace

TEST_CASE("packed layout matches hand-written bytes", "[container][packed]") {
  SECTION("int4: element 0 in the low nibble") {
    lowp::packed_array<lowp::int4, 3> a;
    a[0] = lowp::int4(1);
    a[1] = lowp::int4(2);
    a[2] = lowp::int4(3);
    CHECK(a.size_bytes() == 2);
    CHECK(bytes_of(a) == bytes{0x21, 0x03});
    a[1] = lowp::int4(-1);
    CHECK(bytes_of(a) == bytes{0xf1, 0x03});
  }
  SECTION("float4_e2m1fn") {
    lowp::packed_array<lowp::float4_e2m1fn, 3> a;
    a[0] = lowp::float4_e2m1fn(0.5f);  // code 0x1
    a[1] = lowp::float4_e2m1fn(6.0f);  // code 0x7
    a[2] = lowp::float4_e2m1fn(-1.0);  // code 0xa
    CHECK(bytes_of(a) == bytes{0x71, 0x0a});
  }
  SECTION("int2 / uint2: four elements a byte") {
    lowp::packed_array<lowp::int2, 5> a;
    const int values[] = {1, -1, -2, 0, 1};  // codes 01 11 10 00 01
    for (int i = 0; i < 5; ++i) a[std::size_t(i)] = lowp::int2(values[i]);
    CHECK(a.size_bytes() == 2);
    CHECK(bytes_of(a) == bytes{0x2d, 0x01});
    lowp::packed_array<lowp::uint2, 4> u;
    u[0] = lowp::uint2(3);
    u[3] = lowp::uint2(2);
    CHECK(bytes_of(u) == bytes{0x83});
  }
  SECTION("6-bit: four elements in three bytes") {
    // codes 101010 010101 110011 001100, streamed from bit 0:
    // byte 0 = 01|101010, byte 1 = 0011|0101, byte 2 = 001100|11
    lowp::packed_array<lowp::float6_e2m3fn, 4> a;
    const std::uint32_t codes[] = {0x2a, 0x15, 0x33, 0x0c};
    for (int i = 0; i < 4; ++i) a[std::size_t(i)] = code<lowp::float6_e2m3fn>(codes[i]);
    CHECK(a.size_bytes() == 3);
    CHECK(bytes_of(a) == bytes{0x6a, 0x35, 0x33});
    // and reading hand-written bytes
    std::uint8_t raw[] = {0x6a, 0x35, 0x33, 0xff};
    lowp::packed_span<const lowp::float6_e3m2fn> s(raw, 4);
    CHECK(s.size_bytes() == 3);
    for (int i = 0; i < 4; ++i) CHECK(lowp::float6_e3m2fn(s[std::size_t(i)]).bits() == codes[i]);
    lowp::packed_array<lowp::float6_e3m2fn, 5> five;
    CHECK(five.size_bytes() == 4);
  }
  SECTION("8-bit: one element a byte") {
    lowp::packed_array<lowp::float8_e4m3fn, 2> a;
    a[0] = lowp::float8_e4m3fn(1.0f);   // 0x38
    a[1] = lowp::float8_e4m3fn(-2.0f);  // 0xc0
    CHECK(bytes_of(a) == bytes{0x38, 0xc0});
    lowp::packed_array<lowp::float8_ue4m3, 3> u;  // 7 encoding bits, stored in 8
    u[1] = lowp::float8_ue4m3(448.0);               // 0x7e
    CHECK(u.size_bytes() == 3);
    CHECK(bytes_of(u) == bytes{0x00, 0x7e, 0x00});
    lowp::packed_array<lowp::int8, 2> i8;
    i8[0] = lowp::int8(-2);
    i8[1] = lowp::int8(5);
    CHECK(bytes_of(i8) == bytes{0xfe, 0x05});
  }
  SECTION("16-bit: little-endian") {
    lowp::packed_array<lowp::bfloat16, 2> a;
    a[0] = lowp::bfloat16(1.0f);   // 0x3f80
    a[1] = lowp::bfloat16(-2.0f);  // 0xc000
    CHECK(bytes_of(a) == bytes{0x80, 0x3f, 0x00, 0xc0});
    lowp::packed_array<lowp::float16, 1> h;
    h[0] = lowp::float16(1.0f);  // 0x3c00
    CHECK(bytes_of(h) == bytes{0x00, 0x3c});
  }
}

TEST_CASE("packed storage sizes come from bit_width_v", "[container][packed]") {
  STATIC_REQUIRE(lowp::packed_bytes<lowp::int4>(3) == 2);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::int2>(5) == 2);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::float6_e2m3fn>(4) == 3);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::float6_e2m3fn>(5) == 4);
  STATIC_REQUIRE(lowp::packed_bytes<const lowp::float4_e2m1fn>(7) == 4);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::float8_ue4m3>(3) == 3);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::bfloat16>(3) == 6);
  STATIC_REQUIRE(lowp::packed_bytes<lowp::int4>(0) == 0);
  STATIC_REQUIRE(lowp::packed_array<lowp::float6_e3m2fn, 8>::size_bytes_v == 6);
  STATIC_REQUIRE(sizeof(lowp::packed_array<lowp::int4, 64>) == 32);
}

TEMPLATE_TEST_CASE("packed writes change only their own bits", "[container][packed]", lowp::int2, lowp::uint2,
                   lowp::float4_e2m1fn, lowp::int4, lowp::float6_e2m3fn, lowp::float6_e3m2fn, lowp::float8_e4m3fn,
                   lowp::float8_ue4m3, lowp::uint8, lowp::bfloat16, lowp::float16) {
  using T = TestType;
  constexpr int w = lowp::bit_width_v<T>;
  INFO(T::name << ", " << w << " bits");
  constexpr std::size_t n = 37;  // the stream ends inside a byte for every width below 8
  const std::size_t used = lowp::packed_bytes<T>(n);
  CHECK(used == (n * w + 7) / 8);
  // Guard bytes after the storage; the stream's unused tail bits are also guarded.
  bytes buffer(used + 3);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = std::uint8_t(0xa5 ^ (i * 37));
  bytes expected = buffer;
  lowp::packed_span<T> span(buffer.data(), n);
  CHECK(span.size() == n);
  CHECK(span.size_bytes() == used);
  CHECK(span.data() == buffer.data());

  std::uint32_t state = 99;
  int bad = 0;
  for (int step = 0; step < 400; ++step) {
    state = state * 1664525U + 1013904223U;
    const std::size_t i = (state >> 8) % n;
    const std::uint32_t c = (state >> 13) & ((std::uint32_t{1} << w) - 1U);
    span[i] = code<T>(c);
    model_write(expected, i, w, c);
    if (buffer != expected && ++bad <= 5) FAIL_CHECK("after writing code " << c << " to element " << i);
    for (std::size_t k = 0; k < n; ++k) {
      const T got = span[k];
      if (got.bits() != model_read(expected, k, w) && ++bad <= 5)
        FAIL_CHECK("element " << k << " reads " << got.bits() << ", stream holds " << model_read(expected, k, w));
    }
  }
  CHECK(bad == 0);
  // Assignment from another element copies the value.
  span[0] = span[n - 1];
  CHECK(T(span[0]).bits() == T(span[n - 1]).bits());
}

TEST_CASE("packed iterators work with standard algorithms", "[container][packed]") {
  using T = lowp::int4;
  STATIC_REQUIRE(std::random_access_iterator<lowp::packed_iterator<T>>);
  STATIC_REQUIRE(std::random_access_iterator<lowp::packed_iterator<const T>>);
  STATIC_REQUIRE(std::ranges::random_access_range<lowp::packed_span<T>>);
  STATIC_REQUIRE(std::sortable<lowp::packed_iterator<T>>);
  STATIC_REQUIRE(!std::is_assignable_v<lowp::packed_reference<const T>, T>);

  const std::vector<int> values = {3, -1, 7, -8, 0, 5, -4, 2, 6};
  lowp::packed_array<T, 9> a;
  std::transform(values.begin(), values.end(), a.begin(), [](int v) { return T(v); });
  auto as_int = [](T t) { return t.value(); };
  std::vector<int> back;
  std::transform(a.begin(), a.end(), std::back_inserter(back), as_int);
  CHECK(back == values);
  CHECK(std::distance(a.begin(), a.end()) == 9);
  CHECK(std::count_if(a.begin(), a.end(), [](T t) { return t.value() < 0; }) == 3);
  CHECK(std::find_if(a.begin(), a.end(), [](T t) { return t.value() == -8; }) - a.begin() == 3);
  CHECK(std::accumulate(a.begin(), a.end(), 0, [](int s, T t) { return s + t.value(); }) == 10);
  CHECK(std::max_element(a.begin(), a.end()) - a.begin() == 2);
  CHECK(T(*std::next(a.begin(), 5)).value() == 5);
  CHECK(T(a.begin()[6]).value() == -4);
  CHECK(T(*(a.end() - 1)).value() == 6);
  auto it = a.end();
  --it;
  it -= 2;
  CHECK(T(*it).value() == -4);
  CHECK(a.begin() < it);

  std::reverse(a.begin(), a.end());
  back.clear();
  std::transform(a.begin(), a.end(), std::back_inserter(back), as_int);
  CHECK(back == std::vector<int>{6, 2, -4, 5, 0, -8, 7, -1, 3});
  std::sort(a.begin(), a.end());
  back.clear();
  std::transform(a.begin(), a.end(), std::back_inserter(back), as_int);
  CHECK(back == std::vector<int>{-8, -4, -1, 0, 2, 3, 5, 6, 7});
  CHECK(bytes_of(a) == bytes{0xc8, 0x0f, 0x32, 0x65, 0x07});
  std::fill(a.begin() + 1, a.begin() + 3, T(1));
  CHECK(bytes_of(a) == bytes{0x18, 0x01, 0x32, 0x65, 0x07});

  // Copies between packed storage, and out to plain storage.
  lowp::packed_array<T, 12> other;
  std::copy(a.begin(), a.end(), other.begin() + 3);
  CHECK(bytes_of(other) == bytes{0x00, 0x80, 0x11, 0x20, 0x53, 0x76});
  std::vector<T> plain(a.begin(), a.end());
  CHECK(plain.size() == 9);
  CHECK(plain[8].value() == 7);
  // A read-only view of the same storage.
  lowp::packed_span<const T> view = a.span();
  CHECK(std::equal(view.begin(), view.end(), a.begin(), [](T x, T y) { return x == y; }));
  const auto& ca = a;
  CHECK(T(ca[8]).value() == 7);
  CHECK(T(*ca.begin()).value() == -8);
  std::vector<int> via_range;
  for (T t : view) via_range.push_back(t.value());
  CHECK(via_range.size() == 9);
  CHECK(lowp::packed_span<T>().empty());
}

TEST_CASE("packed at() throws lowp::error out of range", "[container][packed]") {
  lowp::packed_array<lowp::int4, 5> a;
  lowp::packed_span<lowp::int4> s = a.span();
  lowp::packed_span<const lowp::int4> cs = s;
  const auto& ca = a;
  CHECK_NOTHROW(a.at(4) = lowp::int4(3));
  CHECK(lowp::int4(s.at(4)).value() == 3);
  CHECK_THROWS_AS(a.at(5), lowp::error);
  CHECK_THROWS_AS(ca.at(5), lowp::error);
  CHECK_THROWS_AS(s.at(5), lowp::error);
  CHECK_THROWS_AS(cs.at(1000), lowp::error);
  CHECK_THROWS_AS(s.at(std::size_t(-1)), lowp::error);
  CHECK_THROWS_WITH(s.at(5), Catch::Contains("index 5") && Catch::Contains("size 5"));
  CHECK_THROWS_AS(lowp::packed_span<lowp::int4>().at(0), std::invalid_argument);
  // operator[] is checked exactly when LOWP_CHECKED is on (see also packed_checked_test.cpp).
#if LOWP_CHECKED
  CHECK_THROWS_AS(s[5], lowp::error);
  CHECK_THROWS_AS(a[5], lowp::error);
#endif
  CHECK(lowp::int4(s[4]).value() == 3);
}
