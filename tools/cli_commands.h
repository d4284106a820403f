// node-gdb-cli's subcommand table entries (tools/cli.cc, tools/heap_cli.cc).
#pragma once

#include <string>
#include <vector>

namespace nodegdb {

class Target;

// What a subcommand gets: the command line's NODE_BINARY and CORE|pid:PID,
// the subcommand's name and its own arguments (after the name).
struct CliArgs {
  std::string binary, source, command;
  std::vector<std::string> args;
};

struct CliCommand {
  const char* name;
  const char* usage;  // arguments and what it does, for the usage text
  int (*run)(Target& target, const CliArgs& args);  // the exit code; Error -> 1
};

// tools/heap_cli.cc: heappages, heapwalk, findjsobjects, findjsinstances, findrefs.
const std::vector<CliCommand>& HeapCliCommands();

}  // namespace nodegdb
