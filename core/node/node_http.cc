#include "core/node/node_http.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/node/base_object.h"
#include "core/node/node_handles.h"
#include "core/v8/heap_number.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

// "host:port" from an agent's key for `host`: Agent.getName() is
// "host:port:localAddress" (and ":family" when asked); "" if it is not one.
std::string KeyEndpoint(const std::string& key, const std::string& host) {
  if (host.empty() || key.compare(0, host.size() + 1, host + ":") != 0) return "";
  size_t start = host.size() + 1, end = start;
  while (end < key.size() && std::isdigit(static_cast<unsigned char>(key[end]))) end++;
  if (end == start || end - start > 5) return "";  // a port: 1 to 5 digits
  return JsObjects::HostPort(host, std::stod(key.substr(start, end - start)));
}

// The socket's key in agent.sockets (the key whose array holds it), as "host:port".
std::string AgentEndpoint(JsObjects& js, uint64_t agent, uint64_t socket, const std::string& host) {
  auto sockets = js.Get(agent, "sockets");
  if (!sockets) return "";
  for (const auto& [key, list] : js.StringKeyed(sockets->raw, 1024)) {
    for (const Tagged& s : js.Elements(list, 1024)) {
      if (s.raw == socket) return KeyEndpoint(key, host);
    }
  }
  return "";
}

// The Host header the request sent (ClientRequest._header), "" if none.
std::string HostHeader(JsObjects& js, uint64_t request) {
  auto header = js.String(js.Get(request, "_header"), 16384);
  if (!header) return "";
  std::string lower = *header;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower.find("\r\nhost:");
  if (at == std::string::npos) return "";
  size_t start = header->find_first_not_of(' ', at + 7);
  size_t end = header->find("\r\n", at + 2);
  if (start == std::string::npos || end == std::string::npos || end <= start) return "";
  return header->substr(start, end - start);
}

std::string Brief(JsObjects& js, uint64_t object) {
  std::string name = js.ClassName(object);
  return "<" + (name.empty() ? std::string("Object") : name) + " " + Hex(object) + ">";
}

bool HasDetail(const HandleWrapInfo& h, const std::string& prefix) {
  for (const std::string& d : h.details) {
    if (d.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string Detail(const HandleWrapInfo& h, const std::string& prefix) {
  for (const std::string& d : h.details) {
    if (d.rfind(prefix, 0) == 0) return d;
  }
  return "";
}

}  // namespace

std::string HttpSocketText(const HandleWrapInfo& h) {
  std::string text = Detail(h, "fd ");
  if (!h.local.empty() || !h.peer.empty()) {
    text += " " + (h.local.empty() ? std::string("?") : h.local) + " -> " + (h.peer.empty() ? std::string("?") : h.peer);
  }
  return text;
}

namespace {

// http.Server (and https.Server, which shares its options) sets these in
// its constructor; a net.Server has neither.
bool IsHttpServer(JsObjects& js, uint64_t server) {
  return js.Number(js.Get(server, "headersTimeout")).has_value() || js.Get(server, "httpAllowHalfOpen").has_value();
}

std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

namespace {

// A ClientRequest's own fields; the endpoint is left to the caller.
HttpClientRequest ReadRequestFields(JsObjects& js, uint64_t request) {
  HttpClientRequest r;
  r.request = request;
  r.method = js.String(js.Get(request, "method")).value_or("?");
  // Node 24 made `path` an accessor of ClientRequest.prototype over Symbol(kPath).
  auto path = js.String(js.Get(request, "path"));
  if (!path) path = js.String(js.Get(request, "kPath", true));
  r.path = path.value_or("?");
  r.host = js.String(js.Get(request, "host")).value_or("");
  auto agent = js.Get(request, "agent");
  if (agent && agent->kind == Tagged::Kind::kStrong) r.agent = agent->raw;
  return r;
}

bool IsClientRequest(JsObjects& js, const std::optional<Tagged>& value) {
  return value && value->kind == Tagged::Kind::kStrong && js.ClassName(value->raw) == "ClientRequest";
}

}  // namespace

std::optional<HttpClientRequest> ReadClientRequest(JsObjects& js, uint64_t socket) {
  auto message = js.Get(socket, "_httpMessage");
  if (!IsClientRequest(js, message)) return std::nullopt;
  HttpClientRequest r = ReadRequestFields(js, message->raw);
  if (r.agent) r.endpoint = AgentEndpoint(js, r.agent, socket, r.host);
  if (r.endpoint.empty()) r.endpoint = HostHeader(js, r.request);
  if (r.endpoint.empty()) r.endpoint = r.host.empty() ? "?" : r.host;
  return r;
}

std::vector<HttpClientRequest> ReadQueuedRequests(JsObjects& js, uint64_t agent, size_t max) {
  std::vector<HttpClientRequest> out;
  auto requests = js.Get(agent, "requests");
  if (!requests) return out;
  for (const auto& [key, list] : js.StringKeyed(requests->raw, max)) {
    for (const Tagged& value : js.Elements(list, max)) {
      if (out.size() >= max || !IsClientRequest(js, value)) continue;
      HttpClientRequest r = ReadRequestFields(js, value.raw);
      r.endpoint = KeyEndpoint(key, r.host);
      if (r.endpoint.empty()) r.endpoint = r.host.empty() ? "?" : r.host;
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::optional<HttpIncoming> ReadIncoming(JsObjects& js, uint64_t socket) {
  HttpIncoming in;
  // Once the handler runs, the response is assigned to the socket and
  // knows its request; before, the parser holds the message.
  auto message = js.Get(socket, "_httpMessage");
  if (message && message->kind == Tagged::Kind::kStrong && js.ClassName(message->raw) == "ServerResponse") {
    in.response = message->raw;
    if (auto req = js.Get(in.response, "req"); req && req->kind == Tagged::Kind::kStrong) in.message = req->raw;
  }
  if (!in.message) {
    // The parser keeps its last message after it completed (an idle
    // keep-alive connection): only one still arriving counts.
    auto parser = js.Get(socket, "parser");
    auto incoming = parser ? js.Get(parser->raw, "incoming") : std::nullopt;
    if (incoming && incoming->kind == Tagged::Kind::kStrong) {
      if (js.Boolean(js.Get(incoming->raw, "complete")) == false) in.message = incoming->raw;
    }
  }
  if (!in.message || js.ClassName(in.message) != "IncomingMessage") return std::nullopt;
  auto method = js.String(js.Get(in.message, "method"));
  auto url = js.String(js.Get(in.message, "url"));
  if (!method || !url) return std::nullopt;
  in.method = *method;
  in.url = *url;
  return in;
}

namespace {

// How far into a Parser its last_message_start_ is searched for: the word
// before connectionsList_, a ConnectionsList* (named by its vtable), which
// every server-side Parser has; the arrays of header (and from Node 24
// trailer) fields before them take 1.6 KB (Node 20, 22) to 10 KB (24, 26).
constexpr size_t kParserScanBytes = 16384;

bool IsConnectionsList(Program& target, uint64_t word) {
  if (word < 0x10000 || word % 8) return false;
  const std::string cls = CppClassOf(target, word);
  return cls.size() >= 15 && cls.compare(cls.size() - 15, 15, "ConnectionsList") == 0;
}

// last_message_start_ of the Parser behind a server socket's parser: an
// uv_hrtime() (ns) while a message arrives, 0 after it; nullopt if unknown.
// `slot`: where the ConnectionsList* was in the last Parser (they all share
// one layout), tried first; updated when found elsewhere.
std::optional<uint64_t> MessageStart(Program& target, JsObjects& js, uint64_t socket, size_t& slot) {
  auto parser = js.Get(socket, "parser");
  if (!parser || parser->kind != Tagged::Kind::kStrong) return std::nullopt;
  for (const WrappedCppObject& cpp : WrappedCppObjects(target, parser->address)) {
    if (cpp.cls.find("Parser") == std::string::npos) continue;
    std::vector<uint64_t> words(kParserScanBytes / 8);
    if (!target.memory().Read(cpp.address, words.data(), kParserScanBytes)) return std::nullopt;
    if (slot > 0 && slot < words.size() && IsConnectionsList(target, words[slot])) return words[slot - 1];
    for (size_t i = 1; i < words.size(); i++) {
      if (!IsConnectionsList(target, words[i])) continue;
      slot = i;
      return words[i - 1];
    }
  }
  return std::nullopt;
}

}  // namespace

void ReadReceivingTime(Program& target, JsObjects& js, uint64_t socket, std::optional<uint64_t> loop_ms,
                       HttpIncoming& in, size_t* parser_slot) {
  size_t local = 0;
  auto start = MessageStart(target, js, socket, parser_slot ? *parser_slot : local);
  if (!start || *start == 0 || !loop_ms) return;
  // The loop's clock (ms) is uv_hrtime's, coarser and updated once per
  // loop iteration: a message begun since reads as 0 ms.
  const double age = static_cast<double>(*loop_ms) - static_cast<double>(*start) / 1e6;
  in.receiving_ms = age < 0 ? 0 : age;
}

std::string ClientRequestText(const HttpClientRequest& r) { return r.method + " " + r.endpoint + " " + r.path; }

HttpInFlight CollectHttp(JsObjects& js, const HandleList& handles, Program* target, std::optional<uint64_t> loop_ms) {
  HttpInFlight http;
  size_t parser_slot = 0;
  for (const HandleWrapInfo& h : handles.items) {
    if (h.owner && HasDetail(h, "listening")) http.servers.push_back({&h, {}});
  }
  std::vector<uint64_t> agents;
  for (const HandleWrapInfo& h : handles.items) {
    if (!h.owner || HasDetail(h, "listening")) continue;
    if (auto client = ReadClientRequest(js, h.owner)) {
      if (client->agent && std::find(agents.begin(), agents.end(), client->agent) == agents.end()) {
        agents.push_back(client->agent);
      }
      http.outgoing.emplace_back(&h, *client);
      continue;
    }
    auto in = ReadIncoming(js, h.owner);
    if (!in) continue;
    if (target) ReadReceivingTime(*target, js, h.owner, loop_ms, *in, &parser_slot);
    auto server = js.Get(h.owner, "server");
    HttpServer* found = nullptr;
    for (HttpServer& s : http.servers) {
      if (server && s.handle->owner == server->raw) found = &s;
    }
    (found ? found->requests : http.orphans).emplace_back(&h, *in);
  }
  for (uint64_t agent : agents) {
    for (HttpClientRequest& r : ReadQueuedRequests(js, agent)) http.outgoing.emplace_back(nullptr, std::move(r));
  }
  // Plain net servers with no request are not HTTP servers: left out.
  auto& servers = http.servers;
  servers.erase(std::remove_if(servers.begin(), servers.end(),
                               [&](const HttpServer& s) {
                                 return s.requests.empty() && !IsHttpServer(js, s.handle->owner);
                               }),
                servers.end());
  return http;
}

namespace {

}  // namespace

std::string ServerListeningText(const HttpServer& s) {
  std::string text = Detail(*s.handle, "listening");
  const std::string chosen = " (kernel-chosen port)";
  if (text.size() < chosen.size() || text.compare(text.size() - chosen.size(), chosen.size(), chosen) != 0) return text;
  std::string address = text.substr(10, text.size() - 10 - chosen.size());
  if (address.find(':') != std::string::npos) address = "[" + address + "]";
  for (const auto& [h, in] : s.requests) {
    size_t colon = h->local.rfind(':');
    if (colon == std::string::npos) continue;
    return "listening " + address + h->local.substr(colon) + " (the port its connections have)";
  }
  return text;
}

namespace {

// The servers and their requests, method and URL padded so that the sockets line up.
std::string FormatServed(JsObjects& js, const HttpInFlight& http, bool verbose) {
  size_t width = 0;
  for (const HttpServer& s : http.servers) {
    for (const auto& [h, in] : s.requests) width = std::max(width, in.method.size() + 1 + in.url.size());
  }
  for (const auto& [h, in] : http.orphans) width = std::max(width, in.method.size() + 1 + in.url.size());
  auto line = [&](const HttpServed& served) {
    const auto& [h, in] = served;
    std::string text = "    " + Pad(in.method + " " + in.url, width) + "  socket " + HttpSocketText(*h) + "  " +
                       Brief(js, in.message);
    if (in.receiving_ms) text += "  receiving for " + FormatJsNumber(std::floor(*in.receiving_ms)) + " ms";
    if (verbose) text += "  " + Brief(js, h->owner) + (in.response ? "  " + Brief(js, in.response) : "");
    return text + "\n";
  };
  std::string out;
  for (const HttpServer& s : http.servers) {
    out += "  server " + Brief(js, s.handle->owner) + " " + Detail(*s.handle, "fd ") + "  " + ServerListeningText(s) +
           ": " + std::to_string(s.requests.size()) + (s.requests.size() == 1 ? " request\n" : " requests\n");
    for (const HttpServed& served : s.requests) out += line(served);
  }
  if (!http.orphans.empty()) out += "  requests of servers not among the handles:\n";
  for (const HttpServed& served : http.orphans) out += line(served);
  return out;
}

std::string FormatSent(JsObjects& js, const HttpInFlight& http, bool verbose) {
  if (http.outgoing.empty()) return "";
  size_t width = 0;
  for (const auto& [h, r] : http.outgoing) width = std::max(width, ClientRequestText(r).size());
  std::string out = "  outgoing requests:\n";
  for (const auto& [h, r] : http.outgoing) {
    std::string where = h ? "socket " + HttpSocketText(*h) : "no socket yet: queued in its agent";
    out += "    " + Pad(ClientRequestText(r), width) + "  " + where + "  " + Brief(js, r.request) +
           (verbose && h ? "  " + Brief(js, h->owner) : "") + "\n";
  }
  return out;
}

}  // namespace

std::string FormatHttp(JsObjects& js, const EnvironmentInfo& env, const HandleList& handles, bool verbose,
                       Program* target) {
  std::optional<uint64_t> loop_ms = target ? ReadLoopTime(*target, env.loop) : std::nullopt;
  HttpInFlight http = CollectHttp(js, handles, target, loop_ms);
  size_t incoming = http.orphans.size();
  for (const HttpServer& s : http.servers) incoming += s.requests.size();
  std::string out = "Environment " + Hex(env.address) + " (" + ThreadName(env.thread) + "): " +
                    std::to_string(http.servers.size()) + (http.servers.size() == 1 ? " server, " : " servers, ") +
                    std::to_string(incoming) + (incoming == 1 ? " request" : " requests") + " being handled, " +
                    std::to_string(http.outgoing.size()) + " outgoing\n";
  return out + FormatServed(js, http, verbose) + FormatSent(js, http, verbose);
}

}  // namespace nodegdb
