#!/usr/bin/env python3
"""Fails unless FILE is a PNG screenshot with visible content (not one flat colour).

Usage: check-png.py FILE
"""
import struct
import sys
import zlib


def main() -> int:
    path = sys.argv[1]
    try:
        data = open(path, "rb").read()
    except OSError as error:
        print(f"{path}: error: no screenshot ({error})", file=sys.stderr)
        return 1
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        print(f"{path}: error: not a PNG", file=sys.stderr)
        return 1
    position, compressed, width, height = 8, b"", 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            compressed += chunk
        position += 12 + length
    pixels = zlib.decompress(compressed)
    # Count distinct byte values outside the per-row filter bytes: a blank page has one or two.
    distinct = len(set(pixels[1:min(len(pixels), 4_000_000)]))
    if width < 100 or height < 100 or distinct < 16:
        print(f"{path}: error: the page looks blank ({width}x{height}, {distinct} distinct values)", file=sys.stderr)
        return 1
    print(f"{path}: {width}x{height}, rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
