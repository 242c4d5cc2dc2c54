"""Images the addon keeps (clinical photos, the patient's signature): decoded and
bounded before anything is written, each refusal a sentence.

Odoo's ``fields.Image`` passes an SVG through unchanged and lets a damaged file
fail deep in PIL or in the attachment's indexing; here an image is a PNG or a
JPEG that decodes whole, within a size in bytes and pixels. A signature also
has ink on it: a drawing, not a blank canvas.
"""

import base64
import binascii
import io
import math
import struct
import warnings
import zlib

from PIL import Image, ImageDraw

from odoo.exceptions import ValidationError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

# A clinical photo: a phone's or a tablet's picture (kept resized to 1920 px).
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000  # Odoo's own limit (odoo.tools.image.IMAGE_MAX_RESOLUTION)
PHOTO_MAX_SIDE = 12_000

# A signature: what Odoo's signature pad sends is a PNG of the box she drew in
# (about 450 x 150 px, 1350 x 450 on a high-density tablet screen), a few kB.
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_SIDE = 4000
SIGNATURE_MAX_PIXELS = SIGNATURE_MAX_SIDE * SIGNATURE_MAX_SIDE
# Ink: a pixel darker than this (0 black, 255 white) once the image is laid on
# white paper (a transparent background, as the signature pad draws, is white).
INK_DARKNESS = 160
# A drawing has at least this many ink pixels (the pad's pen is 2 px wide: a
# short stroke of 25 px is about 50 pixels; a tap or a dot is fewer)...
SIGNATURE_MIN_INK_PIXELS = 50
# ...spread over at least this many pixels, and at least this share of the
# box's longer side (a tick in a corner is not a signature)...
SIGNATURE_MIN_INK_SPAN = 20
SIGNATURE_MIN_INK_SPAN_SHARE = 0.05
# ...and ink covers at most this share of the box (a filled rectangle, a dark
# photo, is not a drawing on a blank canvas).
SIGNATURE_MAX_INK_SHARE = 0.5

# What PIL raises on a damaged or hostile file (a truncated or corrupt chunk, a
# wrong checksum, a bad text chunk, a decompression bomb).
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error, Image.DecompressionBombError,
)


def _refuse(env, what, why):
    return ValidationError(env._("%(what)s: %(why)s", what=what, why=why))


def decode_image(env, value, what, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE,
                 max_pixels=PHOTO_MAX_PIXELS):
    """The PNG or JPEG image of ``value`` (base64, as a str or bytes), decoded
    whole, or a ValidationError sentence that starts with ``what`` (the image's
    name in the user's words: "The signature", "The photo")."""
    if isinstance(value, str):
        try:
            encoded = value.encode("ascii")
        except UnicodeEncodeError:
            raise _refuse(env, what, env._("it is not an image file (not base64).")) from None
    elif isinstance(value, bytes | bytearray):
        encoded = bytes(value)
    else:
        raise _refuse(env, what, env._("it is not an image file (not base64)."))
    encoded = b"".join(encoded.split())  # base64 may be wrapped in lines
    size = f"{max_bytes / (1024 * 1024):g}"  # a plain name: Odoo's term extractor evaluates arguments
    too_big = env._("the file is larger than %(size)s MB.", size=size)
    if len(encoded) // 4 * 3 > max_bytes + 3:
        raise _refuse(env, what, too_big)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(env, what, env._("it is not an image file (not base64).")) from None
    if len(data) > max_bytes:
        raise _refuse(env, what, too_big)
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        raise _refuse(env, what, env._("it is not a PNG or JPEG image (other formats, SVG included, are refused)."))
    damaged = env._("the image could not be read: the file is damaged or is not an image.")
    try:
        with warnings.catch_warnings():
            # A file that claims huge dimensions is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
            width, height = image.size
            if width > max_side or height > max_side or width * height > max_pixels:
                raise _refuse(
                    env, what,
                    env._("the image is %(width)s x %(height)s pixels, more than the %(max)s x %(max)s allowed.",
                          width=width, height=height, max=max_side),
                )
            # Odoo lets PIL load truncated images (for its reports): check the
            # file whole first. A PNG's chunks, to its end, with their
            # checksums; a JPEG to its end-of-image marker.
            if image.format == "PNG":
                image.verify()
                image = Image.open(io.BytesIO(data), formats=["PNG"])
            elif not data.rstrip(b"\0").endswith(b"\xff\xd9"):
                raise _refuse(env, what, damaged)
            image.load()
    except ValidationError:
        raise
    except (*_DECODE_ERRORS, Image.DecompressionBombWarning):
        raise _refuse(env, what, damaged) from None
    if not width or not height:
        raise _refuse(env, what, damaged)
    return image


def check_photo(env, value, what):
    """Refuse, with a sentence, a photo that is not a decodable PNG or JPEG
    within the photo bounds. ``False`` (no photo) passes."""
    if value:
        decode_image(env, value, what)


def check_signature(env, value):
    """Refuse, with a sentence, a signature that is not a drawing: a PNG or JPEG
    that decodes, at most 1 MB and 4000 x 4000 pixels, with ink on it (see the
    thresholds above). ``False`` passes (the caller says when one is needed)."""
    if not value:
        return
    what = env._("The signature")
    image = decode_image(
        env, value, what, max_bytes=SIGNATURE_MAX_BYTES, max_side=SIGNATURE_MAX_SIDE,
        max_pixels=SIGNATURE_MAX_PIXELS,
    )
    ink = _ink_mask(image)
    count = ink.histogram()[255]
    box = ink.getbbox()
    width, height = image.size
    span = max(box[2] - box[0], box[3] - box[1]) if box else 0
    min_span = max(SIGNATURE_MIN_INK_SPAN, SIGNATURE_MIN_INK_SPAN_SHARE * max(width, height))
    if count < SIGNATURE_MIN_INK_PIXELS or span < min_span:
        raise _refuse(
            env, what, env._("the box is blank or nearly so: the patient signs by drawing her signature in the box.")
        )
    if count > SIGNATURE_MAX_INK_SHARE * width * height:
        raise _refuse(
            env, what, env._("ink covers most of the box: the patient signs by drawing her signature in a blank box.")
        )


def _ink_mask(image):
    """A mask (255 = ink) of the pixels of ``image`` that are darker than
    ``INK_DARKNESS`` once laid on white paper."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info) or (
        image.mode in ("RGB", "L") and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        gray = Image.alpha_composite(paper, rgba).convert("L")
    else:
        gray = image.convert("L")
    return gray.point(lambda v: 255 if v < INK_DARKNESS else 0)


def drawn_signature_png(width=400, height=150):
    """A drawn signature, as Odoo's signature pad sends it: a transparent PNG
    with a dark blue stroke (a wave across the box and an underline). For the
    tests, the demo tools and the load test; base64 str."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for step in range(0, 81):
        x = width * 0.05 + step * (width * 0.9) / 80
        phase = step / 80 * 4 * math.pi
        y = height * 0.45 + height * 0.2 * math.sin(phase)
        points.append((x, y))
    draw.line(points, fill=(0, 0, 139, 255), width=3, joint="curve")
    draw.line([(width * 0.1, height * 0.8), (width * 0.85, height * 0.78)], fill=(0, 0, 139, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()

