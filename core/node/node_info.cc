#include "core/node/node_info.h"

#include "core/node/node_js.h"
#include "core/v8/program.h"
#include "core/view/js_view.h"

namespace nodegdb {

NodeProcessInfo ReadNodeProcessInfo(Program& target, const EnvironmentSearch& search, int64_t pid_hint,
                                    const std::string& pid_hint_source) {
  NodeProcessInfo info;
  info.node_version = target.NodeVersion();
  info.v8_version = target.V8Version();
  Heap& heap = target.heap();
  JsObjects js(heap);
  // The main thread's process object (a Worker's has its own argv).
  for (const EnvironmentInfo& env : search.environments) {
    for (uint64_t context : env.contexts) {
      info.process_object = js.ProcessObject(context);
      if (info.process_object) break;
    }
    if (info.process_object) break;
  }
  if (info.process_object) {
    auto text = [&](const char* name) -> std::optional<std::string> {
      auto value = js.Get(info.process_object, name);
      if (!value) return std::nullopt;
      try {
        InspectOptions options;
        options.node_major = target.NodeMajor();
        return JsView(target.heap(), options).Format(value->raw);
      } catch (const Error&) {
        return std::nullopt;
      }
    };
    info.argv = text("argv");
    info.exec_argv = text("execArgv");
    info.argv_list = js.Strings(js.Get(info.process_object, "argv"));
    info.exec_argv_list = js.Strings(js.Get(info.process_object, "execArgv"));
    info.exec_path = js.String(js.Get(info.process_object, "execPath"));
    if (auto pid = js.Number(js.Get(info.process_object, "pid"))) {
      info.pid = static_cast<int64_t>(*pid);
      info.pid_source = "process.pid";
    }
    if (auto versions = js.Get(info.process_object, "versions")) {
      if (auto v8 = js.String(js.Get(versions->raw, "v8"))) info.v8_version = *v8;
      if (info.node_version.empty()) {
        if (auto node = js.String(js.Get(versions->raw, "node"))) info.node_version = "v" + *node;
      }
    }
  }
  if (!info.pid && pid_hint > 0) {
    info.pid = pid_hint;
    info.pid_source = pid_hint_source;
  }
  return info;
}

std::string FormatNodeProcessInfo(const NodeProcessInfo& info, const EnvironmentSearch& search) {
  std::string out;
  out += "Node:      " + (info.node_version.empty() ? std::string("(version unknown)") : info.node_version) + "\n";
  out += "V8:        " + (info.v8_version.empty() ? std::string("(version unknown)") : info.v8_version) + "\n";
  out += "pid:       " + (info.pid ? std::to_string(*info.pid) + (info.pid_source == "process.pid" ? "" : " (" + info.pid_source + ")")
                                   : std::string("(unknown)")) + "\n";
  const std::string missing = info.process_object ? "(not readable)" : "(no process object found)";
  out += "execPath:  " + info.exec_path.value_or(missing) + "\n";
  out += "argv:      " + info.argv.value_or(missing) + "\n";
  out += "execArgv:  " + info.exec_argv.value_or(missing) + "\n";
  if (info.process_object) out += "process:   " + Hex(info.process_object) + "\n";
  out += "threads:   " + search.Summary() + "\n";
  return out;
}

}  // namespace nodegdb
