#!/usr/bin/env python3
"""Times builds of qda against each other, alternately, on the same file.

Usage: side-by-side.py [--runs 5] [--codebook FILE] [--import-only | --code-only]
                       CASES.csv NAME=QDA NAME=QDA ...

Each run imports CASES.csv into a new database with every build in turn,
then codes it with `code auto --codebook FILE --force`, so a drift in the
host's speed (a fifth within minutes, on these machines) falls on every
build alike. Prints, per build, the median and fastest wall time of each
command and the median CPU time (user + system) of the process.

With --code-only, the first build imports CASES.csv once, and each run
codes that database with every build in turn: for changes to coding alone,
which then get many more runs in the same time.

Name one build twice (a=PATH b=PATH, the same PATH) for a control: the
difference between the two is the host's noise, which on these machines
was 2 % over twenty runs and up to 10 % over ten.
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(command):
    """Wall and CPU seconds of a command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases")
    parser.add_argument("builds", nargs="+", help="NAME=PATH of a qda binary")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--codebook", default=str(ROOT / "Codebooks/web-outreach.yml"))
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--import-only", action="store_true")
    only.add_argument("--code-only", action="store_true")
    args = parser.parse_args()
    builds = [build.split("=", 1) for build in args.builds]
    if len({name for name, _ in builds}) < len(builds):
        parser.error("each build needs a name of its own")
    stages = (["import"] if args.import_only
              else ["code auto"] if args.code_only else ["import", "code auto"])
    times = {(name, stage): [] for name, _ in builds for stage in stages}
    with tempfile.TemporaryDirectory(prefix="qda-side-by-side-") as work:
        database = os.path.join(work, "qda.sqlite")
        if args.code_only:
            timed([builds[0][1], "import", "reports", args.cases, "--quiet",
                   "--db", database])
        for _ in range(args.runs):
            for name, qda in builds:
                if not args.code_only:
                    for suffix in ["", "-wal", "-shm", "-journal"]:
                        if os.path.exists(database + suffix):
                            os.remove(database + suffix)
                    times[(name, "import")].append(timed(
                        [qda, "import", "reports", args.cases, "--quiet",
                         "--db", database]))
                if not args.import_only:
                    times[(name, "code auto")].append(timed(
                        [qda, "code", "auto", "--codebook", args.codebook,
                         "--force", "--db", database]))
    print(f"{args.runs} runs each, alternately, on {args.cases}")
    print("| build | command | median s | fastest s | median CPU s |")
    print("|---|---|---:|---:|---:|")
    for name, _ in builds:
        for stage in stages:
            walls = [wall for wall, _ in times[(name, stage)]]
            cpus = [cpu for _, cpu in times[(name, stage)]]
            print(f"| {name} | {stage} | {statistics.median(walls):.2f} "
                  f"| {min(walls):.2f} | {statistics.median(cpus):.2f} |")


if __name__ == "__main__":
    main()
