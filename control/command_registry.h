// Kea's command envelope: the table of command handlers and the rules that
// turn one request text into one reply (kea-api-facts.md §1).
//
// Request: a JSON map with `command` (string, required), `arguments` (any,
// passed to the handler as is, null when absent), `service` (list of daemon
// names) and `remote-address` (ignored); `#`, `//` and `/* */` comments are
// allowed outside strings. Any other top-level key is an error.
//
// Reply: `{"result": int, "text": string, "arguments": ...}` (text left out
// when empty, arguments when absent). When the request has a `service` key the
// reply is a JSON list with one answer per service, in request order (an empty
// list counts as "this server" and gives one answer), as Kea's Control Agent
// replies; otherwise it is a single map. This server is the "dhcp4" service;
// "dhcp6", "d2" and anything else get result 1 in their list element.
//
// Threading: Register() and the request functions may be called from any
// thread at any time (a reader lock guards the table; a handler is called
// without the lock held, so a handler may call names()). The intended use is
// still to register every command before the listeners start, so the set of
// commands a client sees never changes under it. Handlers run on the calling
// (listener) thread and may be called concurrently with themselves.
//
// Errors: nothing here throws. A handler that throws anyway is reported as
// result 1 "Error during command processing: <what>".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"

namespace shoal::control {

// Kea's result codes [CC "Data Syntax"].
inline constexpr int kResultSuccess = 0;
inline constexpr int kResultError = 1;
inline constexpr int kResultUnsupported = 2;
inline constexpr int kResultEmpty = 3;

// The service name this server answers for in a request's `service` list.
inline constexpr std::string_view kLocalService = "dhcp4";

struct CommandAnswer {
  int result = kResultSuccess;
  std::string text;
  std::optional<nlohmann::json> arguments;

  static CommandAnswer Success(std::string text = "",
                               std::optional<nlohmann::json> arguments = std::nullopt);
  static CommandAnswer Error(std::string text);
  static CommandAnswer Unsupported(std::string text);
  // Result 3: the operation completed but found nothing.
  static CommandAnswer Empty(std::string text,
                             std::optional<nlohmann::json> arguments = std::nullopt);

  // {"result": ..., "text": ..., "arguments": ...}; text omitted when empty.
  nlohmann::json ToJson() const;
};

// Who sent a request: the HTTP basic-authentication user (empty when the
// listener needs none, and on the UNIX socket).
struct RequestContext {
  std::string user;
};

// `arguments` is the request's `arguments` value, or null when absent.
using CommandHandler = std::function<CommandAnswer(const nlohmann::json& arguments)>;
using ContextCommandHandler =
    std::function<CommandAnswer(const nlohmann::json& arguments, const RequestContext& context)>;

// Whether a command only reads (a client limited to reading may send it):
// list-commands, build-report, and names ending in -get or -list or
// containing -get- (get-all, get-by-id, get-page, ...).
bool IsReadCommand(std::string_view name);

class CommandRegistry {
 public:
  CommandRegistry() = default;
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // Errors: InvalidArgument for an empty name or empty handler,
  // AlreadyExists when `name` is registered already.
  absl::Status Register(std::string name, CommandHandler handler);
  // A handler that needs to know who sent the request.
  absl::Status RegisterWithContext(std::string name, ContextCommandHandler handler);

  // Every registered command name, sorted.
  std::vector<std::string> names() const;
  bool Contains(std::string_view name) const;

  // Runs one command (no envelope): result 2 "'<name>' command not
  // supported." for an unknown name.
  CommandAnswer Execute(const std::string& name, const nlohmann::json& arguments,
                        const RequestContext& context = {}) const;

  // The whole envelope on raw request text (see the file comment). Always
  // returns a reply, never throws.
  nlohmann::json HandleRequestText(std::string_view body,
                                   const RequestContext& context = {}) const;

  // The envelope on an already parsed request.
  nlohmann::json HandleRequest(const nlohmann::json& request,
                               const RequestContext& context = {}) const;

  // Serializes a reply for the wire; invalid UTF-8 in handler texts is
  // replaced rather than failing.
  static std::string Serialize(const nlohmann::json& reply);

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, ContextCommandHandler> handlers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace shoal::control
