#include "core/heap/heap_refs.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "core/heap/object_slots.h"
#include "core/heap/receiver_slots.h"
#include "core/v8/context.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/string.h"

namespace nodegdb {

namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '_' || c == '$' || c >= 0x80)) return false;
  }
  return true;
}

// ".name", "['odd key']", "[Symbol(x)]", "[3]".
std::string Accessor(Heap& heap, const Tagged& key) {
  try {
    if (key.is_smi()) return "[" + std::to_string(key.smi) + "]";
    KeyText k = ReadKey(heap, key);
    if (k.is_symbol) return "[" + k.text + "]";
    if (IsIdentifier(k.text)) return "." + k.text;
    return "['" + k.text + "']";
  } catch (const Error&) {
    return "[?]";
  }
}

std::string OffsetText(uint64_t offset) { return "+" + Hex(offset); }

struct Hit {
  uint64_t holder;  // untagged
  uint64_t slot;
  bool weak;
  int type;
  uint64_t map;
  uint64_t target;  // tagged (strong)
};

// The words that refer to one of the targets: two compares for one target,
// a range check then a set for several.
class Targets {
 public:
  explicit Targets(const std::vector<uint64_t>& targets) : set_(targets.begin(), targets.end()) {
    for (uint64_t t : targets) lo_ = std::min(lo_, t), hi_ = std::max(hi_, t);
    if (targets.size() == 1) single_ = targets[0];
  }
  // The target `word` refers to (0 if none); *weak if through a weak reference.
  uint64_t Match(uint64_t word, bool* weak) const {
    if (single_) {
      if (word != single_ && word != (single_ | 2)) return 0;
      *weak = word != single_;
      return single_;
    }
    const uint64_t strong = word & ~uint64_t{2};
    if ((word & 1) == 0 || strong < lo_ || strong > hi_ || !set_.count(strong)) return 0;
    *weak = strong != word;
    return strong;
  }

 private:
  std::unordered_set<uint64_t> set_;
  uint64_t lo_ = UINT64_MAX, hi_ = 0, single_ = 0;
};

class ReferenceScanner : public ObjectVisitor {
 public:
  ReferenceScanner(Heap& heap, const SlotPlan& plan, const Targets& targets, size_t limit)
      : heap_(heap), plan_(plan), targets_(targets), limit_(limit) {}
  void Visit(const ObjectRef& o) override {
    ForEachSlot(heap_, plan_, o, [&](uint64_t off, uint64_t w) { Check(o, off, w); });
  }
  std::vector<Hit> hits;
  uint64_t total = 0;  // every reference seen; only the first limit_ are kept
  std::unordered_map<uint64_t, uint64_t> per_target;  // every reference seen, by target

 private:
  void Check(const ObjectRef& o, uint64_t offset, uint64_t word) {
    bool weak = false;
    const uint64_t target = targets_.Match(word, &weak);
    if (!target) return;
    ++total;
    ++per_target[target];
    if (hits.size() < limit_) hits.push_back({o.address, o.address + offset, weak, o.facts->type, o.map, target});
  }
  Heap& heap_;
  const SlotPlan& plan_;
  const Targets& targets_;
  size_t limit_;
};

// JS objects whose properties, elements or collection table is one of `stores`.
class OwnerScanner : public ObjectVisitor {
 public:
  OwnerScanner(const std::unordered_set<uint64_t>& stores, int first_receiver)
      : stores_(stores), first_receiver_(first_receiver) {}
  void Visit(const ObjectRef& o) override {
    if (o.facts->type < first_receiver_) return;
    for (uint64_t off : {8, 16, 24}) {
      if (off + 8 > o.available || off + 8 > o.size) break;
      uint64_t w;
      std::memcpy(&w, o.bytes + off, 8);
      if (stores_.count(w) && !owners.count(w)) owners[w] = o.address;
    }
  }
  std::unordered_map<uint64_t, uint64_t> owners;  // store (tagged) -> owner (untagged)

 private:
  const std::unordered_set<uint64_t>& stores_;
  int first_receiver_;
};

class Describer {
 public:
  Describer(HeapWalker& walker, ObjectNamer& namer) : heap_(walker.heap()), walker_(walker), namer_(namer) {
    const InstanceTypes& t = walker.sizer().types();
    fixed_array_ = t.Find("FIXED_ARRAY_TYPE");
    property_array_ = t.Find("PROPERTY_ARRAY_TYPE");
    name_dictionary_ = t.Find("NAME_DICTIONARY_TYPE");
    number_dictionary_ = t.Find("NUMBER_DICTIONARY_TYPE");
    ordered_map_ = t.Find("ORDERED_HASH_MAP_TYPE");
    ordered_set_ = t.Find("ORDERED_HASH_SET_TYPE");
    ephemeron_ = t.Find("EPHEMERON_HASH_TABLE_TYPE");
    property_cell_ = t.Find("PROPERTY_CELL_TYPE");
    first_receiver_ = heap_.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
  }

  bool IsStore(int type) const {
    return type == fixed_array_ || type == property_array_ || type == name_dictionary_ ||
           type == number_dictionary_ || type == ordered_map_ || type == ordered_set_ || type == ephemeron_;
  }
  int first_receiver() const { return first_receiver_; }

  HeapReference Describe(const Hit& hit, const std::unordered_map<uint64_t, uint64_t>& owners) {
    const uint64_t tag = heap_.layout().tagging.heap_object_tag;
    HeapReference r;
    r.target = hit.target;
    r.holder = hit.holder + tag;
    r.slot = hit.slot;
    r.weak = hit.weak;
    const uint64_t offset = hit.slot - hit.holder;
    try {
      r.holder_class = namer_.Name(namer_.ClassOfAddress(hit.holder));
    } catch (const Error&) {
      r.holder_class = "?";
    }
    auto owner_it = owners.find(r.holder);
    if (owner_it != owners.end()) {
      r.owner = owner_it->second + tag;
      try {
        r.owner_class = namer_.Name(namer_.ClassOfAddress(owner_it->second));
      } catch (const Error&) {
        r.owner_class = "?";
      }
    }
    try {
      r.slot_name = SlotName(hit, offset, r);
    } catch (const Error&) {
      r.slot_name = r.holder_class + OffsetText(offset);
    }
    return r;
  }

 private:
  std::string SlotName(const Hit& hit, uint64_t offset, const HeapReference& r) {
    const int type = hit.type;
    const int64_t slot = (static_cast<int64_t>(offset) - 16) / 8;  // FixedArray-like index
    const std::string& owner = r.owner ? r.owner_class : r.holder_class;
    const uint64_t owner_address = r.owner ? r.owner - heap_.layout().tagging.heap_object_tag : 0;
    if (type >= first_receiver_) return ReceiverSlot(hit.holder, hit.map, offset, r.holder_class);
    if (IsContextType(heap_, type)) {
      if (offset == 16) return "Context.(scope info)";
      if (offset == 24) return "Context.(previous context)";
      ContextInfo c = ReadContext(heap_, hit.holder);
      for (const ContextVariable& v : c.variables) {
        if (v.slot == slot) return "Context." + v.name;
      }
      if (c.has_extension && slot == 2) return "Context.(extension)";
      return std::string(ContextClassName(c.kind)) + "[" + std::to_string(slot) + "]";
    }
    if (heap_.IsString(type)) return StringSlot(type, offset, r.holder_class);
    if (type == property_cell_ && offset == 24) {
      return "global" + Accessor(heap_, heap_.ReadTagged(hit.holder + 8));
    }
    if (type == property_array_ && owner_address) {
      MapInfo mi = ReadMap(heap_, heap_.MapOf(owner_address));
      for (const OwnProperty& p : ReadOwnProperties(heap_, owner_address, mi, 1 << 16)) {
        if (p.where == OwnProperty::Where::kPropertyArray && p.index == slot) return owner + Accessor(heap_, p.key);
      }
      return owner + ".(properties)[" + std::to_string(slot) + "]";
    }
    if (type == fixed_array_ && slot >= 0) return owner + "[" + std::to_string(slot) + "]";
    if (type == name_dictionary_ && slot >= 6) {
      // Entries of (key, value, details) after the 3 counts and 3 prefix slots.
      int64_t field = (slot - 6) % 3;
      if (field == 1) return owner + Accessor(heap_, heap_.ReadTagged(hit.holder + 16 + 8 * static_cast<uint64_t>(slot - 1)));
      if (field == 0) return owner + " (a property key)";
    }
    if (type == number_dictionary_ && slot >= 4) {
      int64_t field = (slot - 4) % 3;  // one prefix slot
      if (field == 1) return owner + Accessor(heap_, heap_.ReadTagged(hit.holder + 16 + 8 * static_cast<uint64_t>(slot - 1)));
    }
    if ((type == ordered_map_ || type == ordered_set_) && slot >= 3) {
      Tagged buckets = heap_.ReadTagged(hit.holder + 16 + 16);
      int64_t e = slot - 3 - (buckets.is_smi() ? buckets.smi : 0);
      if (e >= 0) {
        const bool is_map = type == ordered_map_;
        const int64_t field = e % (is_map ? 3 : 2);
        const std::string coll = r.owner ? owner : std::string(is_map ? "Map" : "Set");
        if (!is_map) return coll + " entry";
        if (field == 0) return coll + " key";
        if (field == 1) {
          Tagged key = heap_.ReadTagged(hit.holder + 16 + 8 * static_cast<uint64_t>(slot - 1));
          return coll + ".get(" + KeyBrief(key) + ")";
        }
      }
    }
    if (type == ephemeron_ && slot >= 3) {
      const std::string coll = r.owner ? owner : std::string("WeakMap");
      return coll + ((slot - 3) % 2 == 0 ? " key" : " value");
    }
    return r.holder_class + OffsetText(offset);
  }

  // A string's parts: "(ConsString).first", "(SlicedString).parent", "(ThinString).actual".
  std::string StringSlot(int type, uint64_t offset, const std::string& cls) {
    const Layout& l = heap_.layout();
    const int64_t rep = l.string_representation_mask >= 0 ? (type & l.string_representation_mask) : -1;
    const int64_t at = static_cast<int64_t>(offset);
    if (rep == l.cons_string_tag && at == l.cons_first) return cls + ".first";
    if (rep == l.cons_string_tag && at == l.cons_second) return cls + ".second";
    if (rep == l.sliced_string_tag && at == l.sliced_parent) return cls + ".parent";
    if (rep == l.thin_string_tag && at == l.thin_actual) return cls + ".actual";
    return cls + OffsetText(offset);
  }

  std::string KeyBrief(const Tagged& key) {
    if (key.is_smi()) return std::to_string(key.smi);
    if (key.kind != Tagged::Kind::kStrong) return "?";
    int type = heap_.InstanceTypeOf(key.address);
    if (heap_.IsString(type)) {
      StringContents s = ReadString(heap_, key.address, 40);
      return QuoteJsString(s);
    }
    return namer_.Name(namer_.ClassOfAddress(key.address)) + " " + Hex(key.raw);
  }

  std::string ReceiverSlot(uint64_t holder, uint64_t map_word, uint64_t offset, const std::string& cls) {
    if (offset == 8) return cls + ".(properties)";
    if (offset == 16) return cls + ".(elements)";
    Tagged map = heap_.Decode(map_word);
    MapInfo mi = ReadMap(heap_, map.address);
    const int64_t field = static_cast<int64_t>(offset / 8) - mi.inobject_start_words;
    if (field >= 0 && field < mi.inobject_properties) {
      for (const OwnProperty& p : ReadOwnProperties(heap_, holder, mi, 1 << 16)) {
        if (p.where == OwnProperty::Where::kInObject && p.index == field) return cls + Accessor(heap_, p.key);
      }
    }
    return cls + OffsetText(offset);
  }

  Heap& heap_;
  HeapWalker& walker_;
  ObjectNamer& namer_;
  int fixed_array_, property_array_, name_dictionary_, number_dictionary_, ordered_map_, ordered_set_, ephemeron_,
      property_cell_, first_receiver_;
};

}  // namespace

namespace {

// The references to any of `targets` (tagged, strong): one walk for the
// slots, a second for the owners of backing stores among the holders.
std::vector<HeapReference> Collect(HeapWalker& walker, ObjectNamer& namer, const std::vector<uint64_t>& targets,
                                   const ProgressFn& progress, size_t limit, WalkReport* report, uint64_t* total,
                                   std::unordered_map<uint64_t, uint64_t>* per_target) {
  Heap& heap = walker.heap();
  SlotPlan plan = SlotPlanFor(walker);
  Targets matcher(targets);
  ReferenceScanner scanner(heap, plan, matcher, limit);
  WalkReport first = walker.Walk(scanner, progress);
  if (report) *report = first;
  if (total) *total = scanner.total;
  if (per_target) *per_target = scanner.per_target;
  if (first.cancelled) return {};

  Describer describer(walker, namer);
  std::unordered_set<uint64_t> stores;
  for (const Hit& h : scanner.hits) {
    if (describer.IsStore(h.type)) stores.insert(h.holder + heap.layout().tagging.heap_object_tag);
  }
  std::unordered_map<uint64_t, uint64_t> owners;
  if (!stores.empty()) {
    OwnerScanner owner_scanner(stores, describer.first_receiver());
    WalkReport second = walker.Walk(owner_scanner, progress);
    if (second.cancelled) {
      if (report) report->cancelled = true;
      return {};
    }
    owners = std::move(owner_scanner.owners);
  }
  std::vector<HeapReference> out;
  for (const Hit& h : scanner.hits) out.push_back(describer.Describe(h, owners));
  return out;
}

}  // namespace

std::vector<HeapReference> FindReferences(HeapWalker& walker, ObjectNamer& namer, uint64_t target,
                                          const ProgressFn& progress, size_t limit, WalkReport* report,
                                          uint64_t* total) {
  Heap& heap = walker.heap();
  Tagged t = heap.Decode(target);
  if (t.kind != Tagged::Kind::kStrong) {
    throw Error(t.is_smi() && (target & 7) == 0 && target > 0x10000 ? NotTaggedMessage(target)
                                                                     : Hex(target) + " is not a tagged heap object pointer");
  }
  heap.MapOf(t.address);  // a word that is no object is one line, not "0 references"
  return Collect(walker, namer, {target}, progress, limit, report, total, nullptr);
}

std::vector<HeapReference> FindReferencesToAny(HeapWalker& walker, ObjectNamer& namer,
                                               const std::vector<uint64_t>& targets, const ProgressFn& progress,
                                               size_t limit, WalkReport* report,
                                               std::unordered_map<uint64_t, uint64_t>* totals) {
  if (targets.empty()) {
    if (totals) totals->clear();
    return {};
  }
  return Collect(walker, namer, targets, progress, limit, report, nullptr, totals);
}

namespace {

class PropertyScanner : public ObjectVisitor {
 public:
  PropertyScanner(Heap& heap, ObjectNamer& namer, const std::string& name, size_t limit)
      : heap_(heap), namer_(namer), name_(Utf8ToUtf16(name)), limit_(limit), slots_(heap) {
    first_receiver_ = heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
  }
  void Visit(const ObjectRef& o) override {
    if (o.facts->type < first_receiver_) return;
    try {
      const MapInfo& mi = slots_.MapOf(o);
      std::optional<OwnProperty> p;
      if (mi.dictionary_map) {
        p = FindOwnProperty(heap_, o.address, mi, name_);
      } else {
        // Fast maps: the map's own descriptors say which keys every object
        // of the map has, and where the value is (receiver_slots.h).
        auto [cached, added] = descriptor_.try_emplace(o.map, -1);
        if (added) {
          const std::vector<PropertyEntry>& descriptors = slots_.Descriptors(o);
          for (size_t i = 0; i < descriptors.size() && cached->second < 0; ++i) {
            if (KeyEquals(heap_, descriptors[i].key, name_)) cached->second = static_cast<int64_t>(i);
          }
        }
        if (cached->second < 0) return;
        p = slots_.Property(o, mi, static_cast<size_t>(cached->second));
      }
      if (!p) return;
      ++total;  // counted past the limit: the true total costs no naming
      if (out.size() >= limit_) return;
      PropertyHolder h;
      h.object = o.address + heap_.layout().tagging.heap_object_tag;
      h.object_class = namer_.Name(namer_.ClassOf(o));
      h.accessor = p->details.accessor;
      h.value = p->details.accessor ? 0 : p->value.raw;
      out.push_back(h);
    } catch (const Error&) {
      // An unreadable object or map: not a holder we can show.
    }
  }
  std::vector<PropertyHolder> out;
  uint64_t total = 0;

 private:
  Heap& heap_;
  ObjectNamer& namer_;
  std::u16string name_;
  size_t limit_;
  int first_receiver_;
  ReceiverSlots slots_;
  std::unordered_map<uint64_t, int64_t> descriptor_;  // by map word: the named key's descriptor, -1 none
};

}  // namespace

std::vector<PropertyHolder> FindPropertyHolders(HeapWalker& walker, ObjectNamer& namer, const std::string& name,
                                                const ProgressFn& progress, size_t limit, WalkReport* report,
                                                uint64_t* total) {
  PropertyScanner scanner(walker.heap(), namer, name, limit);
  WalkReport r = walker.Walk(scanner, progress);
  if (report) *report = r;
  if (total) *total = scanner.total;
  if (r.cancelled) return {};
  return std::move(scanner.out);
}

}  // namespace nodegdb
