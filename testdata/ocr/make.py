# Regenerates the OCR language test pages (python3 with Pillow, fonts-liberation2).
#   english.txt / english-poor-scan.png: an English page rendered at 300 dpi,
#     halved to 150 dpi, blurred and sprinkled with salt-and-pepper noise.
#   mixed-vie-eng.txt / mixed-vie-eng.png: a clean Vietnamese page with English
#     project names and terms.
import random, textwrap
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

def page(text):
    im = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT, 50)
    y, lines = 250, []
    for para in text.split("\n"):
        for line in textwrap.wrap(para, 75):
            d.text((200, y), line, font=f, fill=0)
            y += 75
            lines.append(line)
        y += 40
    return im, "\n".join(lines)

en, en_truth = page(open("english.src").read().strip())
bad = en.resize((en.width // 2, en.height // 2), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.9))
px = bad.load()
random.seed(1)
for _ in range(60000):
    px[random.randrange(bad.width), random.randrange(bad.height)] = random.choice([0, 255])
bad.save("english-poor-scan.png", dpi=(150, 150))
open("english.txt", "w").write(en_truth)

mixed, mixed_truth = page(open("mixed-vie-eng.src").read().strip())
mixed.save("mixed-vie-eng.png", dpi=(300, 300))
open("mixed-vie-eng.txt", "w").write(mixed_truth)
