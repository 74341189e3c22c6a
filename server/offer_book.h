// OfferBook: addresses offered to clients (DHCPOFFER) that they have not
// requested yet. An offered address stays marked used in its FreeAddressMap
// so a second client is not offered the same address; an offer that is not
// taken up within its hold time is released back to the map.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "dhcp/ipv4_address.h"

namespace shoal::server {

class OfferBook {
 public:
  struct Offer {
    dhcp::Ipv4Address address;
    uint32_t subnet_id = 0;
    std::string client_key;
    int64_t until = 0;
    // What the lease store held at `address` when the offer was made, when
    // that is known: no lease (row_expire empty) or a lease with that
    // expire. The DHCPREQUEST then writes without reading again, still
    // conditional on it (a lease written meanwhile makes the write fail).
    bool row_known = false;
    std::optional<int64_t> row_expire;
  };

  // Records (or refreshes) an offer; replaces an earlier offer to the same client.
  // Returns the replaced offer's address when it differs, so the caller can free it.
  std::optional<Offer> Record(Offer offer);
  // The client's outstanding offer, if any.
  std::optional<Offer> FindByClient(const std::string& client_key) const;
  // True if `address` is offered to a client other than `client_key`.
  bool OfferedToOther(dhcp::Ipv4Address address, const std::string& client_key) const;
  // True if `address` is offered to any client.
  bool IsOffered(dhcp::Ipv4Address address) const;
  // Forgets the client's offer (it became a lease, or was refused).
  std::optional<Offer> Remove(const std::string& client_key);
  // Every outstanding offer.
  std::vector<Offer> All() const;
  // Removes and returns offers whose hold time ended before `now`.
  std::vector<Offer> TakeExpired(int64_t now);

 private:
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, Offer> by_client_;
  absl::flat_hash_map<uint32_t, std::string> by_address_;
};

}  // namespace shoal::server
