// Memfile-specific behaviour: files, Kea compatibility, cleanup, crashes.
#include "lease_backend/memfile_lease_store.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/lease_backend/lease_store_conformance.h"  // PrintTo(Lease4)

namespace shoal::lease_backend {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kHeader = Lease4CsvHeader();

Lease4 MakeLease(uint32_t host, uint32_t n = 0) {
  Lease4 l;
  l.address = dhcp::Ipv4Address(0xc0a80000 + host);  // 192.168.x.y
  l.hwaddr = {0x00,
              0x0c,
              0x29,
              static_cast<uint8_t>(n >> 16),
              static_cast<uint8_t>(n >> 8),
              static_cast<uint8_t>(n)};
  l.client_id = {0x01, 0x02, static_cast<uint8_t>(n)};
  l.valid_lifetime = 3600;
  l.cltt = 1'700'000'000;
  l.subnet_id = 1;
  return l;
}

class MemfileLeaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "shoal-memfile-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/leases4.csv";
  }
  void TearDown() override { fs::remove_all(dir_); }

  absl::StatusOr<std::unique_ptr<MemfileLeaseStore>> Open(uint32_t max_row_errors = 0) {
    return MemfileLeaseStore::Create({.path = path_, .max_row_errors = max_row_errors});
  }
  std::unique_ptr<MemfileLeaseStore> OpenOrDie() {
    auto store = Open();
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(name, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<Lease4> ReadCollapsed(const std::string& name) {
    std::ifstream in(name, std::ios::binary);
    auto leases = ReadLease4Csv(in, {.source_name = name});
    EXPECT_TRUE(leases.ok()) << leases.status();
    return leases.ok() ? *leases : std::vector<Lease4>();
  }
  std::string Row(const Lease4& l) { return FormatLease4CsvRow(l) + "\n"; }

  std::string dir_;
  std::string path_;
};

TEST_F(MemfileLeaseStoreTest, NewFileGetsKeaHeader) {
  auto store = OpenOrDie();
  EXPECT_EQ(Read(path_), kHeader + "\n");
}

TEST_F(MemfileLeaseStoreTest, EveryChangeIsOneAppendedRow) {
  auto store = OpenOrDie();
  Lease4 l = MakeLease(1, 1);
  ASSERT_TRUE(store->Add(l).ok());
  Lease4 renewed = l;
  renewed.cltt += 30;
  ASSERT_TRUE(store->Update(renewed, l.expire()).ok());
  ASSERT_TRUE(store->Delete(l.address, renewed.expire()).ok());
  // Written before the calls returned: visible without Flush or destruction.
  std::string deletion;
  AppendLease4CsvDeletionRow(renewed, deletion);
  EXPECT_EQ(Read(path_), kHeader + "\n" + Row(l) + Row(renewed) + deletion);
  EXPECT_THAT(deletion, HasSubstr(",0,1700000030,"));
}

TEST_F(MemfileLeaseStoreTest, RestartKeepsLeases) {
  std::vector<Lease4> expected;
  {
    auto store = OpenOrDie();
    for (uint32_t i = 1; i <= 50; ++i) ASSERT_TRUE(store->Add(MakeLease(i, i)).ok());
    for (uint32_t i = 1; i <= 50; i += 2) {
      Lease4 l = MakeLease(i, i);
      Lease4 next = l;
      next.cltt += i;
      next.hostname = "host,&" + std::to_string(i);
      next.user_context = R"({"a":"b,c"})";
      ASSERT_TRUE(store->Update(next, l.expire()).ok());
    }
    for (uint32_t i = 1; i <= 50; i += 5) {
      Lease4 l = **store->Get(MakeLease(i).address);
      ASSERT_TRUE(store->Delete(l.address, l.expire()).ok());
    }
    expected = *store->GetAll();
    ASSERT_EQ(expected.size(), 40u);
  }
  auto store = OpenOrDie();
  EXPECT_EQ(*store->GetAll(), expected);
  EXPECT_EQ(store->load_stats().rows.deletions, 10u);
  EXPECT_EQ(store->load_stats().rows.errors, 0u);
  // Indexes are rebuilt from the file.
  EXPECT_EQ(store->GetByHostname("host,&3")->size(), 1u);
  EXPECT_EQ(store->GetByHwAddress(MakeLease(2, 2).hwaddr, 0)->size(), 1u);
  EXPECT_EQ((*store->CountBySubnet())[0].assigned, 40u);
}

TEST_F(MemfileLeaseStoreTest, LoadsKeaWrittenFileAndKeepsAppending) {
  fs::copy_file(
      std::string(std::getenv("SHOAL_SOURCE_DIR") ? std::getenv("SHOAL_SOURCE_DIR") : ".") +
          "/tests/lease_backend/testdata/kea-2.2-leases4.csv",
      path_);
  std::string kea_text = Read(path_);
  {
    auto store = OpenOrDie();
    EXPECT_EQ(store->size(), 5u);
    EXPECT_FALSE(store->load_stats().converted);
    auto infinite = **store->Get(*dhcp::Ipv4Address::Parse("127.0.0.12"));
    EXPECT_EQ(infinite.valid_lifetime, Lease4::kInfinite);
    EXPECT_EQ(infinite.cltt, 1795318332);
    Lease4 l = MakeLease(7, 7);
    ASSERT_TRUE(store->Add(l).ok());
  }
  std::string text = Read(path_);
  EXPECT_EQ(text.substr(0, kea_text.size()), kea_text);  // appended, not rewritten
  auto store = OpenOrDie();
  EXPECT_EQ(store->size(), 6u);
}

TEST_F(MemfileLeaseStoreTest, OtherHeaderIsConvertedBeforeAppending) {
  Write(path_,
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname\n"
        "192.168.0.1,00:0c:29:00:00:01,,3600,1700003600,1,0,0,old\n");
  {
    auto store = OpenOrDie();
    EXPECT_TRUE(store->load_stats().converted);
    EXPECT_EQ(Read(path_), kHeader + "\n");  // a fresh current file
    EXPECT_FALSE(fs::exists(path_ + ".1"));
    auto previous = ReadCollapsed(path_ + ".2");
    ASSERT_EQ(previous.size(), 1u);
    EXPECT_EQ(previous[0].hostname, "old");
    ASSERT_TRUE(store->Add(MakeLease(2, 2)).ok());
  }
  auto store = OpenOrDie();
  EXPECT_EQ(store->size(), 2u);
}

TEST_F(MemfileLeaseStoreTest, LoadOrderIsKeas) {
  Lease4 l = MakeLease(1, 1);
  auto with_host = [&](const char* h) {
    Lease4 x = l;
    x.hostname = h;
    return Row(x);
  };
  Write(path_ + ".2", kHeader + "\n" + with_host("from-2") + Row(MakeLease(2, 2)));
  Write(path_ + ".1", kHeader + "\n" + with_host("from-1"));
  Write(path_, kHeader + "\n" + Row(MakeLease(3, 3)));
  {
    auto store = OpenOrDie();
    EXPECT_EQ((*store->Get(l.address))->hostname, "from-1");
    EXPECT_EQ(store->size(), 3u);
    EXPECT_THAT(store->load_stats().files_loaded, ElementsAre(path_ + ".2", path_ + ".1", path_));
  }
  // A completed cleanup output replaces .2 and .1.
  Write(path_ + ".completed", kHeader + "\n" + with_host("from-completed"));
  auto store = OpenOrDie();
  EXPECT_EQ((*store->Get(l.address))->hostname, "from-completed");
  EXPECT_EQ(store->size(), 2u);  // .2's lease 2 is not loaded
  EXPECT_THAT(store->load_stats().files_loaded, ElementsAre(path_ + ".completed", path_));
}

TEST_F(MemfileLeaseStoreTest, MaxRowErrors) {
  Write(path_, kHeader + "\n" + Row(MakeLease(1, 1)) + "garbage\n" +
                   "192.168.0.2,00:0c,,3600,1700003600,1,0,0,x,9,\n" + Row(MakeLease(3, 3)));
  auto failed = Open(1);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr(path_ + " line 4: state '9'"));
  EXPECT_THAT(failed.status().message(), HasSubstr("max-row-errors 1"));

  auto store = Open(2);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->size(), 2u);
  EXPECT_EQ((*store)->load_stats().rows.errors, 2u);
  ASSERT_EQ((*store)->load_stats().row_errors.size(), 2u);
  EXPECT_THAT((*store)->load_stats().row_errors[0], HasSubstr(path_ + " line 3"));
}

TEST_F(MemfileLeaseStoreTest, PartialLastLineIsTerminatedBeforeAppending) {
  std::string partial = Row(MakeLease(2, 2));
  partial.resize(partial.size() / 2);
  Write(path_, kHeader + "\n" + Row(MakeLease(1, 1)) + partial);
  {
    auto store = OpenOrDie();
    EXPECT_EQ(store->size(), 1u);
    EXPECT_EQ(store->load_stats().rows.errors, 1u);
    ASSERT_TRUE(store->Add(MakeLease(3, 3)).ok());
  }
  auto store = OpenOrDie();
  EXPECT_EQ(store->size(), 2u);
  EXPECT_TRUE((*store->Get(MakeLease(3).address)).has_value());
}

TEST_F(MemfileLeaseStoreTest, LivePidFileRefusesToLoad) {
  // The parent of this test process is alive and is not us.
  Write(path_ + ".pid", std::to_string(::getppid()) + "\n");
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path_ + ".pid"));

  // A pid file left by a process that is gone is ignored.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  Write(path_ + ".pid", std::to_string(child) + "\n");
  EXPECT_TRUE(Open().ok());
}

TEST_F(MemfileLeaseStoreTest, LeaseFileCleanupDance) {
  auto store = OpenOrDie();
  for (uint32_t i = 1; i <= 20; ++i) ASSERT_TRUE(store->Add(MakeLease(i, i)).ok());
  for (uint32_t i = 1; i <= 20; i += 2) {
    Lease4 l = MakeLease(i, i), next = l;
    next.cltt += 10;
    ASSERT_TRUE(store->Update(next, l.expire()).ok());
  }
  for (uint32_t i = 1; i <= 20; i += 4) {
    Lease4 l = **store->Get(MakeLease(i).address);
    ASSERT_TRUE(store->Delete(l.address, l.expire()).ok());
  }
  ASSERT_TRUE(store->RunLeaseFileCleanup().ok());
  EXPECT_EQ(Read(path_), kHeader + "\n");
  for (const char* gone : {".1", ".output", ".completed", ".pid"}) {
    EXPECT_FALSE(fs::exists(path_ + gone)) << gone;
  }
  // .2 holds exactly the live leases, one row each.
  std::string previous = Read(path_ + ".2");
  EXPECT_EQ(std::count(previous.begin(), previous.end(), '\n'), 1 + 15);
  EXPECT_EQ(ReadCollapsed(path_ + ".2"), *store->GetAll());

  // More changes, a second cleanup merges .2 with the new rows.
  ASSERT_TRUE(store->Add(MakeLease(100, 100)).ok());
  Lease4 two = **store->Get(MakeLease(2).address);
  ASSERT_TRUE(store->Delete(two.address, two.expire()).ok());
  ASSERT_TRUE(store->RunLeaseFileCleanup().ok());
  EXPECT_EQ(ReadCollapsed(path_ + ".2"), *store->GetAll());
  ASSERT_TRUE(store->Add(MakeLease(101, 101)).ok());
  auto expected = *store->GetAll();
  store.reset();
  auto reloaded = OpenOrDie();
  EXPECT_EQ(*reloaded->GetAll(), expected);
  EXPECT_THAT(reloaded->load_stats().files_loaded, ElementsAre(path_ + ".2", path_));
}

TEST_F(MemfileLeaseStoreTest, CleanupFinishesAnInterruptedOneFirst) {
  // A crash left .1 (rotated, not merged); the current file has newer rows.
  Lease4 l = MakeLease(1, 1), newer = l;
  newer.cltt += 100;
  Write(path_ + ".1", kHeader + "\n" + Row(l) + Row(MakeLease(2, 2)));
  Write(path_, kHeader + "\n" + Row(newer));
  auto store = OpenOrDie();
  EXPECT_EQ(**store->Get(l.address), newer);
  ASSERT_TRUE(store->RunLeaseFileCleanup().ok());
  // Not rotated: .1 was merged into .2, the current file is untouched.
  EXPECT_EQ(Read(path_), kHeader + "\n" + Row(newer));
  EXPECT_EQ(ReadCollapsed(path_ + ".2").size(), 2u);
  ASSERT_TRUE(store->RunLeaseFileCleanup().ok());
  EXPECT_EQ(Read(path_), kHeader + "\n");
  EXPECT_EQ(ReadCollapsed(path_ + ".2"), *store->GetAll());
}

TEST_F(MemfileLeaseStoreTest, CleanupWhileWriting) {
  auto store = OpenOrDie();
  std::atomic<bool> stop{false}, failed{false};
  std::atomic<int> cleanups{0};
  std::vector<std::thread> writers;
  for (uint32_t t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (uint32_t i = 0; i < 400; ++i) {
        // Halfway, let cleanups run between writes.
        if (i == 200) {
          while (cleanups.load() < 3) std::this_thread::yield();
        }
        Lease4 l = MakeLease(t * 1000 + i + 1, i);
        if (!store->Add(l).ok()) failed = true;
        Lease4 next = l;
        next.cltt += 7;
        if (!store->Update(next, l.expire()).ok()) failed = true;
        if (i % 4 == 0 && !store->Delete(l.address, next.expire()).ok()) failed = true;
      }
    });
  }
  std::thread lfc([&] {
    while (!stop) {
      if (!store->RunLeaseFileCleanup().ok()) failed = true;
      ++cleanups;
    }
  });
  for (auto& w : writers) w.join();
  stop = true;
  lfc.join();
  ASSERT_FALSE(failed.load());
  EXPECT_GT(cleanups, 0);
  auto expected = *store->GetAll();
  EXPECT_EQ(expected.size(), 3u * 300u);
  store.reset();
  auto reloaded = OpenOrDie();
  EXPECT_EQ(*reloaded->GetAll(), expected);
}

TEST_F(MemfileLeaseStoreTest, KillMinus9KeepsEveryAcknowledgedLease) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto store = MemfileLeaseStore::Create({.path = path_});
    if (!store.ok()) ::_exit(2);
    for (uint32_t i = 1; i <= 500; ++i) {
      Lease4 l = MakeLease(i, i);
      if (!(*store)->Add(l).ok()) ::_exit(3);
      // "ACK": tell the parent this lease was stored.
      if (::write(fds[1], &i, sizeof(i)) != sizeof(i)) ::_exit(4);
    }
    ::raise(SIGKILL);  // no Flush, no destructors
    ::_exit(5);
  }
  ::close(fds[1]);
  std::vector<uint32_t> acked;
  uint32_t i;
  while (::read(fds[0], &i, sizeof(i)) == sizeof(i)) acked.push_back(i);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  ASSERT_EQ(acked.size(), 500u);
  auto store = OpenOrDie();
  for (uint32_t host : acked) {
    auto got = store->Get(MakeLease(host).address);
    ASSERT_TRUE(got.ok() && got->has_value()) << host;
    EXPECT_EQ(**got, MakeLease(host, host));
  }
}

TEST_F(MemfileLeaseStoreTest, WriteFailureIsUnavailableThenRecovers) {
  // In a child: cap the file size so write(2) fails with EFBIG, then lift it.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    auto store = MemfileLeaseStore::Create({.path = path_});
    if (!store.ok()) ::_exit(10);
    if (!(*store)->Add(MakeLease(1, 1)).ok()) ::_exit(11);
    struct rlimit limit;
    ::getrlimit(RLIMIT_FSIZE, &limit);
    struct rlimit small = limit;
    small.rlim_cur = static_cast<rlim_t>(fs::file_size(path_));
    ::setrlimit(RLIMIT_FSIZE, &small);
    absl::Status s = (*store)->Add(MakeLease(2, 2));
    if (s.code() != absl::StatusCode::kUnavailable) ::_exit(12);
    // Refused without changes while the file still fails.
    if ((*store)->Add(MakeLease(3, 3)).code() != absl::StatusCode::kUnavailable) ::_exit(13);
    if ((*store)->Get(MakeLease(3).address)->has_value()) ::_exit(14);
    ::setrlimit(RLIMIT_FSIZE, &limit);
    if (!(*store)->Add(MakeLease(4, 4)).ok()) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  // Lease 2 was kept in memory and written on recovery: file = memory.
  auto store = OpenOrDie();
  EXPECT_EQ(store->size(), 3u);
  EXPECT_FALSE((*store->Get(MakeLease(3).address)).has_value());
}

TEST_F(MemfileLeaseStoreTest, RejectsLeasesTheFileCannotHold) {
  auto store = OpenOrDie();
  Lease4 zero_life = MakeLease(1, 1);
  zero_life.valid_lifetime = 0;
  EXPECT_EQ(store->Add(zero_life).code(), absl::StatusCode::kInvalidArgument);
  Lease4 no_identity = MakeLease(2, 2);
  no_identity.hwaddr.clear();
  no_identity.client_id.clear();
  EXPECT_EQ(store->Add(no_identity).code(), absl::StatusCode::kInvalidArgument);
  no_identity.state = LeaseState::kDeclined;
  EXPECT_TRUE(store->Add(no_identity).ok());
  Lease4 short_cid = MakeLease(3, 3);
  short_cid.client_id = {1};
  EXPECT_EQ(store->Add(short_cid).code(), absl::StatusCode::kInvalidArgument);
  Lease4 no_address = MakeLease(0, 4);
  no_address.address = dhcp::Ipv4Address(0);
  EXPECT_EQ(store->Add(no_address).code(), absl::StatusCode::kInvalidArgument);
  Lease4 long_hw = MakeLease(5, 5);
  long_hw.hwaddr.assign(21, 0xab);
  EXPECT_EQ(store->Update(long_hw, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->size(), 1u);
}

TEST_F(MemfileLeaseStoreTest, ZeroLimitMeansNoLimit) {
  auto store = MemfileLeaseStore::Create({.persist = false});
  ASSERT_TRUE(store.ok());
  for (uint32_t i = 1; i <= 5; ++i) ASSERT_TRUE((*store)->Add(MakeLease(i, i)).ok());
  EXPECT_EQ((*store)->GetPage(dhcp::Ipv4Address(0), 0)->size(), 5u);
  EXPECT_EQ((*store)->GetExpired(2'000'000'000, 0)->size(), 5u);
}

TEST_F(MemfileLeaseStoreTest, PersistFalseWritesNothing) {
  auto store = MemfileLeaseStore::Create({.path = path_, .persist = false});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Add(MakeLease(1, 1)).ok());
  ASSERT_TRUE((*store)->RunLeaseFileCleanup().ok());
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(MemfileLeaseStore::Create({.path = "", .persist = true}).ok());
}

// Kea's own cleanup program must accept what shoal writes, and produce the
// same leases shoal holds.
TEST_F(MemfileLeaseStoreTest, KeaLfcAcceptsShoalFiles) {
  const char* kea_lfc = "/usr/sbin/kea-lfc";
  if (const char* env = std::getenv("KEA_LFC")) kea_lfc = env;
  if (!fs::exists(kea_lfc)) GTEST_SKIP() << kea_lfc << " not installed";
  std::vector<Lease4> expected;
  {
    auto store = OpenOrDie();
    for (uint32_t i = 1; i <= 30; ++i) {
      Lease4 l = MakeLease(i, i);
      l.subnet_id = i % 3 + 1;
      l.fqdn_fwd = i % 2;
      l.fqdn_rev = i % 3 == 0;
      l.hostname = i % 4 ? "h,&" + std::to_string(i) + ".example.org" : "";
      if (i % 5 == 0) l.user_context = R"({"ISC":{"client-classes":["a","b"]},"x":"1,2"})";
      if (i % 6 == 0) l.client_id.clear();
      if (i % 7 == 0) l.valid_lifetime = Lease4::kInfinite;
      if (i % 8 == 0) {
        l.state = LeaseState::kDeclined;
        l.hwaddr.clear();
        l.client_id.clear();
      }
      if (i == 9) l.state = LeaseState::kExpiredReclaimed;
      ASSERT_TRUE(store->Add(l).ok());
    }
    for (uint32_t i = 1; i <= 30; i += 3) {
      Lease4 l = **store->Get(MakeLease(i).address);
      Lease4 next = l;
      next.cltt += 5;
      ASSERT_TRUE(store->Update(next, l.expire()).ok());
    }
    for (uint32_t i = 2; i <= 30; i += 5) {
      Lease4 l = **store->Get(MakeLease(i).address);
      ASSERT_TRUE(store->Delete(l.address, l.expire()).ok());
    }
    expected = *store->GetAll();
  }
  // Run kea-lfc on copies: input = shoal's file.
  const std::string in = dir_ + "/kea.1", prev = dir_ + "/kea.2";
  fs::copy_file(path_, in);
  Write(dir_ + "/kea.json", "{}");
  std::string cmd = "KEA_LOCKFILE_DIR=" + dir_ + " KEA_LOGGER_DESTINATION=stdout " +
                    std::string(kea_lfc) + " -4 -c " + dir_ + "/kea.json -p " + dir_ +
                    "/kea.pid -x " + prev + " -i " + in + " -o " + dir_ + "/kea.output -f " + dir_ +
                    "/kea.completed -d > " + dir_ + "/kea-lfc.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << Read(dir_ + "/kea-lfc.log");
  ASSERT_TRUE(fs::exists(prev)) << Read(dir_ + "/kea-lfc.log");
  std::string log = Read(dir_ + "/kea-lfc.log");
  EXPECT_THAT(log, Not(HasSubstr("LEASE_FILE_LOAD_ROW_ERROR"))) << log;
  // Kea re-serialises user contexts in its own JSON style; compare as JSON.
  auto normalized = [](std::vector<Lease4> leases) {
    for (Lease4& l : leases) {
      if (!l.user_context.empty()) l.user_context = nlohmann::json::parse(l.user_context).dump();
    }
    return leases;
  };
  std::vector<Lease4> kea = ReadCollapsed(prev);
  EXPECT_EQ(normalized(kea), normalized(expected));
  // And shoal loads Kea's output as its previous file.
  fs::remove(path_);
  fs::rename(prev, path_ + ".2");
  auto store = OpenOrDie();
  EXPECT_EQ(*store->GetAll(), kea);
}

}  // namespace
}  // namespace shoal::lease_backend
