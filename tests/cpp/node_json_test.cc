// The pieces of node_json.cc that turn the readers' text details into
// JSON fields (the documents themselves are checked on real cores:
// tests/python/test_node_json.py).
#include "core/node/node_json.h"

#include <gtest/gtest.h>

using namespace nodegdb;

TEST(NodeJson, DetailNumberTakesTheFirstMatchingDetail) {
  std::vector<std::string> details = {"listening 127.0.0.1:8080", "fd 27", "fd 28"};
  EXPECT_EQ(DetailNumber(details, "fd "), 27);
  EXPECT_EQ(DetailNumber({"pid 8326  \"/usr/bin/node child.js\""}, "pid "), 8326);
  EXPECT_EQ(DetailNumber({"fd -1"}, "fd "), -1);
}

TEST(NodeJson, DetailNumberNeedsANumberThere) {
  EXPECT_FALSE(DetailNumber({}, "fd "));
  EXPECT_FALSE(DetailNumber({"fd "}, "fd "));
  EXPECT_FALSE(DetailNumber({"fd x"}, "fd "));
  EXPECT_FALSE(DetailNumber({"fd 12x"}, "fd "));
  EXPECT_FALSE(DetailNumber({"fdd 12"}, "fd "));
  EXPECT_EQ(DetailNumber({"fd x", "fd 3"}, "fd "), 3);
}

TEST(NodeJson, SplitListeningPutsTheNoteApart) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(SplitListening("listening 127.0.0.1:8080"), P("127.0.0.1:8080", ""));
  EXPECT_EQ(SplitListening("listening 127.0.0.1:34995 (the port its connections have)"),
            P("127.0.0.1:34995", "the port its connections have"));
  EXPECT_EQ(SplitListening("listening 127.0.0.1 (kernel-chosen port)"), P("127.0.0.1", "kernel-chosen port"));
  EXPECT_EQ(SplitListening("listening /tmp/app.sock"), P("/tmp/app.sock", ""));
  EXPECT_EQ(SplitListening(""), P("", ""));
}
