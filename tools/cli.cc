// node-gdb-cli: the core's decoders without GDB.
//   node-gdb-cli NODE_BINARY CORE|pid:PID COMMAND [ARGS]
// The commands are the table at the end of this file and heap_cli.cc's;
// `node-gdb-cli --help` lists them, `--version` says which node-gdb. Exit codes: 0, 1 when the core reports an
// Error (the target cannot be read, a command's own usage), 2 for a wrong
// command line.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "core/bytecode/bytecode.h"
#include "core/bytecode/bytecode_printer.h"
#include "core/platform/core_file.h"
#include "core/v8/js_function.h"
#include "core/view/debug_print.h"
#include "core/view/js_model.h"
#include "core/view/source_listing.h"
#include "core/node/node_env.h"
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

bool Verbose(const CliArgs& a) { return !a.args.empty() && a.args[0] == "-v"; }

// The search's summary, `text`, then the native contexts left out.
int WithSummary(const EnvironmentSearch& search, const std::string& text) {
  std::cout << text;
  for (const std::string& r : search.rejected) std::cout << "ignored: " << r << "\n";
  return 0;
}

int Environments(Target& target, const CliArgs& a) {
  EnvironmentSearch search = Search(target, a);
  std::cout << search.Summary() << "\n";
  // Fails (exit 1) without Node's layout constants, as the handle and
  // request commands do.
  NodeLayout::Read(target);
  return WithSummary(search, EnvironmentsText(target, search));
}

// A node-* answer over [-v]: the search's summary, then the answer's text.
using NodeAnswer = std::string (*)(Target& target, const EnvironmentSearch& search, bool verbose);
int Answer(Target& target, const CliArgs& a, NodeAnswer answer) {
  EnvironmentSearch search = Search(target, a);
  std::cout << search.Summary() << "\n";
  return WithSummary(search, answer(target, search, Verbose(a)));
}

int Handles(Target& target, const CliArgs& a) {
  return Answer(target, a, [](Target& t, const EnvironmentSearch& s, bool v) { return HandlesText(t, s, v); });
}

int Requests(Target& target, const CliArgs& a) {
  return Answer(target, a, [](Target& t, const EnvironmentSearch& s, bool v) { return RequestsText(t, s, v); });
}

int Http(Target& target, const CliArgs& a) {
  return Answer(target, a, [](Target& t, const EnvironmentSearch& s, bool v) { return HttpText(t, s, v); });
}

int Why(Target& target, const CliArgs& a) {
  return Answer(target, a, [](Target& t, const EnvironmentSearch& s, bool v) { return WhyAnswer(t, s, v, 0, 0, true); });
}

int Timers(Target& target, const CliArgs& a) {
  return Answer(target, a, [](Target& t, const EnvironmentSearch& s, bool v) { return TimersAnswer(t, s, v, 0); });
}

int Info(Target& target, const CliArgs& a) {
  EnvironmentSearch search = Search(target, a);
  auto* core = dynamic_cast<CoreFileMemory*>(&target.memory());
  std::cout << InfoText(target, search, core ? core->pid() : 0, "from the core");
  return 0;
}

const std::vector<CliCommand>& Commands() {
  static const std::vector<CliCommand> commands = [] {
    std::vector<CliCommand> c = {
        {"banner", "", Banner},
        {"constants", "[PREFIX]", Constants},
        {"print", "TAGGED...", Print},
        {"inspect", "TAGGED...", DebugPrintCommand},
        {"describe", "TAGGED...   (the JS model's raw description)", Describe},
        {"bytecode", "TAGGED...   (v8 bytecode)", Bytecode},
        {"source", "[-l LINES] TAGGED...   (v8 source FUNCTION)", Source},
        {"jsfunction", "TAGGED...", JsFunction},
        {"sfi", "TAGGED...", Sfi},
        {"script", "TAGGED...", Script},
        {"scopeinfo", "TAGGED...", ScopeInfoCommand},
        {"context", "TAGGED...", ContextCommand},
        {"contextchain", "TAGGED...   (a context and its outer ones)", ContextChainCommand},
        {"environment", "TAGGED...   (Node's Environment* of a native context)", EnvironmentCommand},
        {"bytecode-tables", "   (what was read from the binary)", BytecodeTablesCommand},
        {"environments", "", Environments},
        {"handles", "[-v]", Handles},
        {"requests", "[-v]", Requests},
        {"http", "[-v]", Http},
        {"why", "[-v]   (node-why)", Why},
        {"timers", "[-v]   (node-timers)", Timers},
        {"info", "", Info},
    };
    for (const CliCommand& h : HeapCliCommands()) c.push_back(h);
    return c;
  }();
  return commands;
}

void Usage(const char* program, FILE* out) {
  std::fprintf(out, "usage: %s NODE_BINARY CORE|pid:PID COMMAND [ARGS]\n"
                    "       %s --version | --help\n"
                    "exit status: 0 done, 1 the target or the command failed (one line on stderr),\n"
                    "2 a wrong command line\ncommands:\n", program, program);
  for (const CliCommand& c : Commands()) std::fprintf(out, "  %s %s\n", c.name, c.usage);
}

// The memory to read: a live process (pid:PID) or a core file, whose load
// base of the binary gives the bias of a position-independent one.
Target OpenTarget(const std::string& binary_path, const std::string& source) {
  ElfFile binary(binary_path);
  if (IsPid(source)) return Target(binary_path, std::make_shared<ProcessMemory>(std::atoi(source.c_str() + 4)), 0);
  auto core = std::make_shared<CoreFileMemory>(source);
  uint64_t bias = 0;
  if (binary.is_position_independent()) {
    uint64_t base = core->LoadBaseOf(binary_path);
    if (base) bias = base - binary.FirstLoadAddress();
  }
  return Target(binary_path, core, bias);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--version" || std::string(argv[1]) == "-V")) {
    std::printf("node-gdb-cli %s\n", NODE_GDB_VERSION);
    return 0;
  }
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    Usage(argv[0], stdout);
    return 0;
  }
  if (argc < 4) {
    Usage(argv[0], stderr);
    return 2;
  }
  try {
    CliArgs args{argv[1], argv[2], argv[3], std::vector<std::string>(argv + 4, argv + argc)};
    Target target = OpenTarget(args.binary, args.source);
    for (const CliCommand& c : Commands()) {
      if (args.command == c.name) return c.run(target, args);
    }
    std::fprintf(stderr, "unknown command %s\n", args.command.c_str());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "node-gdb-cli: %s\n", e.what());
    return 1;
  }
}
