#include "db/value.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace shoal::db {

const std::optional<std::string>& Row::Raw(size_t i) const {
  static const std::optional<std::string> kNull;
  return i < fields_.size() ? fields_[i] : kNull;
}

absl::StatusOr<int64_t> Row::Int64(size_t i) const {
  if (i >= fields_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("result column ", i, " does not exist (the row has ", fields_.size(), ")"));
  }
  if (!fields_[i]) {
    return absl::InvalidArgumentError(
        absl::StrCat("result column ", i, " is NULL, expected a number"));
  }
  const std::string& s = *fields_[i];
  if (s == "t") return 1;
  if (s == "f") return 0;
  int64_t v;
  if (!absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("result column ", i, " is \"", s.substr(0, 40), "\", expected an integer"));
  }
  return v;
}

absl::StatusOr<int64_t> Row::Int64Or(size_t i, int64_t fallback) const {
  if (i < fields_.size() && !fields_[i]) return fallback;
  return Int64(i);
}

absl::StatusOr<bool> Row::Bool(size_t i) const {
  auto v = Int64(i);
  if (!v.ok()) return v.status();
  return *v != 0;
}

std::string Row::StringOr(size_t i, std::string_view fallback) const {
  if (i >= fields_.size() || !fields_[i]) return std::string(fallback);
  return *fields_[i];
}

Bytes Row::BytesOrEmpty(size_t i) const {
  if (i >= fields_.size() || !fields_[i]) return {};
  return Bytes(fields_[i]->begin(), fields_[i]->end());
}

}  // namespace shoal::db
