"""Hand-drawn-looking signatures for the demo: a few pen strokes as a transparent PNG data URL."""

import base64
import math
import random
import struct
import zlib

WIDTH, HEIGHT = 240, 90


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(alpha: bytearray) -> bytes:
    """Grey-plus-alpha PNG: dark ink, opacity from ``alpha``."""
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter: none
        for x in range(WIDTH):
            rows += bytes((20, alpha[y * WIDTH + x]))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 4, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def _dot(alpha: bytearray, cx: float, cy: float, radius: float = 1.3) -> None:
    for y in range(int(cy - radius) - 1, int(cy + radius) + 2):
        for x in range(int(cx - radius) - 1, int(cx + radius) + 2):
            if 0 <= x < WIDTH and 0 <= y < HEIGHT:
                d = math.hypot(x - cx, y - cy)
                if d <= radius + 0.5:
                    value = 255 if d <= radius - 0.5 else int(255 * (radius + 0.5 - d))
                    alpha[y * WIDTH + x] = max(alpha[y * WIDTH + x], value)


def signature_data_url(rng: random.Random) -> str:
    """A PNG data URL of two or three flowing strokes, different for every draw of ``rng``."""
    alpha = bytearray(WIDTH * HEIGHT)
    x = 18.0
    for _stroke in range(rng.randint(2, 3)):
        y = rng.uniform(35, 55)
        length = rng.uniform(40, 75)
        freq, amp, phase = rng.uniform(0.12, 0.25), rng.uniform(6, 14), rng.uniform(0, math.pi)
        slope = rng.uniform(-0.15, 0.15)
        t = 0.0
        while t < length:
            _dot(alpha, x + t, y + slope * t + amp * math.sin(freq * t + phase)
                 + 3 * math.sin(freq * 2.7 * t))
            # Small steps where the pen moves fast, so the line stays unbroken.
            speed = math.hypot(1, slope + amp * freq + 8 * freq)
            t += 0.9 / speed
        x += length + rng.uniform(4, 12)
    # The underline flourish.
    for i in range(int((x - 20) * 2)):
        t = i / 2
        _dot(alpha, 20 + t, 72 + 3 * math.sin(t / 25), 1.0)
    return "data:image/png;base64," + base64.b64encode(_png(alpha)).decode()
