// The pieces of a plain pg_dump that scan and scrub read.
#include "src/exports/pgdump_parse.h"

#include <catch2/catch.hpp>

#include "src/exports/pgdump_export.h"

using namespace tombstone::exports;

TEST_CASE("COPY headers name the table and its columns") {
  CopyHeader h;
  SECTION("plain") {
    REQUIRE(ParseCopyHeader("COPY public.users (id, email, created_at) FROM stdin;\n", &h));
    CHECK(h.schema == "public");
    CHECK(h.table == "users");
    CHECK(h.columns == std::vector<std::string>{"id", "email", "created_at"});
  }
  SECTION("quoted identifiers") {
    REQUIRE(
        ParseCopyHeader("COPY \"My Schema\".\"Users\" (\"E-Mail\", \"a\"\"b\") FROM stdin;\n", &h));
    CHECK(h.schema == "My Schema");
    CHECK(h.table == "Users");
    CHECK(h.columns == std::vector<std::string>{"E-Mail", "a\"b"});
  }
  SECTION("no schema, no column list") {
    REQUIRE(ParseCopyHeader("COPY users FROM stdin;\n", &h));
    CHECK(h.schema == "public");
    CHECK(h.columns.empty());
  }
  SECTION("not a COPY FROM stdin") {
    CHECK_FALSE(ParseCopyHeader("COPY users TO stdout;\n", &h));
    CHECK_FALSE(ParseCopyHeader("-- COPY users FROM stdin;\n", &h));
    CHECK_FALSE(ParseCopyHeader("COPY users (id FROM stdin;\n", &h));
  }
}

TEST_CASE("CREATE TABLE, column types, partitions and INSERT lines are recognized") {
  std::string a, b, c, d;
  REQUIRE(ParseCreateTable("CREATE TABLE public.users (\n", &a, &b));
  CHECK(a + "." + b == "public.users");
  REQUIRE(ParseColumnLine("    email character varying(80) NOT NULL,\n", &a, &b));
  CHECK(a == "email");
  CHECK(b == "character varying(80)");
  REQUIRE(
      ParseColumnLine("    created_at timestamp with time zone DEFAULT now() NOT NULL\n", &a, &b));
  CHECK(b == "timestamp with time zone");
  REQUIRE(ParseColumnLine("    note text,\n", &a, &b));
  CHECK(b == "text");
  CHECK_FALSE(ParseColumnLine(");\n", &a, &b));
  CHECK_FALSE(ParseColumnLine("    CONSTRAINT positive CHECK ((id > 0))\n", &a, &b));
  REQUIRE(ParseAttachPartition(
      "ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024 FOR VALUES FROM "
      "('2024-01-01') TO ('2025-01-01');\n",
      &a, &b, &c, &d));
  CHECK(a + "." + b + " <- " + c + "." + d == "public.events <- public.events_2024");
  REQUIRE(ParseInsertTable("INSERT INTO public.users VALUES (1, 'x');\n", &a, &b));
  CHECK(b == "users");
  CHECK_FALSE(ParseInsertTable("SELECT 1;\n", &a, &b));
}

TEST_CASE("COPY text fields unescape and escape back") {
  std::string v;
  CHECK_FALSE(UnescapeCopyField("\\N", &v));
  REQUIRE(UnescapeCopyField("a\\tb\\nc\\\\d\\x41\\101\\r", &v));
  CHECK(v == "a\tb\nc\\dAA\r");
  std::string escaped;
  AppendCopyEscaped("x\ty\nz\\w\r", &escaped);
  CHECK(escaped == "x\\ty\\nz\\\\w\\r");
  REQUIRE(UnescapeCopyField(escaped, &v));
  CHECK(v == "x\ty\nz\\w\r");
}

TEST_CASE("only column->>'key' expressions can be evaluated in a dump") {
  auto e = ParseJsonKeyExpr("payload->>'email'");
  REQUIRE(e);
  CHECK(e->column == "payload");
  CHECK(e->key == "email");
  e = ParseJsonKeyExpr(" ( \"Payload\" ->> 'it''s' ) ");
  REQUIRE(e);
  CHECK(e->column == "Payload");
  CHECK(e->key == "it's");
  CHECK_FALSE(ParseJsonKeyExpr("lower(email)"));
  CHECK_FALSE(ParseJsonKeyExpr("payload->'a'->>'b'"));
  CHECK_FALSE(ParseJsonKeyExpr("payload->>'email' || 'x'"));

  CHECK(JsonKeyText(R"({"email": "Bob@Example.com", "n": 4})", "email") == "Bob@Example.com");
  CHECK(JsonKeyText(R"({"n": 4})", "n") == "4");
  CHECK_FALSE(JsonKeyText(R"({"email": null})", "email"));
  CHECK_FALSE(JsonKeyText("[1,2]", "email"));
  CHECK_FALSE(JsonKeyText("not json", "email"));
}

// Found by fuzzing (tests/fuzz/regressions/pgdump/json-nested-a-million-deep.zst): printing a
// deeply nested value recursed once per level and overflowed the stack on a 2 MB line.
TEST_CASE("a json value nested too deep to print is reported, not printed") {
  const auto nested = [](std::size_t depth) {
    return R"({"email": )" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  bool too_deep = true;
  CHECK(JsonKeyText(nested(kMaxJsonKeyDepth), "email", &too_deep) ==
        std::string(kMaxJsonKeyDepth, '[') + std::string(kMaxJsonKeyDepth, ']'));
  CHECK_FALSE(too_deep);
  CHECK_FALSE(JsonKeyText(nested(kMaxJsonKeyDepth + 1), "email", &too_deep));
  CHECK(too_deep);
  CHECK_FALSE(JsonKeyText(nested(1000000), "email", &too_deep));
  CHECK(too_deep);
  CHECK(JsonKeyText(R"({"email": "a@b", "x": )" + nested(1000000).substr(10), "email",
                    &too_deep) == "a@b");
  CHECK_FALSE(too_deep);
}

TEST_CASE("PostgreSQL timestamps are read in their dump forms") {
  CHECK(ParsePgTimestamp("2026-01-31 12:00:00+00") ==
        tombstones::ParseTime("2026-01-31T12:00:00Z").value());
  CHECK(ParsePgTimestamp("2026-01-31 12:00:00.5+05:30") ==
        tombstones::ParseTime("2026-01-31T12:00:00.5+05:30").value());
  CHECK(ParsePgTimestamp("2026-01-31 12:00:00") ==
        tombstones::ParseTime("2026-01-31T12:00:00Z").value());
  CHECK(ParsePgTimestamp("infinity") == std::numeric_limits<tombstones::Micros>::max());
  CHECK_FALSE(ParsePgTimestamp("yesterday"));
}

TEST_CASE("redact writes a marker of the column's type") {
  CHECK(RedactMarker("text") == "[redacted]");
  CHECK(RedactMarker("character varying(80)") == "[redacted]");
  CHECK(RedactMarker("character varying(4)") == "[redacted]");  // refused when bound, as replay
  CHECK(RedactMarker("bigint") == "0");
  CHECK(RedactMarker("numeric(12,2)") == "0");
  CHECK(RedactMarker("boolean") == "f");
  CHECK(RedactMarker("jsonb") == "{}");
  CHECK(RedactMarker("text[]") == "{}");
  CHECK(RedactMarker("timestamp with time zone") == "1970-01-01 00:00:00+00");
  CHECK(RedactMarker("uuid") == "00000000-0000-0000-0000-000000000000");
  CHECK(RedactMarker("time without time zone") == "00:00:00");
  CHECK(RedactMarker("interval") == "0");
  CHECK_FALSE(RedactMarker("point"));
  // Replay's markers (src/match/redact.h), as the server prints them cast (issue 16).
  CHECK(RedactMarker("timestamp(3) with time zone") == "1970-01-01 00:00:00+00");
  CHECK(RedactMarker("timestamp without time zone") == "1970-01-01 00:00:00");
  CHECK(RedactMarker("time(3) with time zone") == "00:00:00");
  CHECK(RedactMarker("money") == "0");
  CHECK(RedactMarker("bytea") == "\\x");
  CHECK(RedactMarker("integer[]") == "{}");
  CHECK_FALSE(RedactMarker("public.mood"));
  CHECK(IsTextType("character varying(80)"));
  CHECK_FALSE(IsTextType("bigint"));
}

TEST_CASE("INHERITS lines name the parents of a table partitioned the old way") {
  std::vector<std::string> parents;
  REQUIRE(ParseInherits("INHERITS (public.reviews);", &parents));
  CHECK(parents == std::vector<std::string>{"public.reviews"});
  REQUIRE(ParseInherits("INHERITS (public.a, \"Other\".\"B c\");", &parents));
  CHECK(parents == std::vector<std::string>{"public.a", "Other.B c"});
  CHECK_FALSE(ParseInherits("INHERITS public.a;", &parents));
  CHECK_FALSE(ParseInherits("-- INHERITS (public.a);", &parents));
}

TEST_CASE("array literals give their elements, unquoted, without NULLs") {
  struct Case {
    std::string literal;
    bool ok;
    std::vector<std::string> elements;
  };
  const std::vector<Case> cases = {
      {"{}", true, {}},
      {"{a@example.com}", true, {"a@example.com"}},
      {"{a,B@Example.com}", true, {"a", "B@Example.com"}},
      {"{\"a b\",\"c,d\",\"e\\\"f\",\"g\\\\h\"}", true, {"a b", "c,d", "e\"f", "g\\h"}},
      {"{NULL,null,\"NULL\",x}", true, {"NULL", "x"}},
      {"{  padded  , \" kept \" }", true, {"padded", " kept "}},
      {"{{a,b},{c,NULL}}", true, {"a", "b", "c"}},
      {"[0:1]={a,b}", true, {"a", "b"}},
      {"{a\\,b}", true, {"a,b"}},
      {"a@example.com", false, {}},
      {"{a,b", false, {}},
      {"{\"a}", false, {}},
      {"{a}x", false, {}},
      {"{a}}", false, {}},
      {"[0:1]{a}", false, {}},
      {"", false, {}},
  };
  for (const Case& c : cases) {
    INFO(c.literal);
    std::vector<std::string> got;
    CHECK(ForEachArrayElement(c.literal, [&](std::string_view e) { got.emplace_back(e); }) ==
          c.ok);
    CHECK(got == c.elements);
  }
}
