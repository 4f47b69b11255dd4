#!/usr/bin/env python3
"""Draws Poolhouse's app icons (RGBA PNGs) with the standard library only.

A rounded teal square with two white waves: run `python3 make_icons.py` in this folder to
regenerate 32x32.png, 128x128.png, 128x128@2x.png and icon.png.
"""
import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BG = (14, 116, 144)  # teal
FG = (255, 255, 255)


def coverage(size: int, x: int, y: int, inside) -> float:
    """Fraction of a pixel inside a shape, by 4x4 supersampling."""
    n = 4
    hits = 0
    for i in range(n):
        for j in range(n):
            u = (x + (i + 0.5) / n) / size
            v = (y + (j + 0.5) / n) / size
            hits += inside(u, v)
    return hits / (n * n)


def in_square(u: float, v: float) -> bool:
    r = 0.2  # corner radius
    m = 0.04  # margin
    cx = min(max(u, m + r), 1 - m - r)
    cy = min(max(v, m + r), 1 - m - r)
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r and m <= u <= 1 - m and m <= v <= 1 - m


def in_waves(u: float, v: float) -> bool:
    if not 0.2 <= u <= 0.8:
        return False
    for base in (0.42, 0.62):
        mid = base + 0.045 * math.sin((u - 0.2) / 0.6 * 2 * math.pi)
        if abs(v - mid) <= 0.055:
            return True
    return False


def png(size: int) -> bytes:
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            a = coverage(size, x, y, in_square)
            w = coverage(size, x, y, in_waves) if a > 0 else 0.0
            rgb = [round(b * (1 - w) + f * w) for b, f in zip(BG, FG)]
            rows.extend((*rgb, round(255 * a)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


for name, size in (("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)):
    (HERE / name).write_bytes(png(size))
    print(name, size)
