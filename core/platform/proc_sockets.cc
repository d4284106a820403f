#include "core/platform/proc_sockets.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace nodegdb {

namespace {

// "0100007F:1F90": the address as the kernel stores it (32-bit words in
// host order: little-endian here), then the port in hex.
bool ParseEndpoint(const std::string& text, bool ipv6, std::string* out, bool* any_port) {
  const size_t colon = text.find(':');
  const size_t hex_length = ipv6 ? 32 : 8;
  if (colon != hex_length || text.size() < colon + 2) return false;
  unsigned char bytes[16];
  for (size_t word = 0; word < hex_length / 8; word++) {
    char piece[9] = {0};
    std::memcpy(piece, text.data() + word * 8, 8);
    char* end = nullptr;
    uint32_t value = static_cast<uint32_t>(std::strtoul(piece, &end, 16));
    if (*end) return false;
    std::memcpy(bytes + word * 4, &value, 4);  // back to network order (host is little-endian)
  }
  char* end = nullptr;
  unsigned long port = std::strtoul(text.c_str() + colon + 1, &end, 16);
  if (*end || port > 65535) return false;
  char address[INET6_ADDRSTRLEN] = {0};
  if (!inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, address, sizeof address)) return false;
  *any_port = port == 0;
  *out = ipv6 ? "[" + std::string(address) + "]:" + std::to_string(port) : std::string(address) + ":" + std::to_string(port);
  return true;
}

}  // namespace

bool ParseProcNetLine(const std::string& line, bool ipv6, SocketEndpoints* out, unsigned long* inode) {
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
  std::istringstream in(line);
  std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode_text;
  if (!(in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode_text)) {
    return false;
  }
  if (slot.empty() || slot.back() != ':') return false;
  bool local_any = false, remote_any = false;
  if (!ParseEndpoint(local, ipv6, &out->local, &local_any) || !ParseEndpoint(remote, ipv6, &out->remote, &remote_any)) {
    return false;
  }
  if (remote_any) out->remote.clear();  // no peer: listening, or unconnected UDP
  out->listening = state == "0A";       // TCP_LISTEN
  char* end = nullptr;
  *inode = std::strtoul(inode_text.c_str(), &end, 10);
  return *end == 0;
}

std::map<int, SocketEndpoints> ReadProcessSockets(int pid) {
  std::map<int, SocketEndpoints> result;
  if (pid <= 0) return result;
  const std::string proc = "/proc/" + std::to_string(pid);
  // fd -> socket inode.
  std::unordered_map<unsigned long, std::vector<int>> fds_of_inode;
  DIR* dir = opendir((proc + "/fd").c_str());
  if (!dir) return result;
  int entries = 0;
  while (dirent* e = readdir(dir)) {
    if (++entries > 1 << 20) break;  // a bound, however many descriptors
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (*end || end == e->d_name) continue;
    char target[128];
    ssize_t n = readlink((proc + "/fd/" + e->d_name).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = 0;
    unsigned long inode = 0;
    if (std::sscanf(target, "socket:[%lu]", &inode) == 1) fds_of_inode[inode].push_back(static_cast<int>(fd));
  }
  closedir(dir);
  if (fds_of_inode.empty()) return result;
  for (const char* protocol : {"tcp", "tcp6", "udp", "udp6"}) {
    std::ifstream table(proc + "/net/" + protocol);
    std::string line;
    std::getline(table, line);  // header
    const bool ipv6 = std::strchr(protocol, '6') != nullptr;
    while (std::getline(table, line)) {
      SocketEndpoints s;
      unsigned long inode = 0;
      if (!ParseProcNetLine(line, ipv6, &s, &inode)) continue;
      auto it = fds_of_inode.find(inode);
      if (it == fds_of_inode.end() || inode == 0) continue;
      s.protocol = protocol;
      if (protocol[0] == 'u') s.listening = false;
      for (int fd : it->second) result[fd] = s;
    }
  }
  return result;
}

}  // namespace nodegdb
