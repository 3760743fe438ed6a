#!/usr/bin/env python3
"""Writes a synthetic Telegram Desktop chat export of N messages, deterministically.

Usage: generate-telegram.py N [SEED] > result.json

The shape follows Samples/telegram/outreach-chat.json (tdesktop's field order,
indented as tdesktop indents): a group chat in which clients ask and outreach
workers answer, the clients' messages being the requests of qda's synthetic
work reports (Samples/work-reports.csv), the workers' the services. Every
twentieth message is a voice message without text, one in fifty a service
message, one in ten a text array with a link, one in a hundred carries a
fake phone number, one in two hundred a `\\x01` escape as tdesktop writes
it. Messages are a minute or two apart from 2020-01-01 on. The same N and
seed always give the same bytes.
"""
import csv
import datetime
import json
import pathlib
import random
import sys

SAMPLES = pathlib.Path(__file__).resolve().parent.parent / "Samples" / "work-reports.csv"


def main() -> None:
    count = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 98)
    with SAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    workers = ["Outreach worker 1", "Аутрич-работник 2", "Outreach worker 3"]
    moment = datetime.datetime(2020, 1, 1, 0, 0, 0)
    out = sys.stdout
    out.write('{\n "name": "Outreach group (synthetic)",\n'
              ' "type": "private_supergroup",\n "id": 4242,\n "messages": [\n')
    for number in range(1, count + 1):
        moment += datetime.timedelta(seconds=rng.randint(30, 150))
        row = rows[rng.randrange(len(rows))]
        is_worker = number % 2 == 0
        fields = [
            ("id", number),
            ("type", "service" if number % 50 == 0 else "message"),
            ("date", moment.strftime("%Y-%m-%dT%H:%M:%S")),
            ("date_unixtime", str(int(moment.replace(tzinfo=datetime.timezone.utc).timestamp()))),
        ]
        if number % 50 == 0:
            fields += [("actor", workers[0]), ("actor_id", "user1"),
                       ("action", "pin_message"), ("message_id", number - 1),
                       ("text", ""), ("text_entities", [])]
        else:
            sender = workers[number % 3] if is_worker else f"Client {number % 997}"
            fields += [("from", sender), ("from_id", f"user{number % 997 + 10}")]
            if is_worker:
                fields.append(("reply_to_message_id", number - 1))
            text = row["services"] if is_worker else row["request"]
            if number % 100 == 1:
                text += " +7 900 000-00-00"
            if number % 200 == 3:
                text += "\x01"
            if number % 20 == 5:
                fields += [("file", "(File not included. Change data exporting settings to download.)"),
                           ("media_type", "voice_message"), ("mime_type", "audio/ogg"),
                           ("duration_seconds", rng.randint(3, 90)),
                           ("text", ""), ("text_entities", [])]
            elif number % 10 == 7:
                parts = [text + " ", {"type": "link", "text": "https://example.org/memo"}]
                fields += [("text", parts),
                           ("text_entities", [{"type": "plain", "text": text + " "},
                                              {"type": "link", "text": "https://example.org/memo"}])]
            else:
                fields += [("text", text),
                           ("text_entities", [{"type": "plain", "text": text}])]
        body = json.dumps(dict(fields), ensure_ascii=False, indent=1)
        # tdesktop escapes control characters as \xHH, which JSON does not allow.
        body = body.replace("\\u0001", "\\x01")
        out.write("  " + body.replace("\n", "\n  "))
        out.write(",\n" if number < count else "\n")
    out.write(" ]\n}\n")


if __name__ == "__main__":
    main()
