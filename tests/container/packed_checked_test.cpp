// operator[] of packed storage with LOWP_CHECKED forced on, whatever the
// build's NDEBUG. Forcing the macro in one translation unit is safe only for
// code no other unit instantiates: the element type below lives in an unnamed
// namespace, so packed_span<checked_nibble>::operator[] has internal linkage
// and cannot collide with another unit's unchecked instantiation. This unit
// includes nothing else that reads LOWP_CHECKED.

#undef LOWP_CHECKED
#define LOWP_CHECKED 1

#include <cstdint>

#include <catch2/catch.hpp>

#include "lowp/container/packed_array.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/error.hpp"

namespace {

// A 4-bit format known only to this translation unit.
class checked_nibble {
 public:
  using storage_type = std::uint8_t;
  static constexpr int bit_width = 4;
  static constexpr checked_nibble from_bits(storage_type c) {
    checked_nibble n;
    n.code_ = storage_type(c & 0xfU);
    return n;
  }
  constexpr storage_type bits() const { return code_; }

 private:
  storage_type code_ = 0;
};

}  // namespace

TEST_CASE("packed operator[] throws lowp::error out of range when LOWP_CHECKED", "[container][packed]") {
  STATIC_REQUIRE(LOWP_CHECKED == 1);
  lowp::packed_array<checked_nibble, 3> a;
  lowp::packed_span<checked_nibble> s = a.span();
  lowp::packed_span<const checked_nibble> cs = s;
  const auto& ca = a;
  CHECK_NOTHROW(s[2] = checked_nibble::from_bits(0xb));
  CHECK(checked_nibble(a[2]).bits() == 0xb);
  CHECK(a.data()[1] == 0x0b);
  CHECK_THROWS_AS(s[3], lowp::error);
  CHECK_THROWS_AS(cs[3], lowp::error);
  CHECK_THROWS_AS(a[3], lowp::error);
  CHECK_THROWS_AS(ca[3], lowp::error);
  CHECK_THROWS_AS(s[std::size_t(-1)], lowp::error);
  CHECK_THROWS_WITH(s[7], Catch::Contains("7"));
  CHECK_THROWS_AS(lowp::packed_span<checked_nibble>()[0], lowp::error);
}
