#include "dhcp/packet4.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace shoal::dhcp {
namespace {

constexpr size_t kMaxHlen = 16;
constexpr size_t kMaxInstance = 255;  // RFC 3396: longer options are split

uint16_t Read16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t Read32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void Write16(uint8_t* p, uint16_t v) {
  p[0] = v >> 8;
  p[1] = v;
}
void Write32(uint8_t* p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

// Where an option area lives in the message, for error messages.
const char* AreaName(size_t begin) {
  if (begin == Packet4::kFileOffset) return "the overloaded 'file' field";
  if (begin == Packet4::kSnameOffset) return "the overloaded 'sname' field";
  return "the options field";
}

// Collects options from one or more areas, concatenating repeated codes
// (RFC 3396) in order of first appearance.
class OptionCollector {
 public:
  explicit OptionCollector(std::vector<Packet4::Option>& out) : out_(out) {
    std::memset(slot_, 0, sizeof(slot_));
  }

  // Parses wire[begin, end). Stops at END; a missing END is fine when the
  // last option ends exactly at `end`. Rejects option 52 unless
  // `allow_overload`.
  absl::Status ParseArea(std::span<const uint8_t> wire, size_t begin, size_t end,
                         bool allow_overload) {
    size_t pos = begin;
    while (pos < end) {
      const uint8_t code = wire[pos];
      if (code == kOptionPad) {
        ++pos;
        continue;
      }
      if (code == kOptionEnd) return absl::OkStatus();
      if (end - pos < 2) {
        return absl::InvalidArgumentError(absl::StrCat("option ", code, " at offset ", pos,
                                                       " has no length byte: ", AreaName(begin),
                                                       " ends at offset ", end));
      }
      const size_t len = wire[pos + 1];
      const size_t remain = end - pos - 2;
      if (len > remain) {
        return absl::InvalidArgumentError(absl::StrCat("option ", code, " at offset ", pos,
                                                       " claims ", len, " bytes but only ", remain,
                                                       " remain in ", AreaName(begin)));
      }
      if (code == kOptionOverload && !allow_overload) {
        return absl::InvalidArgumentError(
            absl::StrCat("option 52 (overload) at offset ", pos, " is in ", AreaName(begin),
                         "; it is only allowed in the options field"));
      }
      Append(code, wire.data() + pos + 2, len);
      pos += 2 + len;
    }
    return absl::OkStatus();
  }

  const std::vector<uint8_t>* Find(uint8_t code) const {
    return slot_[code] == 0 ? nullptr : &out_[slot_[code] - 1].second;
  }

  void Remove(uint8_t code) {
    const uint8_t slot = slot_[code];
    if (slot == 0) return;
    out_.erase(out_.begin() + (slot - 1));
    slot_[code] = 0;
    for (uint8_t& s : slot_) {
      if (s > slot) --s;
    }
  }

 private:
  void Append(uint8_t code, const uint8_t* data, size_t len) {
    uint8_t& slot = slot_[code];
    if (slot == 0) {
      // At most 254 distinct codes (0 and 255 carry no data), so slot fits.
      out_.emplace_back(code, std::vector<uint8_t>(data, data + len));
      slot = static_cast<uint8_t>(out_.size());
    } else {
      std::vector<uint8_t>& v = out_[slot - 1].second;
      v.insert(v.end(), data, data + len);
    }
  }

  std::vector<Packet4::Option>& out_;
  uint8_t slot_[256];  // index + 1 into out_, 0 = not seen yet
};

// Bytes `data_size` bytes of option data take on the wire (RFC 3396 split).
size_t EncodedSize(size_t data_size) {
  const size_t instances = data_size == 0 ? 1 : (data_size + kMaxInstance - 1) / kMaxInstance;
  return 2 * instances + data_size;
}

// One option instance on the wire: code, length (<= 255), data.
struct Instance {
  uint8_t code;
  uint8_t len;
  const uint8_t* data;
};

// A region of the output that holds options and ends with END.
struct Area {
  size_t begin;
  size_t capacity;  // bytes, including the END byte
  size_t used = 0;

  bool Fits(size_t n) const { return used + n + 1 <= capacity; }  // +1: END
  void Put(uint8_t* out, const Instance& in) {
    uint8_t* p = out + begin + used;
    p[0] = in.code;
    p[1] = in.len;
    if (in.len > 0) std::memcpy(p + 2, in.data, in.len);
    used += 2 + in.len;
  }
};

bool AllZero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

// Calls f(Instance) for each wire instance of `data`, at least one.
template <typename F>
void ForEachInstance(uint8_t code, const std::vector<uint8_t>& data, F&& f) {
  size_t off = 0;
  do {
    const size_t len = std::min(kMaxInstance, data.size() - off);
    f(Instance{code, static_cast<uint8_t>(len), data.data() + off});
    off += len;
  } while (off < data.size());
}

}  // namespace

absl::StatusOr<Packet4> Packet4::Parse(std::span<const uint8_t> wire) {
  if (wire.size() < kOptionsOffset) {
    return absl::InvalidArgumentError(
        absl::StrCat("truncated: ", wire.size(), " bytes, a DHCPv4 message needs at least ",
                     kOptionsOffset, " (236-byte header and 4-byte magic cookie)"));
  }
  const uint8_t* w = wire.data();
  if (w[2] > kMaxHlen) {
    return absl::InvalidArgumentError(
        absl::StrCat("hlen is ", w[2], " but chaddr holds at most ", kMaxHlen, " bytes"));
  }
  if (Read32(w + kCookieOffset) != kMagicCookie) {
    return absl::InvalidArgumentError(
        absl::StrFormat("missing magic cookie: bytes 236-239 are %02x %02x %02x %02x, expected "
                        "63 82 53 63",
                        w[236], w[237], w[238], w[239]));
  }

  Packet4 p;
  p.op = w[0];
  p.htype = w[1];
  p.hlen = w[2];
  p.hops = w[3];
  p.xid = Read32(w + 4);
  p.secs = Read16(w + 8);
  p.flags = Read16(w + 10);
  p.ciaddr = Ipv4Address::FromBytes(w + 12);
  p.yiaddr = Ipv4Address::FromBytes(w + 16);
  p.siaddr = Ipv4Address::FromBytes(w + 20);
  p.giaddr = Ipv4Address::FromBytes(w + 24);
  std::memcpy(p.chaddr.data(), w + 28, p.chaddr.size());
  std::memcpy(p.sname.data(), w + kSnameOffset, p.sname.size());
  std::memcpy(p.file.data(), w + kFileOffset, p.file.size());

  p.options_.reserve(16);
  OptionCollector collector(p.options_);
  if (absl::Status s = collector.ParseArea(wire, kOptionsOffset, wire.size(), true); !s.ok()) {
    return s;
  }

  // Option overload (RFC 2131 §4.1): 'file' is read next, then 'sname'.
  if (const std::vector<uint8_t>* v = collector.Find(kOptionOverload)) {
    if (v->size() != 1 || (*v)[0] < 1 || (*v)[0] > 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option 52 (overload) must be 1 byte with value 1, 2 or 3, got ", v->size(),
          v->size() == 1 ? absl::StrCat(" byte with value ", (*v)[0]) : std::string(" bytes")));
    }
    const uint8_t mode = (*v)[0];
    collector.Remove(kOptionOverload);
    if (mode & 1) {
      if (absl::Status s =
              collector.ParseArea(wire, kFileOffset, kFileOffset + p.file.size(), false);
          !s.ok()) {
        return s;
      }
      p.file.fill(0);
    }
    if (mode & 2) {
      if (absl::Status s =
              collector.ParseArea(wire, kSnameOffset, kSnameOffset + p.sname.size(), false);
          !s.ok()) {
        return s;
      }
      p.sname.fill(0);
    }
  }

  // Keep option 53 first (the order Serialize writes).
  auto type = std::find_if(p.options_.begin(), p.options_.end(),
                           [](const Option& o) { return o.first == kOptionMessageType; });
  if (type != p.options_.end()) std::rotate(p.options_.begin(), type, type + 1);
  return p;
}

absl::StatusOr<std::vector<uint8_t>> Packet4::Serialize(size_t max_size) const {
  if (hlen > kMaxHlen) {
    return absl::InvalidArgumentError(
        absl::StrCat("hlen is ", hlen, " but chaddr holds at most ", kMaxHlen, " bytes"));
  }
  max_size = std::max(max_size, kMinMaxSize);

  size_t needed = 1;  // END
  for (const auto& [code, data] : options_) {
    if (code == kOptionPad || code == kOptionEnd) {
      return absl::InvalidArgumentError(
          absl::StrCat("option code ", code, " is ", code == kOptionPad ? "PAD" : "END",
                       " and cannot carry data; use a code from 1 to 254"));
    }
    if (code != kOptionOverload) needed += EncodedSize(data.size());
  }

  std::vector<uint8_t> out;
  const bool overload = kOptionsOffset + needed > max_size;
  out.resize(overload ? max_size : std::max(kMinSerializedSize, kOptionsOffset + needed), 0);

  uint8_t* w = out.data();
  w[0] = op;
  w[1] = htype;
  w[2] = hlen;
  w[3] = hops;
  Write32(w + 4, xid);
  Write16(w + 8, secs);
  Write16(w + 10, flags);
  ciaddr.ToBytes(w + 12);
  yiaddr.ToBytes(w + 16);
  siaddr.ToBytes(w + 20);
  giaddr.ToBytes(w + 24);
  std::memcpy(w + 28, chaddr.data(), chaddr.size());
  std::memcpy(w + kSnameOffset, sname.data(), sname.size());
  std::memcpy(w + kFileOffset, file.data(), file.size());
  Write32(w + kCookieOffset, kMagicCookie);

  if (!overload) {
    Area area{kOptionsOffset, out.size() - kOptionsOffset};
    for (const auto& [code, data] : options_) {
      if (code == kOptionOverload) continue;
      ForEachInstance(code, data, [&](const Instance& in) { area.Put(w, in); });
    }
    w[kOptionsOffset + area.used] = kOptionEnd;
    return out;
  }

  // Overload: the options field, then 'file', then 'sname' (the order Parse
  // reads them in), each ending in END. Each instance goes into the first
  // area with room for it whole, but never before an earlier instance of the
  // same option, so RFC 3396 concatenation restores the data. Option 52 goes
  // right after option 53; its value is patched in once the areas are known.
  Area areas[3] = {{kOptionsOffset, max_size - kOptionsOffset}};
  size_t num_areas = 1;
  const bool file_free = AllZero(file);
  const bool sname_free = AllZero(sname);
  if (file_free) areas[num_areas++] = Area{kFileOffset, file.size()};
  if (sname_free) areas[num_areas++] = Area{kSnameOffset, sname.size()};

  bool placed_all = true;
  size_t overload_pos = 0;  // offset of option 52's value byte
  auto place_overload = [&] {
    static constexpr uint8_t kUnknownYet = 0;
    if (!areas[0].Fits(3)) {
      placed_all = false;
      return;
    }
    overload_pos = areas[0].begin + areas[0].used + 2;
    areas[0].Put(w, Instance{kOptionOverload, 1, &kUnknownYet});
  };

  bool overload_placed = false;
  for (const auto& [code, data] : options_) {
    if (code == kOptionOverload) continue;
    if (code != kOptionMessageType && !overload_placed) {
      place_overload();
      overload_placed = true;
    }
    size_t area = 0;
    ForEachInstance(code, data, [&](const Instance& in) {
      while (area < num_areas && !areas[area].Fits(2 + size_t{in.len})) ++area;
      if (area == num_areas) {
        placed_all = false;
        return;
      }
      areas[area].Put(w, in);
    });
    if (!placed_all) break;
  }
  if (!overload_placed) place_overload();
  if (!placed_all) {
    return absl::ResourceExhaustedError(
        absl::StrCat("options need ", needed, " bytes but do not fit in a ", max_size,
                     "-byte message even with overload into ",
                     file_free && sname_free ? "'file' and 'sname'"
                     : file_free             ? "'file' ('sname' holds a server name)"
                     : sname_free            ? "'sname' ('file' holds a boot file name)"
                                             : "nothing ('file' and 'sname' are in use)"));
  }

  uint8_t mode = 0;
  for (size_t i = 0; i < num_areas; ++i) {
    Area& a = areas[i];
    if (i > 0 && a.used == 0) continue;
    w[a.begin + a.used] = kOptionEnd;
    // Unused trailing bytes are already zero (PAD).
    if (a.begin == kFileOffset) mode |= 1;
    if (a.begin == kSnameOffset) mode |= 2;
  }
  w[overload_pos] = mode;
  out.resize(std::max(kMinSerializedSize, kOptionsOffset + areas[0].used + 1));
  return out;
}

const std::vector<uint8_t>* Packet4::GetOption(uint8_t code) const {
  for (const Option& o : options_) {
    if (o.first == code) return &o.second;
  }
  return nullptr;
}

void Packet4::SetOption(uint8_t code, std::vector<uint8_t> data) {
  for (Option& o : options_) {
    if (o.first == code) {
      o.second = std::move(data);
      return;
    }
  }
  if (code == kOptionMessageType) {
    options_.emplace(options_.begin(), code, std::move(data));
  } else {
    options_.emplace_back(code, std::move(data));
  }
}

void Packet4::RemoveOption(uint8_t code) {
  std::erase_if(options_, [code](const Option& o) { return o.first == code; });
}

MessageType PeekMessageType(std::span<const uint8_t> wire) {
  if (wire.size() < Packet4::kOptionsOffset ||
      Read32(wire.data() + Packet4::kCookieOffset) != kMagicCookie) {
    return MessageType::kNone;
  }
  size_t pos = Packet4::kOptionsOffset;
  while (pos < wire.size() && wire[pos] != kOptionEnd) {
    if (wire[pos] == kOptionPad) {
      ++pos;
      continue;
    }
    if (pos + 1 >= wire.size() || pos + 2 + wire[pos + 1] > wire.size()) break;  // truncated
    if (wire[pos] == kOptionMessageType) {
      return wire[pos + 1] == 1 ? static_cast<MessageType>(wire[pos + 2]) : MessageType::kNone;
    }
    pos += 2 + wire[pos + 1];
  }
  return MessageType::kNone;
}

MessageType Packet4::message_type() const {
  const std::vector<uint8_t>* v = GetOption(kOptionMessageType);
  if (v == nullptr || v->size() != 1) return MessageType::kNone;
  return static_cast<MessageType>((*v)[0]);
}

std::span<const uint8_t> Packet4::hw_address() const {
  return std::span<const uint8_t>(chaddr.data(), std::min<size_t>(hlen, chaddr.size()));
}

std::string Packet4::Describe() const {
  const MessageType type = message_type();
  std::string out = type == MessageType::kNone || uint8_t(type) > uint8_t(MessageType::kInform)
                        ? absl::StrCat("type=", uint8_t(type))
                        : std::string(MessageTypeName(type));
  absl::StrAppendFormat(&out, " xid=0x%08x chaddr=", xid);
  static constexpr char kHex[] = "0123456789abcdef";
  const std::span<const uint8_t> hw = hw_address();
  for (size_t i = 0; i < hw.size(); ++i) {
    if (i > 0) out += ':';
    out += kHex[hw[i] >> 4];
    out += kHex[hw[i] & 0xf];
  }
  if (hw.empty()) out += '-';
  absl::StrAppend(&out, " ciaddr=", ciaddr.ToString(), " giaddr=", giaddr.ToString());
  return out;
}

absl::StatusOr<std::vector<std::pair<uint8_t, std::vector<uint8_t>>>> ParseRelayAgentInfo(
    std::span<const uint8_t> option82) {
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> result;
  size_t pos = 0;
  while (pos < option82.size()) {
    const uint8_t code = option82[pos];
    if (option82.size() - pos < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("relay agent information (option 82): sub-option ", code, " at offset ", pos,
                       " has no length byte"));
    }
    const size_t len = option82[pos + 1];
    const size_t remain = option82.size() - pos - 2;
    if (len > remain) {
      return absl::InvalidArgumentError(
          absl::StrCat("relay agent information (option 82): sub-option ", code, " at offset ", pos,
                       " claims ", len, " bytes but only ", remain, " remain"));
    }
    const uint8_t* data = option82.data() + pos + 2;
    result.emplace_back(code, std::vector<uint8_t>(data, data + len));
    pos += 2 + len;
  }
  return result;
}

}  // namespace shoal::dhcp
