#!/usr/bin/env bash
# SQLite's floor: what the database work of import + `code auto` costs with
# nothing of qda's around it. From a coded qda database, SQLite's own shell
# copies the rows qda writes, in the order qda writes them, into a fresh
# database of the same schema, one statement per table (no parsing, no
# binding, no coding), builds the full-text index from the copied texts
# with the schema's tokenizer, and reads the texts back as `code auto`
# does; then `.import` of the CSV, the
# yardstick of the harness. Journal and fsync off: the most favourable
# settings, so each figure is a lower bound. See README.md here.
# Usage: Benchmarks/sqlite-floor.sh CODED-DB CSV [RUNS (3)]
set -euo pipefail
source_db=$(realpath "$1")
csv=$(realpath "$2")
runs=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tables and indexes qda writes, as the coded database defines them.
schema() {
  sqlite3 "$source_db" "
    SELECT sql || ';' FROM sqlite_master
    WHERE name IN ('unit', 'unitText', 'codingRow', 'unitSearch')
       OR (type = 'index' AND tbl_name IN ('unit', 'codingRow')
           AND sql IS NOT NULL)
    ORDER BY type = 'index', name"
}

# Prints each step's wall seconds, tab-separated, for one fresh copy.
one_run() {
  rm -f "$work/floor.db"
  {
    echo "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF;"
    echo "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;"
    schema
    echo "ATTACH '$source_db' AS src;"
    echo ".timer on"
    # Each copy has a WHERE clause: without one, SQLite copies a table
    # into an empty one of the same shape record by record and fills each
    # index in its own order (its "transfer optimisation"), which a load
    # of new rows cannot do: codings 0.37 s rather than 1.3 s.
    echo "INSERT INTO unit SELECT * FROM src.unit WHERE rowid > 0 ORDER BY rowid;"
    echo "INSERT INTO unitText SELECT * FROM src.unitText WHERE id > 0;"
    echo "INSERT INTO unitSearch (rowid, text) SELECT id, text FROM unitText;"
    echo "SELECT sum(length(text)) FROM unitText;"
    echo "INSERT INTO codingRow SELECT * FROM src.codingRow WHERE runId > 0;"
  } | sqlite3 "$work/floor.db" | awk '/^Run Time/ { printf "%s\t", $4 }'
  rm -f "$work/import.db"
  /usr/bin/time -f '%e' -o "$work/time" \
    sqlite3 "$work/import.db" -cmd ".mode csv" ".import '$csv' cases"
  cat "$work/time"
}

units=$(sqlite3 "$source_db" "SELECT count(*) FROM unit")
codings=$(sqlite3 "$source_db" "SELECT count(*) FROM codingRow")
echo "$units units, $codings codings; $runs runs, median seconds"
for _ in $(seq "$runs"); do one_run; done | python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin]
names = ["units with their indexes", "texts", "full-text index",
         "texts read back", "codings with their index", "sqlite3 .import"]
print("| step | median s |")
print("|---|---:|")
for index, name in enumerate(names):
    print(f"| {name} | {statistics.median(r[index] for r in rows):.2f} |")
'
