// Node's intrusive lists walked from raw memory (core/node_handles.h) in
// good and broken shapes, /proc/PID/maps parsing and libuv names.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/platform/memory.h"
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/platform/proc_sockets.h"

namespace nodegdb {
namespace {

constexpr uint64_t kBase = 0x10000;
constexpr int64_t kPrev = 0, kNext = 8;

// Nodes are 16 bytes {prev_, next_} at kBase + 0x100 * i; node 0 is the head.
class Lists : public ::testing::Test {
 protected:
  void SetUp() override { memory_.Map(kBase, std::vector<uint8_t>(0x1000)); }
  uint64_t Node(int i) const { return kBase + 0x100 * static_cast<uint64_t>(i); }
  void Set(uint64_t address, uint64_t value) {
    std::memcpy(memory_.Region(kBase).data() + (address - kBase), &value, 8);
  }
  // head -> 1 -> 2 -> ... -> n -> head, prev_ links matching.
  void Link(int n) {
    for (int i = 0; i <= n; i++) {
      Set(Node(i) + kNext, Node(i == n ? 0 : i + 1));
      Set(Node(i) + kPrev, Node(i == 0 ? n : i - 1));
    }
  }
  BufferMemory memory_;
};

TEST_F(Lists, EmptyListPointsToItsHead) {
  Link(0);
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_TRUE(walk.nodes.empty());
  EXPECT_EQ(walk.error, "");
}

TEST_F(Lists, NodesInOrder) {
  Link(3);
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_EQ(walk.nodes, (std::vector<uint64_t>{Node(1), Node(2), Node(3)}));
  EXPECT_EQ(walk.error, "");
}

TEST_F(Lists, NullLinkStopsWithWhatWasRead) {
  Link(3);
  Set(Node(2) + kNext, 0);
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_EQ(walk.nodes, (std::vector<uint64_t>{Node(1), Node(2)}));
  EXPECT_EQ(walk.error, "next_ at 0x10208 holds 0x0, not a list node");
}

TEST_F(Lists, UnreadableLink) {
  Link(2);
  Set(Node(1) + kNext, 0x900000);
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_EQ(walk.nodes.size(), 1u);
  EXPECT_EQ(walk.error, "next_ at 0x10108 holds 0x900000, which cannot be read");
}

TEST_F(Lists, CycleThatMissesTheHead) {
  Link(3);
  Set(Node(3) + kNext, Node(2));
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_EQ(walk.nodes.size(), 3u);
  EXPECT_EQ(walk.error, "next_ at 0x10308 leads back to 0x10200 (a cycle that misses the head)");
}

TEST_F(Lists, BrokenBackLink) {
  Link(3);
  Set(Node(2) + kPrev, Node(3));
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 100);
  EXPECT_EQ(walk.nodes.size(), 1u);
  EXPECT_EQ(walk.error, "node 0x10200 (from next_ at 0x10108) has prev_ 0x10300, expected 0x10100: the list is corrupt");
}

TEST_F(Lists, Bounded) {
  Link(5);
  ListWalk walk = WalkList(memory_, Node(0), kNext, kPrev, 3);
  EXPECT_EQ(walk.nodes.size(), 3u);
  EXPECT_EQ(walk.error, "stopped after 3 entries without coming back to the head");
}

TEST_F(Lists, UnreadableHead) {
  ListWalk walk = WalkList(memory_, 0x500000, kNext, kPrev, 10);
  EXPECT_TRUE(walk.nodes.empty());
  EXPECT_EQ(walk.error, "cannot read the list head's next_ at 0x500008");
}

TEST(NodeEnv, ParseMapsKeepsWritableDataOnly) {
  std::vector<MemoryRange> r = ParseMaps(
      "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/node\n"
      "00651000-00652000 rw-p 00051000 08:02 173521      /usr/bin/node\n"
      "0217d000-0219e000 rw-p 00000000 00:00 0           [heap]\n"
      "7f0000000000-7f0000100000 rwxp 00000000 00:00 0\n"
      "7ffd5c9f0000-7ffd5c9f4000 r--p 00000000 00:00 0   [vvar]\n"
      "garbage\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].start, 0x651000u);
  EXPECT_EQ(r[1].end, 0x219e000u);
}

TEST(NodeEnv, LibuvNames) {
  EXPECT_STREQ(UvHandleTypeName(12), "TCP");
  EXPECT_STREQ(UvHandleTypeName(16), "SIGNAL");
  EXPECT_STREQ(UvHandleTypeName(99), "?");
  EXPECT_STREQ(UvReqTypeName(6), "FS");
  EXPECT_STREQ(UvReqTypeName(8), "GETADDRINFO");
  EXPECT_STREQ(UvFsTypeName(3), "read");
  EXPECT_STREQ(UvFsTypeName(36), "lutime");
  EXPECT_STREQ(UvFsTypeName(-1), "");
  EXPECT_EQ(SignalName(12), "SIGUSR2");
  EXPECT_EQ(SignalName(2), "SIGINT");
  EXPECT_EQ(SignalName(35), "SIGRTMIN+1");
  EXPECT_EQ(SignalName(200), "signal 200");
}

}  // namespace
}  // namespace nodegdb


namespace nodegdb {

// Rows of /proc/net/tcp and tcp6 as a Linux kernel wrote them (x86-64:
// address words in little-endian order).
TEST(ProcSockets, ParsesKernelSocketTables) {
  SocketEndpoints s;
  unsigned long inode = 0;
  ASSERT_TRUE(ParseProcNetLine("   0: 0100007F:A5DB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
                               "2330143 1 0000000000000000 100 0 0 10 0",
                               false, &s, &inode));
  EXPECT_EQ(s.local, "127.0.0.1:42459");
  EXPECT_EQ(s.remote, "");
  EXPECT_TRUE(s.listening);
  EXPECT_EQ(inode, 2330143u);
  ASSERT_TRUE(ParseProcNetLine("   3: 0100007F:9334 0100007F:A5DB 01 00000000:00000000 00:00000000 00000000     0        0 "
                               "2330150 1 0000000000000000 20 4 30 10 -1",
                               false, &s, &inode));
  EXPECT_EQ(s.local, "127.0.0.1:37684");
  EXPECT_EQ(s.remote, "127.0.0.1:42459");
  EXPECT_FALSE(s.listening);
  ASSERT_TRUE(ParseProcNetLine("   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A "
                               "00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0",
                               true, &s, &inode));
  EXPECT_EQ(s.local, "[::]:8080");
  ASSERT_TRUE(ParseProcNetLine("   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 "
                               "00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1",
                               true, &s, &inode));
  EXPECT_EQ(s.local, "[::ffff:127.0.0.1]:8080");
  EXPECT_EQ(s.remote, "[::ffff:127.0.0.1]:54321");
  // The header and damaged rows are no sockets.
  EXPECT_FALSE(ParseProcNetLine("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
                                "timeout inode", false, &s, &inode));
  EXPECT_FALSE(ParseProcNetLine("   0: 0100007F:A5DBZ 00000000:0000 0A 0 0 0 0 0 1", false, &s, &inode));
  EXPECT_FALSE(ParseProcNetLine("", false, &s, &inode));
  // Not a process: nothing, no error.
  EXPECT_TRUE(ReadProcessSockets(0).empty());
  EXPECT_TRUE(ReadProcessSockets(1 << 30).empty());
}

}  // namespace nodegdb
