#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/v8/heap_number.h"

namespace nodegdb {
namespace {

TEST(JsNumber, FormatsAsNumberToString) {
  EXPECT_EQ(FormatJsNumber(0), "0");
  EXPECT_EQ(FormatJsNumber(-0.0), "0");
  EXPECT_EQ(InspectJsNumber(-0.0), "-0");
  EXPECT_EQ(FormatJsNumber(1.5), "1.5");
  EXPECT_EQ(FormatJsNumber(-1.5), "-1.5");
  EXPECT_EQ(FormatJsNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatJsNumber(std::nan("")), "NaN");
  EXPECT_EQ(FormatJsNumber(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(FormatJsNumber(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(FormatJsNumber(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(FormatJsNumber(18446744073709551616.0), "18446744073709552000");
  EXPECT_EQ(FormatJsNumber(1e21), "1e+21");
  EXPECT_EQ(FormatJsNumber(1e20), "100000000000000000000");
  EXPECT_EQ(FormatJsNumber(1.5e-7), "1.5e-7");
  EXPECT_EQ(FormatJsNumber(0.000001), "0.000001");
  EXPECT_EQ(FormatJsNumber(123e-20), "1.23e-18");
  EXPECT_EQ(FormatJsNumber(5e-324), "5e-324");
  EXPECT_EQ(FormatJsNumber(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(FormatJsNumber(2147483648.0), "2147483648");
}

}  // namespace
}  // namespace nodegdb
