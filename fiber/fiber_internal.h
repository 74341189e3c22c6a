// Between FiberRunner and Completion only: parking and resuming the fiber
// that runs a task.
#pragma once

namespace shoal::fiber::internal {

struct Fiber;

// The fiber running on this thread, or null when the thread runs no fiber.
Fiber* CurrentFiber();
// Switches from `self` (the current fiber) back to its runner; returns when
// Resume(self) has been called and the runner's thread got to it.
void Park(Fiber* self);
// Makes a parked fiber run again on its runner's thread. Any thread; never
// runs the fiber inline.
void Resume(Fiber* fiber);

}  // namespace shoal::fiber::internal
