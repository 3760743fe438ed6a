#!/usr/bin/env python3
"""Writes N synthetic work-report cases as CSV (for the import benchmark).

Usage: generate-reports.py N > cases.csv

Rows cycle through short English and Russian requests with dates from
November 2019 to June 2020, a channel column, a quoted field with a comma and
a line break every tenth row, and a fake phone number every hundredth row, so
the importer's quoting, decoding, NFC and redaction paths all run.
"""
import csv
import sys

REQUESTS = [
    "Veins in both arms have collapsed, asks how to look after them.",
    "Вены на руках пропали, спрашивает, как их восстановить.",
    "Wants to know where the bus is parked on Sunday.",
    "Хочет сдать тест на ВИЧ анонимно.",
    "Asks for help getting admitted to a detox hospital.",
    "Абсцесс на бедре, температура, просит помощи.",
]
SERVICES = [
    "Sent the vein care memo.",
    "Отправила расписание автобуса.",
    "Passed to the case manager, \"urgent\",\nwill call tomorrow.",
]

def main() -> None:
    count = int(sys.argv[1])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["case_id", "date", "channel", "request", "services"])
    months = ["2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]
    for index in range(count):
        request = REQUESTS[index % len(REQUESTS)]
        if index % 100 == 0:
            request += " Call me at +7 900 000-00-00."
        writer.writerow([
            f"B{index:06d}",
            f"{months[index % len(months)]}-{index % 28 + 1:02d}",
            "group chat" if index % 3 else "direct message",
            request,
            SERVICES[index % len(SERVICES)],
        ])

if __name__ == "__main__":
    main()
