// BatchQueue: takers get everything queued; while batches are taken back to
// back a taker lingers for a fuller one; a lone item at low load is taken at
// once; Stop() drains, then ends the takers. BatchServers serve every item
// awaited, in batches of at most max_batch, and wake each caller after its
// batch.
#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lease_backend/sql_batch_queue.h"

namespace shoal::lease_backend {
namespace {

TEST(BatchQueueTest, TakesEverythingQueuedUpToMaxBatch) {
  BatchQueue<int> q({.max_batch = 3, .fill = 1, .linger = absl::ZeroDuration()});
  int items[5] = {0, 1, 2, 3, 4};
  for (int& i : items) q.Push(&i);
  EXPECT_EQ(q.Take(), (std::vector<int*>{&items[0], &items[1], &items[2]}));
  EXPECT_EQ(q.Take(), (std::vector<int*>{&items[3], &items[4]}));
}

TEST(BatchQueueTest, LoneItemAfterAPauseIsTakenAtOnce) {
  // A linger far longer than any test: taking without it shows it was skipped.
  BatchQueue<int> q({.max_batch = 64, .fill = 8, .linger = absl::Hours(1)});
  int a = 1;
  q.Push(&a);
  EXPECT_EQ(q.Take().size(), 1u);  // nothing taken before: no lingering
}

TEST(BatchQueueTest, BackToBackTakesLingerForAFullerBatch) {
  BatchQueue<int> q({.max_batch = 64, .fill = 4, .linger = absl::Hours(1)});
  int items[5] = {};
  q.Push(&items[0]);
  ASSERT_EQ(q.Take().size(), 1u);
  // Taken a moment ago: the next take waits until `fill` items are queued
  // (the one-hour linger never runs out here).
  q.Push(&items[1]);
  std::thread pusher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 2; i < 5; ++i) q.Push(&items[i]);
  });
  EXPECT_EQ(q.Take().size(), 4u);
  pusher.join();
}

TEST(BatchQueueTest, StopDrainsThenEndsTakers) {
  BatchQueue<int> q({.max_batch = 64, .fill = 8, .linger = absl::Hours(1)});
  int a = 1, b = 2;
  q.Push(&a);
  ASSERT_EQ(q.Take().size(), 1u);
  q.Push(&b);
  q.Stop();  // the lingering a Take would do ends with Stop
  EXPECT_EQ(q.Take(), std::vector<int*>{&b});
  EXPECT_TRUE(q.Take().empty());
}

TEST(BatchServersTest, ServeEveryAwaitedItemThenWakeItsCaller) {
  struct Item {
    int served_by = -1;  // written by the serving thread before `done`
    fiber::Completion done;
  };
  constexpr int kItems = 64;
  std::vector<Item> items(kItems);
  std::atomic<size_t> largest{0};
  std::atomic<int> unserved{0};
  {
    BatchServers<Item> servers(
        {.max_batch = 8, .fill = 1, .linger = absl::ZeroDuration()}, 2,
        [&](std::vector<Item*>& batch, size_t index) {
          size_t seen = largest.load();
          while (batch.size() > seen && !largest.compare_exchange_weak(seen, batch.size())) {
          }
          for (Item* item : batch) item->served_by = static_cast<int>(index);
        });
    std::vector<std::thread> callers;
    for (Item& item : items) {
      callers.emplace_back([&servers, &item, &unserved] {
        servers.Await(item);
        if (item.served_by != 0 && item.served_by != 1) ++unserved;
      });
    }
    for (auto& t : callers) t.join();
  }
  EXPECT_EQ(unserved.load(), 0);
  EXPECT_GE(largest.load(), 1u);
  EXPECT_LE(largest.load(), 8u);
}

}  // namespace
}  // namespace shoal::lease_backend
