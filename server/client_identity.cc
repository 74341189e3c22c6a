#include "server/client_identity.h"

namespace shoal::server {

ClientIdentity ClientIdentity::FromPacket(const dhcp::Packet4& packet, bool match_client_id) {
  ClientIdentity id;
  auto hw = packet.hw_address();
  id.hwaddr.assign(hw.begin(), hw.end());
  id.htype = packet.htype;
  if (const auto* cid = packet.GetOption(dhcp::kOptionClientId); cid && !cid->empty()) {
    id.raw_client_id = *cid;
    if (match_client_id) id.client_id = *cid;
  }
  return id;
}

bool ClientIdentity::Owns(const lease_backend::Lease4& lease) const {
  if (!client_id.empty() && !lease.client_id.empty()) return client_id == lease.client_id;
  if (!hwaddr.empty() && !lease.hwaddr.empty()) return hwaddr == lease.hwaddr;
  return false;
}

std::string ClientIdentity::Key() const {
  const auto& bytes = client_id.empty() ? hwaddr : client_id;
  std::string key(1, client_id.empty() ? 'h' : 'c');
  key.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return key;
}

}  // namespace shoal::server
