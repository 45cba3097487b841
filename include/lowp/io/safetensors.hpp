#pragma once

// safetensors files (huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON
//   {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3],
//    "data_offsets": [begin, end]}, ...}
// then the data buffer; offsets are relative to its start. lowp reads and
// writes F32, F16 and BF16 tensors.
//
// Checks, each a lowp::error naming the problem: truncated file, header length
// beyond the file (or above the format's 100 MB limit), malformed JSON
// (nesting deeper than 64 levels included), unknown dtype, shape product
// overflow, a byte range that does not match dtype x shape, ranges that
// overlap, leave holes or do not end at the end of the file, duplicate names.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lowp/error.hpp"
#include "lowp/io/file.hpp"
#include "lowp/io/tensor.hpp"

namespace lowp::io {

struct safetensors_file {
  std::vector<tensor> tensors;                     // in the order of their data
  std::map<std::string, std::string> metadata;     // "__metadata__"

  const tensor& at(std::string_view name) const {
    for (const tensor& t : tensors)
      if (t.name == name) return t;
    lowp::detail::fail("safetensors: no tensor named '" + std::string(name) + "'");
  }
};

namespace detail {

inline constexpr std::uint64_t safetensors_header_limit = 100'000'000;

struct json_value {
  enum class kind : std::uint8_t { null, boolean, number, string, array, object } type = kind::null;
  bool b = false;
  std::string text;               // string value, or a number's literal text
  std::vector<json_value> items;  // array elements, or object member values
  std::vector<std::string> keys;  // object member names, parallel to items
};

class json_parser {
 public:
  json_parser(std::string_view text, const std::string& source) : s_(text), source_(source) {}

  json_value parse_document() {
    skip_space();
    json_value v = value(0);
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after the JSON header");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    lowp::detail::fail(source_ + ": malformed header: " + what + " (offset " + std::to_string(pos_) + ")");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c || pos_ >= s_.size()) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  json_value value(int depth) {
    if (depth > 64) fail("nesting deeper than 64 levels");
    json_value v;
    const char c = peek();
    if (pos_ >= s_.size()) fail("unexpected end");
    if (c == '{') {
      v.type = json_value::kind::object;
      ++pos_;
      skip_space();
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_space();
        std::string key = string();
        skip_space();
        expect(':');
        skip_space();
        v.keys.push_back(std::move(key));
        v.items.push_back(value(depth + 1));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = json_value::kind::array;
      ++pos_;
      skip_space();
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_space();
        v.items.push_back(value(depth + 1));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = json_value::kind::string;
      v.text = string();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = json_value::kind::number;
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::string_view("+-.eE").find(s_[pos_]) != std::string_view::npos ||
                                  (s_[pos_] >= '0' && s_[pos_] <= '9')))
        ++pos_;
      v.text = std::string(s_.substr(start, pos_ - start));
      return v;
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        v.type = word == "null" ? json_value::kind::null : json_value::kind::boolean;
        v.b = word == "true";
        return v;
      }
    }
    fail("unexpected character");
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  std::uint32_t hex4() {
    if (s_.size() - pos_ < 4) fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= std::uint32_t(h - '0');
      else if (h >= 'a' && h <= 'f') v |= std::uint32_t(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= std::uint32_t(h - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated string");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (s_.substr(pos_, 2) != "\\u") fail("unpaired surrogate");
            pos_ += 2;
            const std::uint32_t low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("unpaired surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  std::string_view s_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

inline std::uint64_t json_uint(const json_value& v, const std::string& what) {
  if (v.type != json_value::kind::number || v.text.empty())
    lowp::detail::fail(what + " is not a non-negative integer");
  std::uint64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') lowp::detail::fail(what + " '" + v.text + "' is not a non-negative integer");
    const std::uint64_t digit = std::uint64_t(c - '0');
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      lowp::detail::fail(what + " '" + v.text + "' overflows 64 bits");
    n = n * 10 + digit;
  }
  return n;
}

inline std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[(c >> 4) & 0xF];
      out += hex[c & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline std::string_view safetensors_dtype_name(dtype t) {
  switch (t) {
    case dtype::float32: return "F32";
    case dtype::float16: return "F16";
    case dtype::bfloat16: return "BF16";
  }
  return "?";
}

}  // namespace detail

namespace detail {

// The data of tensor `index` of a parsed header: bytes [begin, end) of the
// data buffer.
struct safetensors_range {
  std::uint64_t begin, end;
  std::size_t index;
};

// The 8-byte header length at the start of a file, checked against the
// format's limit and (when known, else -1) the file's size.
inline std::uint64_t safetensors_header_length(std::span<const std::uint8_t> first8, long long file_size,
                                               const std::string& source) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t(first8[std::size_t(i)]) << (8 * i);
  if (file_size >= 0 && n > std::uint64_t(file_size) - 8)
    lowp::detail::fail(source + ": header length " + std::to_string(n) + " goes beyond the file size " +
                       std::to_string(file_size));
  if (n > safetensors_header_limit)
    lowp::detail::fail(source + ": header length " + std::to_string(n) + " exceeds the format's limit of " +
                       std::to_string(safetensors_header_limit) + " bytes");
  return n;
}

// Parses the JSON header `text` of a file whose data buffer holds
// buffer_size bytes: the tensors without their data, and each one's range in
// the buffer, in the order of their data.
inline std::vector<safetensors_range> parse_safetensors_header(std::string_view text, std::uint64_t buffer_size,
                                                               const std::string& source, safetensors_file& out) {
  const json_value root = json_parser(text, source).parse_document();
  if (root.type != json_value::kind::object) lowp::detail::fail(source + ": the header is not a JSON object");
  std::vector<safetensors_range> ranges;
  for (std::size_t m = 0; m < root.keys.size(); ++m) {
    const std::string& key = root.keys[m];
    const json_value& v = root.items[m];
    if (key == "__metadata__") {
      if (v.type != json_value::kind::object) lowp::detail::fail(source + ": __metadata__ is not an object");
      for (std::size_t k = 0; k < v.keys.size(); ++k) {
        const std::string& mk = v.keys[k];
        const json_value& mv = v.items[k];
        if (mv.type != json_value::kind::string)
          lowp::detail::fail(source + ": __metadata__ value of '" + mk + "' is not a string");
        out.metadata[mk] = mv.text;
      }
      continue;
    }
    const std::string what = source + ": tensor '" + key + "'";
    // The writer refuses an empty name (serialize_safetensors); so does the reader.
    if (key.empty()) lowp::detail::fail(source + ": a tensor has an empty name");
    for (const tensor& t : out.tensors)
      if (t.name == key) lowp::detail::fail(what + " appears twice");
    if (v.type != json_value::kind::object) lowp::detail::fail(what + " is not a JSON object");
    const json_value* dt = nullptr;
    const json_value* shape = nullptr;
    const json_value* offsets = nullptr;
    for (std::size_t k = 0; k < v.keys.size(); ++k) {
      const std::string& field = v.keys[k];
      const json_value& fv = v.items[k];
      if (field == "dtype") dt = &fv;
      else if (field == "shape") shape = &fv;
      else if (field == "data_offsets") offsets = &fv;
      else lowp::detail::fail(what + ": unexpected field '" + field + "'");
    }
    if (dt == nullptr || shape == nullptr || offsets == nullptr)
      lowp::detail::fail(what + ": needs dtype, shape and data_offsets");
    tensor t;
    t.name = key;
    if (dt->type != json_value::kind::string) lowp::detail::fail(what + ": dtype is not a string");
    if (dt->text == "F32") t.type = dtype::float32;
    else if (dt->text == "F16") t.type = dtype::float16;
    else if (dt->text == "BF16") t.type = dtype::bfloat16;
    else lowp::detail::fail(what + ": dtype '" + dt->text + "' is not supported (F32, F16, BF16)");
    if (shape->type != json_value::kind::array) lowp::detail::fail(what + ": shape is not an array");
    for (const json_value& d : shape->items) {
      const std::uint64_t dim = json_uint(d, what + ": shape entry");
      if (dim > std::numeric_limits<std::size_t>::max()) lowp::detail::fail(what + ": shape entry overflows size_t");
      t.shape.push_back(std::size_t(dim));
    }
    if (offsets->type != json_value::kind::array || offsets->items.size() != 2)
      lowp::detail::fail(what + ": data_offsets is not a pair [begin, end]");
    const std::uint64_t begin = json_uint(offsets->items[0], what + ": data_offsets begin");
    const std::uint64_t end = json_uint(offsets->items[1], what + ": data_offsets end");
    if (begin > end)
      lowp::detail::fail(what + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                         "] end before they begin");
    if (end > buffer_size)
      lowp::detail::fail(what + ": data_offsets end " + std::to_string(end) + " goes beyond the data buffer of " +
                         std::to_string(buffer_size) + " bytes");
    const std::size_t expected = checked_bytes(t.shape, size_of(t.type), what);
    if (end - begin != expected)
      lowp::detail::fail(what + ": data_offsets cover " + std::to_string(end - begin) + " bytes, but shape " +
                         shape_text(t.shape) + " of " + dt->text + " takes " + std::to_string(expected));
    ranges.push_back({begin, end, out.tensors.size()});
    out.tensors.push_back(std::move(t));
  }
  std::sort(ranges.begin(), ranges.end(), [](const safetensors_range& a, const safetensors_range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t next = 0;
  for (const safetensors_range& r : ranges) {
    const std::string& nm = out.tensors[r.index].name;
    if (r.begin < next) lowp::detail::fail(source + ": tensor '" + nm + "' overlaps the data of another tensor");
    if (r.begin > next)
      lowp::detail::fail(source + ": a hole in the data buffer before tensor '" + nm + "' (bytes " +
                         std::to_string(next) + " to " + std::to_string(r.begin) + ")");
    next = r.end;
  }
  if (next != buffer_size)
    lowp::detail::fail(source + ": the data buffer holds " + std::to_string(buffer_size) +
                       " bytes, but the tensors cover " + std::to_string(next));
  return ranges;
}

// Moves the tensors of `out` into the order of `ranges`, each with its bytes of
// `buffer`.
inline void fill_safetensors_data(safetensors_file& out, const std::vector<safetensors_range>& ranges,
                                  std::span<const std::uint8_t> buffer) {
  std::vector<tensor> ordered;
  ordered.reserve(ranges.size());
  for (const safetensors_range& r : ranges) {
    tensor& t = out.tensors[r.index];
    t.data.assign(buffer.begin() + std::ptrdiff_t(r.begin), buffer.begin() + std::ptrdiff_t(r.end));
    ordered.push_back(std::move(t));
  }
  out.tensors = std::move(ordered);
}

}  // namespace detail

// Parses the bytes of a whole .safetensors file; `source` names it in errors.
inline safetensors_file parse_safetensors(std::span<const std::uint8_t> file, const std::string& source = "safetensors") {
  if (file.size() < 8)
    lowp::detail::fail(source + ": truncated: " + std::to_string(file.size()) +
                       " bytes is shorter than the 8-byte header length");
  const std::uint64_t n = detail::safetensors_header_length(file.first(8), static_cast<long long>(file.size()), source);
  const std::string_view text(reinterpret_cast<const char*>(file.data()) + 8, std::size_t(n));
  const std::span<const std::uint8_t> buffer = file.subspan(8 + std::size_t(n));
  safetensors_file out;
  const auto ranges = detail::parse_safetensors_header(text, buffer.size(), source, out);
  detail::fill_safetensors_data(out, ranges, buffer);
  return out;
}

// Reads a .safetensors file ("-": standard input). The header is read and
// checked against the file's size before the data buffer is allocated.
inline safetensors_file read_safetensors(const std::filesystem::path& path) {
  input_file in(path);
  if (in.size() < 0) return parse_safetensors(read_file(path), in.name());
  std::vector<std::uint8_t> head;
  in.read_exactly(head, 8, "the 8-byte header length");
  const std::uint64_t n = detail::safetensors_header_length(head, in.size(), in.name());
  head.clear();
  in.read_exactly(head, std::size_t(n), "the JSON header");
  const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  safetensors_file out;
  const std::uint64_t buffer_size = std::uint64_t(in.size()) - 8 - n;
  const auto ranges = detail::parse_safetensors_header(text, buffer_size, in.name(), out);
  std::vector<std::uint8_t> buffer;
  in.read_exactly(buffer, std::size_t(buffer_size), "the data buffer");
  detail::fill_safetensors_data(out, ranges, buffer);
  return out;
}

// The bytes of a .safetensors file holding `tensors` in order (names unique),
// with optional metadata. The header is padded with spaces to a multiple of 8.
inline std::vector<std::uint8_t> serialize_safetensors(std::span<const tensor> tensors,
                                                       const std::map<std::string, std::string>& metadata = {}) {
  std::string header = "{";
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + detail::json_quote(k) + ":" + detail::json_quote(v);
      first = false;
    }
    header += "}";
    first = false;
  }
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const tensor& t = tensors[i];
    if (t.name.empty() || t.name == "__metadata__")
      lowp::detail::fail("tensors: name '" + t.name + "' cannot be stored in a safetensors file");
    for (std::size_t j = 0; j < i; ++j)
      if (tensors[j].name == t.name) lowp::detail::fail("tensors: name '" + t.name + "' appears twice");
    const std::size_t bytes = detail::checked_bytes(t.shape, size_of(t.type), "tensor '" + t.name + "'");
    if (t.data.size() != bytes)
      lowp::detail::fail("tensor '" + t.name + "': data holds " + std::to_string(t.data.size()) +
                         " bytes, but its shape takes " + std::to_string(bytes));
    header += (first ? "" : ",") + detail::json_quote(t.name) + ":{\"dtype\":\"" +
              std::string(detail::safetensors_dtype_name(t.type)) + "\",\"shape\":[";
    for (std::size_t d = 0; d < t.shape.size(); ++d) header += (d ? "," : "") + std::to_string(t.shape[d]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
    first = false;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::vector<std::uint8_t> out;
  out.reserve(8 + header.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back(std::uint8_t(std::uint64_t(header.size()) >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  for (const tensor& t : tensors) out.insert(out.end(), t.data.begin(), t.data.end());
  return out;
}

inline void write_safetensors(const std::filesystem::path& path, std::span<const tensor> tensors,
                              const std::map<std::string, std::string>& metadata = {}) {
  write_file(path, serialize_safetensors(tensors, metadata));
}

}  // namespace lowp::io
