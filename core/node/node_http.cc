#include "core/node/node_http.h"

#include <algorithm>
#include <cctype>

#include "core/node/node_handles.h"

namespace nodegdb {

namespace {

// The agent's key for the socket: Agent.getName() is "host:port:localAddress"
// (and ":family" when asked), the key of agent.sockets whose array holds
// the socket. "host:port", "" if not found.
std::string AgentEndpoint(JsObjects& js, uint64_t request, uint64_t socket, const std::string& host) {
  auto agent = js.Get(request, "agent");
  if (!agent) return "";
  auto sockets = js.Get(agent->raw, "sockets");
  if (!sockets) return "";
  for (const auto& [key, list] : js.StringKeyed(sockets->raw, 1024)) {
    bool holds = false;
    for (const Tagged& s : js.Elements(list, 1024)) holds = holds || s.raw == socket;
    if (!holds || key.compare(0, host.size() + 1, host + ":") != 0) continue;
    size_t start = host.size() + 1, end = start;
    while (end < key.size() && std::isdigit(static_cast<unsigned char>(key[end]))) end++;
    if (end == start || end - start > 5) return "";  // a port: 1 to 5 digits
    return JsObjects::HostPort(host, std::stod(key.substr(start, end - start)));
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

// "fd 27 127.0.0.1:8080 -> 127.0.0.1:50412": the socket as node-handles names it.
std::string SocketText(const HandleWrapInfo& h) {
  std::string text = Detail(h, "fd ");
  if (!h.local.empty() || !h.peer.empty()) {
    text += " " + (h.local.empty() ? std::string("?") : h.local) + " -> " + (h.peer.empty() ? std::string("?") : h.peer);
  }
  return text;
}

// http.Server (and https.Server, which shares its options) sets these in
// its constructor; a net.Server has neither.
bool IsHttpServer(JsObjects& js, uint64_t server) {
  return js.Number(js.Get(server, "headersTimeout")).has_value() || js.Get(server, "httpAllowHalfOpen").has_value();
}

std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

std::optional<HttpClientRequest> ReadClientRequest(JsObjects& js, uint64_t socket) {
  auto message = js.Get(socket, "_httpMessage");
  if (!message || message->kind != Tagged::Kind::kStrong || js.ClassName(message->raw) != "ClientRequest") {
    return std::nullopt;
  }
  HttpClientRequest r;
  r.request = message->raw;
  r.method = js.String(js.Get(r.request, "method")).value_or("?");
  // Node 24 made `path` an accessor of ClientRequest.prototype over Symbol(kPath).
  auto path = js.String(js.Get(r.request, "path"));
  if (!path) path = js.String(js.Get(r.request, "kPath", true));
  r.path = path.value_or("?");
  r.host = js.String(js.Get(r.request, "host")).value_or("");
  if (!r.host.empty()) r.endpoint = AgentEndpoint(js, r.request, socket, r.host);
  if (r.endpoint.empty()) r.endpoint = HostHeader(js, r.request);
  if (r.endpoint.empty()) r.endpoint = r.host.empty() ? "?" : r.host;
  return r;
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

std::string ClientRequestText(const HttpClientRequest& r) { return r.method + " " + r.endpoint + " " + r.path; }

std::string FormatHttp(JsObjects& js, const EnvironmentInfo& env, const HandleList& handles, bool verbose) {
  struct Server {
    const HandleWrapInfo* handle;
    std::vector<std::pair<const HandleWrapInfo*, HttpIncoming>> requests;
  };
  std::vector<Server> servers;
  std::vector<std::pair<const HandleWrapInfo*, HttpIncoming>> orphans;  // server not among the handles
  std::vector<std::pair<const HandleWrapInfo*, HttpClientRequest>> outgoing;
  for (const HandleWrapInfo& h : handles.items) {
    if (h.owner && HasDetail(h, "listening")) servers.push_back({&h, {}});
  }
  for (const HandleWrapInfo& h : handles.items) {
    if (!h.owner || HasDetail(h, "listening")) continue;
    if (auto client = ReadClientRequest(js, h.owner)) {
      outgoing.emplace_back(&h, *client);
      continue;
    }
    auto in = ReadIncoming(js, h.owner);
    if (!in) continue;
    auto server = js.Get(h.owner, "server");
    Server* found = nullptr;
    for (Server& s : servers) {
      if (server && s.handle->owner == server->raw) found = &s;
    }
    (found ? found->requests : orphans).emplace_back(&h, *in);
  }
  // A kernel-chosen port that only the kernel knows (a core): the local
  // address its connections have cached says it.
  auto ListeningText = [](const Server& s) {
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
  };
  // Plain net servers with no request are not HTTP servers: left out.
  servers.erase(std::remove_if(servers.begin(), servers.end(),
                               [&](const Server& s) { return s.requests.empty() && !IsHttpServer(js, s.handle->owner); }),
                servers.end());
  size_t incoming = orphans.size();
  for (const Server& s : servers) incoming += s.requests.size();
  std::string out = "Environment " + Hex(env.address) + " (" + ThreadName(env.thread) + "): " +
                    std::to_string(servers.size()) + (servers.size() == 1 ? " server, " : " servers, ") +
                    std::to_string(incoming) + (incoming == 1 ? " request" : " requests") + " being handled, " +
                    std::to_string(outgoing.size()) + " outgoing\n";
  // Method and URL first, padded so that the sockets line up.
  size_t width = 0;
  for (const Server& s : servers) {
    for (const auto& [h, in] : s.requests) width = std::max(width, in.method.size() + 1 + in.url.size());
  }
  for (const auto& [h, in] : orphans) width = std::max(width, in.method.size() + 1 + in.url.size());
  auto request_line = [&](const HandleWrapInfo* h, const HttpIncoming& in) {
    std::string line = "    " + Pad(in.method + " " + in.url, width) + "  socket " + SocketText(*h) + "  " +
                       Brief(js, in.message);
    if (verbose) line += "  " + Brief(js, h->owner) + (in.response ? "  " + Brief(js, in.response) : "");
    return line + "\n";
  };
  for (const Server& s : servers) {
    out += "  server " + Brief(js, s.handle->owner) + " " + Detail(*s.handle, "fd ") + "  " + ListeningText(s) + ": " +
           std::to_string(s.requests.size()) +
           (s.requests.size() == 1 ? " request\n" : " requests\n");
    for (const auto& [h, in] : s.requests) out += request_line(h, in);
  }
  if (!orphans.empty()) out += "  requests of servers not among the handles:\n";
  for (const auto& [h, in] : orphans) out += request_line(h, in);
  if (!outgoing.empty()) out += "  outgoing requests:\n";
  width = 0;
  for (const auto& [h, r] : outgoing) width = std::max(width, ClientRequestText(r).size());
  for (const auto& [h, r] : outgoing) {
    out += "    " + Pad(ClientRequestText(r), width) + "  socket " + SocketText(*h) + "  " + Brief(js, r.request) +
           (verbose ? "  " + Brief(js, h->owner) : "") + "\n";
  }
  return out;
}

}  // namespace nodegdb
