// Internal to the config parser: `option-def` and `option-data` lists.
// Errors are thrown as internal::ParseError (see parse_context.h).
#pragma once

#include <vector>

#include "config/config.h"
#include "config/parse_context.h"
#include "dhcp/option_definition.h"

namespace shoal::config::internal {

// Parses an `option-def` list and adds each definition to `set`; standard
// dhcp4 options cannot be redefined. Returns the parsed definitions.
std::vector<dhcp::OptionDefinition> ParseOptionDefList(const Node& list,
                                                       dhcp::OptionDefinitionSet* set);

// Parses an `option-data` list, encoding every entry with `defs`.
std::vector<OptionData> ParseOptionDataList(const Node& list,
                                            const dhcp::OptionDefinitionSet& defs);

}  // namespace shoal::config::internal
