// The node/ wing's answers as JSON: what `node-info -json`,
// `node-environments -json`, `node-handles -json`, `node-requests -json`,
// `node-http -json`, `node-timers -json` and `node-why -json` print (and
// node-gdb-cli's --json), one document each, built in one pass with
// JsonWriter from the same structs the text answers (node_queries.h) are
// built from. Every document has the Environment search ("search") and,
// except node-info, one object per Environment ("environments", main
// thread first). Addresses are "0x%016x" strings (ReportAddress), absent
// ones null; counts and times are numbers. The JSON holds every fact the
// text shows, including what the text shows only with -v.
//
// What may fail: as the text answers (node_queries.h): Error when Node's
// layout constants are missing or `only_env` is no Environment found;
// per-Environment damage is written into the document ("error" fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/heap/heap_walk.h"
#include "core/node/node_env.h"

namespace nodegdb {

class Program;

std::string EnvironmentsJson(Program& target, const EnvironmentSearch& search);
std::string HandlesJson(Program& target, const EnvironmentSearch& search, uint64_t only_env = 0, int pid = 0);
std::string RequestsJson(Program& target, const EnvironmentSearch& search, uint64_t only_env = 0);
std::string HttpJson(Program& target, const EnvironmentSearch& search, uint64_t only_env = 0, int pid = 0);
std::string InfoJson(Program& target, const EnvironmentSearch& search, int64_t pid, const std::string& pid_source);
std::string TimersJson(Program& target, const EnvironmentSearch& search, uint64_t only_env = 0,
                       const ProgressFn& progress = {});
// `with_heap`: one heap walk adds the timers and the suspended async functions.
std::string WhyJson(Program& target, const EnvironmentSearch& search, uint64_t only_env = 0, int pid = 0,
                    bool with_heap = true);

// Pieces of the readers' text details as JSON fields:
// the number of the first detail "PREFIXN" ("fd 27" with "fd "), if any;
std::optional<int64_t> DetailNumber(const std::vector<std::string>& details, const std::string& prefix);
// a server's "listening 127.0.0.1:8080 (note)" as ("127.0.0.1:8080", "note").
std::pair<std::string, std::string> SplitListening(std::string text);

}  // namespace nodegdb
