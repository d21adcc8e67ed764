// The YAML reader every loader uses (directory/yaml_util): what it accepts and refuses, where it
// says a problem is, its bounds, and how each kind of scalar reads through YamlReader.
#include <string>
#include <vector>

#include "directory/yaml_util.hpp"
#include "test_util.hpp"

using namespace nrm;
using detail::YamlKind;
using detail::YamlNode;

namespace {

// The diagnostics of parsing `text` as f.yaml, one string each ("" when it parsed cleanly).
std::string problems(const std::string& text, std::size_t max_nodes = detail::kMaxYamlNodes) {
  Diagnostics diags;
  detail::parse_yaml(text, "f.yaml", diags, max_nodes);
  std::string out;
  for (const auto& d : diags.items()) out += d.str() + "\n";
  return out;
}

// Parses text that must be clean.
detail::YamlDocument parse(const std::string& text) {
  Diagnostics diags;
  auto doc = detail::parse_yaml(text, "f.yaml", diags);
  INFO(text);
  REQUIRE(diags.empty());
  REQUIRE(doc);
  return std::move(*doc);
}

}  // namespace

TEST_CASE("yaml: a document's maps, lists and scalars, with their places", "[yaml]") {
  auto doc = parse("# a comment\nname: Qulliq\nlist: [a, 'b c']\nmap:\n  deep: {x: 1}\nitems:\n  - one\n  - two\n");
  YamlNode root = doc.root();
  REQUIRE(root.is_map());
  CHECK(root.size() == 4);
  CHECK(root["name"].text() == "Qulliq");
  CHECK(root["name"].mark().line == 2);
  CHECK(root["name"].mark().column == 7);
  CHECK(root["list"].is_sequence());
  CHECK(root["list"].size() == 2);
  CHECK(root["list"][1].text() == "b c");
  CHECK(root["list"][1].quoted());
  CHECK(root["map"]["deep"]["x"].text() == "1");
  CHECK(root["map"].mark().line == 5);  // a block map starts at its first key
  CHECK(root["items"].mark().line == 7);
  // Entries in the order written; items likewise.
  std::vector<std::string> keys;
  for (auto [k, v] : root.entries()) keys.push_back(k.str());
  CHECK(keys == std::vector<std::string>{"name", "list", "map", "items"});
  std::vector<std::string> items;
  for (YamlNode item : root["items"].items()) items.push_back(item.str());
  CHECK(items == std::vector<std::string>{"one", "two"});
  // Absent keys and lookups on the wrong kind give none, never a crash.
  CHECK_FALSE(root["nope"].defined());
  CHECK_FALSE(root["name"]["x"].defined());
  CHECK_FALSE(root["list"][2].defined());
  CHECK_FALSE(root[0].defined());
  CHECK(root["nope"]["deeper"][3].size() == 0);
  for (auto entry : root["name"].entries()) FAIL("a scalar has no entries: " << entry.key.str());
}

TEST_CASE("yaml: empty text, comments only, a list, a bare scalar", "[yaml]") {
  CHECK(parse("").root().is_null());
  CHECK(parse("# nothing but a comment\n").root().is_null());
  CHECK(parse("- a\n- b\n").root().is_sequence());
  CHECK(parse("just text").root().text() == "just text");
  CHECK(parse("---\na: 1\n...\n").root()["a"].text() == "1");  // markers of one document are fine
}

TEST_CASE("yaml: null, booleans, numbers, dates and text read as yaml-cpp read them", "[yaml]") {
  auto doc = parse(
      "n1: ~\nn2: null\nn3:\nn4: Null\nn5: NULL\nq: 'null'\n"
      "t: true\nf: false\nyes: yes\ncap: True\nqt: \"true\"\n"
      "i: 15\nneg: -4\nplus: +4\nhex: 0x10\nexp: 1e3\nund: 1_000\nqi: \"15\"\nbig: 99999999999999999999\n"
      "d1: 7.5\nd2: .5\nd3: -2\nd4: 1e3\ninf: .inf\nnan: .nan\nqd: '7.5'\n"
      "day: 2026-03-14\nqday: \"2026-03-14\"\nbad_day: 2026-02-30\n"
      "num_text: 123\nfolded: >\n  one\n  two\nliteral: |\n  one\n  two\nplain: one\n  two\n");
  YamlNode r = doc.root();
  for (const char* k : {"n1", "n2", "n3", "n4", "n5"}) {
    INFO(k);
    CHECK(r[k].is_null());
    CHECK(r[k].defined());
  }
  CHECK(r["q"].is_scalar());  // quoted: text, never null

  Diagnostics diags;
  detail::YamlReader reader("f.yaml", diags);
  CHECK(reader.boolean(r["t"], "t") == true);
  CHECK(reader.boolean(r["f"], "f") == false);
  CHECK_FALSE(reader.boolean(r["yes"], "yes"));  // YAML 1.1's yes/no/on/off are not booleans here
  CHECK_FALSE(reader.boolean(r["cap"], "cap"));
  CHECK_FALSE(reader.boolean(r["qt"], "qt"));  // a quoted "true" is text

  CHECK(reader.integer(r["i"], "i", 0, 100) == 15);
  CHECK(reader.integer(r["neg"], "neg", -10, 10) == -4);
  for (const char* k : {"plus", "hex", "exp", "und", "qi"}) {
    INFO(k);
    CHECK_FALSE(reader.integer(r[k], k, -10000, 10000));
  }
  CHECK_FALSE(reader.integer(r["big"], "big", 0, 100));

  CHECK(reader.number(r["d1"], "d1", 0, 10) == 7.5);
  CHECK(reader.number(r["d2"], "d2", 0, 10) == 0.5);
  CHECK(reader.number(r["d3"], "d3", -10, 10) == -2);
  CHECK(reader.number(r["d4"], "d4", 0, 5000) == 1000);
  CHECK(reader.number(r["i"], "i", 0, 100) == 15);
  for (const char* k : {"inf", "nan", "qd", "plus"}) {
    INFO(k);
    CHECK_FALSE(reader.number(r[k], k, -1e9, 1e9));
  }

  CHECK(reader.date(r["day"], "day")->str() == "2026-03-14");
  CHECK(reader.date(r["qday"], "qday")->str() == "2026-03-14");
  CHECK_FALSE(reader.date(r["bad_day"], "bad_day"));

  CHECK(reader.string(r["num_text"], "num_text") == "123");  // a plain number is also text
  CHECK(reader.string(r["folded"], "folded") == "one two\n");
  CHECK(reader.string(r["literal"], "literal") == "one\ntwo\n");
  CHECK(reader.string(r["plain"], "plain") == "one two");
  CHECK_FALSE(reader.string(r["n1"], "n1"));

  std::string report;
  for (const auto& d : diags.items()) report += d.str() + "\n";
  CHECK_THAT(report, Catch::Contains("f.yaml:9:6: yes: expected true or false, found 'yes'"));
  CHECK_THAT(report, Catch::Contains("f.yaml:11:5: qt: expected true or false, found 'true'"));
  CHECK_THAT(report, Catch::Contains("f.yaml:18:5: qi: expected a whole number, found '15'"));
  CHECK_THAT(report, Catch::Contains("f.yaml:14:7: plus: expected a whole number, found '+4'"));
  CHECK_THAT(report, Catch::Contains("big: expected a whole number, found '99999999999999999999'"));
  CHECK_THAT(report, Catch::Contains("f.yaml:29:10: bad_day: expected a date YYYY-MM-DD, found '2026-02-30'"));
  CHECK_THAT(report, Catch::Contains("f.yaml:1:5: n1: expected text, found nothing"));
}

TEST_CASE("yaml: a syntax error is one diagnostic at its line and column, in libyaml's words", "[yaml]") {
  CHECK(problems("a: [1, 2\nb: 3\n") ==
        "f.yaml:2:2: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, "
        "column 4)\n");
  CHECK(problems("a: b: c\n") == "f.yaml:1:5: not valid YAML: mapping values are not allowed in this context\n");
  CHECK(problems("a: 'unterminated\n") ==
        "f.yaml:2:1: not valid YAML: found unexpected end of stream (while scanning a quoted scalar at line 1, "
        "column 4)\n");
}

TEST_CASE("yaml: a tab where indentation goes is named as such", "[yaml]") {
  CHECK_THAT(problems("a:\n\t- 1\n"), Catch::StartsWith("f.yaml:2:1: not valid YAML: ") &&
                                            Catch::EndsWith("YAML indents with spaces, never tabs\n"));
  CHECK_THAT(problems("a: 1\n\tb: 2\n"), Catch::Contains("f.yaml:2:1:") && Catch::Contains("tab"));
  CHECK(parse("a: one\ttwo\n").root()["a"].text() == "one\ttwo");  // a tab inside a value is fine
}

TEST_CASE("yaml: bytes that are not text are located", "[yaml]") {
  CHECK(problems("a: \x01\n") == "f.yaml:1:4: not valid YAML: control characters are not allowed (byte 0x01)\n");
  // Columns count characters: the bad byte follows 'café '.
  CHECK(problems("a: caf\xC3\xA9 \xFF\n") == "f.yaml:1:9: not valid YAML: invalid leading UTF-8 octet (byte 0xFF)\n");
}

TEST_CASE("yaml: a byte-order mark is skipped and takes no column", "[yaml]") {
  const std::string text = "\xEF\xBB\xBF" "name: x\nlist: [a, b]\n";
  auto doc = parse(text);
  CHECK(doc.root()["name"].text() == "x");
  CHECK(doc.root()["name"].mark().column == 7);
  CHECK(detail::byte_offset(text, doc.root()["name"].mark()) == text.find("x\n"));
  CHECK(detail::byte_offset(text, doc.root()["list"][1].mark()) == text.find("b]"));
  const std::string accents = "a: \"été\"\nb: naïve x\n";
  auto doc2 = parse(accents);
  CHECK(doc2.root()["b"].mark().column == 4);
  CHECK(detail::byte_offset(accents, {2, 10}) == accents.find("x\n"));
}

TEST_CASE("yaml: a key given twice is reported with both lines, in every map", "[yaml]") {
  CHECK(problems("location: a\nneeds: []\nlocation: b\n") == "f.yaml:3:1: location: given twice (first at line 1)\n");
  CHECK(problems("providers:\n  - id: x\n    intake: {phone: 1, phone: 2}\n") ==
        "f.yaml:3:24: providers[0].intake.phone: given twice (first at line 3)\n");
  // A large map (compared by sorting): each repeat named, in the order written.
  std::string big;
  for (int i = 0; i < 100; ++i) big += "k" + std::to_string(i) + ": 1\n";
  CHECK(problems(big + "k7: 2\nk3: 2\nk7: 3\n") ==
        "f.yaml:101:1: k7: given twice (first at line 8)\n"
        "f.yaml:102:1: k3: given twice (first at line 4)\n"
        "f.yaml:103:1: k7: given twice (first at line 8)\n");
  // Still a document, so that a loader reports its other problems with it; the first value holds.
  Diagnostics diags;
  auto doc = detail::parse_yaml("a: 1\na: 2\n", "f.yaml", diags);
  REQUIRE(doc);
  CHECK(diags.size() == 1);
  CHECK(doc->root()["a"].text() == "1");
  // Keys compare as text, however quoted.
  CHECK_THAT(problems("a: 1\n'a': 2\n"), Catch::Contains("a: given twice"));
}

TEST_CASE("yaml: anchors, aliases and tags are refused where they are", "[yaml]") {
  CHECK(problems("a: &x 1\nb: 2\n") ==
        "f.yaml:1:4: anchor &x is not accepted: anchors and aliases are not read; write each value out\n");
  CHECK(problems("a: [1]\nb: *x\n") ==
        "f.yaml:2:4: alias *x is not accepted: anchors and aliases are not read; write each value out\n");
  CHECK(problems("a: !!str 5\n") ==
        "f.yaml:1:4: tag tag:yaml.org,2002:str is not accepted: write the value without a tag (quote it to make it "
        "text)\n");
  CHECK_THAT(problems("a: !custom {x: 1}\n"), Catch::StartsWith("f.yaml:1:4: tag !custom is not accepted"));
  // "Billion laughs": refused at its first anchor, nothing expanded.
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    laughs += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  CHECK_THAT(problems(laughs), Catch::StartsWith("f.yaml:1:4: anchor &a is not accepted"));
}

TEST_CASE("yaml: a second document, and a list or mapping as a key, are refused", "[yaml]") {
  CHECK(problems("a: 1\n---\nb: 2\n") == "f.yaml:2:1: a second YAML document ('---'); a file holds one document\n");
  CHECK(problems("? [a, b]\n: 1\n") == "f.yaml:1:3: a key must be text, not a list or mapping\n");
  // A syntax error further on is the one reported: it is the likelier mistake.
  CHECK_THAT(problems("a: &x 1\nb: [1, 2\n"), Catch::Contains("not valid YAML") && !Catch::Contains("anchor"));
}

TEST_CASE("yaml: node and depth bounds, checked while the events stream", "[yaml]") {
  std::string list;
  for (int i = 0; i < 5000; ++i) list += "- a\n";
  CHECK(problems(list, 1000) == "f.yaml:1000:3: too many YAML nodes (more than 1000); split the file or shorten it\n");
  CHECK(problems(list, 5001).empty());  // the list and its 5,000 items
  CHECK(problems(list, 5000) == "f.yaml:5000:3: too many YAML nodes (more than 5000); split the file or shorten it\n");

  auto nested = [](int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); };
  CHECK(problems(nested(detail::kMaxYamlDepth)).empty());
  CHECK(problems(nested(detail::kMaxYamlDepth + 1)) == "f.yaml:1:65: YAML nested deeper than 64 levels\n");
  // Far deeper than the bound: stopped at the bound, quickly, with one diagnostic.
  CHECK(problems(std::string(200000, '[')) == "f.yaml:1:65: YAML nested deeper than 64 levels\n");
  std::string block;
  for (int i = 0; i < 80; ++i) block += std::string(static_cast<std::size_t>(2 * i), ' ') + "k:\n";
  CHECK_THAT(problems(block), Catch::Contains("YAML nested deeper than 64 levels"));
}

TEST_CASE("yaml: writing a scalar or a node reads back the same", "[yaml]") {
  for (const std::string s : {"plain", "St. John's", "with: colon", "a, b", "[x]", "#hash", "- dash", "", "null", "~",
                              "  spaced ", "line\nbreak", "tab\there", "quote \" and \\ back", "café", "-4", "'q'"}) {
    INFO("[" << s << "]");
    auto doc = parse("k: " + detail::yaml_scalar(s) + "\n");
    CHECK(doc.root()["k"].is_scalar());
    CHECK(doc.root()["k"].text() == s);
  }
  CHECK(detail::yaml_scalar("Proposed provider 1 in St. John's (nrm audit --suggest)") ==
        "Proposed provider 1 in St. John's (nrm audit --suggest)");
  auto doc = parse("age: 16\nq: \"16\"\nnone: ~\nneeds: [a.b, 'c, d']\nwhen: 2026-12-02T02:10\nm: {x: [1, {y: z}]}\n");
  const std::string flow = detail::yaml_flow(doc.root());
  CHECK(flow == "{age: 16, q: \"16\", none: ~, needs: [a.b, \"c, d\"], when: \"2026-12-02T02:10\", m: {x: [1, {y: z}]}}");
  auto again = parse(flow);
  CHECK(again.root()["age"].text() == "16");
  CHECK_FALSE(again.root()["age"].quoted());
  CHECK(again.root()["q"].quoted());
  CHECK(again.root()["none"].is_null());
  CHECK(again.root()["needs"][1].text() == "c, d");
  CHECK(again.root()["m"]["x"][1]["y"].text() == "z");
}

TEST_CASE("yaml: a document built from values reads like a parsed one", "[yaml]") {
  detail::YamlBuilder b;
  b.open(YamlKind::kMap, {});
  b.scalar("age", true, {});
  b.scalar("15", false, {});
  b.scalar("list", true, {});
  b.open(YamlKind::kSequence, {});
  b.scalar("x", true, {});
  b.null({});
  b.close();
  b.close();
  auto doc = b.finish();
  CHECK(doc.root()["age"].text() == "15");
  CHECK(doc.root()["list"].size() == 2);
  CHECK(doc.root()["list"][1].is_null());
  CHECK(doc.root()["list"][0].mark().line == 0);  // no place: diagnostics name no line
  CHECK(detail::YamlBuilder().finish().root().is_null());
}

TEST_CASE("yaml: a file reads as its text does, problems and all", "[yaml]") {
  test::TempDir dir;
  const std::vector<std::string> texts = {
      "a: 1\nb: [x, y]\n",
      "\xEF\xBB\xBF" "a: caf\xC3\xA9\n",
      "",
      "a:\n\t- 1\n",
      "a: [1, 2\n",
      std::string("a: 1\nb: \0\n", 10),
      "a: caf\xC3\xA9 \xFF\n",
      "a: &x 1\n",
      "a: 1\na: 2\n",
      std::string(100, '['),
  };
  // Larger than libyaml's reads: characters of two bytes across their boundaries, and a NUL far in.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "- caf\xC3\xA9 " + std::to_string(i) + "\n";
  std::vector<std::string> all = texts;
  all.push_back(big);
  all.push_back(big.substr(0, 50001) + std::string(1, '\0') + big.substr(50001));
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO("text " << i);
    const std::string path = dir.write("f" + std::to_string(i) + ".yaml", all[i]);
    Diagnostics from_file, from_text;
    auto a = detail::load_yaml_file(path, from_file);
    auto text = detail::read_text_file(path, from_text);
    auto b = text ? detail::parse_yaml(*text, path, from_text) : std::nullopt;
    CHECK(a.has_value() == b.has_value());
    CHECK(from_file.items().size() == from_text.items().size());
    for (std::size_t k = 0; k < from_file.items().size() && k < from_text.items().size(); ++k)
      CHECK(from_file.items()[k].str() == from_text.items()[k].str());
    if (a && b) CHECK(detail::yaml_flow(a->root()) == detail::yaml_flow(b->root()));
  }
  Diagnostics missing;
  CHECK_FALSE(detail::load_yaml_file(dir.path("nope.yaml"), missing));
  CHECK_THAT(missing.items().at(0).str(), Catch::EndsWith("nope.yaml: cannot open file"));
}
