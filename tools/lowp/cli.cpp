#include "cli.hpp"

#include <vector>

#include "lowp/isa.hpp"

#include <array>
#include <charconv>

namespace lowp::tool {

namespace {

const option_spec* find_option(std::span<const option_spec> specs, std::string_view name) {
  for (const option_spec& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

template <class Names>
std::string join(const Names& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

}  // namespace

parsed_args::parsed_args(std::span<const option_spec> specs, std::span<char* const> argv) {
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      positionals_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    const std::size_t eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const option_spec* spec = find_option(specs, name);
    if (spec == nullptr) throw usage_error("unknown option '" + std::string(name) + "'", true);
    std::string value;
    if (spec->value_name.empty()) {
      if (eq != std::string_view::npos)
        throw usage_error("option " + std::string(name) + " takes no value", true);
    } else if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      throw usage_error("option " + std::string(name) + " needs a value " + std::string(spec->value_name), true);
    }
    if (!values_.emplace(std::string(name), value).second)
      throw usage_error("option " + std::string(name) + " given twice", true);
  }
}

std::optional<std::string> parsed_args::value(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string usage_text(const command& c) {
  std::string s = "usage: lowp " + std::string(c.name);
  if (!c.arguments.empty()) s += " " + std::string(c.arguments);
  for (const option_spec& o : c.options)
    if (!o.hidden)
      s += " [" + std::string(o.name) + (o.value_name.empty() ? "" : " " + std::string(o.value_name)) + "]";
  s += "\n\n" + std::string(c.summary) + "\n";
  if (!c.details.empty()) s += "\n" + std::string(c.details);
  bool any_visible = false;
  for (const option_spec& o : c.options) any_visible = any_visible || !o.hidden;
  if (any_visible) {
    s += "\noptions:\n";
    for (const option_spec& o : c.options) {
      if (o.hidden) continue;
      std::string left = "  " + std::string(o.name) + (o.value_name.empty() ? "" : " " + std::string(o.value_name));
      left.resize(left.size() < 18 ? 18 : left.size() + 1, ' ');
      s += left + std::string(o.help);
      if (o.name == isa_option.name)
        s += ", one of " + join(known_isas()) + "; this build runs " + join(available_isas()) +
             " (default: the last of these)";
      s += "\n";
    }
  }
  return s;
}

rounding rounding_from(const parsed_args& args) {
  const auto v = args.value(round_option.name);
  if (!v) return rounding::nearest_even;
  if (const auto r = parse_rounding(*v)) return *r;
  std::vector<std::string_view> names;
  for (rounding r : all_roundings) names.push_back(name(r));
  throw usage_error("unknown --round value '" + *v + "' (expected one of: " + join(names) + ")");
}

overflow overflow_from(const parsed_args& args) {
  const auto v = args.value(overflow_option.name);
  if (!v) return overflow::saturate;
  if (const auto o = parse_overflow(*v)) return *o;
  std::vector<std::string_view> names;
  for (overflow o : all_overflows) names.push_back(name(o));
  throw usage_error("unknown --overflow value '" + *v + "' (expected one of: " + join(names) + ")");
}

std::uint64_t seed_from(const parsed_args& args) {
  const auto v = args.value(seed_option.name);
  if (!v) return 0;
  std::string_view digits = *v;
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::uint64_t seed = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), seed, base);
  if (digits.empty() || r.ec != std::errc{} || r.ptr != digits.data() + digits.size())
    throw usage_error("--seed '" + *v + "' is not an unsigned 64-bit integer (decimal or 0x hex)");
  return seed;
}

std::optional<std::size_t> cols_from(const parsed_args& args) {
  const auto v = args.value(cols_option.name);
  if (!v) return std::nullopt;
  std::size_t k = 0;
  const auto r = std::from_chars(v->data(), v->data() + v->size(), k);
  if (v->empty() || r.ec != std::errc{} || r.ptr != v->data() + v->size() || k == 0)
    throw usage_error("--cols '" + *v + "' is not a positive integer");
  return k;
}

padding padding_from(const parsed_args& args) { return args.flag(pad_option.name) ? padding::zero : padding::none; }

std::span<const std::string_view> known_isas() {
  static constexpr std::array<std::string_view, 6> names{"scalar", "sse2", "sse4_1", "avx2", "avx512bw", "neon64"};
  return names;
}

std::span<const std::string_view> available_isas() {
  // Ordered from the least to the most capable, so the last is the best.
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (lowp::isa i : lowp::all_isas)
      if (lowp::isa_available(i) && i != lowp::best_isa()) v.push_back(lowp::name(i));
    v.push_back(lowp::name(lowp::best_isa()));
    return v;
  }();
  return names;
}

std::string_view isa_from(const parsed_args& args) {
  const auto v = args.value(isa_option.name);
  if (!v) return available_isas().back();
  for (std::string_view isa : available_isas())
    if (isa == *v) return isa;
  for (std::string_view isa : known_isas())
    if (isa == *v)
      throw usage_error("--isa " + *v + ": not available here (this build on this CPU runs " +
                        join(available_isas()) + ")");
  throw usage_error("unknown --isa value '" + *v + "' (expected one of: " + join(known_isas()) + ")");
}

}  // namespace lowp::tool
