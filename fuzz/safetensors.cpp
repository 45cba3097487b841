// libFuzzer target: lowp::io::parse_safetensors on arbitrary bytes. Every input
// either parses (each tensor's data matching its shape and dtype) or throws
// lowp::error; a parsed file must serialize and parse back unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lowp/error.hpp"
#include "lowp/io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp::io::safetensors_file f;
  try {
    f = lowp::io::parse_safetensors(std::span<const std::uint8_t>(data, size), "fuzz.safetensors");
  } catch (const lowp::error&) {
    return 0;
  }
  for (const lowp::io::tensor& t : f.tensors) {
    if (t.name.empty() || t.data.size() != t.elements() * lowp::io::size_of(t.type)) std::abort();
    (void)t.to_floats();
  }
  // The writer refuses the key "__metadata__" as a tensor name, which the
  // reader never yields as one; everything the reader returns, it can write.
  const auto bytes = lowp::io::serialize_safetensors(f.tensors, f.metadata);
  const lowp::io::safetensors_file back = lowp::io::parse_safetensors(bytes, "round trip");
  if (back.tensors.size() != f.tensors.size() || back.metadata != f.metadata) std::abort();
  for (std::size_t i = 0; i < f.tensors.size(); ++i)
    if (back.tensors[i].name != f.tensors[i].name || back.tensors[i].shape != f.tensors[i].shape ||
        back.tensors[i].type != f.tensors[i].type || back.tensors[i].data != f.tensors[i].data)
      std::abort();
  return 0;
}
