// PacketCounters: the node's DHCPv4 packet statistics, with Kea's names
// (pkt4-received, pkt4-ack-sent, ...). Lock-free counters, safe to bump from
// any thread; the control API reads them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "dhcp/option_codes.h"

namespace shoal::server {

enum class PacketCounter {
  kReceived,
  kDiscoverReceived,
  kOfferReceived,
  kRequestReceived,
  kAckReceived,
  kNakReceived,
  kReleaseReceived,
  kDeclineReceived,
  kInformReceived,
  kUnknownReceived,
  kParseFailed,
  kReceiveDrop,
  kSent,
  kOfferSent,
  kAckSent,
  kNakSent,
  kCount,
};

// Kea's statistic name of a counter ("pkt4-received", ...).
std::string_view PacketCounterName(PacketCounter counter);
// The "received" counter for a message type (kUnknownReceived if none).
PacketCounter ReceivedCounterFor(dhcp::MessageType type);

class PacketCounters {
 public:
  void Increment(PacketCounter counter) {
    values_[static_cast<size_t>(counter)].fetch_add(1, std::memory_order_relaxed);
  }
  int64_t Get(PacketCounter counter) const {
    return values_[static_cast<size_t>(counter)].load(std::memory_order_relaxed);
  }
  void Reset(PacketCounter counter) {
    values_[static_cast<size_t>(counter)].store(0, std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<int64_t>, static_cast<size_t>(PacketCounter::kCount)> values_{};
};

}  // namespace shoal::server
