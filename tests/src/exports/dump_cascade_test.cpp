// The foreign keys scrub reads from a dump's post-data section, and what they do to rows.
#include "src/exports/dump_cascade.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/src/exports/export_fixture.h"

using namespace tombstone::exports;
using OnDelete = DumpForeignKey::OnDelete;
using tombstone::testing::ExportFixture;
using tombstone::testing::RunResult;
using tombstone::testing::WriteFile;

TEST_CASE("foreign keys as pg_dump prints them") {
  struct Row {
    const char* alter;
    const char* add;
    bool ok;
    const char* child;
    const char* parent;
    OnDelete on_delete;
    std::size_t columns;
  };
  const Row rows[] = {
      {"ALTER TABLE ONLY public.orders", "    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY "
       "(user_id) REFERENCES public.users(id) ON DELETE CASCADE;", true, "public.orders",
       "public.users", OnDelete::kCascade, 1},
      {"ALTER TABLE public.events", "    ADD CONSTRAINT e_fk FOREIGN KEY (a, \"B c\") REFERENCES "
       "app.\"Parent\"(x, y) ON UPDATE CASCADE ON DELETE SET NULL;", true, "public.events",
       "app.Parent", OnDelete::kSetNull, 2},
      {"ALTER TABLE ONLY public.t", "    ADD CONSTRAINT t_fk FOREIGN KEY (p) REFERENCES "
       "public.p(id);", true, "public.t", "public.p", OnDelete::kNoAction, 1},
      {"ALTER TABLE ONLY public.t", "    ADD CONSTRAINT t_fk FOREIGN KEY (p) REFERENCES "
       "public.p(id) ON DELETE RESTRICT DEFERRABLE;", true, "public.t", "public.p",
       OnDelete::kRestrict, 1},
      {"ALTER TABLE ONLY public.t", "    ADD CONSTRAINT t_pkey PRIMARY KEY (id);", false, "", "",
       OnDelete::kNoAction, 0},
      {"ALTER TABLE ONLY public.t", "    ADD CONSTRAINT t_fk FOREIGN KEY (a, b) REFERENCES "
       "public.p(id);", false, "", "", OnDelete::kNoAction, 0},
  };
  for (const Row& row : rows) {
    INFO(row.add);
    DumpForeignKey key;
    REQUIRE(ParseForeignKey(row.alter, row.add, &key) == row.ok);
    if (!row.ok) continue;
    CHECK(key.child == row.child);
    CHECK(key.parent == row.parent);
    CHECK(key.on_delete == row.on_delete);
    CHECK(key.child_columns.size() == row.columns);
  }
}

TEST_CASE("scrub refuses a dump whose removed rows a RESTRICT key still needs") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  WriteFile(f.Path("map.toml"),
            "[kinds]\nemail = \"email\"\n\n[[table]]\nname = \"public.users\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  WriteFile(f.Path("in.sql"),
            "--\n-- PostgreSQL database dump\n--\n\n"
            "COPY public.orders (id, user_id) FROM stdin;\n1\t1\n2\t2\n\\.\n\n"
            "COPY public.users (id, email) FROM stdin;\n1\talice@example.com\n2\tbob@x\n\\.\n\n"
            "ALTER TABLE ONLY public.orders\n"
            "    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES "
            "public.users(id) ON DELETE RESTRICT;\n\n"
            "--\n-- PostgreSQL database dump complete\n--\n\n");
  const RunResult r =
      f.fx.Run({"scrub", "--map", f.Path("map.toml"), f.Path("in.sql"), f.Path("out.sql")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::StartsWith(
                        "tombstone: unable to scrub '" + f.Path("in.sql") +
                        "': line 6: a row of public.orders references a row that scrub removes, "
                        "through foreign key 'orders_user_id_fkey' (ON DELETE RESTRICT) from "
                        "public.orders to public.users: the scrubbed dump would not restore\n"));
  CHECK_FALSE(std::filesystem::exists(f.Path("out.sql")));
}
