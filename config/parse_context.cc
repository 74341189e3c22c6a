#include "config/parse_context.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace shoal::config::internal {

std::string JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "a map";
    case nlohmann::json::value_t::array:
      return "a list";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a real number";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "an unsupported value";
  }
}

Node Node::Child(std::string_view key) const {
  std::string k(key);
  return Node(doc_, &value_->at(k), path_.empty() ? k : absl::StrCat(path_, ".", k),
              JsonPointerAppend(pointer_, key));
}

Node Node::At(size_t index) const {
  return Node(doc_, &value_->at(index), absl::StrCat(path_, "[", index, "]"),
              absl::StrCat(pointer_, "/", index));
}

std::optional<Node> Node::Get(std::string_view key) const {
  if (!value_->is_object() || !Has(key)) return std::nullopt;
  return Child(key);
}

std::string Node::Where() const {
  if (doc_->located == nullptr) return "";
  return doc_->located->Where(doc_->root_pointer + pointer_);
}

std::string Node::KeyWhere() const {
  if (doc_->located == nullptr) return "";
  std::string w = doc_->located->Where(doc_->root_pointer + pointer_, /*key=*/true);
  return w.empty() ? Where() : w;
}

void Node::Fail(std::string_view message) const {
  std::string path = path_.empty() ? doc_->root_name : path_;
  throw ParseError(
      absl::StrCat(path, ": ", absl::string_view(message.data(), message.size()), Where()));
}

void Node::Warn(std::string_view message) const {
  if (doc_->warnings == nullptr) return;
  std::string path = path_.empty() ? doc_->root_name : path_;
  doc_->warnings->push_back(
      absl::StrCat(path, ": ", absl::string_view(message.data(), message.size()), Where()));
}

void Node::ExpectMap() const {
  if (!value_->is_object()) Fail(absl::StrCat("expected a map, got ", JsonTypeName(*value_)));
}

void Node::ExpectList() const {
  if (!value_->is_array()) Fail(absl::StrCat("expected a list, got ", JsonTypeName(*value_)));
}

std::string Node::String() const {
  if (!value_->is_string()) Fail(absl::StrCat("expected a string, got ", JsonTypeName(*value_)));
  return value_->get<std::string>();
}

bool Node::Bool() const {
  if (!value_->is_boolean()) {
    Fail(absl::StrCat("expected a boolean (true or false), got ", JsonTypeName(*value_)));
  }
  return value_->get<bool>();
}

int64_t Node::Integer(int64_t min, int64_t max) const {
  if (!value_->is_number_integer()) {
    Fail(absl::StrCat("expected an integer, got ", JsonTypeName(*value_)));
  }
  int64_t v = value_->is_number_unsigned()
                  ? static_cast<int64_t>(std::min<uint64_t>(value_->get<uint64_t>(), INT64_MAX))
                  : value_->get<int64_t>();
  if (v < min || v > max) {
    Fail(absl::StrCat("value ", v, " is out of range, expected ", min, " to ", max));
  }
  return v;
}

double Node::Double() const {
  if (!value_->is_number()) {
    Fail(absl::StrCat("expected a number, got ", JsonTypeName(*value_)));
  }
  return value_->get<double>();
}

dhcp::Ipv4Address Node::Address() const {
  std::string s = String();
  auto a = dhcp::Ipv4Address::Parse(s);
  if (!a) Fail(absl::StrCat("'", s, "' is not a valid IPv4 address, expected e.g. 192.0.2.1"));
  return *a;
}

std::vector<std::string> Node::StringList() const {
  ExpectList();
  std::vector<std::string> out;
  for (size_t i = 0; i < value_->size(); ++i) out.push_back(At(i).String());
  return out;
}

void Node::CheckKeys(std::initializer_list<std::string_view> allowed) const {
  CheckKeys(std::vector<std::string_view>(allowed));
}

void Node::CheckKeys(const std::vector<std::string_view>& allowed) const {
  ExpectMap();
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    const std::string& key = it.key();
    if (key == "comment" || key == "user-context") continue;
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    Node child = Child(key);
    std::string where = child.KeyWhere();
    throw ParseError(absl::StrCat("unsupported parameter '", key, "' in ",
                                  path_.empty() ? doc_->root_name : path_, where));
  }
  if (auto c = Get("comment")) c->String();
  if (auto u = Get("user-context")) u->ExpectMap();
}

}  // namespace shoal::config::internal
