// FiberWorker: one client's tasks run one at a time in submission order,
// while other clients' tasks run beside them; at most max_in_flight run at
// once; Stop() runs everything submitted to its end.
#include "server/fiber_worker.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace shoal::server
