// FiberRunner: runs tasks as fibers on one thread, so a task that waits (for
// a database answer, via Completion) parks only itself and the thread goes
// on with the next task. A park and a resume cost a stack switch, not a
// thread context switch, and no thread is needed per waiting task.
//
// The runner is driven by its thread through Start(); a parked fiber is
// resumed through `post`, which must run the function it is given later on
// that same thread (e.g. boost::asio::post to the io_context the thread
// runs). Fibers are pooled: a finished one takes the next task, so starting
// a task allocates nothing once the pool has grown to the peak number of
// tasks in flight.
//
// Threading: Start(), in_flight() and the destructor on the runner's thread
// only; a parked fiber may be resumed (Completion::Signal) from any thread.
// Rules for tasks: never hold a lock across a wait (another fiber on the
// same thread may need it), and throw nothing out of the task. The runner
// must outlive every task it started: destroy it only when in_flight() is 0.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace shoal::fiber {

namespace internal {
struct Fiber;
}

class FiberRunner {
 public:
  using Post = std::function<void(std::function<void()>)>;
  static constexpr size_t kDefaultStackSize = 256 * 1024;

  // `stack_size`: bytes of stack per fiber (with a guard page below it).
  explicit FiberRunner(Post post, size_t stack_size = kDefaultStackSize);
  ~FiberRunner();
  FiberRunner(const FiberRunner&) = delete;
  FiberRunner& operator=(const FiberRunner&) = delete;

  // Runs `task` on a fiber until it finishes or parks; then returns.
  void Start(std::function<void()> task);

  // Tasks started and not finished (running or parked).
  size_t in_flight() const { return in_flight_; }

 private:
  friend struct internal::Fiber;
  // Switches to `fiber` until it parks or finishes its task.
  void Run(internal::Fiber* fiber);
  // Called (from any thread) to make a parked fiber run again.
  void ScheduleResume(internal::Fiber* fiber);

  const Post post_;
  const size_t stack_size_;
  std::vector<std::unique_ptr<internal::Fiber>> fibers_;  // every fiber made
  std::vector<internal::Fiber*> idle_;                    // waiting for a task
  size_t in_flight_ = 0;
};

}  // namespace shoal::fiber
