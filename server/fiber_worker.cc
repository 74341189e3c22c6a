#include "server/fiber_worker.h"

#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"

namespace shoal::server {

FiberWorker::FiberWorker(size_t max_in_flight)
    : FiberWorker(std::make_unique<boost::asio::io_context>(1), max_in_flight) {}

FiberWorker::FiberWorker(boost::asio::io_context& io, size_t max_in_flight)
    : max_in_flight_(std::max<size_t>(1, max_in_flight)),
      io_(io),
      runner_([this](std::function<void()> resume) { boost::asio::post(io_, std::move(resume)); }) {
}

FiberWorker::FiberWorker(std::unique_ptr<boost::asio::io_context> own_io, size_t max_in_flight)
    : max_in_flight_(std::max<size_t>(1, max_in_flight)),
      own_io_(std::move(own_io)),
      io_(*own_io_),
      guard_(boost::asio::make_work_guard(io_)),
      runner_([this](std::function<void()> resume) { boost::asio::post(io_, std::move(resume)); }) {
}

FiberWorker::~FiberWorker() { Stop(); }

void FiberWorker::Start() {
  if (own_io_) thread_ = std::thread([this] { io_.run(); });
}

void FiberWorker::Stop() {
  if (!own_io_) {
    // Every task in flight ends after a few posts to io_ (resumes, the next
    // task of its key): run them here.
    io_.restart();
    while (pending() > 0 || !busy_.empty()) {
      if (io_.run_one() == 0) io_.restart();
    }
    return;
  }
  // Every task in flight holds a work guard until it ends, and each one
  // posts the next of its key before that: io_.run() returns once all are
  // done.
  guard_.reset();
  if (thread_.joinable()) thread_.join();
}

void FiberWorker::Submit(uint64_t key, std::function<void()> task, Priority priority) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  // On the worker's own thread (the I/O thread of a worker on another's
  // io_context) the task arrives at once; from elsewhere it is posted.
  boost::asio::dispatch(
      io_, [this, key, task = std::move(task), priority]() mutable {
        Arrive(key, std::move(task), priority);
      });
}

void FiberWorker::Arrive(uint64_t key, Task task, Priority priority) {
  auto [it, fresh] = busy_.try_emplace(key);
  if (!fresh) {
    it->second.push_back(std::move(task));
  } else if (runner_.in_flight() >= max_in_flight_) {
    (priority == Priority::kUrgent ? waiting_urgent_ : waiting_).emplace_back(key, std::move(task));
  } else {
    Launch(key, std::move(task));
  }
}

void FiberWorker::Launch(uint64_t key, Task task) {
  // The work guard keeps io_.run() going while the task is parked.
  runner_.Start([this, key, task = std::move(task), work = boost::asio::make_work_guard(io_)] {
    task();
    pending_.fetch_sub(1, std::memory_order_relaxed);
    boost::asio::post(io_, [this, key] { Finished(key); });
  });
}

void FiberWorker::Finished(uint64_t key) {
  auto it = busy_.find(key);
  if (!it->second.empty()) {
    Task next = std::move(it->second.front());
    it->second.erase(it->second.begin());
    Launch(key, std::move(next));
  } else {
    busy_.erase(it);
  }
  while (runner_.in_flight() < max_in_flight_ &&
         !(waiting_urgent_.empty() && waiting_.empty())) {
    auto& queue = waiting_urgent_.empty() ? waiting_ : waiting_urgent_;
    auto [waiting_key, task] = std::move(queue.front());
    queue.pop_front();
    Launch(waiting_key, std::move(task));
  }
}

}  // namespace shoal::server
