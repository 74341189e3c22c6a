// Values that cross the database layer: statement parameters (Param) and
// result rows (Row, ResultSet). Plain value types.
//
// Rows hold every field as bytes: integers and text in their SQL text form,
// binary columns (VARBINARY/BLOB, BYTEA) as raw bytes, NULL as nullopt. The
// typed accessors parse and report a bad or NULL value as an error naming the
// column, since database contents are input too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace shoal::db {

using Bytes = std::vector<uint8_t>;

// One bound parameter: NULL, a 64-bit integer, text, or binary bytes.
class Param {
 public:
  struct Null {};
  using Value = std::variant<Null, int64_t, std::string, Bytes>;

  Param() : value_(Null{}) {}
  Param(std::nullopt_t) : value_(Null{}) {}
  Param(int64_t v) : value_(v) {}
  Param(int32_t v) : value_(int64_t{v}) {}
  Param(uint32_t v) : value_(int64_t{v}) {}
  Param(bool v) : value_(int64_t{v ? 1 : 0}) {}
  Param(std::string v) : value_(std::move(v)) {}
  Param(const char* v) : value_(std::string(v)) {}
  Param(std::string_view v) : value_(std::string(v)) {}
  Param(Bytes v) : value_(std::move(v)) {}

  // NULL when `v` is empty, else the bytes (Kea's encoding of an absent
  // client-id or hardware address).
  static Param BytesOrNull(const Bytes& v) { return v.empty() ? Param() : Param(v); }
  static Param TextOrNull(const std::string& v) { return v.empty() ? Param() : Param(v); }

  const Value& value() const { return value_; }
  bool is_null() const { return std::holds_alternative<Null>(value_); }

 private:
  Value value_;
};

class Row {
 public:
  Row() = default;
  explicit Row(std::vector<std::optional<std::string>> fields) : fields_(std::move(fields)) {}

  size_t size() const { return fields_.size(); }
  bool IsNull(size_t i) const { return i >= fields_.size() || !fields_[i].has_value(); }
  // The raw field; nullopt for NULL or an index past the end.
  const std::optional<std::string>& Raw(size_t i) const;

  // Errors (InvalidArgument, naming the column index) for NULL, an index past
  // the end, or text that is not a number / boolean.
  absl::StatusOr<int64_t> Int64(size_t i) const;
  absl::StatusOr<bool> Bool(size_t i) const;  // accepts 0/1 and t/f
  // NULL reads as the default (empty / `fallback`).
  std::string StringOr(size_t i, std::string_view fallback = "") const;
  Bytes BytesOrEmpty(size_t i) const;
  absl::StatusOr<int64_t> Int64Or(size_t i, int64_t fallback) const;

 private:
  std::vector<std::optional<std::string>> fields_;
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

}  // namespace shoal::db
