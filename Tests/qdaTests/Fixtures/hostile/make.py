#!/usr/bin/env python3
"""Writes the hostile REFI-QDA and YAML fixtures of HostileInputTests.

corrupt-deflate.qdpx is not made here: FuzzREFI found it (a mutated
export whose deflate stream made the ZIP reader spin).

Run from this folder: python3 make.py. The CSV and transcript cases are
made by the test itself.
"""
import zipfile

PROJECT = '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


def archive(name, entries, compressed=True):
    mode = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(name, "w", compression=mode) as z:
        for path, text in entries:
            z.writestr(path, text)


# Entries that name paths outside the folder they would be extracted to.
archive("zipslip.qdpx", [("project.qde", PROJECT), ("../evil.txt", "pwned"),
                         ("sources/../../evil2.txt", "pwned")])
# 300 MB of zeros in a 300 KB archive.
archive("bomb.qdpx", [("project.qde", PROJECT), ("sources/big.txt", "0" * (300 << 20))])
# An external entity naming a local file.
archive("xxe.qdpx", [("project.qde",
                      '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')])
# Billion laughs.
laughs = '<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdef", "bcdefg"))
archive("lol.qdpx", [("project.qde",
                      f'<?xml version="1.0"?><!DOCTYPE p [{laughs}]>'
                      '<Project xmlns="urn:QDA-XML:project:1.0" name="&g;"/>')])
with open("notzip.qdpx", "w") as f:
    f.write("not a zip")
archive("noproject.qdpx", [("x.txt", "x")])
# 20,000 nested elements.
archive("deepxml.qdpx", [("project.qde",
                          '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">'
                          + "<CodeBook>" * 20000 + "</CodeBook>" * 20000 + "</Project>")])
# A YAML alias bomb: nine levels of nine aliases.
lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
for a, b in zip("abcdefgh", "bcdefghi"):
    lines.append(f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]")
with open("alias-bomb.yml", "w") as f:
    f.write("\n".join(lines) + "\n")
