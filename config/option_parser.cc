#include "config/option_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace shoal::config::internal {
namespace {

using dhcp::OptionDataType;

// Option space names: letters, digits, '-' and '_' (Kea accepts "339").
bool ValidSpace(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  bool all_digits = true;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
    if (!absl::ascii_isdigit(c)) all_digits = false;
  }
  return !all_digits;
}

uint16_t MaxCode(const std::string& space) { return space == "dhcp4" ? 254 : 255; }

}  // namespace

std::vector<dhcp::OptionDefinition> ParseOptionDefList(const Node& list,
                                                       dhcp::OptionDefinitionSet* set) {
  list.ExpectList();
  std::vector<dhcp::OptionDefinition> out;
  const dhcp::OptionDefinitionSet standard = dhcp::StandardDhcp4OptionDefinitions();
  for (size_t i = 0; i < list.json().size(); ++i) {
    Node n = list.At(i);
    n.CheckKeys({"name", "code", "type", "array", "record-types", "space", "encapsulate"});
    dhcp::OptionDefinition def;
    for (const char* required : {"name", "code", "type"}) {
      if (!n.Has(required)) n.Fail(absl::StrCat("missing parameter '", required, "'"));
    }
    def.name = n.Child("name").String();
    if (!ValidName(def.name)) {
      n.Child("name").Fail(absl::StrCat("'", def.name,
                                        "' is not a valid option name, expected letters, digits, "
                                        "'-' and '_', not only digits"));
    }
    def.space = "dhcp4";
    if (auto s = n.Get("space")) {
      def.space = s->String();
      if (!ValidSpace(def.space))
        s->Fail(absl::StrCat("'", def.space, "' is not a valid option space name"));
    }
    def.code = static_cast<uint16_t>(
        n.Child("code").Integer(def.space == "dhcp4" ? 1 : 0, MaxCode(def.space)));
    Node type = n.Child("type");
    auto parsed_type = dhcp::ParseOptionDataType(type.String());
    if (!parsed_type.ok()) type.Fail(std::string(parsed_type.status().message()));
    def.type = *parsed_type;
    if (auto a = n.Get("array")) def.array = a->Bool();
    std::string records;
    if (auto r = n.Get("record-types")) records = r->String();
    if (def.type == OptionDataType::kRecord) {
      if (absl::StripAsciiWhitespace(records).empty()) {
        n.Fail("type 'record' needs 'record-types', e.g. \"uint8, ipv4-address\"");
      }
      for (absl::string_view field : absl::StrSplit(records, ',')) {
        std::string f(absl::StripAsciiWhitespace(field));
        auto ft = dhcp::ParseOptionDataType(f);
        if (!ft.ok()) n.Child("record-types").Fail(std::string(ft.status().message()));
        if (*ft == OptionDataType::kRecord || *ft == OptionDataType::kEmpty) {
          n.Child("record-types").Fail(absl::StrCat("a record field cannot be of type '", f, "'"));
        }
        def.record_types.push_back(*ft);
      }
    } else if (!absl::StripAsciiWhitespace(records).empty()) {
      n.Child("record-types").Fail("'record-types' is only allowed with type 'record'");
    }
    if (def.array && (def.type == OptionDataType::kString || def.type == OptionDataType::kBinary ||
                      def.type == OptionDataType::kEmpty)) {
      n.Child("array").Fail(absl::StrCat("an array of type '",
                                         std::string(dhcp::OptionDataTypeName(def.type)),
                                         "' is not allowed"));
    }
    if (auto e = n.Get("encapsulate")) def.encapsulate = e->String();
    if (!def.encapsulate.empty() && !ValidSpace(def.encapsulate)) {
      n.Child("encapsulate")
          .Fail(absl::StrCat("'", def.encapsulate, "' is not a valid option space name"));
    }
    // Kea has only a last-resort definition for option 43, so it may be
    // defined (the caller lets the user's definition replace the standard one).
    bool is_vsi = def.space == "dhcp4" && def.code == 43;
    if (def.space == "dhcp4" && !is_vsi &&
        (standard.FindByCode("dhcp4", def.code) || standard.FindByName("dhcp4", def.name))) {
      const auto* std_def = standard.FindByCode("dhcp4", def.code);
      if (!std_def) std_def = standard.FindByName("dhcp4", def.name);
      n.Fail(absl::StrCat("an option definition for the standard option '", std_def->name,
                          "' (code ", std_def->code, ") cannot be redefined in space dhcp4"));
    }
    if (!is_vsi || set->FindByCode("dhcp4", 43) == nullptr ||
        set->FindByCode("dhcp4", 43)->name != "vendor-encapsulated-options" ||
        set->FindByCode("dhcp4", 43)->encapsulate != "vendor-encapsulated-options-space") {
      if (auto s = set->Add(def); !s.ok()) n.Fail(std::string(s.message()));
    } else {
      // Replace the standard last-resort definition of option 43.
      dhcp::OptionDefinitionSet rebuilt;
      for (const auto& existing : set->all()) {
        if (existing.space == "dhcp4" && existing.code == 43) continue;
        (void)rebuilt.Add(existing);
      }
      if (auto s = rebuilt.Add(def); !s.ok()) n.Fail(std::string(s.message()));
      *set = std::move(rebuilt);
    }
    out.push_back(std::move(def));
  }
  return out;
}

std::vector<OptionData> ParseOptionDataList(const Node& list,
                                            const dhcp::OptionDefinitionSet& defs) {
  list.ExpectList();
  std::vector<OptionData> out;
  for (size_t i = 0; i < list.json().size(); ++i) {
    Node n = list.At(i);
    n.CheckKeys({"name", "code", "data", "csv-format", "always-send", "never-send", "space"});
    OptionData opt;
    if (auto s = n.Get("space")) opt.space = s->String();
    std::optional<std::string> name;
    std::optional<uint16_t> code;
    if (auto nm = n.Get("name")) name = nm->String();
    if (auto c = n.Get("code")) {
      code = static_cast<uint16_t>(c->Integer(opt.space == "dhcp4" ? 1 : 0, MaxCode(opt.space)));
    }
    if (!name && !code) n.Fail("an option needs 'name' or 'code'");
    const dhcp::OptionDefinition* def = nullptr;
    if (code) {
      def = defs.FindByCode(opt.space, *code);
      if (def && name && def->name != *name) {
        n.Fail(absl::StrCat("option name '", *name, "' does not match code ", *code, " ('",
                            def->name, "') in space '", opt.space, "'"));
      }
    } else {
      def = defs.FindByName(opt.space, *name);
      if (!def) {
        n.Child("name").Fail(absl::StrCat("unknown option '", *name, "' in space '", opt.space,
                                          "'; use a standard option name, a code, or define it "
                                          "with option-def"));
      }
    }
    opt.code = def ? def->code : *code;
    opt.name = def ? def->name : name.value_or("");
    bool csv = true;
    if (auto c = n.Get("csv-format")) csv = c->Bool();
    std::string data;
    std::optional<Node> data_node = n.Get("data");
    if (data_node) data = data_node->String();
    const Node& where = data_node ? *data_node : n;
    if (!csv) {
      auto bytes = dhcp::ParseBinaryData(data);
      if (!bytes.ok()) where.Fail(std::string(bytes.status().message()));
      opt.payload = std::move(*bytes);
    } else if (def) {
      auto bytes = dhcp::EncodeOptionData(*def, data);
      if (!bytes.ok()) where.Fail(std::string(bytes.status().message()));
      opt.payload = std::move(*bytes);
    } else if (!data.empty()) {
      n.Fail(absl::StrCat("option code ", opt.code, " in space '", opt.space,
                          "' has no definition, so its data cannot be read as CSV; set "
                          "\"csv-format\": false and give hex data, or add an option-def"));
    }
    if (opt.space == "dhcp4" && opt.payload.size() > 255) {
      where.Fail(absl::StrCat("option data is ", opt.payload.size(),
                              " bytes long, a DHCPv4 option holds at most 255"));
    }
    if (auto a = n.Get("always-send")) opt.always_send = a->Bool();
    if (auto nv = n.Get("never-send")) opt.never_send = nv->Bool();
    out.push_back(std::move(opt));
  }
  return out;
}

}  // namespace shoal::config::internal
