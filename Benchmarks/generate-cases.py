#!/usr/bin/env python3
"""Writes N synthetic work-report cases as CSV, deterministically.

Usage: generate-cases.py N [SEED] [--scattered-ids] > cases.csv

Cases are drawn from qda's own synthetic samples (Samples/work-reports.csv:
English and Russian requests across every need of the codebook), so the mix of
needs, lengths and languages follows the samples. Each case takes a sample
row's request and services (they belong together, so coding stays realistic),
and varies it: a follow-up from another case in a third of the rows, a quoted
line break in a tenth, a fake phone number or @handle in one row in a hundred
(the redaction path), and dates spread over 2019-11-01 .. 2021-12-31. The same
N and seed always give the same bytes.

Case ids ascend with the rows (N0000000, N0000001, ...), as in a file sorted
by id. With --scattered-ids the same rows get the same ids in a scattered
order (row i is case (i * 7919) mod N, 7919 a prime that does not divide N):
a file sorted by something else, such as its dates, where every case lands
away from the one before in the database's id-keyed tables.
"""
import csv
import datetime
import pathlib
import random
import sys

SAMPLES = pathlib.Path(__file__).resolve().parent.parent / "Samples" / "work-reports.csv"


def main() -> None:
    arguments = [a for a in sys.argv[1:] if a != "--scattered-ids"]
    scattered = len(arguments) < len(sys.argv) - 1
    count = int(arguments[0])
    rng = random.Random(int(arguments[1]) if len(arguments) > 1 else 98)
    stride = 7919 if scattered and count % 7919 else 1
    with SAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    start = datetime.date(2019, 11, 1)
    days = (datetime.date(2021, 12, 31) - start).days + 1
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["case_id", "date", "channel", "request", "services"])
    for index in range(count):
        row = rows[rng.randrange(len(rows))]
        request = row["request"]
        services = row["services"]
        roll = rng.random()
        if roll < 0.33:
            request += " " + rows[rng.randrange(len(rows))]["request"]
        if rng.random() < 0.1:
            services = services.replace(". ", ".\n", 1)
        if rng.random() < 0.01:
            request += rng.choice([
                " Call me at +7 911 000-12-34.",
                " Пишите мне @client_example.",
            ])
        date = start + datetime.timedelta(days=rng.randrange(days))
        case = index * stride % count
        writer.writerow([f"N{case:07d}", date.isoformat(), row["channel"], request, services])


if __name__ == "__main__":
    main()
