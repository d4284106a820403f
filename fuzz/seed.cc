#include "fuzz/seed.h"

#include <cstring>

#include "tests/cpp/fake_heap.h"

namespace nodegdb::fuzz {

namespace {

// Reads little-endian values off a byte range; every read past the end
// fails and leaves the reader failed.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool ok() const { return ok_; }
  size_t left() const { return ok_ ? static_cast<size_t>(end_ - p_) : 0; }
  template <typename T>
  T Get() {
    T v{};
    if (!ok_ || left() < sizeof v) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, p_, sizeof v);
    p_ += sizeof v;
    return v;
  }
  bool Bytes(size_t n, std::vector<uint8_t>* out) {
    if (!ok_ || left() < n) return ok_ = false;
    out->assign(p_, p_ + n);
    p_ += n;
    return true;
  }
  bool String(size_t n, std::string* out) {
    if (!ok_ || left() < n) return ok_ = false;
    out->assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  std::string ShortString() {
    std::string s;
    String(Get<uint16_t>(), &s);
    return s;
  }
  bool Skip(size_t n) {
    if (!ok_ || left() < n) return ok_ = false;
    p_ += n;
    return true;
  }

  const uint8_t* position() const { return p_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

class Writer {
 public:
  template <typename T>
  void Put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  }
  void Bytes(const std::vector<uint8_t>& b) { out.insert(out.end(), b.begin(), b.end()); }
  void ShortString(const std::string& s) {
    size_t n = std::min<size_t>(s.size(), 0xffff);
    Put<uint16_t>(static_cast<uint16_t>(n));
    out.insert(out.end(), s.begin(), s.begin() + static_cast<long>(n));
  }
  std::vector<uint8_t> out;
};

Seed FromGarbage(const uint8_t* data, size_t size) {
  Seed seed;
  seed.from_garbage = true;
  seed.v8dbg = testing::Node20Constants();
  size = std::min(size, kMaxRegionBytes);
  constexpr uint64_t kBase = 0x10000000;
  seed.regions.emplace_back(kBase, std::vector<uint8_t>(data, data + size));
  // Every word that could be a tagged pointer into the region, and the
  // region's first words as values.
  for (size_t i = 0; i + 8 <= size && seed.roots.size() < kMaxRoots; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    if ((w & 3) == 1 && w - 1 >= kBase && w - 1 < kBase + size) seed.roots.push_back(w);
  }
  for (size_t i = 0; i < size && i < 8 * 8 && seed.roots.size() < kMaxRoots; i += 8) seed.roots.push_back(kBase + i + 1);
  if (size >= 8) {
    uint64_t w;
    std::memcpy(&w, data, 8);
    seed.roots.push_back(w);
  }
  return seed;
}

// What BytecodeTables::FromBinary guarantees of the tables it returns (the
// binary's own tables are checked there): the decoders may rely on it.
bool TablesAreConsistent(const BytecodeTables& t) {
  if (t.bytecodes.size() < 32 || t.bytecodes.size() > 256) return false;
  for (const BytecodeDef& b : t.bytecodes) {
    if (b.operand_types.size() > 8) return false;
    for (int s = 0; s < 3; s++) {
      if (!b.operand_types.empty() && b.operand_sizes[s].size() != b.operand_types.size()) return false;
      if (b.operand_types.empty() && !b.operand_sizes[s].empty()) return false;
      unsigned total = 1;
      for (uint8_t size : b.operand_sizes[s]) {
        if (size != 0 && size != 1 && size != 2 && size != 4) return false;
        total += size;
      }
      if (b.size[s] != total) return false;
    }
  }
  const int n = static_cast<int>(t.bytecodes.size());
  for (int prefix : {t.wide, t.extra_wide, t.debug_break_wide, t.debug_break_extra_wide}) {
    if (prefix < -1 || prefix >= n) return false;
  }
  for (int id : t.intrinsic_runtime_ids) {
    if (id < 0 || static_cast<size_t>(id) >= t.runtime_names.size()) return false;
  }
  return true;
}

}  // namespace

std::vector<uint8_t> SerializeTables(const BytecodeTables& t) {
  Writer w;
  w.Put<uint16_t>(static_cast<uint16_t>(t.bytecodes.size()));
  for (const BytecodeDef& b : t.bytecodes) {
    w.ShortString(b.name);
    w.Put<uint8_t>(static_cast<uint8_t>(b.operand_types.size()));
    for (uint8_t type : b.operand_types) w.Put(type);
    for (int s = 0; s < 3; s++) {
      w.Put<uint8_t>(static_cast<uint8_t>(b.operand_sizes[s].size()));
      for (uint8_t size : b.operand_sizes[s]) w.Put(size);
      w.Put(b.size[s]);
    }
  }
  w.Put<uint16_t>(static_cast<uint16_t>(t.kinds.size()));
  for (OperandKind k : t.kinds) w.Put<uint8_t>(static_cast<uint8_t>(k));
  w.Put<uint16_t>(static_cast<uint16_t>(t.signed_types.size()));
  for (bool s : t.signed_types) w.Put<uint8_t>(s);
  for (int v : {t.wide, t.extra_wide, t.debug_break_wide, t.debug_break_extra_wide}) w.Put<int32_t>(v);
  w.Put<uint32_t>(static_cast<uint32_t>(t.runtime_names.size()));
  for (const std::string& s : t.runtime_names) w.ShortString(s);
  w.Put<uint32_t>(static_cast<uint32_t>(t.intrinsic_runtime_ids.size()));
  for (int id : t.intrinsic_runtime_ids) w.Put<int32_t>(id);
  w.Put<uint32_t>(static_cast<uint32_t>(t.native_context_names.size()));
  for (const std::string& s : t.native_context_names) w.ShortString(s);
  w.Put<int32_t>(t.native_context_first);
  w.Put<uint8_t>(t.style.constant_pool_values);
  w.Put<uint8_t>(t.style.hex_flags);
  for (int v : {t.frame.context, t.frame.closure, t.frame.register_file_start, t.frame.first_parameter}) {
    w.Put<int32_t>(v);
  }
  w.ShortString(t.v8_version);
  return w.out;
}

std::optional<BytecodeTables> ParseTables(const uint8_t* data, size_t size) {
  Reader r(data, size);
  BytecodeTables t;
  t.bytecodes.resize(std::min<size_t>(r.Get<uint16_t>(), 256));
  for (BytecodeDef& b : t.bytecodes) {
    b.name = r.ShortString();
    r.Bytes(r.Get<uint8_t>(), &b.operand_types);
    for (int s = 0; s < 3; s++) {
      r.Bytes(r.Get<uint8_t>(), &b.operand_sizes[s]);
      b.size[s] = r.Get<uint8_t>();
    }
  }
  t.kinds.resize(r.Get<uint16_t>());
  for (OperandKind& k : t.kinds) {
    uint8_t v = r.Get<uint8_t>();
    k = v <= static_cast<uint8_t>(OperandKind::kAbortReason) ? static_cast<OperandKind>(v) : OperandKind::kUnknown;
  }
  t.signed_types.resize(r.Get<uint16_t>());
  for (size_t i = 0; i < t.signed_types.size(); i++) t.signed_types[i] = r.Get<uint8_t>() != 0;
  t.wide = r.Get<int32_t>();
  t.extra_wide = r.Get<int32_t>();
  t.debug_break_wide = r.Get<int32_t>();
  t.debug_break_extra_wide = r.Get<int32_t>();
  uint32_t n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < 4096; i++) t.runtime_names.push_back(r.ShortString());
  n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < 4096; i++) t.intrinsic_runtime_ids.push_back(r.Get<int32_t>());
  n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < 4096; i++) t.native_context_names.push_back(r.ShortString());
  t.native_context_first = r.Get<int32_t>();
  t.style.constant_pool_values = r.Get<uint8_t>() != 0;
  t.style.hex_flags = r.Get<uint8_t>() != 0;
  t.frame.context = r.Get<int32_t>();
  t.frame.closure = r.Get<int32_t>();
  t.frame.register_file_start = r.Get<int32_t>();
  t.frame.first_parameter = r.Get<int32_t>();
  t.v8_version = r.ShortString();
  if (!r.ok() || !TablesAreConsistent(t)) return std::nullopt;
  return t;
}

Seed ParseSeed(const uint8_t* data, size_t size, ParseCache* cache) {
  if (size < kMagicSize || std::memcmp(data, kMagic, kMagicSize) != 0) {
    Seed seed = FromGarbage(data, size);
    if (cache) seed.metadata = std::make_shared<const Metadata>(Metadata::FromTable(seed.v8dbg, {}, seed.v8_major));
    return seed;
  }
  Reader r(data + kMagicSize, size - kMagicSize);
  Seed seed;
  seed.v8_major = r.Get<uint8_t>();
  seed.node_major = r.Get<uint8_t>();
  seed.environment_index = r.Get<int32_t>();
  const uint8_t* constants_begin = r.position();
  uint32_t n = r.Get<uint32_t>();
  bool cached = false;
  if (cache && cache->metadata) {
    // The same bytes as last time: skip them.
    const size_t length = cache->constants_bytes.size();
    if (length >= 4 && r.left() + 4 >= length && std::memcmp(constants_begin, cache->constants_bytes.data(), length) == 0) {
      r.Skip(length - 4);
      seed.metadata = cache->metadata;
      cached = true;
    }
  }
  if (!cached) {
    for (uint32_t i = 0; i < n && r.ok() && i < kMaxConstants; i++) {
      std::string name = r.ShortString();
      int64_t value = r.Get<int64_t>();
      if (r.ok()) seed.v8dbg[name] = value;
    }
    if (cache) {
      seed.metadata = std::make_shared<const Metadata>(Metadata::FromTable(seed.v8dbg, {}, seed.v8_major));
      seed.v8dbg.clear();
      if (r.ok()) {
        cache->constants_bytes.assign(constants_begin, r.position());
        cache->metadata = seed.metadata;
      }
    }
  }
  n = r.Get<uint32_t>();
  size_t total = 0;
  for (uint32_t i = 0; i < n && r.ok() && i < kMaxRegions; i++) {
    uint64_t address = r.Get<uint64_t>();
    uint32_t length = r.Get<uint32_t>();
    if (length > kMaxRegionBytes || total + length > kMaxTotalBytes) break;
    std::vector<uint8_t> bytes;
    if (!r.Bytes(length, &bytes)) break;
    total += length;
    seed.regions.emplace_back(address, std::move(bytes));
  }
  n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < kMaxRoots; i++) {
    uint64_t root = r.Get<uint64_t>();
    if (r.ok()) seed.roots.push_back(root);
  }
  uint32_t tables_size = r.Get<uint32_t>();
  if (tables_size && r.left() >= tables_size) {
    const uint8_t* tables = r.position();
    r.Skip(tables_size);
    if (cache && cache->tables_bytes.size() == tables_size &&
        std::memcmp(tables, cache->tables_bytes.data(), tables_size) == 0) {
      seed.tables = cache->tables;
    } else {
      seed.tables = ParseTables(tables, tables_size);
      if (cache) {
        cache->tables_bytes.assign(tables, tables + tables_size);
        cache->tables = seed.tables;
      }
    }
  }
  seed.binary = r.ShortString();
  seed.load_bias = r.Get<uint64_t>();
  if (!r.ok()) seed.binary.clear();
  n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < 4096; i++) {
    Seed::Mapping m;
    m.start = r.Get<uint64_t>();
    m.end = r.Get<uint64_t>();
    m.offset = r.Get<uint64_t>();
    m.path = r.ShortString();
    if (r.ok()) seed.mappings.push_back(std::move(m));
  }
  n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok() && i < 64; i++) {
    Seed::Thread t;
    t.pc = r.Get<uint64_t>();
    t.sp = r.Get<uint64_t>();
    t.fp = r.Get<uint64_t>();
    if (r.ok()) seed.threads.push_back(t);
  }
  return seed;
}

std::vector<uint8_t> SerializeSeed(const Seed& seed) {
  Writer w;
  w.out.assign(kMagic, kMagic + kMagicSize);
  w.Put<uint8_t>(static_cast<uint8_t>(seed.v8_major));
  w.Put<uint8_t>(static_cast<uint8_t>(seed.node_major));
  w.Put<int32_t>(static_cast<int32_t>(seed.environment_index));
  w.Put<uint32_t>(static_cast<uint32_t>(seed.v8dbg.size()));
  for (const auto& [name, value] : seed.v8dbg) {
    w.ShortString(name);
    w.Put<int64_t>(value);
  }
  w.Put<uint32_t>(static_cast<uint32_t>(seed.regions.size()));
  for (const auto& [address, bytes] : seed.regions) {
    w.Put<uint64_t>(address);
    w.Put<uint32_t>(static_cast<uint32_t>(bytes.size()));
    w.Bytes(bytes);
  }
  w.Put<uint32_t>(static_cast<uint32_t>(seed.roots.size()));
  for (uint64_t root : seed.roots) w.Put<uint64_t>(root);
  if (seed.tables) {
    std::vector<uint8_t> tables = SerializeTables(*seed.tables);
    w.Put<uint32_t>(static_cast<uint32_t>(tables.size()));
    w.Bytes(tables);
  } else {
    w.Put<uint32_t>(0);
  }
  w.ShortString(seed.binary);
  w.Put<uint64_t>(seed.load_bias);
  w.Put<uint32_t>(static_cast<uint32_t>(seed.mappings.size()));
  for (const Seed::Mapping& m : seed.mappings) {
    w.Put<uint64_t>(m.start);
    w.Put<uint64_t>(m.end);
    w.Put<uint64_t>(m.offset);
    w.ShortString(m.path);
  }
  w.Put<uint32_t>(static_cast<uint32_t>(seed.threads.size()));
  for (const Seed::Thread& t : seed.threads) {
    w.Put<uint64_t>(t.pc);
    w.Put<uint64_t>(t.sp);
    w.Put<uint64_t>(t.fp);
  }
  return w.out;
}

}  // namespace nodegdb::fuzz
