// `node-info`: what the process was, read from its memory: Node and V8
// versions, process.argv, process.execArgv, process.execPath and the pid,
// from the main thread's `process` object (found through its native
// context, see node_env.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/node/node_env.h"

namespace nodegdb {

class Program;

struct NodeProcessInfo {
  std::string node_version;   // "v20.20.2" (node::per_process::metadata), "" if unreadable
  std::string v8_version;     // process.versions.v8 ("11.3.244.8-node.38"), else the binary's V8 version
  uint64_t process_object = 0;  // tagged, 0 if not found
  std::optional<std::string> argv, exec_argv;  // util.inspect text of the arrays
  std::optional<std::vector<std::string>> argv_list, exec_argv_list;  // their string elements (-json)
  std::optional<std::string> exec_path;
  std::optional<int64_t> pid;
  std::string pid_source;     // "process.pid", or the caller's source for `pid_hint`
};

// `pid_hint` (> 0): the pid the debugger knows (the core's process status,
// the live process), used when process.pid cannot be read.
NodeProcessInfo ReadNodeProcessInfo(Program& target, const EnvironmentSearch& search, int64_t pid_hint,
                                    const std::string& pid_hint_source);
std::string FormatNodeProcessInfo(const NodeProcessInfo& info, const EnvironmentSearch& search);

}  // namespace nodegdb
