// The util.inspect formatter against outputs of the real thing. Each case
// gives the JS expression and the Node majors it was checked with:
//   node -e "console.log(util.inspect(EXPR, { breakLength: Infinity }))"
// with /usr/bin/node (20) and build/nodes/{22,24,26}. Stacks are set by hand
// in those expressions (e.stack = '...') so that the text is stable.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/view/inspect.h"

namespace nodegdb {
namespace {

// A heap of descriptions: raw words are handed out by Add/Reserve; reading a
// word nobody described throws like a bad pointer does.
class FakeModel : public JsModel {
 public:
  JsDescription Describe(uint64_t raw) override {
    described.push_back(raw);
    auto it = values_.find(raw);
    if (it == values_.end()) throw Error("cannot read " + std::to_string(raw));
    return it->second;
  }

  JsSlot Reserve() {
    uint64_t raw = next_;
    next_ += 8;
    return JsSlot::Tagged(raw);
  }
  void Set(const JsSlot& slot, JsDescription d) {
    if (d.kind != JsKind::kPrimitive && d.kind != JsKind::kOpaque && d.identity == 0) {
      d.identity = slot.raw;
    }
    values_[slot.raw] = std::move(d);
  }
  JsSlot Add(JsDescription d) {
    JsSlot slot = Reserve();
    Set(slot, std::move(d));
    return slot;
  }

  std::vector<uint64_t> described;

 private:
  std::map<uint64_t, JsDescription> values_;
  uint64_t next_ = 0x1000;
};

// Fluent construction of descriptions.
struct Desc {
  JsDescription d;
  Desc(JsKind kind, const std::optional<std::string>& constructor) {
    d.kind = kind;
    if (constructor) {
      d.constructor_name.emplace(*constructor);
    } else {
      d.constructor_name.reset();
    }
  }
  operator JsDescription() const { return d; }

  Desc& Prop(const std::string& key, JsSlot value) {
    JsProperty p;
    p.key.text = key;
    p.value = std::move(value);
    d.properties.push_back(std::move(p));
    return *this;
  }
  Desc& SymbolProp(const std::string& symbol, JsSlot value) {
    Prop(symbol, std::move(value));
    d.properties.back().key.kind = JsKey::Kind::kSymbol;
    return *this;
  }
  Desc& Accessor(const std::string& key, bool getter, bool setter) {
    Prop(key, JsSlot{});
    JsProperty& p = d.properties.back();
    p.accessor = true;
    p.has_getter = getter;
    p.has_setter = setter;
    return *this;
  }
  // Dense elements 0..n-1; sets the length.
  Desc& Elements(const std::vector<JsSlot>& values) {
    for (const JsSlot& v : values) d.elements.emplace_back(d.elements.size(), v);
    d.length = values.size();
    return *this;
  }
  Desc& Element(uint64_t index, JsSlot value) {
    d.elements.emplace_back(index, std::move(value));
    return *this;
  }
  Desc& Length(uint64_t n) {
    d.length = n;
    return *this;
  }
  Desc& Entry(JsSlot key, JsSlot value = JsSlot{}) {
    d.entries.emplace_back(std::move(key), std::move(value));
    d.length = d.entries.size();
    return *this;
  }
  Desc& Tag(const std::string& tag) {
    d.to_string_tag = tag;
    return *this;
  }
  Desc& Text(const std::string& text) {
    d.text = text;
    return *this;
  }
  Desc& Builtin(const std::string& name) {
    d.builtin_name = name;
    return *this;
  }
};

Desc Obj(std::optional<std::string> constructor = "Object") {
  return Desc(JsKind::kObject, std::move(constructor));
}
Desc Arr(std::optional<std::string> constructor = "Array") {
  return Desc(JsKind::kArray, std::move(constructor)).Builtin("Array");
}
JsDescription Prim(const std::string& text) {
  JsDescription d;
  d.kind = JsKind::kPrimitive;
  d.text = text;
  return d;
}
JsDescription NumPrim(const std::string& text) {
  JsDescription d = Prim(text);
  d.is_number = true;
  return d;
}
JsDescription StrPrim(const std::string& utf8) {
  JsDescription d = Prim(InspectString(utf8));
  d.is_string = true;
  return d;
}
JsSlot Num(const std::string& text) { return JsSlot::Number(text); }
JsSlot Num(int n) { return Num(std::to_string(n)); }
std::vector<JsSlot> Nums(int from, int to) {
  std::vector<JsSlot> out;
  for (int i = from; i < to; ++i) out.push_back(Num(i));
  return out;
}

JsDescription Function(const std::string& name, const std::string& type = "Function",
                       std::optional<std::string> constructor = std::nullopt) {
  Desc f(JsKind::kFunction, constructor ? constructor : type);
  f.d.function.name = name;
  f.d.function.type = type;
  f.d.builtin_name = "Function";
  return f;
}
JsDescription Class(const std::string& name, std::optional<std::string> extends = std::nullopt) {
  JsDescription c = Function(name);
  c.function.is_class = true;
  c.function.extends = std::move(extends);
  return c;
}

JsDescription ErrorDesc(const std::string& stack, const std::string& message,
                        const std::string& name = "Error",
                        std::optional<std::string> constructor = "Error") {
  Desc e(JsKind::kError, std::move(constructor));
  e.d.builtin_name = "Error";
  e.d.text = stack;
  e.d.error_name = name;
  e.d.error_message = message;
  return e;
}

// The start or the end of `text`, as long as `expected`, for long outputs.
std::string Head(const std::string& text, const std::string& expected) {
  return text.substr(0, expected.size());
}
std::string Tail(const std::string& text, const std::string& expected) {
  return text.size() < expected.size() ? text : text.substr(text.size() - expected.size());
}

std::string Show(FakeModel& model, const JsSlot& root, int node_major = 20,
                InspectOptions options = InspectOptions{}) {
  options.node_major = node_major;
  return Inspect(model, root.raw, options);
}

// ---------------------------------------------------------------------------
// Strings and keys

TEST(InspectStrings, QuotesLikeStrEscape) {
  // ['abc', "it's", 'say "hi"', 'both \' and "', 'all \' " `', 'tab\tnl\n',
  //  '\x7f\x85', '\ud83d', '😀é']  (20, 22, 24, 26)
  EXPECT_EQ(InspectString("abc"), "'abc'");
  EXPECT_EQ(InspectString("it's"), "\"it's\"");
  EXPECT_EQ(InspectString("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(InspectString("both ' and \""), "`both ' and \"`");
  EXPECT_EQ(InspectString("all ' \" `"), "'all \\' \" `'");
  EXPECT_EQ(InspectString("tab\tnl\n"), "'tab\\tnl\\n'");
  EXPECT_EQ(InspectString("\x7f\xc2\x85"), "'\\x7F\\x85'");
  EXPECT_EQ(InspectString("\xed\xa0\xbd"), "'\\ud83d'");  // WTF-8 lone surrogate
  EXPECT_EQ(InspectString("😀é"), "'😀é'");
}

TEST(InspectStrings, MaxStringLengthCountsUtf16Units) {
  // util.inspect('abcdefgh', { maxStringLength: 5 })  (20-26)
  EXPECT_EQ(InspectString("abcdefgh", 5), "'abcde'... 3 more characters");
  // util.inspect('😀x', { maxStringLength: 1 }): the pair is cut in half (20-26)
  EXPECT_EQ(InspectString("😀x", 1), "'\\ud83d'... 2 more characters");
  EXPECT_EQ(InspectString("ab", 1), "'a'... 1 more character");
}

TEST(InspectKeys, QuotesKeysThatAreNotIdentifiers) {
  // ({ 'with space': 1, '-1': 2, a_b: 3, $x: 4, 1: 5, 'é': 6, "it's": 7 })  (20-26)
  FakeModel m;
  JsSlot root = m.Add(Obj()
                          .Prop("1", Num(5))
                          .Prop("with space", Num(1))
                          .Prop("-1", Num(2))
                          .Prop("a_b", Num(3))
                          .Prop("$x", Num(4))
                          .Prop("é", Num(6))
                          .Prop("it's", Num(7)));
  EXPECT_EQ(Show(m, root),
            "{ '1': 5, 'with space': 1, '-1': 2, a_b: 3, '$x': 4, 'é': 6, \"it's\": 7 }");
}

TEST(InspectKeys, SymbolKeysLostTheirBracketsIn24) {
  // ({ [Symbol('x')]: 1, a: 2 })
  FakeModel m;
  JsSlot root = m.Add(Obj().Prop("a", Num(2)).SymbolProp("Symbol(x)", Num(1)));
  EXPECT_EQ(Show(m, root, 20), "{ a: 2, [Symbol(x)]: 1 }");
  EXPECT_EQ(Show(m, root, 22), "{ a: 2, [Symbol(x)]: 1 }");
  EXPECT_EQ(Show(m, root, 24), "{ a: 2, Symbol(x): 1 }");
  EXPECT_EQ(Show(m, root, 26), "{ a: 2, Symbol(x): 1 }");
}

TEST(InspectKeys, AccessorsAndProtoKey) {
  // ({ get a() {}, set b(v) {}, get c() {}, set c(v) {} })  (20-26)
  FakeModel m;
  JsSlot accessors = m.Add(
      Obj().Accessor("a", true, false).Accessor("b", false, true).Accessor("c", true, true));
  EXPECT_EQ(Show(m, accessors), "{ a: [Getter], b: [Setter], c: [Getter/Setter] }");
  // JSON.parse('{"__proto__": 1}')  (20-26)
  JsSlot proto = m.Add(Obj().Prop("__proto__", Num(1)));
  EXPECT_EQ(Show(m, proto, 20), "{ ['__proto__']: 1 }");
  EXPECT_EQ(Show(m, proto, 26), "{ ['__proto__']: 1 }");
}

// ---------------------------------------------------------------------------
// Objects and their prefixes

TEST(InspectObjects, PlainNullPrototypeAndClassInstances) {
  FakeModel m;
  // ({}), ({ a: 1, b: 'x' })  (20-26)
  EXPECT_EQ(Show(m, m.Add(Obj())), "{}");
  EXPECT_EQ(Show(m, m.Add(Obj().Prop("a", Num(1)).Prop("b", m.Add(StrPrim("x"))))),
            "{ a: 1, b: 'x' }");
  // Object.create(null), Object.assign(Object.create(null), { a: 1 })  (20-26)
  EXPECT_EQ(Show(m, m.Add(Obj(std::nullopt))), "[Object: null prototype] {}");
  EXPECT_EQ(Show(m, m.Add(Obj(std::nullopt).Prop("a", Num(1)))),
            "[Object: null prototype] { a: 1 }");
  // new (class Foo { constructor() { this.a = 1; } })(), new (class Foo {})()  (20-26)
  EXPECT_EQ(Show(m, m.Add(Obj("Foo").Prop("a", Num(1)))), "Foo { a: 1 }");
  EXPECT_EQ(Show(m, m.Add(Obj("Foo"))), "Foo {}");
}

// An object whose chain has no usable `constructor` but a prototype:
// `internal` is V8's name for it, `proto` the prototype.
Desc Constructorless(const std::string& internal, const JsSlot& proto, JsKind kind = JsKind::kObject) {
  Desc d(kind, std::nullopt);
  d.d.internal_constructor_name = internal;
  d.d.constructorless_prototype = proto.raw;
  return d;
}

TEST(InspectObjects, ChainWithoutConstructor) {
  FakeModel m;
  // function Hdr() {}; Hdr.prototype = Object.create(null); const h = new Hdr(); h.k = 1  (20-26)
  JsSlot bare = m.Add(Obj(std::nullopt));
  JsSlot h = m.Add(Constructorless("Hdr", bare).Prop("k", Num(1)));
  EXPECT_EQ(Show(m, h), "Hdr <[Object: null prototype] {}> { k: 1 }");
  EXPECT_EQ(Show(m, m.Add(Constructorless("Hdr", bare))), "Hdr <[Object: null prototype] {}> {}");
  // { inner: h } at depth 0: the name stops at the depth limit  (20-26)
  InspectOptions shallow;
  shallow.depth = 0;
  EXPECT_EQ(Show(m, m.Add(Obj().Prop("inner", h)), 20, shallow), "{ inner: [Hdr <Complex prototype>] }");
  // Object.create(Object.create(null)) with a: 1  (20-26)
  EXPECT_EQ(Show(m, m.Add(Constructorless("Object", bare).Prop("a", Num(1)))),
            "Object <[Object: null prototype] {}> { a: 1 }");
  // The prototype printed flat at depth -1: Object.create(Object.assign(Object.create(null), { p: 'x' }))  (20-26)
  JsSlot keyed = m.Add(Obj(std::nullopt).Prop("p", m.Add(StrPrim("x"))));
  EXPECT_EQ(Show(m, m.Add(Constructorless("Object", keyed))), "Object <[Object: null prototype]> {}");
  // Object.create(Object.create(Object.create(null))): named at each level,
  // "<Complex prototype>" once past the depth  (20-26)
  JsSlot middle = m.Add(Constructorless("Object", bare));
  JsSlot three = m.Add(Constructorless("Object", middle));
  EXPECT_EQ(Show(m, three), "Object <Object <[Object: null prototype] {}>> {}");
  EXPECT_EQ(Show(m, three, 20, shallow), "Object <Object <Complex prototype>> {}");
  // A tagged null-prototype prototype: function T() {}; T.prototype =
  // Object.create(null, { [Symbol.toStringTag]: { value: 'TG' } }); new T()  (20-26)
  JsSlot tagged = m.Add(Obj(std::nullopt).Tag("TG"));
  EXPECT_EQ(Show(m, m.Add(Constructorless("Tagged", tagged).Tag("TG"))),
            "Tagged <[Object: null prototype] [TG] {}> [TG] {}");
  // An array re-parented onto such a chain has no Symbol.iterator: printed
  // as an object with index keys  (20-26)
  Desc arr = Constructorless("Array", bare, JsKind::kArray).Elements({Num(1), Num(2)});
  arr.Builtin("Array");
  EXPECT_EQ(Show(m, m.Add(arr)), "Array <[Object: null prototype] {}> { '0': 1, '1': 2 }");
  // An unreadable prototype is one bracketed error, not an exception.
  EXPECT_EQ(Show(m, m.Add(Constructorless("Hdr", JsSlot::Tagged(0x8)))), "Hdr <<error: cannot read 8>> {}");
}

TEST(InspectObjects, ToStringTag) {
  FakeModel m;
  // Object.defineProperty({}, Symbol.toStringTag, { value: 'Tag' })  (20-26)
  EXPECT_EQ(Show(m, m.Add(Obj().Tag("Tag"))), "Object [Tag] {}");
  // A null-prototype object with a non-enumerable tag 'T' and a: 1  (20-26)
  EXPECT_EQ(Show(m, m.Add(Obj(std::nullopt).Tag("T").Prop("a", Num(1)))),
            "[Object: null prototype] [T] { a: 1 }");
  // An own enumerable tag is printed as a key, not in the prefix:
  // ({ [Symbol.toStringTag]: 'Tag' })  (20, 22; 24+ drop the brackets)
  JsSlot own = m.Add(
      Obj().Tag("Tag").SymbolProp("Symbol(Symbol.toStringTag)", m.Add(StrPrim("Tag"))));
  EXPECT_EQ(Show(m, own, 20), "{ [Symbol(Symbol.toStringTag)]: 'Tag' }");
}

TEST(InspectObjects, TagMatchingTheConstructorChangedIn22And24) {
  FakeModel m;
  // class FooBar { get [Symbol.toStringTag]() { return 'Foo'; } }; new FooBar()
  JsSlot foobar = m.Add(Obj("FooBar").Tag("Foo"));
  EXPECT_EQ(Show(m, foobar, 20), "FooBar [Foo] {}");
  EXPECT_EQ(Show(m, foobar, 22), "FooBar {}");
  EXPECT_EQ(Show(m, foobar, 24), "FooBar [Foo] {}");
  EXPECT_EQ(Show(m, foobar, 26), "FooBar [Foo] {}");
  // class Foo { get [Symbol.toStringTag]() { return 'a.Foo'; } }; Object.assign(new Foo(), { x: 1 })
  JsSlot dotted = m.Add(Obj("Foo").Tag("a.Foo").Prop("x", Num(1)));
  EXPECT_EQ(Show(m, dotted, 20), "Foo [a.Foo] { x: 1 }");
  EXPECT_EQ(Show(m, dotted, 22), "Foo [a.Foo] { x: 1 }");
  EXPECT_EQ(Show(m, dotted, 24), "a.Foo { x: 1 }");
  EXPECT_EQ(Show(m, dotted, 26), "a.Foo { x: 1 }");
}

// ---------------------------------------------------------------------------
// Arrays

TEST(InspectArrays, DenseSparseAndExtraKeys) {
  FakeModel m;
  // [], [1, 2, 3]  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr())), "[]");
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(Nums(1, 4)))), "[ 1, 2, 3 ]");
  // [1, , 3]  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr().Element(0, Num(1)).Element(2, Num(3)).Length(3))),
            "[ 1, <1 empty item>, 3 ]");
  // new Array(5)  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr().Length(5))), "[ <5 empty items> ]");
  // (() => { const a = []; a[200] = 1; return a; })()  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr().Element(200, Num(1)).Length(201))), "[ <200 empty items>, 1 ]");
  // Object.assign([1, 2], { k: 'v' })  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(Nums(1, 3)).Prop("k", m.Add(StrPrim("v"))))),
            "[ 1, 2, k: 'v' ]");
}

TEST(InspectArrays, PrefixOnlyWhenNotAPlainArray) {
  FakeModel m;
  // new (class Foo extends Array {})(1, 2)  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr("Foo").Elements(Nums(1, 3)))), "Foo(2) [ 1, 2 ]");
  // Object.setPrototypeOf([1, 2], null)  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr(std::nullopt).Elements(Nums(1, 3)))),
            "[Array(2): null prototype] [ 1, 2 ]");
}

TEST(InspectArrays, GroupsNumbersRightAligned) {
  // Array.from({ length: 26 }, (_, i) => i * 37 % 1000)  (20-26)
  FakeModel m;
  std::vector<JsSlot> values;
  for (int i = 0; i < 26; ++i) values.push_back(Num(i * 37 % 1000));
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(values))),
            "[\n"
            "    0,  37,  74, 111, 148, 185,\n"
            "  222, 259, 296, 333, 370, 407,\n"
            "  444, 481, 518, 555, 592, 629,\n"
            "  666, 703, 740, 777, 814, 851,\n"
            "  888, 925\n"
            "]");
}

TEST(InspectArrays, GroupsStringsLeftAligned) {
  // Array.from({ length: 10 }, (_, i) => 'x'.repeat(i))  (20-26)
  FakeModel m;
  std::vector<JsSlot> values;
  for (int i = 0; i < 10; ++i) values.push_back(m.Add(StrPrim(std::string(i, 'x'))));
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(values))),
            "[\n"
            "  '',         'x',\n"
            "  'xx',       'xxx',\n"
            "  'xxxx',     'xxxxx',\n"
            "  'xxxxxx',   'xxxxxxx',\n"
            "  'xxxxxxxx', 'xxxxxxxxx'\n"
            "]");
}

TEST(InspectArrays, MixedEntriesAreLeftAligned) {
  FakeModel m;
  // Array.from({ length: 8 }, (_, i) => i % 2 ? 'a' : 1)  (20-26)
  JsSlot a = m.Add(StrPrim("a"));
  JsSlot one = m.Add(NumPrim("1"));  // a tagged Smi, described as a number
  EXPECT_EQ(Show(m, m.Add(Arr().Elements({one, a, one, a, one, a, one, a}))),
            "[\n  1, 'a', 1, 'a',\n  1, 'a', 1, 'a'\n]");
  // [1, 2, 3, 4, 5, 6, 'x']  (20-26)
  std::vector<JsSlot> values = Nums(1, 7);
  values.push_back(m.Add(StrPrim("x")));
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(values))), "[\n  1, 2, 3,   4,\n  5, 6, 'x'\n]");
}

TEST(InspectArrays, MoreThanMaxArrayLength) {
  FakeModel m;
  // Array.from({ length: 101 }, (_, i) => i)  (20-26)
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(Nums(0, 101)))),
            "[\n"
            "   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n"
            "  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,\n"
            "  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n"
            "  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,\n"
            "  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n"
            "  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n"
            "  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n"
            "  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n"
            "  96, 97, 98, 99,\n"
            "  ... 1 more item\n"
            "]");
  // Array.from({ length: 150 }, (_, i) => String(i)), the model listing only
  // the first 101 elements  (20-26)
  Desc strings = Arr();
  for (int i = 0; i <= 100; ++i) strings.Element(i, m.Add(StrPrim(std::to_string(i))));
  strings.Length(150);
  EXPECT_EQ(Show(m, m.Add(strings)),
            "[\n"
            "  '0',  '1',  '2',  '3',  '4',  '5',  '6',  '7',  '8',  '9',\n"
            "  '10', '11', '12', '13', '14', '15', '16', '17', '18', '19',\n"
            "  '20', '21', '22', '23', '24', '25', '26', '27', '28', '29',\n"
            "  '30', '31', '32', '33', '34', '35', '36', '37', '38', '39',\n"
            "  '40', '41', '42', '43', '44', '45', '46', '47', '48', '49',\n"
            "  '50', '51', '52', '53', '54', '55', '56', '57', '58', '59',\n"
            "  '60', '61', '62', '63', '64', '65', '66', '67', '68', '69',\n"
            "  '70', '71', '72', '73', '74', '75', '76', '77', '78', '79',\n"
            "  '80', '81', '82', '83', '84', '85', '86', '87', '88', '89',\n"
            "  '90', '91', '92', '93', '94', '95', '96', '97', '98', '99',\n"
            "  ... 50 more items\n"
            "]");
}

TEST(InspectArrays, ExtraKeysPastTheLimitLeaveTheLastKeyOutOfTheColumns) {
  // Object.assign(Array.from({ length: 100 }, (_, i) => i), { x: 1, y: 2 })  (20-26):
  // 102 entries exceed maxArrayLength, so groupArrayElements sets the last
  // one ("y: 2") apart as if it were "... more items".
  FakeModel m;
  JsSlot root = m.Add(Arr().Elements(Nums(0, 100)).Prop("x", Num(1)).Prop("y", Num(2)));
  EXPECT_EQ(Show(m, root),
            "[\n"
            "  0,  1,  2,  3,  4,    5,  6,  7,  8,  9,  10, 11,\n"
            "  12, 13, 14, 15, 16,   17, 18, 19, 20, 21, 22, 23,\n"
            "  24, 25, 26, 27, 28,   29, 30, 31, 32, 33, 34, 35,\n"
            "  36, 37, 38, 39, 40,   41, 42, 43, 44, 45, 46, 47,\n"
            "  48, 49, 50, 51, 52,   53, 54, 55, 56, 57, 58, 59,\n"
            "  60, 61, 62, 63, 64,   65, 66, 67, 68, 69, 70, 71,\n"
            "  72, 73, 74, 75, 76,   77, 78, 79, 80, 81, 82, 83,\n"
            "  84, 85, 86, 87, 88,   89, 90, 91, 92, 93, 94, 95,\n"
            "  96, 97, 98, 99, x: 1,\n"
            "  y: 2\n"
            "]");
}

TEST(InspectArrays, SparseArrayCountsHolesAgainstTheLimit) {
  // (() => { const a = []; for (let i = 0; i < 250; i++) if (i % 3) a[i] = i; return a; })()
  // (20-26): each run of holes is one entry; 100 entries cover indices 0..149.
  FakeModel m;
  Desc sparse = Arr();
  for (int i = 0; i < 250; ++i) {
    if (i % 3) sparse.Element(i, Num(i));
  }
  sparse.Length(249);  // a[248] is the last element
  EXPECT_EQ(Show(m, m.Add(sparse)),
            "[\n"
            "  <1 empty item>, 1,              2,              <1 empty item>, 4,\n"
            "  5,              <1 empty item>, 7,              8,              <1 empty item>,\n"
            "  10,             11,             <1 empty item>, 13,             14,\n"
            "  <1 empty item>, 16,             17,             <1 empty item>, 19,\n"
            "  20,             <1 empty item>, 22,             23,             <1 empty item>,\n"
            "  25,             26,             <1 empty item>, 28,             29,\n"
            "  <1 empty item>, 31,             32,             <1 empty item>, 34,\n"
            "  35,             <1 empty item>, 37,             38,             <1 empty item>,\n"
            "  40,             41,             <1 empty item>, 43,             44,\n"
            "  <1 empty item>, 46,             47,             <1 empty item>, 49,\n"
            "  50,             <1 empty item>, 52,             53,             <1 empty item>,\n"
            "  55,             56,             <1 empty item>, 58,             59,\n"
            "  <1 empty item>, 61,             62,             <1 empty item>, 64,\n"
            "  65,             <1 empty item>, 67,             68,             <1 empty item>,\n"
            "  70,             71,             <1 empty item>, 73,             74,\n"
            "  <1 empty item>, 76,             77,             <1 empty item>, 79,\n"
            "  80,             <1 empty item>, 82,             83,             <1 empty item>,\n"
            "  85,             86,             <1 empty item>, 88,             89,\n"
            "  <1 empty item>, 91,             92,             <1 empty item>, 94,\n"
            "  95,             <1 empty item>, 97,             98,             <1 empty item>,\n"
            "  ... 149 more items\n"
            "]");
}

TEST(InspectArrays, WideCharactersTakeTwoColumns) {
  FakeModel m;
  // Array.from({ length: 12 }, (_, i) => '日本'.repeat(i % 3))  (20-26)
  const char* cjk[] = {"", "日本", "日本日本"};
  std::vector<JsSlot> values;
  for (int i = 0; i < 12; ++i) values.push_back(m.Add(StrPrim(cjk[i % 3])));
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(values))),
            "[\n"
            "  '',         '日本',\n"
            "  '日本日本', '',\n"
            "  '日本',     '日本日本',\n"
            "  '',         '日本',\n"
            "  '日本日本', '',\n"
            "  '日本',     '日本日本'\n"
            "]");
  // Array.from({ length: 9 }, (_, i) => 'ｆｕ'.slice(0, i % 3) + 'é'.repeat(i % 2))
  // (20-26): fullwidth letters are wide, é is narrow.
  const char* mixed[] = {"", "ｆé", "ｆｕ", "é", "ｆ", "ｆｕé", "", "ｆé", "ｆｕ"};
  values.clear();
  for (const char* s : mixed) values.push_back(m.Add(StrPrim(s)));
  EXPECT_EQ(Show(m, m.Add(Arr().Elements(values))),
            "[\n"
            "  '',     'ｆé',\n"
            "  'ｆｕ', 'é',\n"
            "  'ｆ',   'ｆｕé',\n"
            "  '',     'ｆé',\n"
            "  'ｆｕ'\n"
            "]");
}

// ---------------------------------------------------------------------------
// Depth and line breaking

TEST(InspectDepth, PastDepthTwoObjectsBecomeTheirNames) {
  FakeModel m;
  // ({ a: { b: { c: { d: 1 } } } })  (20-26)
  JsSlot c = m.Add(Obj().Prop("d", Num(1)));
  JsSlot root = m.Add(Obj().Prop("a", m.Add(Obj().Prop("b", m.Add(Obj().Prop("c", c))))));
  EXPECT_EQ(Show(m, root), "{ a: { b: { c: [Object] } } }");
  // [[[[1]]]]  (20-26)
  JsSlot inner = m.Add(Arr().Elements({Num(1)}));
  JsSlot nested = m.Add(Arr().Elements({m.Add(Arr().Elements({m.Add(Arr().Elements({inner}))}))}));
  EXPECT_EQ(Show(m, nested), "[ [ [ [Array] ] ] ]");
}

TEST(InspectDepth, NamesOfEachKindPastTheDepth) {
  // ({ a: { b: { c: [1], d: new Map([[1, 2]]), e: new Set([1]),
  //   f: Object.assign(Object.create(null), { x: 1 }), g: new Foo() (with x),
  //   h: Object.assign(/y/, { k: 1 }), i: new Map() } } })  (20-26)
  FakeModel m;
  Desc map = Desc(JsKind::kMap, "Map").Entry(Num(1), Num(2));
  map.d.to_string_tag = "Map";
  Desc set = Desc(JsKind::kSet, "Set").Entry(Num(1));
  set.d.to_string_tag = "Set";
  Desc regexp = Desc(JsKind::kRegExp, "RegExp").Text("/y/").Prop("k", Num(1));
  Desc empty_map = Desc(JsKind::kMap, "Map").Tag("Map");
  JsSlot b = m.Add(Obj()
                       .Prop("c", m.Add(Arr().Elements({Num(1)})))
                       .Prop("d", m.Add(map))
                       .Prop("e", m.Add(set))
                       .Prop("f", m.Add(Obj(std::nullopt).Prop("x", Num(1))))
                       .Prop("g", m.Add(Obj("Foo").Prop("x", Num(1))))
                       .Prop("h", m.Add(regexp))
                       .Prop("i", m.Add(empty_map)));
  JsSlot root = m.Add(Obj().Prop("a", m.Add(Obj().Prop("b", b))));
  EXPECT_EQ(Show(m, root),
            "{ a: { b: { c: [Array], d: [Map], e: [Set], f: [Object: null prototype], g: [Foo], "
            "h: /y/, i: Map(0) {} } } }");
}

TEST(InspectDepth, ValuesPastTheDepthAreNotDescribed) {
  // util.inspect({ a: { b: 1 }, c: [1], d: 1 }, { depth: 0 })  (20-26)
  FakeModel m;
  JsSlot never = m.Reserve();  // reading it would throw
  JsSlot a = m.Add(Obj().Prop("b", never));
  JsSlot c = m.Add(Arr().Elements({never}));
  JsSlot root = m.Add(Obj().Prop("a", a).Prop("c", c).Prop("d", Num(1)));
  InspectOptions options;
  options.depth = 0;
  EXPECT_EQ(Show(m, root, 20, options), "{ a: [Object], c: [Array], d: 1 }");
  for (uint64_t raw : m.described) EXPECT_NE(raw, never.raw);
}

TEST(InspectDepth, DeepestLastFormattedEntryBreaksLines) {
  // With depth 4, an object goes multi-line when the last object formatted
  // inside it was 3+ levels deeper (ctx.currentDepth).  (20-26)
  FakeModel m;
  InspectOptions options;
  options.depth = 4;
  auto chain = [&](int levels, JsSlot leaf) {
    const char* names[] = {"e", "d", "c", "b", "a"};
    JsSlot v = leaf;
    for (int i = 0; i < levels; ++i) v = m.Add(Obj().Prop(names[5 - levels + i], v));
    return v;
  };
  // ({ a: { b: { c: {} } } })
  EXPECT_EQ(Show(m, chain(3, m.Add(Obj())), 20, options), "{ a: { b: { c: {} } } }");
  // ({ a: { b: { c: { d: { e: 1 } } } } })
  EXPECT_EQ(Show(m, chain(5, Num(1)), 20, options),
            "{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  }\n}");
  // ({ a: { b: { c: { d: 1 } } }, z: { y: 1 } }): z was formatted last
  JsSlot z = m.Add(Obj().Prop("y", Num(1)));
  JsSlot abcd = m.Add(Obj().Prop("b", m.Add(Obj().Prop("c", m.Add(Obj().Prop("d", Num(1)))))));
  EXPECT_EQ(Show(m, m.Add(Obj().Prop("a", abcd).Prop("z", z)), 20, options),
            "{ a: { b: { c: { d: 1 } } }, z: { y: 1 } }");
  // ({ z: { y: 1 }, a: { b: { c: { d: 1 } } } })
  EXPECT_EQ(Show(m, m.Add(Obj().Prop("z", z).Prop("a", abcd)), 26, options),
            "{\n  z: { y: 1 },\n  a: { b: { c: { d: 1 } } }\n}");
}

// ---------------------------------------------------------------------------
// Cycles

TEST(InspectCycles, RefAndCircularMarks) {
  FakeModel m;
  // (() => { const o = { name: 'o' }; o.self = o; return o; })()  (20-26)
  JsSlot o = m.Reserve();
  m.Set(o, Obj().Prop("name", m.Add(StrPrim("o"))).Prop("self", o));
  EXPECT_EQ(Show(m, o), "<ref *1> { name: 'o', self: [Circular *1] }");
  // (() => { const m = new Map(); m.set('self', m); return m; })()  (20-26)
  JsSlot map = m.Reserve();
  m.Set(map, Desc(JsKind::kMap, "Map").Tag("Map").Entry(m.Add(StrPrim("self")), map));
  EXPECT_EQ(Show(m, map), "<ref *1> Map(1) { 'self' => [Circular *1] }");
}

TEST(InspectCycles, NumberedInOrderOfDiscovery) {
  // (() => { const a = {}; const b = { a }; a.b = b; const c = {}; c.c = c;
  //          return { a, c, b }; })()  (20-26)
  FakeModel m;
  JsSlot a = m.Reserve(), b = m.Reserve(), c = m.Reserve();
  m.Set(a, Obj().Prop("b", b));
  m.Set(b, Obj().Prop("a", a));
  m.Set(c, Obj().Prop("c", c));
  JsSlot root = m.Add(Obj().Prop("a", a).Prop("c", c).Prop("b", b));
  EXPECT_EQ(Show(m, root),
            "{ a: <ref *1> { b: { a: [Circular *1] } }, c: <ref *2> { c: [Circular *2] }, "
            "b: <ref *3> { a: <ref *1> { b: [Circular *3] } } }");
}

// ---------------------------------------------------------------------------
// Functions and classes

TEST(InspectFunctions, KindsAndNames) {
  // [function f() {}, function () {}, () => {}, class A {}, class {},
  //  async function af() {}, function* gf() {}, async function* agf() {}]  (20-26)
  FakeModel m;
  JsSlot root = m.Add(Arr().Elements({
      m.Add(Function("f")),
      m.Add(Function("")),
      m.Add(Function("")),
      m.Add(Class("A")),
      m.Add(Class("")),
      m.Add(Function("af", "AsyncFunction")),
      m.Add(Function("gf", "GeneratorFunction")),
      m.Add(Function("agf", "AsyncGeneratorFunction")),
  }));
  EXPECT_EQ(Show(m, root),
            "[ [Function: f], [Function (anonymous)], [Function (anonymous)], [class A], "
            "[class (anonymous)], [AsyncFunction: af], [GeneratorFunction: gf], "
            "[AsyncGeneratorFunction: agf] ]");
}

TEST(InspectFunctions, ExtendsPropertiesAndNullPrototypes) {
  FakeModel m;
  // class A {}; class B extends A {}; B  (20-26)
  EXPECT_EQ(Show(m, m.Add(Class("B", "A"))), "[class B extends A]");
  // Object.assign(function f() {}, { a: 1 })  (20-26)
  JsDescription f = Function("f");
  f.properties.push_back(Obj().Prop("a", Num(1)).d.properties[0]);
  EXPECT_EQ(Show(m, m.Add(f)), "[Function: f] { a: 1 }");
  // Object.setPrototypeOf(function f() {}, null)  (20-26)
  JsDescription orphan = Function("f");
  orphan.constructor_name = std::nullopt;
  EXPECT_EQ(Show(m, m.Add(orphan)), "[Function (null prototype): f]");
  // Object.setPrototypeOf(class X {}, null)  (20-26)
  JsDescription orphan_class = Class("X");
  orphan_class.constructor_name = std::nullopt;
  EXPECT_EQ(Show(m, m.Add(orphan_class)), "[class X extends [null prototype]]");
}

// ---------------------------------------------------------------------------
// Collections

TEST(InspectCollections, MapsAndSets) {
  FakeModel m;
  // new Map([['k', 1], ['j', 2]])  (20-26)
  JsSlot map = m.Add(Desc(JsKind::kMap, "Map")
                         .Tag("Map")
                         .Entry(m.Add(StrPrim("k")), Num(1))
                         .Entry(m.Add(StrPrim("j")), Num(2)));
  EXPECT_EQ(Show(m, map), "Map(2) { 'k' => 1, 'j' => 2 }");
  // [new Map(), new Set(), new Set([1])]  (20-26)
  JsSlot root = m.Add(Arr().Elements({
      m.Add(Desc(JsKind::kMap, "Map").Tag("Map")),
      m.Add(Desc(JsKind::kSet, "Set").Tag("Set")),
      m.Add(Desc(JsKind::kSet, "Set").Tag("Set").Entry(Num(1))),
  }));
  EXPECT_EQ(Show(m, root), "[ Map(0) {}, Set(0) {}, Set(1) { 1 } ]");
}

TEST(InspectCollections, LimitsAndNullPrototypes) {
  FakeModel m;
  // new Map(Array.from({ length: 102 }, (_, i) => [i, i])), listed up to 100
  Desc big = Desc(JsKind::kMap, "Map").Tag("Map");
  for (int i = 0; i < 100; ++i) big.Entry(Num(i), Num(i));
  big.Length(102);
  std::string text = Show(m, m.Add(big));
  const std::string head = "Map(102) { 0 => 0, 1 => 1, 2 => 2,";
  const std::string tail = ", 98 => 98, 99 => 99, ... 2 more items }";
  EXPECT_EQ(Head(text, head), head);
  EXPECT_EQ(Tail(text, tail), tail);
  // Object.setPrototypeOf(new Set([1, 2, 3]), null) with maxArrayLength 1:
  // util.inspect walks such a set through an iterator without a size, and
  // prints every entry.  (20-26)
  InspectOptions options;
  options.max_array_length = 1;
  JsSlot orphan = m.Add(Desc(JsKind::kSet, std::nullopt).Entry(Num(1)).Entry(Num(2)).Entry(Num(3)));
  EXPECT_EQ(Show(m, orphan, 20, options), "[Set(3): null prototype] { 1, 2, 3 }");
  JsSlot plain = m.Add(Desc(JsKind::kSet, "Set").Tag("Set").Entry(Num(1)).Entry(Num(2)));
  EXPECT_EQ(Show(m, plain, 20, options), "Set(2) { 1, ... 1 more item }");
}

TEST(InspectCollections, WeakCollections) {
  // [new WeakMap(), new WeakSet()]  (20-26)
  FakeModel m;
  JsSlot root = m.Add(Arr().Elements({
      m.Add(Desc(JsKind::kWeakMap, "WeakMap").Tag("WeakMap")),
      m.Add(Desc(JsKind::kWeakSet, "WeakSet").Tag("WeakSet")),
  }));
  EXPECT_EQ(Show(m, root), "[ WeakMap { <items unknown> }, WeakSet { <items unknown> } ]");
}

TEST(InspectCollections, Iterators) {
  // [new Map([[1, 2], [3, 4]]).entries(), new Map([[1, 2], [3, 4]]).keys(),
  //  new Set([1, 2]).values(), new Set([1]).entries()]  (20-26)
  FakeModel m;
  Desc entries = Desc(JsKind::kMapIterator, "Object").Tag("Map Iterator");
  entries.Entry(Num(1), Num(2)).Entry(Num(3), Num(4));
  entries.d.iterator_entries = true;
  Desc keys = Desc(JsKind::kMapIterator, "Object").Tag("Map Iterator").Entry(Num(1)).Entry(Num(3));
  Desc values = Desc(JsKind::kSetIterator, "Object").Tag("Set Iterator").Entry(Num(1)).Entry(Num(2));
  Desc set_entries = Desc(JsKind::kSetIterator, "Object").Tag("Set Iterator").Entry(Num(1), Num(1));
  set_entries.d.iterator_entries = true;
  JsSlot root = m.Add(Arr().Elements({m.Add(entries), m.Add(keys), m.Add(values), m.Add(set_entries)}));
  EXPECT_EQ(Show(m, root),
            "[ [Map Entries] { [ 1, 2 ], [ 3, 4 ] }, [Map Iterator] { 1, 3 }, "
            "[Set Iterator] { 1, 2 }, [Set Entries] { [ 1, 1 ] } ]");
}

// ---------------------------------------------------------------------------
// Typed arrays and buffers

Desc TypedArray(const std::string& type, std::vector<JsSlot> values, uint64_t length) {
  Desc t = Desc(JsKind::kTypedArray, type).Tag(type).Builtin(type);
  t.d.typed_name = type;
  t.Elements(values).Length(length);
  return t;
}

TEST(InspectTypedArrays, ElementsAndLimits) {
  FakeModel m;
  // new Uint8Array([1, 2, 3]), new Uint8Array(0), new BigInt64Array([1n, -2n])  (20-26)
  EXPECT_EQ(Show(m, m.Add(TypedArray("Uint8Array", Nums(1, 4), 3))), "Uint8Array(3) [ 1, 2, 3 ]");
  EXPECT_EQ(Show(m, m.Add(TypedArray("Uint8Array", {}, 0))), "Uint8Array(0) []");
  EXPECT_EQ(Show(m, m.Add(TypedArray("BigInt64Array", {Num("1n"), Num("-2n")}, 2))),
            "BigInt64Array(2) [ 1n, -2n ]");
  // new Uint8Array(120), the model listing 100 elements  (20-26)
  std::vector<JsSlot> zeros(100, Num(0));
  std::string row = "  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n";
  EXPECT_EQ(Show(m, m.Add(TypedArray("Uint8Array", zeros, 120))),
            "Uint8Array(120) [\n" + row + row + row + row + row + row + row + row +
                "  0, 0, 0, 0,\n  ... 20 more items\n]");
}

Desc Buffer(std::vector<uint8_t> bytes, uint64_t byte_length,
            const std::string& type = "ArrayBuffer") {
  Desc b = Desc(JsKind::kArrayBuffer, type).Tag(type).Builtin(type);
  b.d.bytes = std::move(bytes);
  b.d.byte_length = byte_length;
  return b;
}

TEST(InspectTypedArrays, ArrayBufferByteLengthGotBracketsIn22) {
  FakeModel m;
  // new Uint8Array([1, 2]).buffer
  JsSlot buffer = m.Add(Buffer({1, 2}, 2));
  EXPECT_EQ(Show(m, buffer, 20), "ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 }");
  EXPECT_EQ(Show(m, buffer, 22), "ArrayBuffer { [Uint8Contents]: <01 02>, [byteLength]: 2 }");
  EXPECT_EQ(Show(m, buffer, 26), "ArrayBuffer { [Uint8Contents]: <01 02>, [byteLength]: 2 }");
  // new SharedArrayBuffer(1)
  EXPECT_EQ(Show(m, m.Add(Buffer({0}, 1, "SharedArrayBuffer")), 20),
            "SharedArrayBuffer { [Uint8Contents]: <00>, byteLength: 1 }");
  // A detached buffer (structuredClone with transfer)
  Desc detached = Buffer({}, 0);
  detached.d.detached = true;
  EXPECT_EQ(Show(m, m.Add(detached), 20), "ArrayBuffer { (detached), byteLength: 0 }");
  EXPECT_EQ(Show(m, m.Add(detached), 24), "ArrayBuffer { (detached), [byteLength]: 0 }");
  // Object.assign(new ArrayBuffer(2), { x: 1 }): own keys come after  (22-26)
  EXPECT_EQ(Show(m, m.Add(Buffer({0, 0}, 2).Prop("x", Num(1))), 22),
            "ArrayBuffer { [Uint8Contents]: <00 00>, [byteLength]: 2, x: 1 }");
}

TEST(InspectTypedArrays, ArrayBufferContentsAreCut) {
  // new ArrayBuffer(130)  (22-26), the model reading 100 bytes
  FakeModel m;
  std::string hex = "00";
  for (int i = 1; i < 100; ++i) hex += " 00";
  EXPECT_EQ(Show(m, m.Add(Buffer(std::vector<uint8_t>(100, 0), 130)), 22),
            "ArrayBuffer { [Uint8Contents]: <" + hex + " ... 30 more bytes>, [byteLength]: 130 }");
}

TEST(InspectTypedArrays, DataView) {
  // new DataView(new ArrayBuffer(3), 1)
  FakeModel m;
  Desc view = Desc(JsKind::kDataView, "DataView").Tag("DataView");
  view.d.byte_length = 2;
  view.d.byte_offset = 1;
  view.d.buffer = m.Add(Buffer({0, 0, 0}, 3));
  JsSlot root = m.Add(view);
  EXPECT_EQ(Show(m, root, 20),
            "DataView { byteLength: 2, byteOffset: 1, buffer: ArrayBuffer { [Uint8Contents]: "
            "<00 00 00>, byteLength: 3 } }");
  EXPECT_EQ(Show(m, root, 26),
            "DataView { [byteLength]: 2, [byteOffset]: 1, [buffer]: ArrayBuffer { "
            "[Uint8Contents]: <00 00 00>, [byteLength]: 3 } }");
}

// ---------------------------------------------------------------------------
// Dates, regular expressions, boxed primitives, promises, arguments

TEST(InspectMisc, DatesAndRegExps) {
  FakeModel m;
  // [new Date(0), new Date(NaN), Object.assign(new Date(0), { a: 1 })]  (20-26)
  JsSlot dates = m.Add(Arr().Elements({
      m.Add(Desc(JsKind::kDate, "Date").Text("1970-01-01T00:00:00.000Z")),
      m.Add(Desc(JsKind::kDate, "Date").Text("Invalid Date")),
      m.Add(Desc(JsKind::kDate, "Date").Text("1970-01-01T00:00:00.000Z").Prop("a", Num(1))),
  }));
  EXPECT_EQ(Show(m, dates),
            "[ 1970-01-01T00:00:00.000Z, Invalid Date, 1970-01-01T00:00:00.000Z { a: 1 } ]");
  // [/ab+c/gi, Object.assign(/x/, { a: 1 })]  (20-26)
  JsSlot with_key = m.Add(Desc(JsKind::kRegExp, "RegExp").Text("/x/").Prop("a", Num(1)));
  JsSlot regexps = m.Add(
      Arr().Elements({m.Add(Desc(JsKind::kRegExp, "RegExp").Text("/ab+c/gi")), with_key}));
  EXPECT_EQ(Show(m, regexps), "[ /ab+c/gi, /x/ { a: 1 } ]");
  // ({ a: { b: { c: Object.assign(/x/, { a: 1 }) } } }): past the depth, just the source
  JsSlot deep = m.Add(Obj().Prop("a", m.Add(Obj().Prop("b", m.Add(Obj().Prop("c", with_key))))));
  EXPECT_EQ(Show(m, deep), "{ a: { b: { c: /x/ } } }");
}

JsDescription Boxed(const std::string& type, const std::string& text,
                    std::optional<std::string> constructor = std::nullopt) {
  Desc b(JsKind::kBoxed, constructor ? constructor : type);
  b.d.typed_name = type;
  b.d.text = text;
  if (type == "Symbol" || type == "BigInt") b.d.to_string_tag = type;
  return b;
}

TEST(InspectMisc, BoxedPrimitives) {
  // [new Number(3), new String('abc'), new Boolean(true), Object(Symbol('a')),
  //  Object(5n), Object.assign(new String('ab'), { x: 1 }),
  //  new (class Foo extends Number {})(3)]  (20-26)
  FakeModel m;
  JsDescription with_key = Boxed("String", "'ab'");
  with_key.properties.push_back(Obj().Prop("x", Num(1)).d.properties[0]);
  JsSlot root = m.Add(Arr().Elements({
      m.Add(Boxed("Number", "3")),
      m.Add(Boxed("String", "'abc'")),
      m.Add(Boxed("Boolean", "true")),
      m.Add(Boxed("Symbol", "Symbol(a)")),
      m.Add(Boxed("BigInt", "5n")),
      m.Add(with_key),
      m.Add(Boxed("Number", "3", "Foo")),
  }));
  EXPECT_EQ(Show(m, root),
            "[ [Number: 3], [String: 'abc'], [Boolean: true], [Symbol: Symbol(a)], [BigInt: 5n], "
            "[String: 'ab'] { x: 1 }, [Number (Foo): 3] ]");
}

TEST(InspectMisc, Promises) {
  // [Promise.resolve(42), new Promise(() => {}), Promise.reject(3)]  (20-26)
  FakeModel m;
  auto promise = [&](JsPromiseState state, JsSlot result) {
    Desc p = Desc(JsKind::kPromise, "Promise").Tag("Promise");
    p.d.promise_state = state;
    p.d.promise_result = result;
    return m.Add(p);
  };
  JsSlot root = m.Add(Arr().Elements({
      promise(JsPromiseState::kFulfilled, Num(42)),
      promise(JsPromiseState::kPending, JsSlot{}),
      promise(JsPromiseState::kRejected, Num(3)),
  }));
  EXPECT_EQ(Show(m, root), "[ Promise { 42 }, Promise { <pending> }, Promise { <rejected> 3 } ]");
}

TEST(InspectMisc, ArgumentsObjectListsIndicesAsKeys) {
  FakeModel m;
  // (function () { return arguments; })(1, 2)  (20-26)
  Desc args = Desc(JsKind::kArguments, "Object").Builtin("Arguments").Elements(Nums(1, 3));
  EXPECT_EQ(Show(m, m.Add(args)), "[Arguments] { '0': 1, '1': 2 }");
  // (function () { return arguments; })()  (20-26)
  EXPECT_EQ(Show(m, m.Add(Desc(JsKind::kArguments, "Object"))), "[Arguments] {}");
}

TEST(InspectMisc, ModuleNamespace) {
  // import * as a from './a.mjs', inspected while a.mjs is still being
  // evaluated (x, later and default not yet initialized), then after.  (20, 26)
  FakeModel m;
  auto ns = [&](bool ready) {
    Desc d = Desc(JsKind::kModuleNamespace, std::nullopt).Tag("Module").Builtin("Module");
    d.Prop("default", m.Add(Class("default")))
        .Prop("fn", m.Add(Function("fn")))
        .Prop("later", Num(2))
        .Prop("x", Num(1));
    for (JsProperty& p : d.d.properties) p.uninitialized = !ready && p.key.text != "fn";
    return m.Add(d);
  };
  EXPECT_EQ(Show(m, ns(false)),
            "[Module: null prototype] { default: <uninitialized>, fn: [Function: fn], "
            "later: <uninitialized>, x: <uninitialized> }");
  EXPECT_EQ(Show(m, ns(true), 26),
            "[Module: null prototype] { default: [class default], fn: [Function: fn], later: 2, "
            "x: 1 }");
}

TEST(InspectMisc, ProxiesShowTheirTargetAndFrom26SayProxy) {
  // [new Proxy({ a: 1 }, {}), new Proxy(new Proxy([1, 2], {}), {})]
  FakeModel m;
  auto proxy = [&](std::optional<JsSlot> target) {
    Desc p(JsKind::kProxy, std::nullopt);
    p.d.proxy_target = std::move(target);
    return m.Add(p);
  };
  JsSlot root = m.Add(Arr().Elements({
      proxy(m.Add(Obj().Prop("a", Num(1)))),
      proxy(proxy(m.Add(Arr().Elements(Nums(1, 3))))),
  }));
  EXPECT_EQ(Show(m, root, 20), "[ { a: 1 }, [ 1, 2 ] ]");
  EXPECT_EQ(Show(m, root, 24), "[ { a: 1 }, [ 1, 2 ] ]");
  EXPECT_EQ(Show(m, root, 26), "[ Proxy({ a: 1 }), Proxy(Proxy([ 1, 2 ])) ]");
  // Revoked: [r.proxy, new Proxy(r.proxy, {})]  (26; up to 24 the second throws)
  JsSlot revoked = proxy(std::nullopt);
  EXPECT_EQ(Show(m, m.Add(Arr().Elements({revoked, proxy(revoked)})), 26),
            "[ <Revoked Proxy>, Proxy(<Revoked Proxy>) ]");
}

// ---------------------------------------------------------------------------
// Errors

TEST(InspectErrors, StackAndBracketsWithoutFrames) {
  FakeModel m;
  // e = new Error('boom'); e.stack = 'Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)'  (20-26)
  const std::string stack = "Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)";
  EXPECT_EQ(Show(m, m.Add(ErrorDesc(stack, "boom"))), stack);
  // e = new Error('nostack'); e.stack = 'Error: nostack'  (20-26)
  EXPECT_EQ(Show(m, m.Add(ErrorDesc("Error: nostack", "nostack"))), "[Error: nostack]");
  // [e] with e.stack = 'Error: x\n    at f (a.js:1:1)': the stack is indented  (20-26)
  JsSlot in_array =
      m.Add(Arr().Elements({m.Add(ErrorDesc("Error: x\n    at f (a.js:1:1)", "x"))}));
  EXPECT_EQ(Show(m, in_array), "[\n  Error: x\n      at f (a.js:1:1)\n]");
}

TEST(InspectErrors, OwnPropertiesAndCause) {
  FakeModel m;
  const std::string stack = "Error: boom\n    at f (a.js:1:1)";
  // Object.assign(e, { code: 'X' })  (20-26)
  Desc with_code(JsKind::kError, "Error");
  with_code.d = ErrorDesc(stack, "boom");
  with_code.Prop("code", m.Add(StrPrim("X")));
  EXPECT_EQ(Show(m, m.Add(with_code)), "Error: boom\n    at f (a.js:1:1) {\n  code: 'X'\n}");
  // new Error('boom', { cause: 5 })  (20-26)
  JsDescription with_cause = ErrorDesc(stack, "boom");
  with_cause.error_cause = Num(5);
  EXPECT_EQ(Show(m, m.Add(with_cause)), "Error: boom\n    at f (a.js:1:1) {\n  [cause]: 5\n}");
  // e.name = 'Custom' (an own enumerable name that the stack does not show)  (20-26)
  Desc renamed(JsKind::kError, "Error");
  renamed.d = ErrorDesc("Error: x\n    at f (a.js:1:1)", "x", "Custom");
  renamed.Prop("name", m.Add(StrPrim("Custom")));
  EXPECT_EQ(Show(m, m.Add(renamed)), "Error: x\n    at f (a.js:1:1) {\n  name: 'Custom'\n}");
  // e = new TypeError('x'); e.name = 'TypeError': an own name the stack shows is hidden  (20-26)
  Desc same_name(JsKind::kError, "TypeError");
  same_name.d = ErrorDesc("TypeError: x\n    at f (a.js:1:1)", "x", "TypeError", "TypeError");
  same_name.Prop("name", m.Add(StrPrim("TypeError")));
  EXPECT_EQ(Show(m, m.Add(same_name), 20), "TypeError: x\n    at f (a.js:1:1)");
  EXPECT_EQ(Show(m, m.Add(same_name), 26), "TypeError: x\n    at f (a.js:1:1)");
  // An own `message` the stack shows is hidden (e.message = 'x' again)
  Desc same_message(JsKind::kError, "Error");
  same_message.d = ErrorDesc("Error: x\n    at f (a.js:1:1)", "x");
  same_message.Prop("message", m.Add(StrPrim("x")));
  EXPECT_EQ(Show(m, m.Add(same_message), 20), "Error: x\n    at f (a.js:1:1)");
  EXPECT_EQ(Show(m, m.Add(same_message), 22), "Error: x\n    at f (a.js:1:1)");
}

TEST(InspectErrors, FramesSharedWithTheCauseAreFolded) {
  // f = 5 frames a..e; c = new Error('inner') with stack x + f;
  // e = new Error('outer', { cause: c }) with stack y + f  (20-26)
  FakeModel m;
  const std::string frames =
      "    at a (a.js:1:1)\n    at b (b.js:1:1)\n    at c (c.js:1:1)\n    at d (d.js:1:1)\n"
      "    at e (e.js:1:1)";
  JsSlot cause = m.Add(ErrorDesc("Error: inner\n    at x (x.js:1:1)\n" + frames, "inner"));
  JsDescription outer = ErrorDesc("Error: outer\n    at y (y.js:1:1)\n" + frames, "outer");
  outer.error_cause = cause;
  EXPECT_EQ(Show(m, m.Add(outer)),
            "Error: outer\n"
            "    at y (y.js:1:1)\n"
            "    at a (a.js:1:1)\n"
            "    ... 3 lines matching cause stack trace ...\n"
            "    at e (e.js:1:1) {\n"
            "  [cause]: Error: inner\n"
            "      at x (x.js:1:1)\n"
            "      at a (a.js:1:1)\n"
            "      at b (b.js:1:1)\n"
            "      at c (c.js:1:1)\n"
            "      at d (d.js:1:1)\n"
            "      at e (e.js:1:1)\n"
            "}");
}

TEST(InspectErrors, RepeatedFramesCollapseFrom22) {
  // 12 frames cycling r0, r1, r2
  FakeModel m;
  std::string stack = "Error: deep";
  for (int i = 0; i < 12; ++i) stack += "\n    at r" + std::to_string(i % 3) + " (r.js:1:1)";
  JsSlot e = m.Add(ErrorDesc(stack, "deep"));
  EXPECT_EQ(Show(m, e, 20), stack);
  EXPECT_EQ(Show(m, e, 22),
            "Error: deep\n    at r0 (r.js:1:1)\n    at r1 (r.js:1:1)\n    at r2 (r.js:1:1)\n"
            "    ... collapsed 9 duplicate lines matching above 3 lines 3 times...");
}

TEST(InspectErrors, StackNamesTheConstructor) {
  FakeModel m;
  const std::string stack = "Error: x\n    at f (a.js:1:1)";
  // class MyErr extends Error {}; new MyErr('x')  (20-26)
  EXPECT_EQ(Show(m, m.Add(ErrorDesc(stack, "x", "Error", "MyErr"))),
            "MyErr [Error]: x\n    at f (a.js:1:1)");
  // Object.setPrototypeOf(e, null): name and message now read undefined  (20-26)
  EXPECT_EQ(Show(m, m.Add(ErrorDesc(stack, "", "Error", std::nullopt))),
            "[Error: null prototype]: x\n    at f (a.js:1:1)");
}

TEST(InspectErrors, NestedAndPastTheDepth) {
  FakeModel m;
  // ({ a: { err: e } }), e = new Error('nested', { cause: 'c' })  (20-26)
  JsDescription nested = ErrorDesc("Error: nested\n    at f (a.js:1:1)", "nested");
  nested.error_cause = m.Add(StrPrim("c"));
  JsSlot root = m.Add(Obj().Prop("a", m.Add(Obj().Prop("err", m.Add(nested)))));
  EXPECT_EQ(Show(m, root),
            "{\n  a: {\n    err: Error: nested\n        at f (a.js:1:1) {\n      [cause]: 'c'\n"
            "    }\n  }\n}");
  // ({ a: { b: { c: e1, d: e2 } } }), e1 with a cause, e2 without: past the
  // depth only errors without keys keep their stack.  (20-26)
  JsDescription with_cause = ErrorDesc("Error: deep\n    at f (a.js:1:1)", "deep");
  with_cause.error_cause = Num(1);
  JsSlot b = m.Add(Obj()
                       .Prop("c", m.Add(with_cause))
                       .Prop("d", m.Add(ErrorDesc("Error: deep\n    at f (a.js:1:1)", "deep"))));
  JsSlot deep = m.Add(Obj().Prop("a", m.Add(Obj().Prop("b", b))));
  EXPECT_EQ(Show(m, deep),
            "{\n  a: {\n    b: {\n      c: [Error],\n      d: Error: deep\n          at f (a.js:1:1)\n"
            "    }\n  }\n}");
}

TEST(InspectErrors, AggregateErrors) {
  // new AggregateError([new Error('a')], 'agg') with stacks set  (20-26)
  FakeModel m;
  JsDescription agg = ErrorDesc("AggregateError: agg\n    at f (a.js:1:1)", "agg", "AggregateError",
                                "AggregateError");
  agg.error_errors =
      m.Add(Arr().Elements({m.Add(ErrorDesc("Error: a\n    at g (g.js:1:1)", "a"))}));
  EXPECT_EQ(Show(m, m.Add(agg)),
            "AggregateError: agg\n    at f (a.js:1:1) {\n  [errors]: [\n    Error: a\n"
            "        at g (g.js:1:1)\n  ]\n}");
}

// ---------------------------------------------------------------------------
// Model failures

TEST(InspectModel, UnreadableChildrenPrintAnErrorAndTheRestGoesOn) {
  FakeModel m;
  JsSlot bad = JsSlot::Tagged(0xdead);
  JsSlot root = m.Add(Obj().Prop("a", bad).Prop("b", Num(2)));
  EXPECT_EQ(Show(m, root), "{ a: <error: cannot read 57005>, b: 2 }");
  JsSlot map = m.Add(Desc(JsKind::kMap, "Map").Tag("Map").Entry(bad, Num(1)));
  EXPECT_EQ(Show(m, map), "Map(1) { <error: cannot read 57005> => 1 }");
}

TEST(InspectModel, UnreadableTopLevelValueThrows) {
  FakeModel m;
  EXPECT_THROW(Show(m, JsSlot::Tagged(0xdead)), Error);
}

TEST(InspectModel, OpaqueAndPrimitiveTextsArePrintedAsGiven) {
  FakeModel m;
  JsDescription opaque;
  opaque.kind = JsKind::kOpaque;
  opaque.text = "<Map map>";
  JsSlot root = m.Add(Arr().Elements({m.Add(opaque), m.Add(Prim("undefined")), m.Add(Prim("null"))}));
  EXPECT_EQ(Show(m, root), "[ <Map map>, undefined, null ]");
}

}  // namespace
}  // namespace nodegdb
