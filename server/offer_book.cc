#include "server/offer_book.h"

namespace shoal::server {

std::optional<OfferBook::Offer> OfferBook::Record(Offer offer) {
  std::lock_guard lock(mu_);
  std::optional<Offer> replaced;
  auto it = by_client_.find(offer.client_key);
  if (it != by_client_.end()) {
    if (it->second.address != offer.address) {
      replaced = it->second;
      by_address_.erase(it->second.address.value());
    }
    it->second = offer;
  } else {
    by_client_.emplace(offer.client_key, offer);
  }
  by_address_[offer.address.value()] = offer.client_key;
  return replaced;
}

std::optional<OfferBook::Offer> OfferBook::FindByClient(const std::string& client_key) const {
  std::lock_guard lock(mu_);
  auto it = by_client_.find(client_key);
  if (it == by_client_.end()) return std::nullopt;
  return it->second;
}

bool OfferBook::OfferedToOther(dhcp::Ipv4Address address, const std::string& client_key) const {
  std::lock_guard lock(mu_);
  auto it = by_address_.find(address.value());
  return it != by_address_.end() && it->second != client_key;
}

bool OfferBook::IsOffered(dhcp::Ipv4Address address) const {
  std::lock_guard lock(mu_);
  return by_address_.contains(address.value());
}

std::optional<OfferBook::Offer> OfferBook::Remove(const std::string& client_key) {
  std::lock_guard lock(mu_);
  auto it = by_client_.find(client_key);
  if (it == by_client_.end()) return std::nullopt;
  Offer offer = it->second;
  by_address_.erase(offer.address.value());
  by_client_.erase(it);
  return offer;
}

std::vector<OfferBook::Offer> OfferBook::All() const {
  std::lock_guard lock(mu_);
  std::vector<Offer> all;
  all.reserve(by_client_.size());
  for (const auto& [key, offer] : by_client_) all.push_back(offer);
  return all;
}

std::vector<OfferBook::Offer> OfferBook::TakeExpired(int64_t now) {
  std::lock_guard lock(mu_);
  std::vector<Offer> expired;
  for (auto it = by_client_.begin(); it != by_client_.end();) {
    if (it->second.until < now) {
      expired.push_back(it->second);
      by_address_.erase(it->second.address.value());
      by_client_.erase(it++);
    } else {
      ++it;
    }
  }
  return expired;
}

}  // namespace shoal::server
