"""One checked path for every uploaded image (pure Python: Pillow and numpy, no Django).

Uploads come from anyone with a room code, so nothing about them is trusted: not the file name,
not the declared content type, not the header's idea of its own size. :func:`check_image`

* refuses oversized bytes before decoding anything;
* identifies the format from the bytes with Pillow, against an allowlist (PNG, JPEG, WebP, GIF;
  only the first frame of animations is kept; camera "MPO" JPEGs count as JPEG);
* refuses decompression bombs by checking the declared size *before* decoding pixels, and turns
  Pillow's own ``DecompressionBombWarning``/``DecompressionBombError`` into a refusal (without
  touching the global ``Image.MAX_IMAGE_PIXELS``);
* refuses truncated or corrupt files (``LOAD_TRUNCATED_IMAGES`` is left off);
* applies the EXIF orientation, converts odd modes (CMYK, palette, 16-bit grey...) to L/RGB/RGBA,
  shrinks the longest side to ``max_side`` and re-encodes, which strips all metadata (EXIF with
  GPS position, XMP, text chunks, ICC profiles).

Output format: PNG when the image has real transparency or came in as PNG/GIF (screenshots,
drawings, line art: JPEG artefacts would hurt); JPEG quality 90 for JPEG/WebP photos without
transparency. ``output_format="PNG"|"JPEG"`` overrides this (transparency is laid on white for JPEG).

Failures raise :class:`ImageRejected` with a stable ``code`` (the web layer maps it to a Korean or
English message, see ``docs/uploads.md``) and ``params`` for interpolating that message:

====================== ========================================================================
code                   params
====================== ========================================================================
``empty``              ``{}``
``too_large``          ``{"size_bytes", "max_bytes", "max_mb"}``
``not_an_image``       ``{}`` (unidentifiable bytes: a text file renamed ``.png``, random junk)
``format_not_allowed`` ``{"format", "allowed"}`` (e.g. ``"BMP"``, ``"PNG, JPEG, WebP, GIF"``)
``too_many_pixels``    ``{"width", "height", "max_pixels", "max_megapixels"}`` (width/height may be
                       ``None`` when only Pillow's bomb check saw them)
``truncated``          ``{}`` (the header is fine but the pixel data is cut short or corrupt)
``metadata_bomb``      ``{"max_mb"}`` (a PNG text or colour-profile chunk that inflates past the
                       limit: made to exhaust memory, not a picture problem)
====================== ========================================================================

Thread note: ``warnings.catch_warnings`` swaps the process-wide warning filters, so on Python < 3.14
another thread may briefly see the "error" filter (harmless) or miss it. The explicit
``max_pixels`` check before decoding does not depend on warnings, so the guarantee holds as long as
``max_pixels`` stays below Pillow's ``MAX_IMAGE_PIXELS`` (about 89 megapixels), as the default does.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.rejections import Rejected

__all__ = [
    "ALLOWED_FORMATS",
    "IMAGE_REJECTION_CODES",
    "CheckedImage",
    "ImageRejected",
    "check_image",
    "to_model_input",
]

IMAGE_REJECTION_CODES = frozenset(
    {"empty", "too_large", "not_an_image", "format_not_allowed", "too_many_pixels", "truncated", "metadata_bomb"}
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A PNG's compressed text (zTXt, iTXt) or ICC profile (iCCP) may inflate to this much, each and in all
#: (Pillow's own MAX_TEXT_CHUNK is 1 MB; it would refuse a bigger one with a bare ValueError).
MAX_PNG_TEXT_BYTES = 1_000_000
_PNG_COMPRESSED = {b"zTXt", b"iCCP", b"iTXt"}

ALLOWED_FORMATS: dict[str, str] = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
"""Pillow format name -> family shown to people. MPO is what Pillow calls many camera JPEGs."""

_OPENERS = ("PNG", "JPEG", "WEBP", "GIF")
"""Pillow plugins allowed to parse uploads (MPO is reached through the JPEG one)."""

_ALLOWED_LABEL = "PNG, JPEG, WebP, GIF"

_OUTPUT = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg")}

JPEG_QUALITY = 90

# Formats Pillow cannot (or should not be asked to) identify, recognised by their first bytes so the
# person hears "this format is not allowed" instead of "this is not an image".
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}

# What a broken file can throw while Pillow decodes it. Not a blind except: anything else is a bug.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, struct.error, zlib.error)


class ImageRejected(Rejected):
    """An upload that must not be used; ``code`` is stable, ``params`` fill in the message."""

    CODES = IMAGE_REJECTION_CODES
    KIND = "image"


@dataclass(frozen=True)
class CheckedImage:
    """A re-encoded, metadata-free image that is safe to store and show."""

    data: bytes
    format: Literal["PNG", "JPEG"]
    width: int
    height: int
    content_type: str
    extension: str
    source_format: str
    """What the upload really was (``"PNG"``, ``"JPEG"``, ``"WEBP"``, ``"GIF"``), whatever its name said."""


def mb(n_bytes: int) -> int | float:
    """Decimal megabytes for messages: 5_000_000 -> 5, 2_500_000 -> 2.5."""
    value = round(n_bytes / 1_000_000, 1)
    return int(value) if value.is_integer() else value


def check_image(
    data: bytes,
    *,
    max_bytes: int = 5_000_000,
    max_pixels: int = 20_000_000,
    max_side: int = 1024,
    output_format: str | None = None,
) -> CheckedImage:
    """Validate ``data`` and return it re-encoded, oriented, shrunk and stripped of metadata.

    Raises :class:`ImageRejected`; see the module docstring for the codes.
    """
    if output_format is not None and output_format.upper() not in _OUTPUT:
        raise ValueError(f"output_format must be 'PNG', 'JPEG' or None, not {output_format!r}")
    img, source_format = _decode(data, max_bytes=max_bytes, max_pixels=max_pixels, max_side=max_side)
    img = _shrink(img, max_side)

    has_alpha = img.mode in ("RGBA", "LA")
    if output_format is not None:
        fmt = output_format.upper()
    elif has_alpha or source_format in ("PNG", "GIF"):
        fmt = "PNG"
    else:
        fmt = "JPEG"
    if fmt == "JPEG" and has_alpha:
        img = _on_white(img)

    img.info = {}  # nothing from the upload (icc_profile, exif, dpi, text) may ride along into save()
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        img.save(out, format="PNG")
    content_type, extension = _OUTPUT[fmt]
    return CheckedImage(
        data=out.getvalue(),
        format=fmt,  # type: ignore[arg-type]
        width=img.width,
        height=img.height,
        content_type=content_type,
        extension=extension,
        source_format=source_format,
    )


def to_model_input(
    data: bytes,
    *,
    size: tuple[int, int],
    mode: Literal["L", "RGB"],
    background: int = 255,
    max_bytes: int = 5_000_000,
    max_pixels: int = 20_000_000,
) -> np.ndarray:
    """An uploaded image as a uint8 array of exactly ``size`` for a model, after the same checks.

    ``size`` is ``(width, height)`` like Pillow; the array is ``height x width`` (``mode="L"``) or
    ``height x width x 3`` (``mode="RGB"``). The image keeps its aspect ratio and is centred and
    padded with ``background``; transparency is laid on the same background (white by default,
    as a drawing canvas shows it, matching ``mlcore.learn.images.to_array``).
    """
    if mode not in ("L", "RGB"):
        raise ValueError(f"mode must be 'L' or 'RGB', not {mode!r}")
    width, height = size
    if width < 1 or height < 1:
        raise ValueError(f"size must be positive, not {size!r}")
    img, _ = _decode(data, max_bytes=max_bytes, max_pixels=max_pixels, max_side=max(width, height))
    if img.mode in ("RGBA", "LA"):
        img = _on_white(img, background)
    img = img.convert(mode)
    scale = min(width / img.width, height / img.height)
    fitted = (max(1, min(width, round(img.width * scale))), max(1, min(height, round(img.height * scale))))
    if fitted != img.size:
        img = img.resize(fitted, Image.Resampling.LANCZOS)
    canvas = Image.new(mode, (width, height), background if mode == "L" else (background,) * 3)
    canvas.paste(img, ((width - img.width) // 2, (height - img.height) // 2))
    return np.asarray(canvas, dtype=np.uint8).copy()


def _decode(data: bytes, *, max_bytes: int, max_pixels: int, max_side: int) -> tuple[Image.Image, str]:
    """Checked, fully loaded, upright image in L, RGB or RGBA, and its real format."""
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", {"size_bytes": len(data), "max_bytes": max_bytes, "max_mb": mb(max_bytes)})
    data = bytes(data)
    if data.startswith(PNG_SIGNATURE):
        _check_png_chunks(data)

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = _open(data, max_pixels)
        source_format = img.format or "?"
        if source_format not in ALLOWED_FORMATS:  # pragma: no cover - formats= above already limits this
            raise ImageRejected("format_not_allowed", {"format": source_format, "allowed": _ALLOWED_LABEL})
        _load(img, ALLOWED_FORMATS[source_format], max_pixels=max_pixels, max_side=max_side)

    try:
        upright = ImageOps.exif_transpose(img)
    except _DECODE_ERRORS:
        upright = None  # broken EXIF: orientation is cosmetic, the pixels are fine
    if upright is not None:
        img = upright
    return _normalise_mode(img), "JPEG" if source_format == "MPO" else source_format


def _check_png_chunks(data: bytes) -> None:
    """Refuse a PNG whose text or profile chunks inflate past :data:`MAX_PNG_TEXT_BYTES` (a
    "zTXt bomb"), reading each with a bounded inflate; broken chunks are left to Pillow."""
    position, total = len(PNG_SIGNATURE), 0
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IEND":
            return
        size = _png_text_size(kind, body)
        total += size
        if size > MAX_PNG_TEXT_BYTES or total > MAX_PNG_TEXT_BYTES:
            raise ImageRejected("metadata_bomb", {"max_mb": mb(MAX_PNG_TEXT_BYTES)})


def _png_text_size(kind: bytes, body: bytes) -> int:
    """How many bytes a text/profile chunk holds once inflated (at most the limit plus one)."""
    if kind == b"tEXt":
        return len(body)
    if kind not in _PNG_COMPRESSED:
        return 0
    keyword_end = body.find(b"\x00")
    if keyword_end < 0:
        return 0
    if kind == b"iTXt":  # keyword, compressed flag, method, language, translated keyword, text
        flag = body[keyword_end + 1 : keyword_end + 2]
        rest = body[keyword_end + 3 :]
        language_end = rest.find(b"\x00")
        translated_end = rest.find(b"\x00", language_end + 1) if language_end >= 0 else -1
        if translated_end < 0:
            return 0
        text = rest[translated_end + 1 :]
        if flag != b"\x01":
            return len(text)
    else:  # zTXt, iCCP: keyword, method, compressed data
        text = body[keyword_end + 2 :]
    inflater = zlib.decompressobj()
    try:
        return len(inflater.decompress(text, MAX_PNG_TEXT_BYTES + 1))
    except zlib.error:
        return 0


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image's header read (nothing decoded yet), or the refusal the bytes deserve."""
    try:
        return Image.open(io.BytesIO(data), formats=_OPENERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(None, None, max_pixels) from exc
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except _DECODE_ERRORS as exc:
        raise ImageRejected("truncated") from exc


def _load(img: Image.Image, decoder: str, *, max_pixels: int, max_side: int) -> None:
    """Decode the first frame, refusing pixel bombs before and during decoding."""
    width, height = img.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _bomb(width, height, max_pixels)
    try:
        if decoder == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is shrunk anyway.
            scale = min(1.0, max_side / max(width, height))
            img.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        img.load()  # first frame only for GIF/WebP/APNG: we never seek further
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(width, height, max_pixels) from exc
    except _DECODE_ERRORS as exc:
        raise ImageRejected("truncated") from exc


def _bomb(width: int | None, height: int | None, max_pixels: int) -> ImageRejected:
    return ImageRejected(
        "too_many_pixels",
        {"width": width, "height": height, "max_pixels": max_pixels, "max_megapixels": mb(max_pixels)},
    )


def _unidentified(data: bytes) -> ImageRejected:
    """``format_not_allowed`` when the bytes are a known non-allowed format, else ``not_an_image``."""
    foreign = _sniff_foreign(data)
    if foreign is None:
        # Ask Pillow with every plugin, header only (never load(): no decoding of foreign formats).
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as other:
                    foreign = other.format
        except (Image.DecompressionBombError, *_DECODE_ERRORS):
            foreign = None
    if foreign:
        return ImageRejected("format_not_allowed", {"format": foreign, "allowed": _ALLOWED_LABEL})
    return ImageRejected("not_an_image")


def _sniff_foreign(data: bytes) -> str | None:
    for signature, name in _FOREIGN_SIGNATURES:
        if data.startswith(signature):
            return name
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _HEIF_BRANDS[data[8:12]]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in head):
        return "SVG"
    return None


def _normalise_mode(img: Image.Image) -> Image.Image:
    """L, RGB or RGBA; alpha only when some pixel is actually transparent."""
    mode = img.mode
    if mode in ("L", "RGB"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I") or mode == "F":  # 16-bit grey PNGs: scale, do not clip to white
        return img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in img.info
        img = img.convert("RGBA" if has_alpha else "RGB")
    elif mode in ("LA", "La"):
        img = img.convert("LA")
    elif mode in ("RGBA", "RGBa"):
        img = img.convert("RGBA")
    else:  # CMYK, YCbCr, LAB, HSV, RGBX...
        return img.convert("RGB")
    if img.mode in ("RGBA", "LA") and img.getchannel("A").getextrema()[0] == 255:
        return img.convert("RGB" if img.mode == "RGBA" else "L")
    if img.mode == "LA":
        return img.convert("RGBA")
    return img


def _shrink(img: Image.Image, max_side: int) -> Image.Image:
    longest = max(img.size)
    if longest <= max_side:
        return img
    scale = max_side / longest
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _on_white(img: Image.Image, background: int = 255) -> Image.Image:
    rgba = img.convert("RGBA")
    base = Image.new("RGBA", rgba.size, (background, background, background, 255))
    return Image.alpha_composite(base, rgba).convert("RGB")
