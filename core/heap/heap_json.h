// The heap commands' answers as JSON (`-json`, node-gdb-cli --json), each
// one document written in one pass with JsonWriter. Addresses are "0x..."
// strings, as the text output writes them. JS views of values (util.inspect
// text) come from the caller, which holds the Target that prints them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_shapes.h"
#include "core/heap/heap_strings.h"
#include "core/heap/heap_walk.h"
#include "core/view/json_writer.h"

namespace nodegdb {

// {"walk": ...}: what the walk covered, in bytes.
void WalkJson(JsonWriter& w, const WalkReport& report);

// findjsobjects: {"types": [{name, instances, bytes, js}], "instances", "bytes", "walk"}.
std::string CensusJson(const std::vector<CensusRow>& rows, const WalkReport& report);

// findjsobjects -d: {"types": [{name, instances, shapes: [{instances, dictionary, properties}]}], "walk"}.
std::string ShapesJson(const std::vector<ClassShapes>& classes, const WalkReport& report);

struct ShownObject {
  uint64_t tagged = 0;
  std::string view;  // the JS view
};

// findjsinstances: {"name", "instances" (all), "start", "objects": [{address, view}]}.
std::string InstancesJson(const std::string& name, uint64_t total, uint64_t start,
                          const std::vector<ShownObject>& objects);

// findrefs EXPR: {"target", "view", "references": [...], "total", "walk"}.
std::string ReferencesJson(const ShownObject& target, const std::vector<HeapReference>& refs, uint64_t total,
                           const WalkReport& report);

// findrefs -n NAME: {"name", "holders": [{address, class, value (view) | accessor}], "total", "walk"}.
std::string PropertyHoldersJson(const std::string& name, const std::vector<PropertyHolder>& holders,
                                const std::vector<std::string>& value_views, uint64_t total,
                                const WalkReport& report);

// findrefs -s STRING: {"string", "strings": [{address, type, representation, holders: [...],
// "holders_total"}], "holders_total", "walk"}.
std::string StringSearchJson(const std::string& text, const StringSearch& search);

}  // namespace nodegdb
