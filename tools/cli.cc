// node-gdb-cli: the core's decoders without GDB.
//   node-gdb-cli NODE_BINARY CORE|pid:PID COMMAND [ARGS]
// The commands are the table at the end of this file and heap_cli.cc's;
// `node-gdb-cli --help` lists them with the exit codes (cli_commands.h),
// `--version` says which node-gdb.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "core/bytecode/bytecode.h"
#include "core/bytecode/bytecode_printer.h"
#include "core/platform/core_file.h"
#include "core/v8/js_function.h"
#include "core/view/debug_print.h"
#include "core/view/js_model.h"
#include "core/view/source_listing.h"
#include "core/node/node_env.h"
#include "core/node/node_json.h"
#include "core/node/node_queries.h"
#include "core/target.h"
#include "tools/cli_commands.h"

using namespace nodegdb;

namespace {

uint64_t Number(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 0); }

bool IsPid(const std::string& source) { return source.rfind("pid:", 0) == 0; }

int Banner(Target& target, const CliArgs&) {
  std::cout << target.Banner() << "\n";
  return 0;
}

// v8dbg_* sorted by name, then nodedbg_* (their values as Node filled them
// in, or why not), each only if it starts with the optional PREFIX.
int Constants(Target& target, const CliArgs& a) {
  std::string prefix = a.args.empty() ? "" : a.args[0];
  std::map<std::string, int64_t> sorted(target.metadata().v8dbg().begin(), target.metadata().v8dbg().end());
  for (auto& [name, value] : sorted) {
    if (name.rfind(prefix, 0) == 0) std::cout << name << " = " << value << "\n";
  }
  for (auto& [key, var] : target.metadata().nodedbg()) {
    if (var.name.rfind(prefix, 0) != 0) continue;
    std::string kind = key.substr(0, key.find(':'));
    std::string rest = key.substr(key.find(':') + 1);
    std::string value;
    try {
      value = std::to_string(target.NodeConstant(kind, rest.substr(0, rest.find('.')), rest.substr(rest.find('.') + 1)));
    } catch (const Error& e) {
      value = e.what();
    }
    std::cout << var.name << " = " << value << "\n";
  }
  return 0;
}

// Runs `show` on each argument; an Error becomes that argument's "error: ..." line.
template <typename Show>
int ForEachArg(const CliArgs& a, Show show) {
  for (const std::string& arg : a.args) {
    try {
      show(arg);
    } catch (const Error& e) {
      std::cout << "error: " << e.what() << "\n";
    }
  }
  return 0;
}

int Print(Target& target, const CliArgs& a) {
  return ForEachArg(a, [&](const std::string& arg) { std::cout << target.Print(Number(arg)) << "\n"; });
}

int DebugPrintCommand(Target& target, const CliArgs& a) {
  return ForEachArg(a, [&](const std::string& arg) {
    std::cout << target.DebugPrint(Number(arg))
              << "\n";
  });
}

// The JS model's raw description (debugging the decoders).
int Describe(Target& target, const CliArgs& a) {
  HeapJsModel model(target.heap(), InspectOptions{});
  return ForEachArg(a, [&](const std::string& arg) { std::cout << DebugString(model.Describe(Number(arg))) << "\n"; });
}

int Bytecode(Target& target, const CliArgs& a) {
  return ForEachArg(a, [&](const std::string& arg) { std::cout << DisassembleBytecode(target, Number(arg)); });
}

// v8 source FUNCTION: each function's whole source, numbered; `-l N` first
// bounds it (default 200 lines).
int Source(Target& target, const CliArgs& a) {
  CliArgs rest = a;
  SourceRequest request;
  request.whole_function = true;
  request.lines = 200;
  if (rest.args.size() >= 2 && rest.args[0] == "-l") {
    request.lines = static_cast<int64_t>(Number(rest.args[1]));
    rest.args.erase(rest.args.begin(), rest.args.begin() + 2);
  }
  return ForEachArg(rest, [&](const std::string& arg) {
    request.function = Number(arg);
    std::cout << SourceListing(target.heap(), request);
  });
}

// Names builtins by instruction start (link-time addresses). V8 may run the
// embedded builtins from a second mapping of the node binary: such an address
// is translated through the core's file mappings.
DebugPrintOptions SymbolizingOptions(Target& target, const std::string& binary_path) {
  auto builtins = std::make_shared<std::map<uint64_t, std::string>>();
  target.binary().ForEachSymbol("Builtins_", [&](const ElfSymbol& sym) {
    (*builtins)[sym.value] = std::string(sym.name.substr(9));
  });
  auto* core_memory = dynamic_cast<CoreFileMemory*>(&target.memory());
  auto same_file = [binary_path](const std::string& path) {
    if (path == binary_path) return true;
    char a[4096], b[4096];
    return realpath(path.c_str(), a) && realpath(binary_path.c_str(), b) && std::string(a) == b;
  };
  DebugPrintOptions options;
  options.symbolize = [&target, builtins, core_memory, same_file](uint64_t address) -> std::string {
    auto it = builtins->find(address - target.load_bias());
    if (it != builtins->end()) return it->second;
    if (!core_memory) return "";
    for (const auto& m : core_memory->file_mappings()) {
      if (address < m.start || address >= m.end || !same_file(m.path)) continue;
      uint64_t offset = address - m.start + m.file_offset;
      for (const auto& seg : target.binary().segments()) {
        if (seg.type != 1 /* PT_LOAD */ || offset < seg.offset || offset >= seg.offset + seg.filesz) continue;
        it = builtins->find(seg.vaddr + (offset - seg.offset));
        if (it != builtins->end()) return it->second;
      }
    }
    return "";
  };
  return options;
}

// The V8 views of functions and contexts (core/v8/js_function.h and friends)
// on tagged addresses: `show` gets each argument's untagged address.
template <typename Show>
int ForEachHeapObjectArg(Target& target, const CliArgs& a, Show show) {
  return ForEachArg(a, [&](const std::string& arg) {
    Tagged t = target.heap().Decode(Number(arg));
    if (!t.is_heap_object()) throw Error(arg + " is not a tagged pointer");
    show(target.heap(), t.address);
  });
}

// One %DebugPrint view per argument, with builtins named in code fields.
int DebugPrintEach(Target& target, const CliArgs& a,
                   std::string (*print)(Heap&, uint64_t, const DebugPrintOptions&)) {
  DebugPrintOptions options = SymbolizingOptions(target, a.binary);
  return ForEachHeapObjectArg(target, a, [&](Heap& heap, uint64_t address) { std::cout << print(heap, address, options); });
}

int JsFunction(Target& target, const CliArgs& a) { return DebugPrintEach(target, a, DebugPrintJSFunction); }
int Sfi(Target& target, const CliArgs& a) { return DebugPrintEach(target, a, DebugPrintSharedFunctionInfo); }
int Script(Target& target, const CliArgs& a) { return DebugPrintEach(target, a, DebugPrintScript); }
int ContextCommand(Target& target, const CliArgs& a) { return DebugPrintEach(target, a, DebugPrintContext); }

int ScopeInfoCommand(Target& target, const CliArgs& a) {
  return ForEachHeapObjectArg(target, a,
                              [&](Heap& heap, uint64_t address) { std::cout << DebugPrintScopeInfo(heap, address); });
}

// A context and its outer ones, each with its variables.
int ContextChainCommand(Target& target, const CliArgs& a) {
  return ForEachHeapObjectArg(target, a, [&](Heap& heap, uint64_t address) {
    ContextChain chain = WalkContextChain(heap, address);
    for (const ContextInfo& c : chain.contexts) {
      std::cout << heap.Shown(c.address) << " " << ContextTypeName(c.kind) << " " << V8Brief(heap, c.scope_info)
                << "\n";
      for (const ContextVariable& v : c.variables) {
        std::cout << "  " << VariableModeName(v.mode) << " " << v.name << " = "
                  << (v.uninitialized ? std::string("<uninitialized>")
                                      : v.number_text ? *v.number_text : V8Brief(heap, v.value))
                  << "\n";
      }
    }
    if (!chain.error.empty()) std::cout << "(" << chain.error << ")\n";
  });
}

// Node's Environment* from a native context's embedder data
// (nodedbg_const_ContextEmbedderIndex__kEnvironment__int).
int EnvironmentCommand(Target& target, const CliArgs& a) {
  return ForEachHeapObjectArg(target, a, [&](Heap& heap, uint64_t address) {
    ContextInfo c = ReadContext(heap, address);
    int64_t index = target.NodeConstant("const", "ContextEmbedderIndex", "kEnvironment");
    std::cout << "embedder data[" << index << "]: " << Hex(NodeEnvironment(heap, c, index)) << "\n";
  });
}

// What was read from the binary: each bytecode's sizes and operand kinds,
// then the runtime function and intrinsic counts.
int BytecodeTablesCommand(Target& target, const CliArgs&) {
  const BytecodeTables& t = BytecodeTables::For(target.binary(), target.metadata(), target.V8Version());
  for (size_t i = 0; i < t.bytecodes.size(); i++) {
    const BytecodeDef& b = t.bytecodes[i];
    std::cout << Hex(i) << " " << b.name << " sizes " << int(b.size[0]) << "/" << int(b.size[1]) << "/"
              << int(b.size[2]);
    for (uint8_t type : b.operand_types) {
      std::cout << " " << int(type) << ":" << (type < t.kinds.size() ? OperandKindName(t.kinds[type]) : "?");
    }
    std::cout << "\n";
  }
  std::cout << t.runtime_names.size() << " runtime functions, " << t.intrinsic_runtime_ids.size()
            << " intrinsics, " << t.native_context_names.size() << " native context slots\n";
  for (int id : t.intrinsic_runtime_ids) std::cout << " " << t.runtime_names[id];
  std::cout << "\n";
  return 0;
}

// Node's Environments found through the native contexts of the heap
// (core/node/node_env.h): the core's segments or the live process's maps.
EnvironmentSearch Search(Target& target, const CliArgs& a) {
  int pid = IsPid(a.source) ? std::atoi(a.source.c_str() + 4) : 0;
  return FindEnvironments(target, IsPid(a.source) ? ProcessHeapRanges(pid) : CoreFileHeapRanges(a.source));
}

// A node-* subcommand's arguments, as the GDB commands take them: -v,
// --json (or -json), and an optional Environment address.
struct NodeArgs {
  bool verbose = false, json = false;
  uint64_t env = 0;
};
NodeArgs ParseNodeArgs(const CliArgs& a, bool takes_verbose, bool takes_env) {
  NodeArgs n;
  for (const std::string& arg : a.args) {
    if (takes_verbose && (arg == "-v" || arg == "--verbose")) {
      n.verbose = true;
    } else if (arg == "--json" || arg == "-json") {
      n.json = true;
    } else if (takes_env && !n.env && !arg.empty() && arg[0] != '-') {
      char* end = nullptr;
      n.env = std::strtoull(arg.c_str(), &end, 0);
      if (*end || !n.env) throw CliUsageError(a.command + ": " + arg + " is not an Environment address");
    } else {
      throw CliUsageError(a.command + ": unknown argument " + arg);
    }
  }
  return n;
}

int Pid(const CliArgs& a) { return IsPid(a.source) ? std::atoi(a.source.c_str() + 4) : 0; }

// The text (the search's summary, the answer, the native contexts left
// out) or the JSON document alone.
int Write(const EnvironmentSearch& search, const std::string& answer, bool json) {
  if (json) {
    std::cout << answer << "\n";
    return 0;
  }
  std::cout << search.Summary() << "\n" << answer;
  for (const std::string& r : search.rejected) std::cout << "ignored: " << r << "\n";
  return 0;
}

int Environments(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, false, false);
  EnvironmentSearch search = Search(target, a);
  // Fails (exit 1) without Node's layout constants, as the handle and
  // request commands do.
  NodeLayout::Read(target);
  return Write(search, n.json ? EnvironmentsJson(target, search) : EnvironmentsText(target, search), n.json);
}

int Handles(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, true, true);
  EnvironmentSearch search = Search(target, a);
  return Write(search, n.json ? HandlesJson(target, search, n.env, Pid(a))
                              : HandlesText(target, search, n.verbose, n.env, Pid(a)), n.json);
}

int Requests(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, true, true);
  EnvironmentSearch search = Search(target, a);
  return Write(search, n.json ? RequestsJson(target, search, n.env) : RequestsText(target, search, n.verbose, n.env),
               n.json);
}

int Http(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, true, true);
  EnvironmentSearch search = Search(target, a);
  return Write(search, n.json ? HttpJson(target, search, n.env, Pid(a))
                              : HttpText(target, search, n.verbose, n.env, Pid(a)), n.json);
}

int Why(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, true, true);
  EnvironmentSearch search = Search(target, a);
  return Write(search, n.json ? WhyJson(target, search, n.env, Pid(a), true)
                              : WhyAnswer(target, search, n.verbose, n.env, Pid(a), true), n.json);
}

int Timers(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, true, true);
  EnvironmentSearch search = Search(target, a);
  return Write(search, n.json ? TimersJson(target, search, n.env) : TimersAnswer(target, search, n.verbose, n.env),
               n.json);
}

// As node-info: no summary line; the pid the core's process status gives
// when process.pid cannot be read.
int Info(Target& target, const CliArgs& a) {
  NodeArgs n = ParseNodeArgs(a, false, false);
  EnvironmentSearch search = Search(target, a);
  auto* core = dynamic_cast<CoreFileMemory*>(&target.memory());
  const int64_t pid = core ? core->pid() : Pid(a);
  const std::string source = core ? "from the core file" : "of the live process";
  std::cout << (n.json ? InfoJson(target, search, pid, source) + "\n" : InfoText(target, search, pid, source));
  return 0;
}

const std::vector<CliCommand>& Commands() {
  static const std::vector<CliCommand> commands = [] {
    std::vector<CliCommand> c = {
        {"banner", "   (the node binary, its Node and V8 versions, as v8 info)", Banner},
        {"constants", "[PREFIX]   (the v8dbg_ and nodedbg_ constants and their values)", Constants},
        {"print", "TAGGED...   (v8 print: the JS view, as util.inspect)", Print},
        {"inspect", "TAGGED...   (v8 inspect: the V8 view, as %DebugPrint)", DebugPrintCommand},
        {"describe", "TAGGED...   (the JS model's raw description)", Describe},
        {"bytecode", "TAGGED...   (v8 bytecode)", Bytecode},
        {"source", "[-l LINES] TAGGED...   (v8 source FUNCTION)", Source},
        {"jsfunction", "TAGGED...   (a JSFunction's %DebugPrint, builtins named)", JsFunction},
        {"sfi", "TAGGED...   (a SharedFunctionInfo's %DebugPrint)", Sfi},
        {"script", "TAGGED...   (a Script's %DebugPrint)", Script},
        {"scopeinfo", "TAGGED...   (a ScopeInfo's %DebugPrint)", ScopeInfoCommand},
        {"context", "TAGGED...   (a Context's %DebugPrint)", ContextCommand},
        {"contextchain", "TAGGED...   (a context and its outer ones)", ContextChainCommand},
        {"environment", "TAGGED...   (Node's Environment* of a native context)", EnvironmentCommand},
        {"bytecode-tables", "   (what was read from the binary)", BytecodeTablesCommand},
        {"environments", "[--json]   (node-environments)", Environments},
        {"handles", "[-v] [--json] [ENV]   (node-handles)", Handles},
        {"requests", "[-v] [--json] [ENV]   (node-requests)", Requests},
        {"http", "[-v] [--json] [ENV]   (node-http)", Http},
        {"why", "[-v] [--json] [ENV]   (node-why)", Why},
        {"timers", "[-v] [--json] [ENV]   (node-timers)", Timers},
        {"info", "[--json]   (node-info)", Info},
    };
    for (const CliCommand& h : HeapCliCommands()) c.push_back(h);
    return c;
  }();
  return commands;
}

void Usage(const char* program, FILE* out) {
  std::fprintf(out, "usage: %s NODE_BINARY CORE|pid:PID COMMAND [ARGS]\n"
                    "       %s --version | --help\n"
                    "exit status:\n"
                    "  %d  done\n"
                    "  %d  the command failed (one line on stderr)\n"
                    "  %d  a wrong command line (unknown command or argument, missing operand)\n"
                    "  %d  the binary, the core or the process cannot be opened or read\n"
                    "  %d  the binary has no V8 postmortem metadata (v8dbg_ symbols: not node)\n"
                    "--json: the answer as one JSON document (the GDB command's -json)\ncommands:\n",
               program, program, kExitOk, kExitFailed, kExitUsage, kExitUnreadable, kExitNoMetadata);
  for (const CliCommand& c : Commands()) std::fprintf(out, "  %-16s %s\n", c.name, c.usage);
}

const CliCommand* FindCommand(const std::string& name) {
  for (const CliCommand& c : Commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

// The binary, then the memory to read: a live process (pid:PID) or a core
// file, whose load base of the binary gives the bias of a
// position-independent one. Throws CliExit with the exit code of the step
// that failed.
struct CliExit {
  int code;
  std::string message;
};

Target OpenTarget(const std::string& binary_path, const std::string& source) {
  std::optional<ElfFile> binary;
  std::shared_ptr<Memory> memory;
  uint64_t bias = 0;
  try {
    binary.emplace(binary_path);
    if (IsPid(source)) {
      memory = std::make_shared<ProcessMemory>(std::atoi(source.c_str() + 4));
    } else {
      auto core = std::make_shared<CoreFileMemory>(source);
      if (binary->is_position_independent()) {
        uint64_t base = core->LoadBaseOf(binary_path);
        if (base) bias = base - binary->FirstLoadAddress();
      }
      core->SetExecutable(binary_path, bias);
      memory = core;
    }
  } catch (const Error& e) {
    throw CliExit{kExitUnreadable, e.what()};
  }
  try {
    return Target(binary_path, memory, bias);
  } catch (const Error& e) {
    // What Program reads first is the binary's V8 metadata.
    throw CliExit{kExitNoMetadata, e.what()};
  }
}

// Heap subcommands (heap_cli.cc) say their usage as an Error starting "usage:".
bool IsUsageError(const Error& e) {
  return dynamic_cast<const CliUsageError*>(&e) || std::string(e.what()).rfind("usage:", 0) == 0;
}

}  // namespace

EnvironmentSearch nodegdb::FindCliEnvironments(Target& target, const CliArgs& a) { return Search(target, a); }

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--version" || std::string(argv[1]) == "-V")) {
    std::printf("node-gdb-cli %s\n", NODE_GDB_VERSION);
    return kExitOk;
  }
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    Usage(argv[0], stdout);
    return kExitOk;
  }
  if (argc < 4) {
    Usage(argv[0], stderr);
    return kExitUsage;
  }
  CliArgs args{argv[1], argv[2], argv[3], std::vector<std::string>(argv + 4, argv + argc)};
  const CliCommand* command = FindCommand(args.command);
  if (!command) {
    std::fprintf(stderr, "node-gdb-cli: unknown command %s (--help lists them)\n", args.command.c_str());
    return kExitUsage;
  }
  try {
    Target target = OpenTarget(args.binary, args.source);
    return command->run(target, args);
  } catch (const CliExit& e) {
    std::fprintf(stderr, "node-gdb-cli: %s\n", e.message.c_str());
    return e.code;
  } catch (const Error& e) {
    std::fprintf(stderr, "node-gdb-cli: %s\n", e.what());
    return IsUsageError(e) ? kExitUsage : kExitFailed;
  }
}
