#pragma once

// NumPy .npy files (format versions 1.0, 2.0 and 3.0, numpy/lib/format.py):
// the magic "\x93NUMPY", a version, a little-endian header length (2 bytes in
// 1.0, 4 in 2.0/3.0), a Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a newline, then the C-order data.
//
// Element types: '<f4' (float32), '<f2' (float16) and bfloat16. NumPy has no
// bfloat16; arrays of ml_dtypes' bfloat16 are saved with the descr '<V2' (a
// 2-byte opaque type). lowp reads '<V2', '|V2' and 'bfloat16' as bfloat16 and
// writes bfloat16 as '<V2'. Big-endian and other types, structured dtypes and
// fortran_order True are errors.
//
// Every malformed file is a lowp::error naming the problem; sizes are checked
// against the file's size before anything is allocated.

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lowp/error.hpp"
#include "lowp/io/file.hpp"
#include "lowp/io/tensor.hpp"

namespace lowp::io {

namespace detail {

// The header dict of a .npy file: keys 'descr', 'fortran_order', 'shape'.
class npy_header_parser {
 public:
  npy_header_parser(std::string_view text, const std::string& source) : s_(text), source_(source) {}

  void parse(std::string& descr, bool& fortran_order, std::vector<std::size_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal("a key");
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() == '[') fail("descr: structured dtypes are not supported");
        descr = string_literal("descr");
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "' in the header");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}' at header offset " + std::to_string(pos_));
    }
    ++pos_;
    if (!have_descr) fail("the header has no 'descr'");
    if (!have_order) fail("the header has no 'fortran_order'");
    if (!have_shape) fail("the header has no 'shape'");
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after the header dict");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { lowp::detail::fail(source_ + ": " + what); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c)
      fail(std::string("malformed header: expected '") + c + "' at offset " + std::to_string(pos_));
    ++pos_;
  }
  std::string string_literal(const char* what) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(std::string("malformed header: expected a string for ") + what);
    ++pos_;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (s_[pos_] == '\\') fail("malformed header: escapes in strings are not supported");
      out += s_[pos_++];
    }
    if (pos_ >= s_.size()) fail("malformed header: unterminated string");
    ++pos_;
    return out;
  }
  bool boolean() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("fortran_order: expected True or False");
  }
  std::vector<std::size_t> tuple() {
    expect('(');
    std::vector<std::size_t> dims;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("shape: expected a non-negative integer at offset " + std::to_string(pos_));
      std::size_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const std::size_t digit = std::size_t(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("shape: a dimension overflows size_t");
        v = v * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal
      dims.push_back(v);
      if (dims.size() > 64) fail("shape: more than 64 dimensions");
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != ')') fail("shape: expected ',' or ')' at offset " + std::to_string(pos_));
    }
    ++pos_;
    return dims;
  }

  std::string_view s_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

inline dtype npy_dtype(const std::string& descr, const std::string& source) {
  if (descr == "<f4") return dtype::float32;
  if (descr == "<f2") return dtype::float16;
  if (descr == "<V2" || descr == "|V2" || descr == "bfloat16") return dtype::bfloat16;
  if (!descr.empty() && descr[0] == '>')
    lowp::detail::fail(source + ": descr '" + descr + "' is big-endian, which is not supported");
  lowp::detail::fail(source + ": descr '" + descr +
                     "' is not supported (float32 '<f4', float16 '<f2', bfloat16 '<V2')");
}

inline std::string npy_descr(dtype t) {
  switch (t) {
    case dtype::float32: return "<f4";
    case dtype::float16: return "<f2";
    case dtype::bfloat16: return "<V2";
  }
  return "?";
}

}  // namespace detail

namespace detail {

// The preamble and header of a .npy file: the tensor without its data, and
// where the data begins and how many bytes it takes.
struct npy_header {
  tensor t;
  std::size_t data_offset = 0;
  std::size_t data_bytes = 0;
};

}  // namespace detail

// Whether `bytes` begin with the .npy magic string "\x93NUMPY" (how a .npy
// file is told from other data where it has no name, e.g. on standard input).
inline bool has_npy_magic(std::span<const std::uint8_t> bytes) {
  static constexpr std::uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  return bytes.size() >= 6 && std::equal(magic, magic + 6, bytes.begin());
}

namespace detail {

// Bytes of the preamble: 10 (version 1.0) or 12 (2.0, 3.0); needs the first 8.
inline std::size_t npy_preamble_bytes(std::span<const std::uint8_t> first8, const std::string& source) {
  if (!has_npy_magic(first8)) lowp::detail::fail(source + ": not a .npy file (bad magic string)");
  const unsigned major = first8[6], minor = first8[7];
  if (major < 1 || major > 3 || minor != 0)
    lowp::detail::fail(source + ": unsupported .npy format version " + std::to_string(major) + "." +
                       std::to_string(minor));
  return major == 1 ? 10 : 12;
}

// The header length stored in a whole preamble.
inline std::size_t npy_header_length(std::span<const std::uint8_t> preamble) {
  std::size_t n = std::size_t(preamble[8]) | (std::size_t(preamble[9]) << 8);
  if (preamble.size() == 12) n |= (std::size_t(preamble[10]) << 16) | (std::size_t(preamble[11]) << 24);
  return n;
}

// Parses preamble + header (`head` holds exactly those bytes).
inline npy_header parse_npy_header(std::span<const std::uint8_t> head, std::size_t preamble, const std::string& source) {
  const unsigned major = head[6];
  const std::string_view text(reinterpret_cast<const char*>(head.data()) + preamble, head.size() - preamble);
  for (char c : text)
    if (major < 3 && static_cast<unsigned char>(c) >= 0x80) lowp::detail::fail(source + ": the header is not ASCII");
  std::string descr;
  bool fortran_order = false;
  npy_header h;
  npy_header_parser(text, source).parse(descr, fortran_order, h.t.shape);
  h.t.type = npy_dtype(descr, source);
  if (fortran_order) lowp::detail::fail(source + ": fortran_order True is not supported (C order only)");
  h.data_offset = head.size();
  h.data_bytes = checked_bytes(h.t.shape, size_of(h.t.type), source);
  return h;
}

[[noreturn]] inline void fail_npy_data_size(const npy_header& h, std::size_t available, const std::string& source) {
  lowp::detail::fail(source + ": data holds " + std::to_string(available) + " bytes, but shape " +
                     shape_text(h.t.shape) + " of " + std::string(name(h.t.type)) + " takes " +
                     std::to_string(h.data_bytes));
}

}  // namespace detail

// Parses the bytes of a whole .npy file; `source` names it in error messages.
inline tensor parse_npy(std::span<const std::uint8_t> file, const std::string& source = "npy") {
  if (file.size() < 10)
    lowp::detail::fail(source + ": truncated: " + std::to_string(file.size()) +
                       " bytes is shorter than a .npy preamble");
  const std::size_t preamble = detail::npy_preamble_bytes(file.first(8), source);
  if (file.size() < preamble)
    lowp::detail::fail(source + ": truncated: " + std::to_string(file.size()) +
                       " bytes is shorter than a version 2/3 .npy preamble");
  const std::size_t header_len = detail::npy_header_length(file.first(preamble));
  if (header_len > file.size() - preamble)
    lowp::detail::fail(source + ": header length " + std::to_string(header_len) + " goes beyond the file size " +
                       std::to_string(file.size()));
  detail::npy_header h = detail::parse_npy_header(file.first(preamble + header_len), preamble, source);
  const std::size_t available = file.size() - h.data_offset;
  if (available != h.data_bytes) detail::fail_npy_data_size(h, available, source);
  h.t.data.assign(file.begin() + std::ptrdiff_t(h.data_offset), file.end());
  return std::move(h.t);
}

// Reads a .npy file ("-": standard input). The header is read and checked,
// and the data's size checked against the file's, before the data is
// allocated.
inline tensor read_npy(const std::filesystem::path& path) {
  input_file in(path);
  const std::string& source = in.name();
  std::vector<std::uint8_t> head;
  in.read_exactly(head, 10, "the .npy preamble");
  const std::size_t preamble = detail::npy_preamble_bytes(head, source);
  in.read_exactly(head, preamble - 10, "the .npy preamble");
  const std::size_t header_len = detail::npy_header_length(head);
  if (in.size() >= 0 && header_len > std::size_t(in.size()) - preamble)
    lowp::detail::fail(source + ": header length " + std::to_string(header_len) + " goes beyond the file size " +
                       std::to_string(in.size()));
  in.read_exactly(head, header_len, "the .npy header");
  detail::npy_header h = detail::parse_npy_header(head, preamble, source);
  if (in.size() >= 0 && std::size_t(in.size()) - h.data_offset != h.data_bytes)
    detail::fail_npy_data_size(h, std::size_t(in.size()) - h.data_offset, source);
  if (in.size() >= 0) {
    in.read_exactly(h.t.data, h.data_bytes, "the .npy data");
  } else {
    in.read_rest(h.t.data);
    if (h.t.data.size() != h.data_bytes) detail::fail_npy_data_size(h, h.t.data.size(), source);
  }
  return std::move(h.t);
}

// The bytes of a .npy file (format 1.0) holding t.
inline std::vector<std::uint8_t> serialize_npy(const tensor& t) {
  const std::size_t bytes = detail::checked_bytes(t.shape, size_of(t.type), "tensor");
  if (t.data.size() != bytes)
    lowp::detail::fail("tensor: data holds " + std::to_string(t.data.size()) + " bytes, but shape " +
                       detail::shape_text(t.shape) + " of " + std::string(name(t.type)) + " takes " +
                       std::to_string(bytes));
  if (t.shape.size() > 64) lowp::detail::fail("tensor: more than 64 dimensions");
  std::string dict = "{'descr': '" + detail::npy_descr(t.type) + "', 'fortran_order': False, 'shape': " +
                     detail::shape_text(t.shape) + ", }";
  // The preamble (10 bytes) and the header end on a multiple of 64 bytes, the
  // header with a newline; at most 64 dimensions keep it far below 65536.
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  const std::uint8_t preamble[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                     std::uint8_t(dict.size()), std::uint8_t(dict.size() >> 8)};
  std::vector<std::uint8_t> out(10 + dict.size() + t.data.size());
  auto it = std::copy(std::begin(preamble), std::end(preamble), out.begin());
  it = std::copy(dict.begin(), dict.end(), it);
  std::copy(t.data.begin(), t.data.end(), it);
  return out;
}

// Writes a .npy file ("-": standard output); see io/file.hpp for what a
// failed write leaves.
inline void write_npy(const std::filesystem::path& path, const tensor& t) { write_file(path, serialize_npy(t)); }

}  // namespace lowp::io
