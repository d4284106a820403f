#include <gtest/gtest.h>

#include "core/inspect.h"

namespace nodegdb {
namespace {
TEST(Inspect, Placeholder) { EXPECT_EQ(InspectString("a"), "'a'"); }
}  // namespace
}  // namespace nodegdb
