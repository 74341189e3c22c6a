// Internal to the config parser: where a value sits (its display path such
// as "subnet4[0].pools[1].pool" and its JSON pointer), typed accessors that
// produce Kea-style error messages with the file location, and the
// exception used to unwind a failed parse. ParseError never leaves
// shoal::config: the entry points in dhcp4_parser.h turn it into a Status.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/json_reader.h"
#include "dhcp/ipv4_address.h"
#include "nlohmann/json.hpp"

namespace shoal::config::internal {

class ParseError : public std::runtime_error {
 public:
  explicit ParseError(const std::string& message) : std::runtime_error(message) {}
};

// Locations of the document being parsed (may be null for API input) and
// the JSON pointer of the Dhcp4 map inside it.
struct Document {
  const LocatedJson* located = nullptr;
  std::string root_pointer;  // "/Dhcp4", or "" when the map is the root
  std::string root_name = "Dhcp4";
  std::vector<std::string>* warnings = nullptr;
};

// A value in the Dhcp4 map together with how to name it in errors.
class Node {
 public:
  Node(const Document* doc, const nlohmann::json* value, std::string path, std::string pointer)
      : doc_(doc), value_(value), path_(std::move(path)), pointer_(std::move(pointer)) {}

  const nlohmann::json& json() const { return *value_; }
  const std::string& path() const { return path_; }
  const Document& doc() const { return *doc_; }

  Node Child(std::string_view key) const;  // member of a map (must exist)
  Node At(size_t index) const;             // element of a list
  bool Has(std::string_view key) const { return value_->contains(std::string(key)); }
  std::optional<Node> Get(std::string_view key) const;

  // " (file:line:col)" of this value, or of its key; "" without locations.
  std::string Where() const;
  std::string KeyWhere() const;

  [[noreturn]] void Fail(std::string_view message) const;  // "<path>: <message><where>"
  void Warn(std::string_view message) const;

  // Type checks; each fails with "<path>: expected <type>, got <json type>".
  void ExpectMap() const;
  void ExpectList() const;
  std::string String() const;
  bool Bool() const;
  int64_t Integer(int64_t min, int64_t max) const;
  uint32_t Uint32() const { return static_cast<uint32_t>(Integer(0, UINT32_MAX)); }
  double Double() const;
  dhcp::Ipv4Address Address() const;
  std::vector<std::string> StringList() const;

  // Rejects members of this map not in `allowed` ("unsupported parameter
  // 'foo' in subnet4[0] (file:7:5)"). Kea's `comment` and `user-context`
  // are always allowed.
  void CheckKeys(std::initializer_list<std::string_view> allowed) const;
  void CheckKeys(const std::vector<std::string_view>& allowed) const;

 private:
  const Document* doc_;
  const nlohmann::json* value_;
  std::string path_;
  std::string pointer_;
};

std::string JsonTypeName(const nlohmann::json& value);

}  // namespace shoal::config::internal
