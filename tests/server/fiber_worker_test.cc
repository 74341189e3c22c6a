// FiberWorker: one client's tasks run one at a time in submission order,
// while other clients' tasks run beside them; at most max_in_flight run at
// once; Stop() runs everything submitted to its end; a worker on another's
// io_context runs its tasks on that io_context's thread.
#include "server/fiber_worker.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "fiber/completion.h"
#include "gtest/gtest.h"

namespace shoal::server {
namespace {

TEST(FiberWorkerTest, OneClientInOrderOthersBesideIt) {
  FiberWorker worker(64);
  worker.Start();
  // Each task parks until its gate opens; gates open in reverse order.
  constexpr int kClients = 4, kPerClient = 5;
  std::vector<std::unique_ptr<fiber::Completion>> gates;
  for (int i = 0; i < kClients * kPerClient; ++i) {
    gates.push_back(std::make_unique<fiber::Completion>());
  }
  std::mutex mu;
  std::map<int, std::vector<int>> order;  // client -> task numbers as they ran
  int running = 0, most_running = 0;
  for (int n = 0; n < kPerClient; ++n) {
    for (int c = 0; c < kClients; ++c) {
      const int task = c * kPerClient + n;
      worker.Submit(static_cast<uint64_t>(c), [&, c, n, task] {
        {
          std::lock_guard lock(mu);
          order[c].push_back(n);
          most_running = std::max(most_running, ++running);
        }
        gates[task]->Wait();
        std::lock_guard lock(mu);
        --running;
      });
    }
  }
  for (int i = kClients * kPerClient - 1; i >= 0; --i) gates[i]->Signal();
  worker.Stop();
  EXPECT_EQ(worker.pending(), 0);
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(order[c], (std::vector<int>{0, 1, 2, 3, 4})) << "client " << c;
  }
  EXPECT_LE(most_running, kClients);  // one task per client at a time
}

TEST(FiberWorkerTest, AtMostMaxInFlightTheRestWait) {
  FiberWorker worker(3);
  worker.Start();
  constexpr int kTasks = 12;
  std::vector<std::unique_ptr<fiber::Completion>> gates;
  for (int i = 0; i < kTasks; ++i) gates.push_back(std::make_unique<fiber::Completion>());
  std::atomic<int> running{0}, most{0}, done{0};
  for (int i = 0; i < kTasks; ++i) {
    worker.Submit(static_cast<uint64_t>(i), [&, i] {
      int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      gates[i]->Wait();
      --running;
      ++done;
    });
  }
  for (int i = 0; i < kTasks; ++i) gates[i]->Signal();
  worker.Stop();
  EXPECT_EQ(done.load(), kTasks);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
}

// As a SQL node's I/O thread uses it: the worker has no thread; its tasks
// run on the thread that runs the io_context (here Stop(), on this one),
// and their waits are ended from another thread.
TEST(FiberWorkerTest, OnAnotherIoContextRunsThereInOrder) {
  boost::asio::io_context io;
  FiberWorker worker(io, 64);
  worker.Start();  // nothing to start
  constexpr int kClients = 3, kPerClient = 4;
  std::vector<std::unique_ptr<fiber::Completion>> gates;
  for (int i = 0; i < kClients * kPerClient; ++i) {
    gates.push_back(std::make_unique<fiber::Completion>());
  }
  std::map<int, std::vector<int>> order;  // only the io_context's thread writes
  std::atomic<int> elsewhere{0};
  const std::thread::id here = std::this_thread::get_id();
  for (int n = 0; n < kPerClient; ++n) {
    for (int c = 0; c < kClients; ++c) {
      const int task = c * kPerClient + n;
      worker.Submit(static_cast<uint64_t>(c), [&, c, n, task] {
        if (std::this_thread::get_id() != here) ++elsewhere;
        order[c].push_back(n);
        gates[task]->Wait();
        if (std::this_thread::get_id() != here) ++elsewhere;
      });
    }
  }
  EXPECT_EQ(worker.pending(), kClients * kPerClient);  // nothing ran yet
  std::thread signaller([&] {
    for (int i = kClients * kPerClient - 1; i >= 0; --i) gates[i]->Signal();
  });
  worker.Stop();
  signaller.join();
  EXPECT_EQ(worker.pending(), 0);
  EXPECT_EQ(elsewhere.load(), 0);
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(order[c], (std::vector<int>{0, 1, 2, 3})) << "client " << c;
  }
}

// Tasks waiting for a slot: urgent ones start first, each class in
// submission order, while a key's own tasks keep their order.
TEST(FiberWorkerTest, UrgentTasksWaitingForASlotGoFirst) {
  using Priority = FiberWorker::Priority;
  boost::asio::io_context io;
  FiberWorker worker(io, 1);
  fiber::Completion gate;
  std::vector<std::string> started;  // only the io_context's thread writes
  auto task = [&](std::string name) {
    return [&started, &gate, name] {
      started.push_back(name);
      if (name == "A") gate.Wait();
    };
  };
  worker.Submit(1, task("A"));  // runs first and holds the only slot
  worker.Submit(2, task("N1"));
  worker.Submit(3, task("N2"));
  worker.Submit(4, task("U1"), Priority::kUrgent);
  worker.Submit(1, task("B"));  // behind A: its key's order comes first
  worker.Submit(5, task("U2"), Priority::kUrgent);
  // Opened only once A waits on it and the rest wait for the slot (a
  // signal from another thread could come before A waits, and A would
  // never hold the slot).
  boost::asio::post(io, [&gate] { gate.Signal(); });
  worker.Stop();
  EXPECT_EQ(started, (std::vector<std::string>{"A", "B", "U1", "U2", "N1", "N2"}));
}

}  // namespace
}  // namespace shoal::server
