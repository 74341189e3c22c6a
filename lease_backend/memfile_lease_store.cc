#include "lease_backend/memfile_lease_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace shoal::lease_backend {
namespace {

constexpr size_t kMaxRecordedRowErrors = 100;

std::string ErrnoText(int e) { return std::strerror(e); }

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string KeyOf(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void SyncDirectory(const std::string& path) {
  int dfd = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// True when `pid_path` names a live process other than this one (Kea's
// PIDFile::check). A missing or unreadable file means no cleanup runs.
bool PidFileNamesLiveProcess(const std::string& pid_path, long* pid_out) {
  std::ifstream in(pid_path);
  if (!in) return false;
  std::string text;
  std::getline(in, text);
  long pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid) || pid <= 0) return false;
  *pid_out = pid;
  if (pid == static_cast<long>(::getpid())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(
          absl::StrCat("lease file ", path, ": write failed: ", ErrnoText(errno)));
    }
    off += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Loads one file's rows into `leases` (last entry wins).
absl::Status LoadFile(const std::string& path, uint32_t max_row_errors,
                      absl::btree_map<uint32_t, Lease4>& leases, MemfileLoadStats* stats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("lease file ", path, ": cannot open for reading: ", ErrnoText(errno)));
  }
  CsvReadOptions options;
  options.max_row_errors = max_row_errors;
  options.source_name = path;
  if (stats != nullptr) {
    options.on_row_error = [stats](const absl::Status& error) {
      if (stats->row_errors.size() < kMaxRecordedRowErrors) {
        stats->row_errors.emplace_back(error.message());
      }
    };
  }
  auto read = ForEachLease4CsvRow(in, options, [&](Lease4&& lease) {
    if (lease.valid_lifetime == 0) {
      leases.erase(lease.address.value());
    } else {
      leases.insert_or_assign(lease.address.value(), std::move(lease));
    }
  });
  if (!read.ok()) return read.status();
  if (stats != nullptr) {
    stats->files_loaded.push_back(path);
    stats->rows.lines += read->lines;
    stats->rows.leases += read->leases;
    stats->rows.deletions += read->deletions;
    stats->rows.errors += read->errors;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<MemfileLeaseStore>> MemfileLeaseStore::Create(
    const MemfileOptions& options) {
  if (options.persist && options.path.empty()) {
    return absl::InvalidArgumentError(
        "memfile lease store: 'name' (the lease file path) is empty; give the lease file's path "
        "or set persist to false");
  }
  std::unique_ptr<MemfileLeaseStore> store(new MemfileLeaseStore(options));
  if (options.persist) {
    if (absl::Status s = store->Load(); !s.ok()) return s;
  }
  return store;
}

MemfileLeaseStore::MemfileLeaseStore(const MemfileOptions& options) : options_(options) {}

MemfileLeaseStore::~MemfileLeaseStore() {
  absl::MutexLock io(&io_mu_);
  if (fd_ >= 0) {
    {
      absl::MutexLock p(&pending_mu_);
      unwritten_.append(pending_);
      pending_.clear();
    }
    (void)WriteAll(fd_, unwritten_, options_.path);
    ::close(fd_);
    fd_ = -1;
  }
}

absl::Status MemfileLeaseStore::Load() {
  const std::string& path = options_.path;
  long pid = 0;
  if (PidFileNamesLiveProcess(path + ".pid", &pid)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lease file cleanup is in progress: ", path, ".pid names running process ", pid,
        "; wait for it to finish (or remove the file if that process is not a kea-lfc/shoal)"));
  }
  absl::btree_map<uint32_t, Lease4> leases;
  const std::string completed = path + ".completed";
  if (FileExists(completed)) {
    if (auto s = LoadFile(completed, options_.max_row_errors, leases, &load_stats_); !s.ok()) {
      return s;
    }
  } else {
    for (const std::string& name : {path + ".2", path + ".1"}) {
      if (!FileExists(name)) continue;
      if (auto s = LoadFile(name, options_.max_row_errors, leases, &load_stats_); !s.ok()) {
        return s;
      }
    }
  }
  if (FileExists(path)) {
    if (auto s = LoadFile(path, options_.max_row_errors, leases, &load_stats_); !s.ok()) return s;
  }
  {
    absl::MutexLock l(&mu_);
    by_address_ = std::move(leases);
    for (const auto& [address, lease] : by_address_) Reindex(nullptr, &lease);
  }
  bool converted = false;
  if (auto s = OpenCurrentFile(converted); !s.ok()) return s;
  if (converted) {
    // Never append rows under another header: move the file aside now, as
    // Kea does. A cleanup left unfinished is completed first.
    load_stats_.converted = true;
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool rotated = false;
      absl::MutexLock lfc(&lfc_mu_);
      if (auto s = RotateCurrentFile(rotated); !s.ok()) return s;
      if (auto s = MergeIntoCompleted(); !s.ok()) return s;
      if (auto s = FinishCleanup(); !s.ok()) return s;
      if (rotated) break;
    }
  }
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::OpenCurrentFile(bool& converted) {
  const std::string& path = options_.path;
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("lease file ", path, ": cannot open for appending: ", ErrnoText(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("lease file ", path, ": stat: ", ErrnoText(e)));
  }
  absl::Status status;
  const std::string header = Lease4CsvHeader();
  if (st.st_size == 0) {
    status = WriteAll(fd, header + "\n", path);
  } else {
    // Compare the header; make sure an interrupted last line is terminated.
    std::string first(header.size() + 2, '\0');
    ssize_t n = ::pread(fd, first.data(), first.size(), 0);
    first.resize(n > 0 ? static_cast<size_t>(n) : 0);
    first.resize(std::min(first.size(), first.find('\n')));
    if (!first.empty() && first.back() == '\r') first.pop_back();
    converted = first != header;
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
      status = WriteAll(fd, "\n", path);
    }
  }
  if (!status.ok()) {
    ::close(fd);
    return status;
  }
  absl::MutexLock io(&io_mu_);
  fd_ = fd;
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::ValidateForFile(const Lease4& lease) const {
  if (lease.address.IsZero()) {
    return absl::InvalidArgumentError("lease address 0.0.0.0 is not a leasable address");
  }
  if (lease.valid_lifetime == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lease ", lease.address.ToString(),
        ": valid_lifetime 0 cannot be stored (the lease file reads it as a deletion)"));
  }
  if (lease.hwaddr.size() > 20) {
    return absl::InvalidArgumentError(absl::StrCat("lease ", lease.address.ToString(),
                                                   ": hwaddr is ", lease.hwaddr.size(),
                                                   " bytes; at most 20 are allowed"));
  }
  if (lease.client_id.size() == 1 || lease.client_id.size() > 255) {
    return absl::InvalidArgumentError(absl::StrCat("lease ", lease.address.ToString(),
                                                   ": client_id is ", lease.client_id.size(),
                                                   " bytes; expected 2 to 255 (or none)"));
  }
  if (lease.hwaddr.empty() && lease.client_id.empty() && lease.state != LeaseState::kDeclined) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease ", lease.address.ToString(),
                     " has neither hwaddr nor client_id; only a declined lease may"));
  }
  if (static_cast<uint8_t>(lease.state) > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease ", lease.address.ToString(), ": state ", static_cast<int>(lease.state),
                     " is not 0 (default), 1 (declined) or 2 (expired-reclaimed)"));
  }
  return absl::OkStatus();
}

void MemfileLeaseStore::Reindex(const Lease4* before, const Lease4* after) {
  const uint32_t addr = (before ? before : after)->address.value();
  auto move_bytes = [&](absl::btree_set<Key>& index, const std::vector<uint8_t>* b,
                        const std::vector<uint8_t>* a) {
    if (b && a && *b == *a) return;
    if (b && !b->empty()) index.erase(Key(KeyOf(*b), addr));
    if (a && !a->empty()) index.insert(Key(KeyOf(*a), addr));
  };
  move_bytes(by_hwaddr_, before ? &before->hwaddr : nullptr, after ? &after->hwaddr : nullptr);
  move_bytes(by_client_id_, before ? &before->client_id : nullptr,
             after ? &after->client_id : nullptr);
  if (!(before && after && before->hostname == after->hostname)) {
    if (before && !before->hostname.empty()) by_hostname_.erase(Key(before->hostname, addr));
    if (after && !after->hostname.empty()) by_hostname_.insert(Key(after->hostname, addr));
  }
  if (!(before && after && before->subnet_id == after->subnet_id)) {
    if (before) by_subnet_.erase({before->subnet_id, addr});
    if (after) by_subnet_.insert({after->subnet_id, addr});
  }
  auto time_index = [&](const Lease4& l) -> absl::btree_set<TimeKey>* {
    if (l.state == LeaseState::kExpiredReclaimed) return &reclaimed_by_expire_;
    if (l.valid_lifetime == Lease4::kInfinite) return nullptr;
    return &active_by_expire_;
  };
  absl::btree_set<TimeKey>* bi = before ? time_index(*before) : nullptr;
  absl::btree_set<TimeKey>* ai = after ? time_index(*after) : nullptr;
  if (!(bi == ai && (bi == nullptr || before->expire() == after->expire()))) {
    if (bi) bi->erase({before->expire(), addr});
    if (ai) ai->insert({after->expire(), addr});
  }
  auto count = [&](const Lease4& l, int delta) {
    if (l.state == LeaseState::kExpiredReclaimed) return;
    auto it = counts_.try_emplace(l.subnet_id, SubnetLeaseCount{l.subnet_id, 0, 0}).first;
    uint64_t& field = l.state == LeaseState::kDeclined ? it->second.declined : it->second.assigned;
    field += static_cast<uint64_t>(delta);
    if (it->second.assigned == 0 && it->second.declined == 0) counts_.erase(it);
  };
  if (!(before && after && before->state == after->state &&
        before->subnet_id == after->subnet_id)) {
    if (before) count(*before, -1);
    if (after) count(*after, +1);
  }
}

uint64_t MemfileLeaseStore::QueueRowLocked(std::string_view row) {
  if (!options_.persist) return 0;
  absl::MutexLock p(&pending_mu_);
  pending_.append(row);
  return ++queued_seq_;
}

uint64_t MemfileLeaseStore::QueueDeletionLocked(const Lease4& lease) {
  if (!options_.persist) return 0;
  absl::MutexLock p(&pending_mu_);
  AppendLease4CsvDeletionRow(lease, pending_);
  return ++queued_seq_;
}

uint64_t MemfileLeaseStore::EraseLocked(uint32_t address) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return 0;
  Reindex(&it->second, nullptr);
  uint64_t seq = QueueDeletionLocked(it->second);
  by_address_.erase(it);
  return seq;
}

absl::Status MemfileLeaseStore::WritePendingLocked() {
  {
    absl::MutexLock p(&pending_mu_);
    if (unwritten_.empty()) {
      unwritten_.swap(pending_);
    } else {
      unwritten_.append(pending_);
      pending_.clear();
    }
    unwritten_seq_ = queued_seq_;
  }
  if (fd_ < 0) {
    write_failed_.store(true, std::memory_order_relaxed);
    return absl::UnavailableError(
        absl::StrCat("lease file ", options_.path,
                     " is not open (a cleanup could not reopen it); the change is not stored"));
  }
  size_t off = 0;
  while (off < unwritten_.size()) {
    ssize_t n = ::write(fd_, unwritten_.data() + off, unwritten_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      unwritten_.erase(0, off);
      write_failed_.store(true, std::memory_order_relaxed);
      return absl::UnavailableError(absl::StrCat("lease file ", options_.path,
                                                 ": write failed: ", ErrnoText(e),
                                                 "; the change is not stored durably"));
    }
    off += static_cast<size_t>(n);
  }
  unwritten_.clear();
  written_seq_ = unwritten_seq_;
  write_failed_.store(false, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::WriteUpTo(uint64_t seq) {
  if (seq == 0) return absl::OkStatus();
  absl::MutexLock io(&io_mu_);
  if (written_seq_ >= seq) return absl::OkStatus();
  return WritePendingLocked();
}

absl::Status MemfileLeaseStore::CheckWritable() {
  if (!write_failed_.load(std::memory_order_relaxed)) return absl::OkStatus();
  absl::MutexLock io(&io_mu_);
  return WritePendingLocked();
}

absl::Status MemfileLeaseStore::Add(const Lease4& lease) {
  if (auto s = ValidateForFile(lease); !s.ok()) return s;
  if (auto s = CheckWritable(); !s.ok()) return s;
  std::string row;
  if (options_.persist) AppendLease4CsvRow(lease, row);
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    auto [it, inserted] = by_address_.try_emplace(lease.address.value(), lease);
    if (!inserted) {
      return absl::AlreadyExistsError(
          absl::StrCat("a lease for ", lease.address.ToString(), " already exists"));
    }
    Reindex(nullptr, &it->second);
    seq = QueueRowLocked(row);
  }
  return WriteUpTo(seq);
}

absl::Status MemfileLeaseStore::Update(const Lease4& lease, int64_t expected_expire) {
  if (auto s = ValidateForFile(lease); !s.ok()) return s;
  if (auto s = CheckWritable(); !s.ok()) return s;
  std::string row;
  if (options_.persist) AppendLease4CsvRow(lease, row);
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    auto it = by_address_.find(lease.address.value());
    if (it == by_address_.end()) {
      return absl::NotFoundError(absl::StrCat("no lease for ", lease.address.ToString()));
    }
    if (it->second.expire() != expected_expire) {
      return absl::AbortedError(absl::StrCat("lease ", lease.address.ToString(),
                                             " changed: its expire is ", it->second.expire(),
                                             ", not ", expected_expire));
    }
    Reindex(&it->second, &lease);
    it->second = lease;
    seq = QueueRowLocked(row);
  }
  return WriteUpTo(seq);
}

absl::Status MemfileLeaseStore::Delete(dhcp::Ipv4Address address, int64_t expected_expire) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    auto it = by_address_.find(address.value());
    if (it == by_address_.end()) {
      return absl::NotFoundError(absl::StrCat("no lease for ", address.ToString()));
    }
    if (it->second.expire() != expected_expire) {
      return absl::AbortedError(absl::StrCat("lease ", address.ToString(),
                                             " changed: its expire is ", it->second.expire(),
                                             ", not ", expected_expire));
    }
    seq = EraseLocked(address.value());
  }
  return WriteUpTo(seq);
}

absl::StatusOr<std::optional<Lease4>> MemfileLeaseStore::Get(dhcp::Ipv4Address address) {
  absl::ReaderMutexLock l(&mu_);
  auto it = by_address_.find(address.value());
  if (it == by_address_.end()) return std::optional<Lease4>();
  return std::optional<Lease4>(it->second);
}

std::vector<Lease4> MemfileLeaseStore::Collect(const absl::btree_set<Key>& index,
                                               std::string_view value, uint32_t subnet_id) const {
  std::vector<Lease4> out;
  if (value.empty()) return out;
  std::string key(value);
  for (auto it = index.lower_bound(Key(key, 0)); it != index.end() && it->first == key; ++it) {
    auto lease = by_address_.find(it->second);
    if (lease == by_address_.end()) continue;
    if (subnet_id != 0 && lease->second.subnet_id != subnet_id) continue;
    out.push_back(lease->second);
  }
  return out;
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetByHwAddress(
    std::span<const uint8_t> hwaddr, uint32_t subnet_id) {
  absl::ReaderMutexLock l(&mu_);
  return Collect(by_hwaddr_, KeyOf(hwaddr), subnet_id);
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetByClientId(
    std::span<const uint8_t> client_id, uint32_t subnet_id) {
  absl::ReaderMutexLock l(&mu_);
  return Collect(by_client_id_, KeyOf(client_id), subnet_id);
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetByHostname(std::string_view hostname) {
  absl::ReaderMutexLock l(&mu_);
  return Collect(by_hostname_, hostname, 0);
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetBySubnet(uint32_t subnet_id) {
  absl::ReaderMutexLock l(&mu_);
  std::vector<Lease4> out;
  for (auto it = by_subnet_.lower_bound({subnet_id, 0});
       it != by_subnet_.end() && it->first == subnet_id; ++it) {
    out.push_back(by_address_.at(it->second));
  }
  return out;
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetAll() {
  absl::ReaderMutexLock l(&mu_);
  std::vector<Lease4> out;
  out.reserve(by_address_.size());
  for (const auto& [address, lease] : by_address_) out.push_back(lease);
  return out;
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetPage(dhcp::Ipv4Address after,
                                                               size_t limit) {
  absl::ReaderMutexLock l(&mu_);
  std::vector<Lease4> out;
  for (auto it = by_address_.upper_bound(after.value());
       it != by_address_.end() && (limit == 0 || out.size() < limit); ++it) {
    out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetRange(dhcp::Ipv4Address first,
                                                                dhcp::Ipv4Address last) {
  absl::ReaderMutexLock l(&mu_);
  std::vector<Lease4> out;
  for (auto it = by_address_.lower_bound(first.value());
       it != by_address_.end() && it->first <= last.value(); ++it) {
    out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<std::vector<Lease4>> MemfileLeaseStore::GetExpired(int64_t now, size_t limit) {
  absl::ReaderMutexLock l(&mu_);
  std::vector<Lease4> out;
  for (auto it = active_by_expire_.begin();
       it != active_by_expire_.end() && it->first <= now && (limit == 0 || out.size() < limit);
       ++it) {
    out.push_back(by_address_.at(it->second));
  }
  return out;
}

absl::StatusOr<uint64_t> MemfileLeaseStore::DeleteReclaimedBefore(int64_t before) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  uint64_t seq = 0, count = 0;
  {
    absl::MutexLock l(&mu_);
    while (!reclaimed_by_expire_.empty() && reclaimed_by_expire_.begin()->first < before) {
      uint64_t s = EraseLocked(reclaimed_by_expire_.begin()->second);
      seq = std::max(seq, s);
      ++count;
    }
  }
  if (auto s = WriteUpTo(seq); !s.ok()) return s;
  return count;
}

absl::StatusOr<uint64_t> MemfileLeaseStore::Wipe(uint32_t subnet_id) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  uint64_t seq = 0, count = 0;
  {
    absl::MutexLock l(&mu_);
    std::vector<uint32_t> victims;
    if (subnet_id == 0) {
      victims.reserve(by_address_.size());
      for (const auto& [address, lease] : by_address_) victims.push_back(address);
    } else {
      for (auto it = by_subnet_.lower_bound({subnet_id, 0});
           it != by_subnet_.end() && it->first == subnet_id; ++it) {
        victims.push_back(it->second);
      }
    }
    for (uint32_t address : victims) seq = std::max(seq, EraseLocked(address));
    count = victims.size();
  }
  if (auto s = WriteUpTo(seq); !s.ok()) return s;
  return count;
}

absl::StatusOr<std::vector<SubnetLeaseCount>> MemfileLeaseStore::CountBySubnet() {
  absl::ReaderMutexLock l(&mu_);
  std::vector<SubnetLeaseCount> out;
  out.reserve(counts_.size());
  for (const auto& [id, count] : counts_) out.push_back(count);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.subnet_id < b.subnet_id; });
  return out;
}

absl::Status MemfileLeaseStore::Flush() {
  if (!options_.persist) return absl::OkStatus();
  absl::MutexLock io(&io_mu_);
  if (auto s = WritePendingLocked(); !s.ok()) return s;
  if (::fsync(fd_) != 0) {
    return absl::UnavailableError(
        absl::StrCat("lease file ", options_.path, ": fsync failed: ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

size_t MemfileLeaseStore::size() const {
  absl::ReaderMutexLock l(&mu_);
  return by_address_.size();
}

// ---- Lease file cleanup ----

absl::Status MemfileLeaseStore::RotateCurrentFile(bool& rotated) {
  const std::string& path = options_.path;
  rotated = false;
  if (FileExists(path + ".completed") || FileExists(path + ".1")) {
    return absl::OkStatus();  // finish the earlier cleanup first (as Kea does)
  }
  absl::MutexLock io(&io_mu_);
  // Everything queued so far belongs to the file being moved aside.
  if (auto s = WritePendingLocked(); !s.ok()) return s;
  if (fd_ >= 0) ::fsync(fd_);
  const std::string input = path + ".1";
  if (::rename(path.c_str(), input.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("lease file cleanup: cannot rename ", path, " to ",
                                               input, ": ", ErrnoText(errno)));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  absl::Status status;
  if (fd < 0) {
    status = absl::UnavailableError(
        absl::StrCat("lease file cleanup: cannot create a new ", path, ": ", ErrnoText(errno)));
  } else {
    status = WriteAll(fd, Lease4CsvHeader() + "\n", path);
  }
  if (!status.ok()) {
    // Keep writing to the old file under its old name.
    if (fd >= 0) ::close(fd);
    ::unlink(path.c_str());
    ::rename(input.c_str(), path.c_str());
    return status;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  SyncDirectory(path);
  rotated = true;
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::MergeIntoCompleted() {
  const std::string& path = options_.path;
  const std::string completed = path + ".completed";
  if (FileExists(completed)) return absl::OkStatus();
  absl::btree_map<uint32_t, Lease4> leases;
  for (const std::string& name : {path + ".2", path + ".1"}) {
    if (!FileExists(name)) continue;
    if (auto s = LoadFile(name, options_.max_row_errors, leases, nullptr); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("lease file cleanup: ", s.message()));
    }
  }
  const std::string output = path + ".output";
  int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("lease file cleanup: cannot create ", output, ": ", ErrnoText(errno)));
  }
  std::string buf = Lease4CsvHeader();
  buf.push_back('\n');
  absl::Status status;
  for (const auto& [address, lease] : leases) {
    AppendLease4CsvRow(lease, buf);
    if (buf.size() >= (1 << 16)) {
      status = WriteAll(fd, buf, output);
      if (!status.ok()) break;
      buf.clear();
    }
  }
  if (status.ok()) status = WriteAll(fd, buf, output);
  if (status.ok() && ::fsync(fd) != 0) {
    status = absl::UnavailableError(
        absl::StrCat("lease file cleanup: fsync ", output, ": ", ErrnoText(errno)));
  }
  ::close(fd);
  if (!status.ok()) return status;
  if (::rename(output.c_str(), completed.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("lease file cleanup: cannot rename ", output, " to ",
                                               completed, ": ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::FinishCleanup() {
  const std::string& path = options_.path;
  const std::string previous = path + ".2", input = path + ".1", completed = path + ".completed";
  if (!FileExists(completed)) return absl::OkStatus();
  for (const std::string& name : {previous, input}) {
    if (::unlink(name.c_str()) != 0 && errno != ENOENT) {
      return absl::UnavailableError(
          absl::StrCat("lease file cleanup: cannot remove ", name, ": ", ErrnoText(errno)));
    }
  }
  if (::rename(completed.c_str(), previous.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("lease file cleanup: cannot rename ", completed,
                                               " to ", previous, ": ", ErrnoText(errno)));
  }
  SyncDirectory(path);
  return absl::OkStatus();
}

absl::Status MemfileLeaseStore::RunLeaseFileCleanup() {
  if (!options_.persist) return absl::OkStatus();
  absl::MutexLock lfc(&lfc_mu_);
  const std::string pid_path = options_.path + ".pid";
  long pid = 0;
  if (PidFileNamesLiveProcess(pid_path, &pid)) {
    return absl::FailedPreconditionError(absl::StrCat("lease file cleanup skipped: ", pid_path,
                                                      " names running process ", pid,
                                                      " (another cleanup is in progress)"));
  }
  {
    int fd = ::open(pid_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("lease file cleanup: cannot create ", pid_path, ": ", ErrnoText(errno)));
    }
    absl::Status s = WriteAll(fd, absl::StrCat(::getpid(), "\n"), pid_path);
    ::close(fd);
    if (!s.ok()) return s;
  }
  bool rotated = false;
  absl::Status status = RotateCurrentFile(rotated);
  if (status.ok()) status = MergeIntoCompleted();
  if (status.ok()) status = FinishCleanup();
  ::unlink(pid_path.c_str());
  return status;
}

}  // namespace shoal::lease_backend
