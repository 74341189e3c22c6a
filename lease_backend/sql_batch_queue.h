// BatchQueue: hands work queued by many callers to a few threads in
// batches (GroupReader's lookups, GroupCommitter's lease changes). A taker
// gets everything queued, up to `max_batch` items. BatchServers (below) are
// those threads.
//
// Lingering: each statement costs the database a fixed amount besides its
// rows, so a busy node gains by putting more rows in fewer statements. When
// batches are being taken back to back (the previous one less than `linger`
// ago) and fewer than `fill` items are queued, one taker at a time waits up
// to `linger` for more before taking. A lone request at low load is taken
// at once.
//
// Thread-safe. Items are the callers'; the queue only holds pointers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fiber/completion.h"

namespace shoal::lease_backend {

struct BatchOptions {
  size_t max_batch = 1024;
  size_t fill = 128;
  absl::Duration linger = absl::Milliseconds(10);
};

template <typename T>
class BatchQueue {
 public:
  explicit BatchQueue(BatchOptions options) : options_(options) {}

  void Push(T* item) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(item);
  }

  // Waits for work and takes a batch; empty once Stop() was called and the
  // queue is drained.
  std::vector<T*> Take() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &BatchQueue::Takeable));
    if (queue_.empty()) return {};
    const absl::Time now = absl::Now();
    if (!stopping_ && queue_.size() < options_.fill && now - last_take_ < options_.linger) {
      lingering_ = true;
      mu_.AwaitWithTimeout(absl::Condition(this, &BatchQueue::Filled), options_.linger);
      lingering_ = false;
    }
    last_take_ = absl::Now();
    const size_t n = std::min(queue_.size(), options_.max_batch);
    std::vector<T*> batch(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    return batch;
  }

  // Takers drain what is queued, then get empty batches.
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }

 private:
  bool Takeable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || (!queue_.empty() && !lingering_);
  }
  bool Filled() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || queue_.size() >= options_.fill;
  }

  const BatchOptions options_;
  absl::Mutex mu_;
  std::vector<T*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool lingering_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_take_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// BatchServers: `count` threads that each take a batch from one BatchQueue,
// serve it (`serve(batch, index)`: answers every item; `index` 0..count-1
// names the thread, e.g. its connection), then signal each item's `done`
// (a fiber::Completion), and again. Await() queues an item and waits for
// its batch to be served: a caller on a fiber parks only its fiber.
// Destroying the servers serves what is queued, then ends the threads; no
// Await() may start after that. Thread-safe.
template <typename T>
class BatchServers {
 public:
  using Serve = std::function<void(std::vector<T*>& batch, size_t index)>;

  BatchServers(BatchOptions options, size_t count, Serve serve)
      : queue_(options), serve_(std::move(serve)) {
    for (size_t i = 0; i < count; ++i) threads_.emplace_back([this, i] { ServeLoop(i); });
  }
  ~BatchServers() {
    queue_.Stop();
    for (std::thread& t : threads_) t.join();
  }
  BatchServers(const BatchServers&) = delete;
  BatchServers& operator=(const BatchServers&) = delete;

  void Await(T& item) {
    queue_.Push(&item);
    item.done.Wait();
  }

 private:
  void ServeLoop(size_t index) {
    for (;;) {
      std::vector<T*> batch = queue_.Take();
      if (batch.empty()) return;  // stopping, nothing left
      serve_(batch, index);
      for (T* item : batch) item->done.Signal();
    }
  }

  BatchQueue<T> queue_;
  const Serve serve_;
  std::vector<std::thread> threads_;
};

}  // namespace shoal::lease_backend
