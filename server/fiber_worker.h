// FiberWorker: one message-processing thread that runs each message as a
// fiber (fiber::FiberRunner). A message waiting on the lease database parks
// its fiber, and the thread goes on with other messages, so a few threads
// keep hundreds of messages in flight without a thread context switch per
// wait, and many messages' lookups and writes share one statement.
//
// Tasks with the same key (a hash of one client's identity) run one at a
// time, in the order they were submitted; two clients whose keys collide
// merely take turns. At most `max_in_flight` tasks run (or are parked) at once;
// the others wait, urgent ones (a DHCPREQUEST finishing an exchange) ahead
// of the rest.
//
// A worker either owns its thread (Start() starts it) or runs on a thread
// that already runs an io_context, such as a server's I/O thread: then a
// message needs no hand-off to another thread at all, and a parked fiber is
// resumed by a post to that io_context.
//
// Threading: Submit() and pending() from any thread; Start() and Stop() from
// the owning thread. Tasks follow FiberRunner's rules (no lock held across a
// wait, nothing thrown).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "fiber/fiber_runner.h"

namespace shoal::server {

class FiberWorker {
 public:
  // A worker with a thread of its own.
  explicit FiberWorker(size_t max_in_flight);
  // A worker on the thread that runs `io` (which must outlive it).
  FiberWorker(boost::asio::io_context& io, size_t max_in_flight);
  ~FiberWorker();  // Stop()s
  FiberWorker(const FiberWorker&) = delete;
  FiberWorker& operator=(const FiberWorker&) = delete;

  // Starts the worker's own thread (nothing for a worker on another's).
  void Start();
  // Runs every task submitted so far to its end, then ends the worker's own
  // thread. A worker on another's io_context runs that io_context here until
  // its tasks are done; call it once that io_context is no longer run
  // elsewhere and nothing else is left on it that would start new tasks.
  void Stop();

  // Of tasks waiting for a slot (max_in_flight reached), urgent ones start
  // first, each class in submission order. Tasks of one key still run in
  // submission order whatever their priority.
  enum class Priority { kNormal, kUrgent };

  // Queues `task` behind the other tasks of `key`.
  void Submit(uint64_t key, std::function<void()> task, Priority priority = Priority::kNormal);
  // Tasks submitted and not finished.
  int pending() const { return pending_.load(std::memory_order_relaxed); }

 private:
  using Task = std::function<void()>;
  FiberWorker(std::unique_ptr<boost::asio::io_context> own_io, size_t max_in_flight);
  // On the worker's thread:
  void Arrive(uint64_t key, Task task, Priority priority);
  void Launch(uint64_t key, Task task);
  // `key`'s task finished: its next one, or a task waiting for a slot.
  void Finished(uint64_t key);

  const size_t max_in_flight_;
  std::unique_ptr<boost::asio::io_context> own_io_;  // null on another's io_context
  boost::asio::io_context& io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  fiber::FiberRunner runner_;
  std::thread thread_;
  std::atomic<int> pending_{0};
  // Worker's thread only. Keys with a task in flight or waiting for a slot,
  // each with the tasks queued behind it, oldest first (a vector: an empty
  // one allocates nothing, and a key rarely has more than one).
  absl::flat_hash_map<uint64_t, std::vector<Task>> busy_;
  // Tasks that found max_in_flight_ tasks running (their keys are busy_),
  // by priority.
  std::deque<std::pair<uint64_t, Task>> waiting_;
  std::deque<std::pair<uint64_t, Task>> waiting_urgent_;
};

}  // namespace shoal::server
