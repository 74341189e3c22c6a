#include "fiber/completion.h"

#include "fiber/fiber_internal.h"

namespace shoal::fiber {

void Completion::Wait() {
  internal::Fiber* self = internal::CurrentFiber();
  mu_.Lock();
  if (signalled_) {
    mu_.Unlock();
    return;
  }
  if (self == nullptr) {
    mu_.Await(absl::Condition(&signalled_));
    mu_.Unlock();
    return;
  }
  parked_ = self;
  mu_.Unlock();
  // A Signal() from now on posts the resume to this fiber's thread, which
  // runs it only after the fiber has parked.
  internal::Park(self);
}

void Completion::Signal() {
  mu_.Lock();
  signalled_ = true;
  internal::Fiber* parked = parked_;
  mu_.Unlock();
  if (parked != nullptr) internal::Resume(parked);
}

}  // namespace shoal::fiber
