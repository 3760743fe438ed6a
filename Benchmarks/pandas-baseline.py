#!/usr/bin/env python3
"""The baseline qda is measured against: what a careful researcher would write.

Usage: pandas-baseline.py CASES.csv OUT.sqlite

Reads the CSV with pandas (pyarrow engine, pyarrow strings), codes both text
fields (request and services, lowercased once) with one vectorised regular
expression per code (English and Russian stems of the study's nine needs),
stores cases and codings in SQLite through sqlite3, and counts cases per code
with a GROUP BY, as `qda import reports`, `qda code auto` and `qda freq` do.
"""
import sqlite3
import sys

import pandas as pd

CODES = {
    "minor-complications": r"\bvein|\bвен[аыуе]|bruise|синяк|rash|сыпь|ulcer|язв",
    "hr-information": r"schedule|where is the bus|bus\b|автобус|расписан|hepatitis|гепатит|\bhiv\b|\bвич\b|naloxone|налоксон",
    "detox-information": r"withdraw|detox at home|ломк|переломать|кумар",
    "covid-information": r"covid|coronavirus|ковид|коронавирус|карантин|quarantine|lockdown",
    "psychological-support": r"lonely|depress|anxious|одинок|депресс|тревог|поговорить|talk to someone",
    "offline-services": r"passport|паспорт|lawyer|юрист|adviser|rehab|реабилитац|social worker|соцработ|case manager|кейс-менеджер",
    "severe-complications": r"abscess|абсцесс|fever|температур|pus\b|гно|swell|отек|отёк|gangrene|гангрен",
    "hr-services": r"test for|testing|тест|syringe|шприц|kit\b|набор|prep\b|доконтакт",
    "overdose": r"overdos|передоз|not breathing|не дышит|turned blue|посинел",
}


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(
        source, engine="pyarrow", dtype_backend="pyarrow",
        dtype={"case_id": "string[pyarrow]", "request": "string[pyarrow]",
               "services": "string[pyarrow]", "channel": "string[pyarrow]",
               "date": "string[pyarrow]"})
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    frame.to_sql("cases", db, index=False, chunksize=100_000)
    codings = []
    # Both fields lowercased once, in one column, then one case-sensitive
    # regular expression per code: several times faster than case=False on
    # each field, which makes the engine fold every string per pattern.
    text = (frame["request"].fillna("") + "\n" + frame["services"].fillna("")).str.lower()
    for code, pattern in CODES.items():
        hits = text.str.contains(pattern, regex=True)
        ids = frame.loc[hits.fillna(False).astype(bool), "case_id"]
        codings.append(pd.DataFrame({"case_id": ids.astype(str), "code": code}))
    pd.concat(codings).to_sql("codings", db, index=False, chunksize=100_000)
    db.execute("CREATE INDEX codings_code ON codings (code)")
    db.commit()
    rows = db.execute(
        "SELECT code, COUNT(DISTINCT case_id) FROM codings GROUP BY code ORDER BY code").fetchall()
    for code, count in rows:
        print(f"{code},{count}")
    db.close()


if __name__ == "__main__":
    main()
