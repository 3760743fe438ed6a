#!/usr/bin/env python3
"""Where each thread of a qda command spends its time, from `perf record`.

Usage: threads.py PERF.DATA [--top 15] [--callers SYMBOL ...]

Prints every thread's share of the samples and, per thread, the symbols
its samples fell in (the leaf frame), as shares of that thread's samples.
`perf report --sort symbol` merges the threads, which hides how a command's
reader, writer and coding threads each spend theirs; and `perf report --tid`
attributes a symbol's samples to one thread only.

With --callers, it also prints, per thread, the code that called each named
symbol (`swift_retain`, `swift_release`), by return address: the place to
look up with `objdump -d --start-address=...`. Record with call graphs:

    perf record -F 999 -g -o /tmp/code.perf \\
        .build/release/qda code auto --force --codebook ... --db ...
    Benchmarks/threads.py /tmp/code.perf --callers swift_retain swift_release
"""
import argparse
import collections
import subprocess


def samples(path):
    """Yields (thread id, frames) per sample, frames as (address, symbol),
    the leaf first."""
    script = subprocess.run(
        ["perf", "script", "-i", path, "-F", "tid,ip,sym"],
        check=True, capture_output=True, text=True).stdout
    for block in script.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        if len(lines) < 2:
            continue
        thread = lines[0].split()[0]
        frames = []
        for line in lines[1:]:
            address, _, symbol = line.partition(" ")
            frames.append((address, symbol or "[unknown]"))
        yield thread, frames


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", help="a perf.data file")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--callers", nargs="*", default=[])
    args = parser.parse_args()
    totals = collections.Counter()
    leaves = collections.defaultdict(collections.Counter)
    callers = collections.defaultdict(collections.Counter)
    wanted = set(args.callers)
    for thread, frames in samples(args.data):
        totals[thread] += 1
        leaf = frames[0][1]
        leaves[thread][leaf] += 1
        if leaf in wanted and len(frames) > 1:
            address, symbol = frames[1]
            callers[thread][(leaf, address, symbol)] += 1
    count = sum(totals.values())
    for thread, samples_of_thread in totals.most_common():
        share = samples_of_thread / count
        if share < 0.01:
            continue
        print(f"thread {thread}: {100 * share:.1f} % of {count} samples")
        for symbol, n in leaves[thread].most_common(args.top):
            print(f"  {100 * n / samples_of_thread:5.1f} %  {symbol[:110]}")
        for (leaf, address, symbol), n in callers[thread].most_common(args.top):
            print(f"  {100 * n / samples_of_thread:5.1f} %  {leaf} from "
                  f"{address} {symbol[:80]}")
        print()


if __name__ == "__main__":
    main()
