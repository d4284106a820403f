// node-gdb-cli: the core's decoders without GDB.
//   node-gdb-cli NODE_BINARY CORE banner
//   node-gdb-cli NODE_BINARY CORE constants [PREFIX]
//   node-gdb-cli NODE_BINARY CORE print TAGGED...
//   node-gdb-cli NODE_BINARY CORE inspect TAGGED...
//   node-gdb-cli NODE_BINARY CORE bytecode TAGGED...   (v8 bytecode)
//   node-gdb-cli NODE_BINARY CORE bytecode-tables     (what was read from the binary)
// CORE may also be "pid:1234" for a live process.
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
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/node/node_info.h"
#include "core/target.h"

using namespace nodegdb;

namespace nodegdb {
// tools/heap_cli.cc: heapwalk, findjsobjects, findjsinstances, findrefs.
bool RunHeapCommand(Target& target, const std::string& command, int argc, char** argv);
}  // namespace nodegdb

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s NODE_BINARY CORE|pid:PID banner|constants|print|inspect [ARGS]\n", argv[0]);
    return 2;
  }
  try {
    std::string source = argv[2];
    std::shared_ptr<Memory> memory;
    uint64_t bias = 0;
    ElfFile binary(argv[1]);
    if (source.rfind("pid:", 0) == 0) {
      memory = std::make_shared<ProcessMemory>(std::atoi(source.c_str() + 4));
    } else {
      auto core = std::make_shared<CoreFileMemory>(source);
      if (binary.is_position_independent()) {
        uint64_t base = core->LoadBaseOf(argv[1]);
        if (base) bias = base - binary.FirstLoadAddress();
      }
      memory = core;
    }
    Target target(argv[1], memory, bias);
    std::string command = argv[3];
    if (command == "banner") {
      std::cout << target.Banner() << "\n";
    } else if (command == "constants") {
      std::string prefix = argc > 4 ? argv[4] : "";
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
    } else if (command == "print" || command == "inspect") {
      for (int i = 4; i < argc; i++) {
        uint64_t raw = std::strtoull(argv[i], nullptr, 0);
        try {
          std::cout << (command == "print" ? target.Print(raw) : target.DebugPrint(raw)) << "\n";
        } catch (const Error& e) {
          std::cout << "error: " << e.what() << "\n";
        }
      }
    } else if (command == "describe") {
      // The JS model's raw description (debugging the decoders).
      HeapJsModel model(target.heap(), InspectOptions{});
      for (int i = 4; i < argc; i++) {
        try {
          std::cout << DebugString(model.Describe(std::strtoull(argv[i], nullptr, 0))) << "\n";
        } catch (const Error& e) {
          std::cout << "error: " << e.what() << "\n";
        }
      }
    } else if (command == "bytecode") {
      for (int i = 4; i < argc; i++) {
        try {
          std::cout << DisassembleBytecode(target, std::strtoull(argv[i], nullptr, 0));
        } catch (const Error& e) {
          std::cout << "error: " << e.what() << "\n";
        }
      }
    } else if (command == "jsfunction" || command == "sfi" || command == "script" || command == "scopeinfo" ||
               command == "context" || command == "contextchain" || command == "environment") {
      // The V8 views of functions and contexts (core/js_function.h and
      // friends) on tagged addresses; "contextchain" lists a context and its
      // outer ones; "environment" reads Node's Environment* from a native
      // context (nodedbg_const_ContextEmbedderIndex__kEnvironment__int).
      DebugPrintOptions options;
      // Builtins by instruction start (link-time addresses). V8 may run the
      // embedded builtins from a second mapping of the node binary: such an
      // address is translated through the core's file mappings.
      std::map<uint64_t, std::string> builtins;
      target.binary().ForEachSymbol("Builtins_", [&](const ElfSymbol& sym) {
        builtins[sym.value] = std::string(sym.name.substr(9));
      });
      auto* core_memory = dynamic_cast<CoreFileMemory*>(&target.memory());
      auto same_file = [&](const std::string& path) {
        if (path == argv[1]) return true;
        char a[4096], b[4096];
        return realpath(path.c_str(), a) && realpath(argv[1], b) && std::string(a) == b;
      };
      options.symbolize = [&](uint64_t address) -> std::string {
        auto it = builtins.find(address - target.load_bias());
        if (it != builtins.end()) return it->second;
        if (!core_memory) return "";
        for (const auto& m : core_memory->file_mappings()) {
          if (address < m.start || address >= m.end || !same_file(m.path)) continue;
          uint64_t offset = address - m.start + m.file_offset;
          for (const auto& seg : target.binary().segments()) {
            if (seg.type != 1 /* PT_LOAD */ || offset < seg.offset || offset >= seg.offset + seg.filesz) continue;
            it = builtins.find(seg.vaddr + (offset - seg.offset));
            if (it != builtins.end()) return it->second;
          }
        }
        return "";
      };
      Heap& heap = target.heap();
      for (int i = 4; i < argc; i++) {
        try {
          Tagged t = heap.Decode(std::strtoull(argv[i], nullptr, 0));
          if (!t.is_heap_object()) throw Error(std::string(argv[i]) + " is not a tagged pointer");
          if (command == "jsfunction") {
            std::cout << DebugPrintJSFunction(heap, t.address, options);
          } else if (command == "sfi") {
            std::cout << DebugPrintSharedFunctionInfo(heap, t.address, options);
          } else if (command == "script") {
            std::cout << DebugPrintScript(heap, t.address, options);
          } else if (command == "scopeinfo") {
            std::cout << DebugPrintScopeInfo(heap, t.address);
          } else if (command == "context") {
            std::cout << DebugPrintContext(heap, t.address, options);
          } else if (command == "contextchain") {
            ContextChain chain = WalkContextChain(heap, t.address);
            for (const ContextInfo& c : chain.contexts) {
              std::cout << Hex(c.address + heap.layout().tagging.heap_object_tag) << " " << ContextTypeName(c.kind)
                        << " " << V8Brief(heap, c.scope_info) << "\n";
              for (const ContextVariable& v : c.variables) {
                std::cout << "  " << VariableModeName(v.mode) << " " << v.name << " = "
                          << (v.uninitialized ? std::string("<uninitialized>")
                                              : v.number_text ? *v.number_text : V8Brief(heap, v.value))
                          << "\n";
              }
            }
            if (!chain.error.empty()) std::cout << "(" << chain.error << ")\n";
          } else {
            ContextInfo c = ReadContext(heap, t.address);
            int64_t index = target.NodeConstant("const", "ContextEmbedderIndex", "kEnvironment");
            std::cout << "embedder data[" << index << "]: " << Hex(NodeEnvironment(heap, c, index)) << "\n";
          }
        } catch (const Error& e) {
          std::cout << "error: " << e.what() << "\n";
        }
      }
    } else if (command == "bytecode-tables") {
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
    } else if (command == "environments" || command == "handles" || command == "requests" || command == "info") {
      // Node's Environments found through the native contexts of the heap
      // (core/node_env.h), and their handle and request queues.
      std::vector<MemoryRange> ranges = source.rfind("pid:", 0) == 0 ? ProcessHeapRanges(std::atoi(source.c_str() + 4))
                                                                      : CoreFileHeapRanges(source);
      EnvironmentSearch search = FindEnvironments(target, ranges);
      if (command == "info") {
        auto* core = dynamic_cast<CoreFileMemory*>(&target.memory());
        std::cout << FormatNodeProcessInfo(ReadNodeProcessInfo(target, search, core ? core->pid() : 0, "from the core"),
                                           search);
        return 0;
      }
      std::cout << search.Summary() << "\n";
      NodeLayout layout = NodeLayout::Read(target);
      bool verbose = argc > 4 && std::string(argv[4]) == "-v";
      for (const EnvironmentInfo& env : search.environments) {
        if (command == "environments") {
          std::cout << Hex(env.address) << " " << ThreadName(env.thread) << " loop " << Hex(env.loop) << " contexts";
          for (uint64_t c : env.contexts) std::cout << " " << Hex(c);
          std::cout << "\n";
        } else if (command == "handles") {
          RequestList requests = ReadReqWraps(target, layout, env.address);
          HandleList handles = ReadHandleWraps(target, layout, env.address);
          LoopInfo loop = ReadLoop(target, layout, env, handles);
          std::cout << FormatHandles(env, handles, verbose, &requests, &loop);
        } else {
          std::cout << FormatRequests(env, ReadReqWraps(target, layout, env.address), verbose);
        }
      }
      for (const std::string& r : search.rejected) std::cout << "ignored: " << r << "\n";
    } else if (RunHeapCommand(target, command, argc, argv)) {
    } else {
      std::fprintf(stderr, "unknown command %s\n", command.c_str());
      return 2;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "node-gdb-cli: %s\n", e.what());
    return 1;
  }
  return 0;
}
