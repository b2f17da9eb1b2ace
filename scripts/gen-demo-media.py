#!/usr/bin/python3
"""Generate the demo post's pictures: examples/demo/media/*.

The demo post (examples/demo/index.md) is the project's own: its pictures are
drawn here rather than taken from anywhere.  The output is committed, so this
script is only needed to regenerate it; it needs python3-pil (Debian:
`apt-get install python3-pil`), which is deliberately not one of
scripts/setup.sh's packages.

    scripts/gen-demo-media.py [OUTDIR]     (default: examples/demo/media)

Everything is deterministic: one fixed random seed per picture, no clock, no
system fonts, and Pillow's encoders with fixed settings, so a rerun gives
byte-identical files on the same Pillow version.

What it draws (flat shapes with soft gradients, so the files stay small):
  group.png          1600x900 group photo: dusk sky, a river, a stage banner
                     and three rows of abstract figures (PNG, palette)
  speaker-1..6.jpg   600x800 portraits: head-and-shoulders silhouettes, one
                     colour scheme per speaker (JPEG, quality 85)
  venue.jpg          1200x675 the venue's hall with a projection screen
"""

import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "examples", "demo", "media")


def lerp(a, b, t):
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def vgradient(img, box, top, bottom):
    """Fill box (x0, y0, x1, y1) with a vertical gradient top -> bottom."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    h = max(1, y1 - y0)
    for y in range(y0, y1):
        d.line([(x0, y), (x1 - 1, y)], fill=lerp(top, bottom, (y - y0) / h))


def figure(d, cx, base, scale, body, skin, hair):
    """An abstract standing person: rounded torso and a round head."""
    w = int(46 * scale)
    h = int(120 * scale)
    r = int(20 * scale)
    d.rounded_rectangle([cx - w, base - h, cx + w, base + 40], radius=int(26 * scale), fill=body)
    hy = base - h - r + int(4 * scale)
    d.ellipse([cx - r, hy - r, cx + r, hy + r], fill=skin)
    d.chord([cx - r, hy - r, cx + r, hy + r], 180, 360, fill=hair)


def group_photo(path):
    rnd = random.Random(20240921)
    W, H = 1600, 900
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 520), (38, 52, 110), (238, 150, 110))
    vgradient(img, (0, 520, W, H), (70, 92, 120), (30, 40, 58))
    d = ImageDraw.Draw(img)
    # Hills on the far bank and the river.
    pts = [(0, 520)]
    for x in range(0, W + 100, 100):
        pts.append((x, 470 + rnd.randint(-35, 25)))
    pts.append((W, 520))
    d.polygon(pts, fill=(58, 70, 96))
    for i in range(14):
        y = 540 + i * 9
        x = rnd.randint(0, W - 300)
        d.line([(x, y), (x + rnd.randint(120, 300), y)], fill=(150, 160, 190), width=2)
    # The stage banner behind the group.
    d.rounded_rectangle([260, 120, 1340, 330], radius=18, fill=(24, 92, 120))
    d.rectangle([260, 300, 1340, 330], fill=(240, 180, 60))
    for i in range(7):  # abstract "logo": a river of three waves
        x = 330 + i * 30
        d.arc([x, 170, x + 60, 230], 200, 340, fill=(255, 255, 255), width=8)
    d.rectangle([560, 190, 1260, 206], fill=(230, 240, 245))
    d.rectangle([560, 230, 1100, 244], fill=(170, 205, 220))
    d.rectangle([560, 262, 980, 274], fill=(170, 205, 220))
    # Floor.
    d.rectangle([0, 760, W, H], fill=(52, 48, 60))
    # Three rows of figures, back row first, each a little larger.
    shirts = [(210, 70, 60), (60, 130, 200), (240, 190, 70), (80, 160, 110),
              (150, 90, 170), (235, 235, 240), (40, 50, 70), (230, 120, 50)]
    skins = [(241, 204, 170), (224, 180, 140), (198, 150, 112)]
    hairs = [(30, 26, 28), (60, 40, 30), (90, 90, 95)]
    for row, (count, base, scale) in enumerate([(15, 560, 0.85), (13, 690, 1.0), (11, 830, 1.18)]):
        step = (W - 160) / count
        for i in range(count):
            cx = int(80 + step * (i + 0.5) + rnd.randint(-10, 10))
            figure(d, cx, base + rnd.randint(-6, 6), scale,
                   rnd.choice(shirts), rnd.choice(skins), rnd.choice(hairs))
    img = img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(path, "PNG", optimize=True)


# One scheme per speaker: background top, background bottom, jacket, shirt.
SPEAKERS = [
    ((196, 222, 240), (120, 160, 200), (40, 56, 90), (240, 240, 245)),
    ((245, 224, 200), (210, 150, 110), (90, 50, 40), (250, 236, 220)),
    ((210, 236, 214), (110, 170, 130), (30, 80, 60), (235, 245, 235)),
    ((232, 214, 240), (150, 110, 180), (70, 40, 90), (245, 240, 250)),
    ((250, 240, 190), (210, 170, 70), (60, 60, 64), (250, 250, 240)),
    ((205, 230, 235), (90, 150, 160), (150, 50, 60), (240, 248, 250)),
]


def portrait(path, n, scheme):
    rnd = random.Random(1000 + n)
    W, H = 600, 800
    top, bottom, jacket, shirt = scheme
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, H), top, bottom)
    d = ImageDraw.Draw(img)
    # Out-of-focus lights behind the speaker.
    for _ in range(9):
        x, y, r = rnd.randint(0, W), rnd.randint(0, 420), rnd.randint(30, 80)
        d.ellipse([x - r, y - r, x + r, y + r], fill=lerp(top, (255, 255, 255), 0.45))
    img = img.filter(ImageFilter.GaussianBlur(18))
    d = ImageDraw.Draw(img)
    skin = lerp((238, 200, 166), (196, 148, 110), rnd.random())
    hair = lerp((24, 20, 22), (96, 70, 50), rnd.random())
    cx = W // 2 + rnd.randint(-30, 30)
    # Shoulders and jacket, shirt collar, neck, head, hair.
    d.rounded_rectangle([cx - 250, 560, cx + 250, H + 120], radius=150, fill=jacket)
    d.polygon([(cx - 70, 560), (cx + 70, 560), (cx, 700)], fill=shirt)
    d.rectangle([cx - 42, 470, cx + 42, 580], fill=lerp(skin, (0, 0, 0), 0.12))
    d.ellipse([cx - 120, 220, cx + 120, 520], fill=skin)
    style = n % 3
    if style == 0:
        d.chord([cx - 126, 200, cx + 126, 420], 180, 360, fill=hair)
    elif style == 1:
        d.pieslice([cx - 130, 195, cx + 130, 430], 170, 370, fill=hair)
        d.rectangle([cx - 130, 300, cx - 100, 470], fill=hair)
        d.rectangle([cx + 100, 300, cx + 130, 470], fill=hair)
    else:
        d.chord([cx - 124, 205, cx + 124, 400], 190, 350, fill=hair)
        d.ellipse([cx - 40, 190, cx + 60, 250], fill=hair)
    # Glasses for some, a lanyard badge for everyone.
    if rnd.random() < 0.5:
        for dx in (-55, 55):
            d.ellipse([cx + dx - 34, 350, cx + dx + 34, 400], outline=(40, 40, 44), width=6)
        d.line([(cx - 21, 372), (cx + 21, 372)], fill=(40, 40, 44), width=6)
    d.line([(cx - 60, 560), (cx - 20, 720)], fill=(230, 180, 60), width=8)
    d.line([(cx + 60, 560), (cx + 20, 720)], fill=(230, 180, 60), width=8)
    d.rounded_rectangle([cx - 45, 710, cx + 45, 790], radius=8, fill=(250, 250, 250))
    d.rectangle([cx - 30, 730, cx + 30, 742], fill=(24, 92, 120))
    img.save(path, "JPEG", quality=85, optimize=True)


def venue(path):
    rnd = random.Random(77)
    W, H = 1200, 675
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, H), (60, 64, 80), (28, 28, 36))
    d = ImageDraw.Draw(img)
    d.rectangle([330, 60, 870, 360], fill=(235, 240, 245))
    vgradient(img, (345, 75, 855, 345), (24, 92, 120), (40, 140, 160))
    d = ImageDraw.Draw(img)
    for i in range(5):
        d.rectangle([390, 110 + i * 40, 390 + rnd.randint(200, 420), 126 + i * 40],
                    fill=(225, 240, 245))
    # Rows of seats with audience heads, seen from behind.
    for row in range(5):
        y = 430 + row * 50
        for i in range(16 + row):
            x = 30 + i * (W - 60) / (16 + row)
            r = 14 + row * 3
            d.ellipse([x, y - r, x + 2 * r, y + r],
                      fill=lerp((30, 26, 28), (90, 70, 60), rnd.random()))
        d.rectangle([0, y + 14 + row * 3, W, y + 30 + row * 3], fill=(70, 40, 50))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img.save(path, "JPEG", quality=85, optimize=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    group_photo(os.path.join(out, "group.png"))
    for i, scheme in enumerate(SPEAKERS, 1):
        portrait(os.path.join(out, "speaker-%d.jpg" % i), i, scheme)
    venue(os.path.join(out, "venue.jpg"))
    total = 0
    for name in sorted(os.listdir(out)):
        size = os.path.getsize(os.path.join(out, name))
        total += size
        print("%-16s %7d bytes" % (name, size))
    print("%-16s %7d bytes" % ("total", total))


if __name__ == "__main__":
    main()
