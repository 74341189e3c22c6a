// FiberRunner and Completion: tasks park on a Completion and the runner's
// thread goes on with others; Signal() from other threads resumes them on
// the runner's thread; plain threads block in Wait(); fibers are reused.
#include "fiber/fiber_runner.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "fiber/completion.h"
#include "gtest/gtest.h"

namespace shoal::fiber {
namespace {

// A runner driven by an io_context on its own thread.
class RunnerThread {
 public:
  RunnerThread()
      : guard_(boost::asio::make_work_guard(io_)),
        runner_([this](std::function<void()> f) { boost::asio::post(io_, std::move(f)); }),
        thread_([this] { io_.run(); }) {}
  ~RunnerThread() {
    guard_.reset();
    thread_.join();
  }
  // Runs `f` on the runner's thread and waits for it (not on a fiber).
  void RunThere(std::function<void()> f) {
    Completion done;
    boost::asio::post(io_, [&] {
      f();
      done.Signal();
    });
    done.Wait();
  }
  FiberRunner& runner() { return runner_; }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  FiberRunner runner_;
  std::thread thread_;
};

TEST(FiberRunnerTest, ParkedTasksLetOthersRunAndResumeOnTheRunnersThread) {
  constexpr int kTasks = 200;
  RunnerThread t;
  std::vector<std::unique_ptr<Completion>> answers;
  for (int i = 0; i < kTasks; ++i) answers.push_back(std::make_unique<Completion>());
  std::atomic<int> started{0}, finished{0}, wrong_thread{0};
  t.RunThere([&] {
    for (int i = 0; i < kTasks; ++i) {
      t.runner().Start([&, i] {
        ++started;
        answers[i]->Wait();  // parks; the loop goes on with the next Start
        if (std::this_thread::get_id() != t.id()) ++wrong_thread;
        ++finished;
      });
    }
  });
  // Every task started and parked: none could finish without its answer.
  EXPECT_EQ(started.load(), kTasks);
  EXPECT_EQ(finished.load(), 0);
  size_t in_flight = 0;
  t.RunThere([&] { in_flight = t.runner().in_flight(); });
  EXPECT_EQ(in_flight, size_t{kTasks});

  // Answers from two other threads, in reverse order.
  std::thread a([&] {
    for (int i = kTasks - 1; i >= 0; i -= 2) answers[i]->Signal();
  });
  std::thread b([&] {
    for (int i = kTasks - 2; i >= 0; i -= 2) answers[i]->Signal();
  });
  a.join();
  b.join();
  while (finished.load() < kTasks) std::this_thread::yield();
  EXPECT_EQ(wrong_thread.load(), 0);
  t.RunThere([&] { in_flight = t.runner().in_flight(); });
  EXPECT_EQ(in_flight, 0u);
}

TEST(FiberRunnerTest, SignalBeforeWaitReturnsAtOnce) {
  RunnerThread t;
  Completion ready;
  ready.Signal();
  bool ran = false;
  t.RunThere([&] {
    t.runner().Start([&] {
      ready.Wait();
      ran = true;
    });
  });
  EXPECT_TRUE(ran);  // finished inside Start: it never parked
}

TEST(FiberRunnerTest, FinishedFibersAreReused) {
  RunnerThread t;
  // One task at a time, 1000 times: each finishes before the next starts,
  // so each Start runs on the same pooled fiber (seen by a stack address).
  std::vector<const void*> stacks;
  t.RunThere([&] {
    for (int i = 0; i < 1000; ++i) {
      t.runner().Start([&] {
        int local = 0;
        stacks.push_back(&local);
      });
    }
  });
  ASSERT_EQ(stacks.size(), 1000u);
  for (const void* s : stacks) EXPECT_EQ(s, stacks.front());
}

TEST(CompletionTest, PlainThreadBlocksUntilSignalled) {
  Completion done;
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    done.Wait();
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned.load());
  done.Signal();
  waiter.join();
  EXPECT_TRUE(returned.load());
}

}  // namespace
}  // namespace shoal::fiber
