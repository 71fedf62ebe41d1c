"""Draw Valueboard's app icons (PNG) into pwa/public/icons/.

Run from pwa/: `npm run icons` (uses the project's Python venv with Pillow). The PNGs
are committed as sources; the build copies them into dist/.
A white bar chart (a box score) on NHS blue. Maskable variants keep the drawing inside
the central 80% safe zone.
"""
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0, 94, 184, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"


def draw(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), BLUE if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if not maskable:
        d.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=BLUE)
    inner = 0.56 if maskable else 0.7  # fraction of the canvas the chart occupies
    box = size * inner
    x0 = (size - box) / 2
    y0 = (size - box) / 2
    bars = [0.45, 0.7, 0.55, 0.95]
    gap = box * 0.08
    width = (box - gap * (len(bars) - 1)) / len(bars)
    for i, h in enumerate(bars):
        left = x0 + i * (width + gap)
        top = y0 + box * (1 - h)
        d.rounded_rectangle([left, top, left + width, y0 + box], radius=max(2, int(width * 0.15)), fill=WHITE)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, True).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(48, False).save(OUT / "favicon-48.png", optimize=True)


if __name__ == "__main__":
    main()
