// Sub-byte elements live packed; packed_span hands out proxy references.
#include <lowp/lowp.hpp>

#include <array>
#include <cstdint>
#include <cstdio>

int main() {
  std::array<std::uint8_t, 3> bytes{};
  lowp::packed_span<lowp::int4> q(bytes.data(), 5);  // 5 nibbles in 3 bytes
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = lowp::int4(int(i) - 2);
  std::printf("int4 {-2,-1,0,1,2} packed LSB-first: %02x %02x %02x\n", bytes[0], bytes[1], bytes[2]);
  int sum = 0;
  for (lowp::int4 v : q) sum += v.value();
  // Element 0 (-2 = 0xe) is the low nibble of byte 0, element 1 (-1 = 0xf) the high one.
  return bytes[0] == 0xfe && bytes[1] == 0x10 && bytes[2] == 0x02 && sum == 0 ? 0 : 1;
}
