// Encoding under every deterministic rounding and every overflow policy
// against the exact model, at each representable value, each midpoint, one
// ulp on either side of both, the specials and values past max.

#include <cstdint>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "format_test_util.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"

namespace {

using lowp::overflow;
using lowp::rounding;

template <class T>
void check_encoding_against_model(bool full) {
  INFO(T::name);
  const auto& m = lowp_test::model_of(T::name);
  const auto points = lowp_test::probe_points(m, full);
  long checked = 0, bad = 0;
  for (double x : points) {
    for (rounding r : lowp_test::deterministic_roundings) {
      for (overflow o : lowp::all_overflows) {
        const std::uint32_t want = m.encode(x, r, o);
        const std::uint32_t got = lowp::convert<T>(x, r, o).bits();
        ++checked;
        if (got != want && ++bad <= 20)
          FAIL_CHECK(T::name << ": x = " << lowp_test::describe(x) << ", " << lowp::name(r) << " + "
                             << lowp::name(o) << ": expected " << lowp_test::hex(want, 4) << ", got "
                             << lowp_test::hex(got, 4));
      }
    }
  }
  INFO(checked << " encodings checked");
  CHECK(bad == 0);
  CHECK(checked > 1000);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("encoding matches the exact model near every grid point", "[format][encode]",
                        lowp::scalar_formats) {
  check_encoding_against_model<TestType>(false);
}

TEMPLATE_LIST_TEST_CASE("encoding matches the exact model near every grid point, all codes",
                        "[.exhaustive][encode_all_points]", lowp::scalar_formats) {
  check_encoding_against_model<TestType>(true);
}
