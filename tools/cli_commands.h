// node-gdb-cli's subcommand table entries (tools/cli.cc, tools/heap_cli.cc).
#pragma once

#include <string>
#include <vector>

#include "core/errors.h"

namespace nodegdb {

class Target;

// What a subcommand gets: the command line's NODE_BINARY and CORE|pid:PID,
// the subcommand's name and its own arguments (after the name).
struct CliArgs {
  std::string binary, source, command;
  std::vector<std::string> args;
};

// node-gdb-cli's exit codes (--help and README say them).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;       // the command reported an Error (one line on stderr)
constexpr int kExitUsage = 2;        // a wrong command line: unknown command, argument, missing operand
constexpr int kExitUnreadable = 3;   // the binary, the core or the process cannot be opened or read
constexpr int kExitNoMetadata = 4;   // the binary has no V8 postmortem metadata (not node)

// A subcommand's arguments are wrong: exit kExitUsage.
class CliUsageError : public Error {
 public:
  using Error::Error;
};

struct CliCommand {
  const char* name;
  // Its arguments, then three spaces and what it does in parentheses: the
  // one line --help gives it ("TAGGED...   (v8 print: ...)").
  const char* usage;
  int (*run)(Target& target, const CliArgs& args);  // the exit code; Error -> kExitFailed
};

// tools/heap_cli.cc: heappages, heapwalk, findjsobjects, findjsinstances, findrefs.
const std::vector<CliCommand>& HeapCliCommands();

struct EnvironmentSearch;
// tools/cli.cc: Node's Environments of the core or process (node_env.h).
EnvironmentSearch FindCliEnvironments(Target& target, const CliArgs& a);

}  // namespace nodegdb
