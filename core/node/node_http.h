// HTTP in flight, from the JavaScript objects of Node's http module that
// hang off a stream handle's owner (a net.Socket): on a client socket, the
// ClientRequest it carries (socket._httpMessage: method, host, path, and
// the port from its agent's key), and the requests that agent queues; on a connection a server accepted, the
// IncomingMessage being handled (socket._httpMessage, a ServerResponse, and
// its `req`; else socket.parser.incoming while the request is parsed).
// These are lib/_http_*.js's own property names, the same in Node 20-26.
// How long a message still arriving has been arriving comes from the C++
// Parser behind socket.parser: Node sets its last_message_start_ to
// uv_hrtime() when a message begins and to 0 once it is complete, so a
// request received whole has no start time in memory.
//
// What may fail: nothing throws; an object that does not hold what is
// expected gives nullopt (the handle is then listed without HTTP facts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/node/node_env.h"
#include "core/node/node_js.h"

namespace nodegdb {

struct HandleList;
struct HandleWrapInfo;
class Program;

struct HttpClientRequest {
  uint64_t request = 0;   // tagged ClientRequest
  std::string method;     // "GET"
  std::string host;       // as asked for: "127.0.0.1", "api.example.com"
  std::string endpoint;   // "127.0.0.1:8080" (the agent's key), else the Host header, else host
  std::string path;       // "/orders/42?expand=items"
  uint64_t agent = 0;     // tagged http.Agent, 0 if none
};
// The ClientRequest on a client socket (tagged net.Socket), if any.
std::optional<HttpClientRequest> ReadClientRequest(JsObjects& js, uint64_t socket);
// The ClientRequests an agent (tagged) queues for want of a socket
// (agent.requests: maxSockets reached), at most `max`.
std::vector<HttpClientRequest> ReadQueuedRequests(JsObjects& js, uint64_t agent, size_t max = 1024);

struct HttpIncoming {
  uint64_t message = 0;   // tagged IncomingMessage
  uint64_t response = 0;  // tagged ServerResponse, 0 if not assigned yet
  std::string method, url;
  std::optional<double> receiving_ms;  // how long its message has been arriving (see above)
};
// The request a server-side socket (tagged net.Socket) is handling, if any.
std::optional<HttpIncoming> ReadIncoming(JsObjects& js, uint64_t socket);

// Fills in.receiving_ms for the server socket (tagged net.Socket) whose
// request `in` is, against the loop's time `loop_ms` (ReadLoopTime).
// `parser_slot` (optional) carries where the last Parser's field was, so
// that the next one is read without a search.
void ReadReceivingTime(Program& target, JsObjects& js, uint64_t socket, std::optional<uint64_t> loop_ms,
                       HttpIncoming& in, size_t* parser_slot = nullptr);

// What node-http lists for one Environment, sorted from its handle list:
// servers with the requests their connections are handling, then client
// requests on sockets and those their agents queue. The handle pointers
// point into the HandleList given to CollectHttp.
using HttpServed = std::pair<const HandleWrapInfo*, HttpIncoming>;
using HttpSent = std::pair<const HandleWrapInfo*, HttpClientRequest>;  // null handle: queued in its agent
struct HttpServer {
  const HandleWrapInfo* handle;
  std::vector<HttpServed> requests;
};
struct HttpInFlight {
  std::vector<HttpServer> servers;
  std::vector<HttpServed> orphans;  // their server is not among the handles
  std::vector<HttpSent> outgoing;
};
// `target` (if given) reads the Parsers for the receiving times against
// the loop's time `loop_ms`.
HttpInFlight CollectHttp(JsObjects& js, const HandleList& handles, Program* target, std::optional<uint64_t> loop_ms);

// "fd 27 127.0.0.1:8080 -> 127.0.0.1:50412": the socket as node-handles names it.
std::string HttpSocketText(const HandleWrapInfo& h);
// "listening 127.0.0.1:8080"; a kernel-chosen port that only the kernel
// knows (a core) is taken from the local address its connections cached.
std::string ServerListeningText(const HttpServer& s);

// A one-line text of a client request: "GET 127.0.0.1:8080 /orders/42".
std::string ClientRequestText(const HttpClientRequest& r);

// The text of `node-http` for one Environment, from its handle list (read
// with ReadHandleWraps, whose stream describers name the endpoints):
// each listening server with the requests its connections are handling,
// then the outgoing requests (and those their agents queue). `verbose` adds the net.Socket of each, and
// the ServerResponse of a request being handled.
// `target` (if given) reads the Parsers for the receiving times.
std::string FormatHttp(JsObjects& js, const EnvironmentInfo& env, const HandleList& handles, bool verbose = false,
                       Program* target = nullptr);

}  // namespace nodegdb
