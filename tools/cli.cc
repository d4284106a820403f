// node-gdb-cli: the core's decoders without GDB.
//   node-gdb-cli NODE_BINARY CORE banner
//   node-gdb-cli NODE_BINARY CORE constants [PREFIX]
//   node-gdb-cli NODE_BINARY CORE print TAGGED...
//   node-gdb-cli NODE_BINARY CORE inspect TAGGED...
//   node-gdb-cli NODE_BINARY CORE bytecode TAGGED...   (v8 bytecode)
//   node-gdb-cli NODE_BINARY CORE bytecode-tables     (what was read from the binary)
// CORE may also be "pid:1234" for a live process.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "core/bytecode.h"
#include "core/bytecode_printer.h"
#include "core/core_file.h"
#include "core/target.h"

using namespace nodegdb;

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
          std::cout << (command == "print" ? target.Print(raw) : target.Inspect(raw)) << "\n";
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
