// Completion: a one-shot event for handing a result to one waiter. Wait()
// parks the calling fiber (when called on a FiberRunner's fiber: the thread
// runs other fibers meanwhile) or blocks the calling thread (anywhere else);
// Signal() from any thread ends the wait. Signal before Wait is fine: Wait
// then returns at once.
//
// The waiter owns the Completion and may destroy it as soon as Wait()
// returns; Signal() touches nothing of it after waking the waiter.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace shoal::fiber {

namespace internal {
struct Fiber;
}

class Completion {
 public:
  Completion() = default;
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;

  void Wait();
  // Once per Completion.
  void Signal();

 private:
  absl::Mutex mu_;
  bool signalled_ ABSL_GUARDED_BY(mu_) = false;
  internal::Fiber* parked_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace shoal::fiber
