#include "fiber/fiber_runner.h"

#include <utility>

#include "boost/context/fiber.hpp"
#include "boost/context/protected_fixedsize_stack.hpp"
#include "fiber/fiber_internal.h"

namespace shoal::fiber {
namespace internal {

struct Fiber {
  explicit Fiber(FiberRunner& r) : runner(r) {}
  FiberRunner& runner;
  boost::context::fiber context;  // while not running: switches into it
  boost::context::fiber back;     // while running: switches back to the runner
  std::function<void()> task;     // while in flight
  bool stop = false;              // set by ~FiberRunner to end the fiber's loop

  void ScheduleResume() { runner.ScheduleResume(this); }
};

namespace {
thread_local Fiber* current = nullptr;
}  // namespace

Fiber* CurrentFiber() { return current; }

void Park(Fiber* self) { self->back = std::move(self->back).resume(); }

void Resume(Fiber* fiber) { fiber->ScheduleResume(); }

}  // namespace internal

using internal::Fiber;

FiberRunner::FiberRunner(Post post, size_t stack_size)
    : post_(std::move(post)), stack_size_(stack_size) {}

FiberRunner::~FiberRunner() {
  // Every fiber is idle (parked at the end of its loop): let each return.
  for (Fiber* f : idle_) {
    f->stop = true;
    Run(f);
  }
}

void FiberRunner::Start(std::function<void()> task) {
  Fiber* f;
  if (!idle_.empty()) {
    f = idle_.back();
    idle_.pop_back();
  } else {
    fibers_.push_back(std::make_unique<Fiber>(*this));
    f = fibers_.back().get();
    f->context = boost::context::fiber(
        std::allocator_arg, boost::context::protected_fixedsize_stack(stack_size_),
        [f](boost::context::fiber&& back) {
          f->back = std::move(back);
          while (!f->stop) {
            f->task();
            f->task = nullptr;
            --f->runner.in_flight_;
            f->runner.idle_.push_back(f);
            internal::Park(f);  // until the next task (or the end)
          }
          return std::move(f->back);
        });
  }
  f->task = std::move(task);
  ++in_flight_;
  Run(f);
}

void FiberRunner::Run(Fiber* fiber) {
  Fiber* outer = internal::current;  // Start() may be called from a fiber
  internal::current = fiber;
  fiber->context = std::move(fiber->context).resume();
  internal::current = outer;
}

void FiberRunner::ScheduleResume(Fiber* fiber) {
  post_([this, fiber] { Run(fiber); });
}

}  // namespace shoal::fiber
