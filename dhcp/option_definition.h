// Option definitions (Kea's `option-def` model) and the text <-> wire codec
// for option data (Kea's `option-data` with `csv-format` true or false).
//
// StandardDhcp4OptionDefinitions() returns the definitions Kea 2.2 ships for
// the `dhcp4` space (names, codes, types as in Kea's manual, "Standard DHCPv4
// Options" table). An OptionDefinitionSet is a plain value; copies are cheap
// enough for configuration snapshots and it is immutable once built.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace shoal::dhcp {

// Kea's option data types, named as in `option-def` "type" / "record-types".
enum class OptionDataType {
  kEmpty,
  kBinary,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kUint8,
  kUint16,
  kUint32,
  kIpv4Address,
  kIpv6Address,
  kIpv6Prefix,
  kPsid,
  kString,
  kTuple,
  kFqdn,
  kRecord,
  kInternal,  // options the server builds itself (53, 54, 55, 61, 82, ...)
};

// "uint8" -> kUint8 etc.; InvalidArgument naming the accepted types otherwise.
absl::StatusOr<OptionDataType> ParseOptionDataType(std::string_view name);
std::string_view OptionDataTypeName(OptionDataType type);

struct OptionDefinition {
  std::string name;
  uint16_t code = 0;
  std::string space = "dhcp4";
  OptionDataType type = OptionDataType::kBinary;
  bool array = false;
  std::vector<OptionDataType> record_types;  // when type == kRecord
  std::string encapsulate;                   // option space of sub-options, may be empty
  // True for the standard options Kea lists as "managed by Kea on its own"
  // (1, 12, 50, 51, 53, 55, 58, 59, 61, 81, 82, 90, 91, 92, 118). Kea still
  // accepts them in `option-data`, and so does shoal; the server decides.
  bool server_managed = false;
};

class OptionDefinitionSet {
 public:
  // Fails with AlreadyExists if the name or the code is taken in that space.
  absl::Status Add(OptionDefinition definition);
  const OptionDefinition* FindByName(std::string_view space, std::string_view name) const;
  const OptionDefinition* FindByCode(std::string_view space, uint16_t code) const;
  const std::vector<OptionDefinition>& all() const { return definitions_; }

 private:
  std::vector<OptionDefinition> definitions_;
  absl::flat_hash_map<std::string, size_t> by_name_;  // "space/name"
  absl::flat_hash_map<std::string, size_t> by_code_;  // "space/code"
};

// The standard DHCPv4 definitions (space "dhcp4"), plus Kea's DOCSIS 3.0
// vendor definitions (oro 1, tftp-servers 2) in spaces "docsis3-v4" and
// "vendor-4491".
OptionDefinitionSet StandardDhcp4OptionDefinitions();

// Encodes Kea's CSV text form ("192.0.2.1, 192.0.2.2", "true", "example.org")
// into wire bytes per the definition; InvalidArgument says which field is bad
// and what was expected.
absl::StatusOr<std::vector<uint8_t>> EncodeOptionData(const OptionDefinition& definition,
                                                      std::string_view csv_text);
// Decodes `csv-format: false` hex data: "0a0b0c", "0a:0b:0c", "0a 0b 0c",
// "0x0a0b0c" (case-insensitive, an even number of digits).
absl::StatusOr<std::vector<uint8_t>> ParseHexData(std::string_view hex);
// Wire bytes back to Kea's CSV text (for config-get and logs); falls back to
// hex when the bytes do not match the definition.
std::string FormatOptionData(const OptionDefinition& definition, std::span<const uint8_t> data);
// Like FormatOptionData, but nullopt instead of the hex fallback.
std::optional<std::string> TryFormatOptionDataCsv(const OptionDefinition& definition,
                                                  std::span<const uint8_t> data);
// Binary text as Kea accepts it for `csv-format: false` data, identifiers
// and binary fields: hex as in ParseHexData, or a single-quoted literal
// ("'some text'", taken byte for byte without the quotes).
absl::StatusOr<std::vector<uint8_t>> ParseBinaryData(std::string_view text);
// Lowercase colon-separated hex ("01:02:0a"), as Kea prints hw addresses.
std::string ToColonHex(std::span<const uint8_t> data);

}  // namespace shoal::dhcp
