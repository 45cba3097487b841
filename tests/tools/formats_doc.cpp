// docs/formats.md and `lowp formats --json` against the limits derived from
// the format types (tools/lowp/format_info.hpp). Runs in every build, with
// or without the tool.

#include <catch2/catch.hpp>

#include "markdown_table.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../../tools/lowp/format_info.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/format/limits.hpp"

namespace {

using lowp::tool::format_info;

using lowp_doc_test::read_text;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

using lowp_doc_test::cells_of;
using lowp_doc_test::trim;

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

bool same_double(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

// ---- a minimal reader for the flat JSON objects of formats_json ------------

struct json_value {
  enum kind_t { string, number, boolean, null } kind;
  std::string text;  // string contents, or the literal
};

// The objects of a JSON array of flat objects, keys in order of appearance.
std::vector<std::vector<std::pair<std::string, json_value>>> parse_flat_json_array(const std::string& s) {
  std::vector<std::vector<std::pair<std::string, json_value>>> objects;
  std::size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  };
  auto expect = [&](char c) {
    skip();
    REQUIRE(i < s.size());
    REQUIRE(s[i] == c);
    ++i;
  };
  auto read_string = [&] {
    expect('"');
    std::string out;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') ++i;
      REQUIRE(i < s.size());
      out += s[i++];
    }
    expect('"');
    return out;
  };
  expect('[');
  skip();
  if (i < s.size() && s[i] == ']') return objects;
  for (;;) {
    expect('{');
    std::vector<std::pair<std::string, json_value>> object;
    for (;;) {
      std::string key = read_string();
      expect(':');
      skip();
      REQUIRE(i < s.size());
      json_value v{};
      if (s[i] == '"') {
        v = {json_value::string, read_string()};
      } else {
        const std::size_t end = s.find_first_of(",}", i);
        REQUIRE(end != std::string::npos);
        v.text = trim(s.substr(i, end - i));
        i = end;
        v.kind = v.text == "null"                       ? json_value::null
                 : v.text == "true" || v.text == "false" ? json_value::boolean
                                                         : json_value::number;
      }
      object.emplace_back(std::move(key), std::move(v));
      skip();
      REQUIRE(i < s.size());
      if (s[i] == '}') break;
      expect(',');
    }
    ++i;
    objects.push_back(std::move(object));
    skip();
    REQUIRE(i < s.size());
    if (s[i] == ']') break;
    expect(',');
  }
  return objects;
}

}  // namespace

TEST_CASE("format limits are those of DESIGN section 4", "[tools][formats]") {
  // Hand-copied from the design's table, as an independent check of the derivation.
  struct row {
    const char* name;
    int bits, bias;
    double max, min_normal, min_subnormal;  // 0: none
    bool inf;
    const char* nan;
  };
  const row rows[] = {
      {"float8_e4m3fn", 8, 7, 448, 0x1p-6, 0x1p-9, false, "S.1111.111 (0x7f, 0xff)"},
      {"float8_e5m2", 8, 15, 57344, 0x1p-14, 0x1p-16, true, "S.11111.mm, m != 0"},
      {"float8_e4m3fnuz", 8, 8, 240, 0x1p-7, 0x1p-10, false, "1.0000.000 (0x80)"},
      {"float8_e5m2fnuz", 8, 16, 57344, 0x1p-15, 0x1p-17, false, "1.00000.00 (0x80)"},
      {"float8_e4m3b11fnuz", 8, 11, 30, 0x1p-10, 0x1p-13, false, "1.0000.000 (0x80)"},
      {"float8_e4m3", 8, 7, 240, 0x1p-6, 0x1p-9, true, "S.1111.mmm, m != 0"},
      {"float8_e3m4", 8, 3, 15.5, 0x1p-2, 0x1p-6, true, "S.111.mmmm, m != 0"},
      {"float8_e8m0fnu", 8, 127, 0x1p127, 0x1p-127, 0, false, "11111111 (0xff)"},
      {"float8_ue4m3", 8, 7, 448, 0x1p-6, 0x1p-9, false, "0.1111.111 (0x7f), or any code with bit 7 set"},
      {"float6_e2m3fn", 6, 1, 7.5, 1, 0.125, false, "none"},
      {"float6_e3m2fn", 6, 3, 28, 0.25, 0.0625, false, "none"},
      {"float4_e2m1fn", 4, 1, 6, 1, 0.5, false, "none"},
      {"bfloat16", 16, 127, 0x1.fep127, 0x1p-126, 0x1p-133, true, "S.11111111.mmmmmmm, m != 0"},
      {"float16", 16, 15, 65504, 0x1p-14, 0x1p-24, true, "S.11111.mmmmmmmmmm, m != 0"},
  };
  std::map<std::string, format_info> infos;
  for (const format_info& f : lowp::tool::all_format_infos()) infos[f.name] = f;
  for (const row& r : rows) {
    INFO(r.name);
    REQUIRE(infos.count(r.name) == 1);
    const format_info& f = infos[r.name];
    CHECK(f.is_float);
    CHECK(f.bits == r.bits);
    CHECK(f.bias == r.bias);
    CHECK(f.max == r.max);
    CHECK(f.min_normal == r.min_normal);
    if (r.min_subnormal == 0) {
      CHECK_FALSE(f.min_subnormal.has_value());
    } else {
      CHECK(f.min_subnormal == r.min_subnormal);
    }
    CHECK(f.has_inf == r.inf);
    CHECK(f.nan_encoding == r.nan);
  }
  const std::pair<const char*, std::pair<double, double>> ints[] = {
      {"int2", {-2, 1}}, {"uint2", {0, 3}}, {"int4", {-8, 7}}, {"uint4", {0, 15}}, {"int8", {-128, 127}}, {"uint8", {0, 255}}};
  for (const auto& [name, range] : ints) {
    INFO(name);
    REQUIRE(infos.count(name) == 1);
    const format_info& f = infos[name];
    CHECK_FALSE(f.is_float);
    CHECK(f.lowest == range.first);
    CHECK(f.max == range.second);
    CHECK_FALSE(f.min_normal.has_value());
    CHECK_FALSE(f.has_nan);
  }
  CHECK(infos.size() == std::tuple_size_v<lowp::scalar_formats>);
}

TEST_CASE("lowp formats --json: stable keys, null for absent limits, exact numbers", "[tools][formats]") {
  const auto infos = lowp::tool::all_format_infos();
  const auto objects = parse_flat_json_array(lowp::tool::formats_json(infos));
  REQUIRE(objects.size() == infos.size());
  const std::vector<std::string> keys{"name",       "bits",   "kind",       "exponent_bits", "mantissa_bits",
                                      "bias",       "signed", "max",        "lowest",        "min_normal",
                                      "min_subnormal", "has_inf", "has_nan", "nan_encoding"};
  for (std::size_t k = 0; k < objects.size(); ++k) {
    const format_info& f = infos[k];
    INFO(f.name);
    std::map<std::string, json_value> o;
    std::vector<std::string> order;
    for (const auto& [key, value] : objects[k]) {
      order.push_back(key);
      o[key] = value;
    }
    REQUIRE(order == keys);
    CHECK(o["name"].text == f.name);
    CHECK(o["kind"].text == (f.is_float ? "float" : "int"));
    CHECK(parse_double(o["bits"].text) == double(f.bits));
    CHECK(o["signed"].text == (f.is_signed ? "true" : "false"));
    CHECK(o["has_inf"].text == (f.has_inf ? "true" : "false"));
    CHECK(o["has_nan"].text == (f.has_nan ? "true" : "false"));
    CHECK(o["nan_encoding"].kind == json_value::string);
    CHECK(o["nan_encoding"].text == f.nan_encoding);
    auto check_int = [&](const char* key, std::optional<int> v) {
      INFO(key);
      if (!v) {
        CHECK(o[key].kind == json_value::null);
      } else {
        CHECK(o[key].text == std::to_string(*v));
      }
    };
    check_int("exponent_bits", f.exponent_bits);
    check_int("mantissa_bits", f.mantissa_bits);
    check_int("bias", f.bias);
    auto check_number = [&](const char* key, std::optional<double> v) {
      INFO(key << " = " << o[key].text);
      if (!v) {
        CHECK(o[key].kind == json_value::null);
        return;
      }
      REQUIRE(o[key].kind == json_value::number);
      const auto parsed = parse_double(o[key].text);
      REQUIRE(parsed.has_value());
      CHECK(same_double(*parsed, *v));
    };
    check_number("max", f.max);
    check_number("lowest", f.lowest);
    check_number("min_normal", f.min_normal);
    check_number("min_subnormal", f.min_subnormal);
  }
}

TEST_CASE("docs/formats.md limits table matches the format types", "[tools][formats][docs]") {
  const auto lines = lines_of(read_text(LOWP_SOURCE_DIR "/docs/formats.md"));
  const std::vector<std::string>& columns = lowp::tool::table_columns();

  std::size_t header = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (cells_of(lines[i]) == columns) {
      REQUIRE(header == lines.size());  // exactly one limits table
      header = i;
    }
  REQUIRE(header + 1 < lines.size());

  std::map<std::string, format_info> infos;
  for (const format_info& f : lowp::tool::all_format_infos()) infos[f.name] = f;

  std::map<std::string, int> seen;
  for (std::size_t i = header + 2; i < lines.size() && !cells_of(lines[i]).empty(); ++i) {
    std::vector<std::string> cells = cells_of(lines[i]);
    INFO("docs/formats.md line " << i + 1 << ": " << lines[i]);
    REQUIRE(cells.size() == columns.size());
    std::string name = cells[0];
    if (name.size() >= 2 && name.front() == '`' && name.back() == '`') name = name.substr(1, name.size() - 2);
    REQUIRE(infos.count(name) == 1);
    ++seen[name];
    const format_info& f = infos[name];
    const std::vector<std::string> expected = lowp::tool::table_row(f);
    const std::map<std::string, std::optional<double>> numbers{
        {"max", f.max}, {"lowest", f.lowest}, {"min normal", f.min_normal}, {"min subnormal", f.min_subnormal}};
    for (std::size_t c = 1; c < columns.size(); ++c) {
      INFO("column '" << columns[c] << "': '" << cells[c] << "'");
      const auto number = numbers.find(columns[c]);
      if (number == numbers.end()) {
        CHECK(cells[c] == expected[c]);
      } else if (!number->second) {
        CHECK(cells[c] == "–");
      } else {
        const auto parsed = parse_double(cells[c]);
        REQUIRE(parsed.has_value());
        CHECK(same_double(*parsed, *number->second));
      }
    }
  }
  for (const auto& [name, f] : infos) {
    INFO(name);
    CHECK(seen[name] == 1);
  }
}

TEST_CASE("docs/formats.md packing diagrams match packed_span", "[tools][docs][packing]") {
  // Rows "byte N   eK.j ..." (bit 7 first) or "byte N   eK  eK" (4-bit, high nibble first).
  const auto lines = lines_of(read_text(LOWP_SOURCE_DIR "/docs/formats.md"));
  int checked6 = 0, checked4 = 0;
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::string word;
    int byte = -1;
    if (!(in >> word) || word != "byte" || !(in >> byte)) continue;
    std::vector<std::string> fields;
    while (in >> word) fields.push_back(word);
    INFO(line);
    if (fields.size() == 8) {  // 6-bit diagram: bit 7 .. bit 0
      for (int b = 0; b < 8; ++b) {
        const std::string& f = fields[std::size_t(7 - b)];
        const std::size_t dot = f.find('.');
        REQUIRE((f[0] == 'e' && dot != std::string::npos));
        const int element = std::stoi(f.substr(1, dot - 1));
        const int bit = std::stoi(f.substr(dot + 1));
        std::uint8_t bytes[3] = {0, 0, 0};
        lowp::packed_span<lowp::float6_e2m3fn> span(bytes, 4);
        span[std::size_t(element)] = lowp::float6_e2m3fn::from_bits(std::uint8_t(1U << bit));
        CHECK(bytes[byte] == (1U << b));
        ++checked6;
      }
    } else if (fields.size() == 2) {  // 4-bit diagram: high nibble, low nibble
      for (int nibble = 0; nibble < 2; ++nibble) {
        const int element = std::stoi(fields[std::size_t(1 - nibble)].substr(1));
        std::uint8_t bytes[2] = {0, 0};
        lowp::packed_span<lowp::float4_e2m1fn> span(bytes, 4);
        span[std::size_t(element)] = lowp::float4_e2m1fn::from_bits(0xf);
        CHECK(bytes[byte] == (0xfU << (4 * nibble)));
        ++checked4;
      }
    }
  }
  CHECK(checked6 == 24);
  CHECK(checked4 == 4);
}
