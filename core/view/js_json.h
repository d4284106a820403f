// JSON answers for JS values (`v8 print -json`, node_gdb.api.describe): the
// structure of a value as one JSON document, from the same descriptions the
// util.inspect formatter lays out (js_model.h / inspect.h), so both answers
// agree. Each value is an object:
//   {"type": "object", "address": "0x...", "constructor": "Point",
//    "text": "<util.inspect text at the depth left>",
//    "properties": [{"key": "x", "value": {...}}], ...}
// with "value" for JSON-able primitives, "elements" for arrays, "entries"
// for Maps and Sets, and the kind's own fields (js_json.cc lists them).
// Bounded as util.inspect is: objects nested deeper than `depth` are
// {"type", "address", "constructor", "text": "[Point]", "truncated": "depth"},
// lists are cut at max_array_length ("elements_truncated": true), strings
// at max_string_length ("truncated": true); an object met again inside
// itself is {"type", "circular": "0x..."}. A nested value that cannot be
// read is {"error": "..."}; the top one throws nodegdb::Error.
#pragma once

#include <cstdint>
#include <string>

#include "core/view/inspect.h"
#include "core/view/json_writer.h"

namespace nodegdb {

// Writes the value in `raw` (a tagged word) as one JSON value into `out`.
void WriteJsJson(JsModel& model, uint64_t raw, const InspectOptions& options, JsonWriter& out);

// The same as a document (`indent` as JsonWriter's).
std::string JsJson(JsModel& model, uint64_t raw, const InspectOptions& options, int indent = 2);

// The JSON "type" of a description ("object", "array", "string", ...).
const char* JsJsonType(const JsDescription& d);

}  // namespace nodegdb
