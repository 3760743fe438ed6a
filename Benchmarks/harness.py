#!/usr/bin/env python3
"""Times qda's pipeline stage by stage, as whole processes, against baselines.

Usage: harness.py [--sizes 10000,100000,1000000] [--runs 3] [--qda PATH]
                  [--scattered-ids] [--skip-pandas]

For each size N it generates N cases (generate-cases.py, not timed), then runs
each stage `runs` times in a fresh directory and reports the median seconds,
the largest peak RSS (from /usr/bin/time) and, per size, the database size:

  sqlite3 .import   SQLite's shell importing the same file (the yardstick)
  pandas            pandas-baseline.py: read, code both fields, store, count
  import            qda import reports
  code auto         qda code auto with Codebooks/web-outreach.yml
  freq code/month/channel  qda freq --by ...
  report            qda report --format html
  find              qda find naloxone
  code 50 / 1000 keywords  qda code auto with generated codebooks of 50 and
                    1,000 keywords (one code per 10 keywords), in turn
                    first and second

and the ratios the performance issue asks for: import + code auto + freq by
code over sqlite3 .import, and over pandas. Prints a Markdown table.

With --scattered-ids the cases' ids come in a scattered order rather than
ascending (generate-cases.py --scattered-ids): a file sorted by date.

With --skip-pandas the pandas baseline is not run (its ratio is printed as
"—"): for sizes beyond a million, where it needs many gigabytes of memory
and minutes a run, and what is checked is qda's own time and memory.
"""
import argparse
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


def timed(command, cwd):
    """Runs a command; returns (seconds, peak RSS in KiB)."""
    out = cwd / "time.txt"
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(out)] + command,
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    seconds, rss = out.read_text().split()[-2:]
    return float(seconds), int(rss)


def keyword_codebook(path, keywords):
    """A codebook of `keywords` words and stems, ten to a code.

    Both sizes hold the same five real words, one per code in the first five
    codes, so they code the same units and write the same codings: what
    differs is only the number of rules and words to look for. The other
    words are made up but start like common English and Russian words (so a
    stem lookup walks a few letters before it fails) and never occur.
    """
    real = ["vein", "test*", "overdose", "вены", "автобус*"]
    prefixes = ["he", "the", "con", "pre", "in", "ask", "на", "по", "вы", "пр"]
    lines = ["id: bench", "title: Benchmark", "version: 1.0.0", "themes:",
             "  - id: words", "    name: Words", "    definition: Generated words.",
             "    codes:"]
    for code in range(keywords // 10):
        lines += [f"      - id: c{code}", f"        name: Code {code}",
                  f"        definition: Generated words {code}.",
                  "        rules:", f"          - id: r{code}", "            any:"]
        for k in range(10):
            n = code * 10 + k
            if k == 0 and code < len(real):
                word = real[code]
            else:
                word = f"{prefixes[n % len(prefixes)]}{n}q" + ("*" if n % 2 else "")
            lines.append(f"              - {word}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--qda", default=str(ROOT / ".build/release/qda"))
    parser.add_argument("--scattered-ids", action="store_true")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    qda = args.qda
    codebook = str(ROOT / "Codebooks/web-outreach.yml")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.platform()}; runs per stage: {args.runs} (median)"
          + ("; case ids in a scattered order" if args.scattered_ids else "") + "\n")
    print("| cases | stage | median s | peak RSS MiB | × sqlite3 .import |")
    print("|---:|---|---:|---:|---:|")
    summary = []
    for n in [int(s) for s in args.sizes.split(",")]:
        work = pathlib.Path(tempfile.mkdtemp(prefix=f"qda-bench-{n}-"))
        try:
            csv = work / "cases.csv"
            with csv.open("w") as handle:
                subprocess.run(["python3", str(HERE / "generate-cases.py"), str(n)]
                               + (["--scattered-ids"] if args.scattered_ids else []),
                               stdout=handle, check=True)
            small, large = work / "k50.yml", work / "k1000.yml"
            keyword_codebook(small, 50)
            keyword_codebook(large, 1000)
            stages = {}
            db_size = 0

            def record(name, seconds, rss):
                stages.setdefault(name, []).append((seconds, rss))

            for run in range(args.runs):
                for f in work.glob("*.sqlite*"):
                    f.unlink()
                record("sqlite3 .import", *timed(
                    ["sqlite3", "base.sqlite", "-cmd", ".mode csv", ".import cases.csv cases"],
                    work))
                if not args.skip_pandas:
                    record("pandas", *timed(
                        ["python3", str(HERE / "pandas-baseline.py"), "cases.csv",
                         "pandas.sqlite"], work))
                db = ["--db", "qda.sqlite"]
                record("import", *timed([qda, "import", "reports", "cases.csv", "--quiet"] + db, work))
                record("code auto", *timed(
                    [qda, "code", "auto", "--codebook", codebook, "--force"] + db, work))
                for by in ["code", "month", "channel"]:
                    record(f"freq {by}", *timed([qda, "freq", "--by", by] + db, work))
                record("report", *timed(
                    [qda, "report", "--format", "html", "--output", "report.html"] + db, work))
                record("find", *timed([qda, "find", "naloxone", "--limit", "20"] + db, work))
                db_size = (work / "qda.sqlite").stat().st_size
                # In turn first and second: a host that speeds up or slows
                # down within a run then favours neither codebook.
                keywords = [("code 50 keywords", small), ("code 1000 keywords", large)]
                for name, book in keywords if run % 2 == 0 else keywords[::-1]:
                    record(name, *timed(
                        [qda, "code", "auto", "--codebook", str(book), "--force"] + db, work))
            medians = {k: statistics.median(s for s, _ in v) for k, v in stages.items()}
            base = medians["sqlite3 .import"]
            for name, values in stages.items():
                rss = max(r for _, r in values) / 1024
                print(f"| {n:,} | {name} | {medians[name]:.2f} | {rss:.0f} | "
                      f"{medians[name] / base:.1f} |")
            pipeline = medians["import"] + medians["code auto"] + medians["freq code"]
            against_pandas = (f"{pipeline / medians['pandas']:.2f}"
                              if "pandas" in medians else "—")
            summary.append(
                f"| {n:,} | {csv.stat().st_size / 1e6:.0f} | {db_size / 1e6:.0f} | {pipeline:.2f} | "
                f"{pipeline / base:.1f} | {against_pandas} | "
                f"{medians['code 50 keywords'] / medians['code 1000 keywords']:.2f} |")
        finally:
            shutil.rmtree(work)
    print("\n| cases | CSV MB | database MB | import + code + freq s | × sqlite3 .import "
          "| × pandas | 1000-keyword speed vs 50 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
