#include "control/command_registry.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control/json_text.h"

namespace shoal::control {
namespace {

using nlohmann::json;

constexpr std::string_view kProcessingError = "Error during command processing: ";

json ErrorReply(std::string_view detail) {
  return CommandAnswer::Error(
             absl::StrCat(absl::string_view(kProcessingError.data(), kProcessingError.size()),
                          absl::string_view(detail.data(), detail.size())))
      .ToJson();
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the
// operator does not need the library's error id.
std::string ParseErrorText(const std::exception& e) {
  std::string what = e.what();
  if (!what.empty() && what.front() == '[') {
    const size_t end = what.find("] ");
    if (end != std::string::npos) what.erase(0, end + 2);
  }
  return what;
}

}  // namespace

CommandAnswer CommandAnswer::Success(std::string text, std::optional<json> arguments) {
  return CommandAnswer{kResultSuccess, std::move(text), std::move(arguments)};
}

CommandAnswer CommandAnswer::Error(std::string text) {
  return CommandAnswer{kResultError, std::move(text), std::nullopt};
}

CommandAnswer CommandAnswer::Unsupported(std::string text) {
  return CommandAnswer{kResultUnsupported, std::move(text), std::nullopt};
}

CommandAnswer CommandAnswer::Empty(std::string text, std::optional<json> arguments) {
  return CommandAnswer{kResultEmpty, std::move(text), std::move(arguments)};
}

json CommandAnswer::ToJson() const {
  json reply = json::object();
  reply["result"] = result;
  if (!text.empty()) reply["text"] = text;
  if (arguments.has_value()) reply["arguments"] = *arguments;
  return reply;
}

bool IsReadCommand(std::string_view name) {
  absl::string_view n(name.data(), name.size());
  return n == "list-commands" || n == "build-report" || absl::EndsWith(n, "-get") ||
         absl::EndsWith(n, "-list") || absl::StrContains(n, "-get-");
}

absl::Status CommandRegistry::Register(std::string name, CommandHandler handler) {
  if (!handler) {
    return absl::InvalidArgumentError(absl::StrCat("command '", name, "' has no handler"));
  }
  return RegisterWithContext(
      std::move(name),
      [handler = std::move(handler)](const json& arguments, const RequestContext&) {
        return handler(arguments);
      });
}

absl::Status CommandRegistry::RegisterWithContext(std::string name,
                                                  ContextCommandHandler handler) {
  if (name.empty()) return absl::InvalidArgumentError("command name must not be empty");
  if (!handler) {
    return absl::InvalidArgumentError(absl::StrCat("command '", name, "' has no handler"));
  }
  absl::MutexLock lock(&mutex_);
  if (handlers_.contains(name)) {
    return absl::AlreadyExistsError(absl::StrCat("command '", name, "' is already registered"));
  }
  handlers_.emplace(std::move(name), std::move(handler));
  return absl::OkStatus();
}

std::vector<std::string> CommandRegistry::names() const {
  std::vector<std::string> out;
  {
    absl::ReaderMutexLock lock(&mutex_);
    out.reserve(handlers_.size());
    for (const auto& [name, handler] : handlers_) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool CommandRegistry::Contains(std::string_view name) const {
  absl::ReaderMutexLock lock(&mutex_);
  return handlers_.contains(std::string(name));
}

CommandAnswer CommandRegistry::Execute(const std::string& name, const json& arguments,
                                       const RequestContext& context) const {
  ContextCommandHandler handler;
  {
    absl::ReaderMutexLock lock(&mutex_);
    auto it = handlers_.find(name);
    if (it != handlers_.end()) handler = it->second;
  }
  if (!handler) {
    return CommandAnswer::Unsupported(absl::StrCat("'", name, "' command not supported."));
  }
  try {
    CommandAnswer answer = handler(arguments, context);
    if (answer.result != kResultSuccess && answer.text.empty()) {
      answer.text = absl::StrCat("command '", name, "' failed with result ", answer.result);
    }
    return answer;
  } catch (const std::exception& e) {
    return CommandAnswer::Error(absl::StrCat(
        absl::string_view(kProcessingError.data(), kProcessingError.size()), e.what()));
  } catch (...) {
    return CommandAnswer::Error(
        absl::StrCat(absl::string_view(kProcessingError.data(), kProcessingError.size()),
                     "command '", name, "' failed with an unknown error"));
  }
}

json CommandRegistry::HandleRequestText(std::string_view body,
                                        const RequestContext& context) const {
  absl::StatusOr<std::string> stripped = StripJsonComments(body);
  if (!stripped.ok()) return ErrorReply(std::string(stripped.status().message()));
  json request;
  try {
    request = json::parse(*stripped);
  } catch (const std::exception& e) {
    return ErrorReply(ParseErrorText(e));
  }
  return HandleRequest(request, context);
}

json CommandRegistry::HandleRequest(const json& request, const RequestContext& context) const {
  if (!request.is_object()) {
    return ErrorReply(
        absl::StrCat("invalid command: expected a JSON map, got ", request.type_name()));
  }
  const bool list_reply = request.contains("service");
  auto wrap = [list_reply](json answer) {
    if (!list_reply) return answer;
    return json::array({std::move(answer)});
  };

  // Kea's parseCommand: only these four keys are allowed.
  for (const auto& [key, value] : request.items()) {
    if (key != "command" && key != "arguments" && key != "service" && key != "remote-address") {
      return wrap(
          ErrorReply(absl::StrCat("Received command contains unsupported parameter '", key, "'")));
    }
  }
  auto command_it = request.find("command");
  if (command_it == request.end()) {
    return wrap(ErrorReply("missing mandatory 'command' parameter"));
  }
  if (!command_it->is_string()) {
    return wrap(ErrorReply("'command' element in command message is not a string"));
  }
  const std::string& name = command_it->get_ref<const std::string&>();
  static const json kNoArguments;  // null
  auto args_it = request.find("arguments");
  const json& arguments = args_it == request.end() ? kNoArguments : *args_it;

  if (!list_reply) return Execute(name, arguments, context).ToJson();

  const json& services = request.at("service");
  if (!services.is_array()) {
    return wrap(CommandAnswer::Error("`service` value must be a list").ToJson());
  }
  if (services.empty()) return wrap(Execute(name, arguments, context).ToJson());
  json replies = json::array();
  for (const json& service : services) {
    if (!service.is_string()) {
      replies.push_back(
          CommandAnswer::Error(
              absl::StrCat("`service` list entries must be strings, got ", service.type_name()))
              .ToJson());
      continue;
    }
    const std::string& service_name = service.get_ref<const std::string&>();
    if (service_name == kLocalService) {
      replies.push_back(Execute(name, arguments, context).ToJson());
    } else {
      replies.push_back(
          CommandAnswer::Error(absl::StrCat("forwarding socket is not configured for the "
                                            "server type ",
                                            service_name))
              .ToJson());
    }
  }
  return replies;
}

std::string CommandRegistry::Serialize(const json& reply) {
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shoal::control
