// The sockets of a live local process, from the kernel's own tables:
// /proc/PID/fd names each descriptor's socket inode, /proc/PID/net/{tcp,
// tcp6,udp,udp6} give each inode's local and remote address. A core has no
// such tables; a process memory cannot tell a port the kernel chose
// (listen(0)) or the peer of an accepted connection, the kernel can.
// Read-only: nothing runs in the process.
#pragma once

#include <map>
#include <string>

namespace nodegdb {

struct SocketEndpoints {
  std::string protocol;  // "tcp", "tcp6", "udp", "udp6"
  std::string local;     // "127.0.0.1:8080", "[::]:40123"
  std::string remote;    // "" when unconnected (listening, unconnected UDP)
  bool listening = false;
};

// fd -> its socket's endpoints, for the sockets of `pid` that the kernel
// lists; empty if /proc cannot be read (another user, not Linux).
std::map<int, SocketEndpoints> ReadProcessSockets(int pid);

// One line of /proc/net/tcp-style text to the endpoints and inode; false if
// the line is not a socket row. Exposed for tests.
bool ParseProcNetLine(const std::string& line, bool ipv6, SocketEndpoints* out, unsigned long* inode);

}  // namespace nodegdb
