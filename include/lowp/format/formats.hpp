#pragma once

// The list of every scalar format, for tests, tools and dispatch by name.

#include <string_view>
#include <tuple>

#include "lowp/format/intn.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp {

using minifloat_formats =
    std::tuple<float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e4m3b11fnuz,
               float8_e4m3, float8_e3m4, float8_e8m0fnu, float8_ue4m3, float6_e2m3fn, float6_e3m2fn,
               float4_e2m1fn, bfloat16, float16>;
using integer_formats = std::tuple<int2, uint2, int4, uint4, int8, uint8>;
using scalar_formats = decltype(std::tuple_cat(minifloat_formats{}, integer_formats{}));

template <class T>
struct type_tag {
  using type = T;
};

// Calls f(type_tag<T>{}) for every T in the tuple Formats.
template <class Formats, class F>
constexpr void for_each_format(F&& f) {
  [&]<class... T>(std::tuple<T...>*) { (f(type_tag<T>{}), ...); }(static_cast<Formats*>(nullptr));
}

// Calls f(type_tag<T>{}) for the format named `name`; false when there is none.
template <class Formats = scalar_formats, class F>
constexpr bool visit_format(std::string_view name, F&& f) {
  bool found = false;
  for_each_format<Formats>([&]<class T>(type_tag<T> tag) {
    if (!found && name == T::name) {
      found = true;
      f(tag);
    }
  });
  return found;
}

}  // namespace lowp
