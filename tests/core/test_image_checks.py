"""core.image_checks: every fixture is made here with Pillow or by patching bytes."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from core.image_checks import IMAGE_REJECTION_CODES, CheckedImage, ImageRejected, check_image, to_model_input

RED, BLUE = (255, 0, 0), (0, 0, 255)


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def noisy(size: tuple[int, int], mode: str = "RGB", seed: int = 0) -> Image.Image:
    """Random pixels: compress badly, so cutting the file really cuts pixel data."""
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    shape = (size[1], size[0], channels) if channels > 1 else (size[1], size[0])
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8), mode)


def with_png_size(png: bytes, width: int, height: int) -> bytes:
    """``png`` whose IHDR claims ``width x height`` (valid CRC), so only the header lies."""
    assert png[12:16] == b"IHDR"
    header = bytearray(png[16:29])
    struct.pack_into(">II", header, 0, width, height)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return png[:16] + bytes(header) + crc + png[33:]


def rejected(data: bytes, **kwargs) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        check_image(data, **kwargs)
    assert info.value.code in IMAGE_REJECTION_CODES
    return info.value


def reopen(checked: CheckedImage) -> Image.Image:
    img = Image.open(io.BytesIO(checked.data))
    img.load()
    return img


# --- accepted formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "expected"),
    [
        ("PNG", "RGB", "PNG"),
        ("JPEG", "RGB", "JPEG"),
        ("WEBP", "RGB", "JPEG"),
        ("GIF", "RGB", "PNG"),
        ("PNG", "RGBA", "PNG"),
        ("WEBP", "RGBA", "PNG"),
    ],
)
def test_allowed_formats_are_reencoded(fmt, mode, expected):
    img = Image.new(mode, (40, 30), (*RED, 128) if mode == "RGBA" else RED)
    checked = check_image(encode(img, fmt))
    assert checked.source_format == fmt
    assert checked.format == expected
    assert (checked.width, checked.height) == (40, 30)
    assert checked.content_type == {"PNG": "image/png", "JPEG": "image/jpeg"}[expected]
    assert checked.extension == {"PNG": ".png", "JPEG": ".jpg"}[expected]
    assert reopen(checked).format == expected


def test_format_comes_from_bytes_not_from_any_name():
    """A JPEG is a JPEG whatever it was called: the API never sees a name or content type."""
    assert check_image(encode(Image.new("RGB", (8, 8)), "JPEG")).source_format == "JPEG"


def test_camera_mpo_counts_as_jpeg():
    first, second = Image.new("RGB", (32, 24), RED), Image.new("RGB", (32, 24), BLUE)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    checked = check_image(data)
    assert (checked.source_format, checked.format) == ("JPEG", "JPEG")
    assert reopen(checked).getpixel((16, 12))[0] > 200  # the first picture


def test_animated_gif_keeps_the_first_frame_only():
    frames = [Image.new("RGB", (20, 20), RED), Image.new("RGB", (20, 20), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = reopen(check_image(data))
    assert getattr(out, "n_frames", 1) == 1
    assert out.convert("RGB").getpixel((10, 10)) == RED


def test_opaque_alpha_is_dropped_and_real_alpha_kept():
    opaque = check_image(encode(Image.new("RGBA", (10, 10), (*RED, 255)), "PNG"))
    assert reopen(opaque).mode == "RGB"
    clear = check_image(encode(Image.new("RGBA", (10, 10), (*RED, 0)), "PNG"))
    assert reopen(clear).mode == "RGBA"


@pytest.mark.parametrize(
    ("img", "fmt", "mode"),
    [
        (Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG", "RGB"),
        (Image.new("1", (16, 16), 1), "PNG", "L"),
        (Image.new("L", (16, 16), 77), "PNG", "L"),
        (Image.new("LA", (16, 16), (77, 100)), "PNG", "RGBA"),
        (Image.new("P", (16, 16), 3), "PNG", "RGB"),
    ],
)
def test_odd_modes_become_l_rgb_or_rgba(img, fmt, mode):
    assert reopen(check_image(encode(img, fmt))).mode == mode


def test_cmyk_jpeg_keeps_its_colour():
    checked = check_image(encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG"))
    r, g, b = reopen(checked).getpixel((8, 8))
    assert r > 200
    assert g < 60
    assert b < 60


def test_palette_png_with_transparency_keeps_it():
    img = Image.new("P", (16, 16), 0)
    img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    img.paste(1, (0, 0, 8, 16))
    out = reopen(check_image(encode(img, "PNG", transparency=1)))
    assert out.mode == "RGBA"
    assert out.getpixel((2, 2))[3] == 0
    assert out.getpixel((12, 2)) == (*RED, 255)


def test_sixteen_bit_grey_is_scaled_not_clipped():
    img = Image.fromarray(np.full((8, 8), 32768, dtype=np.uint16))
    assert img.mode.startswith("I;16")
    value = reopen(check_image(encode(img, "PNG"))).getpixel((4, 4))
    assert 120 <= value <= 135


# --- geometry -------------------------------------------------------------------------------------


def test_longest_side_is_shrunk_keeping_aspect():
    checked = check_image(encode(Image.new("RGB", (3000, 1500), RED), "PNG"))
    assert (checked.width, checked.height) == (1024, 512)
    assert reopen(checked).size == (1024, 512)


def test_large_jpeg_is_shrunk_via_draft():
    checked = check_image(encode(noisy((2400, 1800)), "JPEG", quality=50), max_side=300)
    assert (checked.width, checked.height) == (300, 225)


def test_small_images_are_not_enlarged():
    checked = check_image(encode(Image.new("RGB", (50, 20)), "PNG"), max_side=1024)
    assert (checked.width, checked.height) == (50, 20)


def test_exif_orientation_is_applied():
    """Orientation 6: the camera stored it sideways; the left of the stored image is the top."""
    stored = Image.new("RGB", (40, 20), BLUE)
    stored.paste(RED, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = reopen(check_image(encode(stored, "JPEG", exif=exif.tobytes())))
    assert out.size == (20, 40)
    top, bottom = out.getpixel((10, 5)), out.getpixel((10, 35))
    assert top[0] > 200
    assert top[2] < 60
    assert bottom[2] > 200
    assert bottom[0] < 60


# --- metadata -----------------------------------------------------------------------------------


def test_exif_and_gps_are_stripped_from_jpeg():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0)}  # GPS latitude
    data = encode(Image.new("RGB", (16, 16), RED), "JPEG", exif=exif.tobytes())
    assert b"SecretCam" in data
    checked = check_image(data)
    assert b"SecretCam" not in checked.data
    assert b"Exif" not in checked.data
    assert not reopen(checked).getexif()


def test_png_text_and_icc_are_stripped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Kim Secret")
    data = encode(Image.new("RGB", (16, 16), RED), "PNG", pnginfo=info, icc_profile=b"fake-profile-bytes")
    assert b"Kim Secret" in data
    checked = check_image(data)
    assert b"Kim Secret" not in checked.data
    assert b"iCCP" not in checked.data
    assert not reopen(checked).info


# --- output format ---------------------------------------------------------------------------------


def test_output_format_override_lays_alpha_on_white():
    checked = check_image(encode(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG"), output_format="jpeg")
    assert checked.format == "JPEG"
    assert min(reopen(checked).getpixel((5, 5))) > 245


def test_output_format_png_for_a_photo():
    checked = check_image(encode(Image.new("RGB", (10, 10), RED), "JPEG"), output_format="PNG")
    assert (checked.format, checked.content_type) == ("PNG", "image/png")


def test_unknown_output_format_is_a_programming_error():
    with pytest.raises(ValueError, match="output_format"):
        check_image(encode(Image.new("RGB", (4, 4)), "PNG"), output_format="BMP")


# --- refusals -------------------------------------------------------------------------------------


def test_empty():
    assert rejected(b"").code == "empty"


def test_too_large_is_refused_before_decoding():
    err = rejected(b"not even an image" * 1000, max_bytes=1000)
    assert err.code == "too_large"
    assert err.params == {"size_bytes": 17000, "max_bytes": 1000, "max_mb": 0}
    assert rejected(b"x" * 5_000_001).params["max_mb"] == 5


@pytest.mark.parametrize(
    "data",
    [
        b"hello, I am a text file renamed cat.png\n",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 10,  # a PNG signature and nothing usable
        bytes(range(256)) * 4,
    ],
)
def test_not_an_image(data):
    assert rejected(data).code == "not_an_image"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (encode(Image.new("RGB", (8, 8)), "BMP"), "BMP"),
        (encode(Image.new("RGB", (8, 8)), "TIFF"), "TIFF"),
        (encode(Image.new("RGB", (8, 8)), "PDF"), "PDF"),
        (encode(Image.new("RGB", (8, 8)), "ICO"), "ICO"),
        (encode(Image.new("RGB", (8, 8)), "PPM"), "PPM"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC"),
    ],
)
def test_format_not_allowed(data, name):
    err = rejected(data)
    assert err.code == "format_not_allowed"
    assert err.params == {"format": name, "allowed": "PNG, JPEG, WebP, GIF"}


def test_decompression_bomb_is_refused_from_the_header():
    bomb = with_png_size(encode(Image.new("L", (8, 8)), "PNG"), 5000, 5000)
    assert len(bomb) < 200
    assert Image.open(io.BytesIO(bomb)).size == (5000, 5000)  # the lie Pillow believes
    err = rejected(bomb)
    assert err.code == "too_many_pixels"
    assert err.params == {"width": 5000, "height": 5000, "max_pixels": 20_000_000, "max_megapixels": 20}


def test_huge_bomb_is_refused_by_pillows_own_check():
    """30000 x 30000: Pillow itself refuses to open it, before our check can read the size."""
    err = rejected(with_png_size(encode(Image.new("L", (8, 8)), "PNG"), 30000, 30000))
    assert err.code == "too_many_pixels"
    assert err.params["width"] is None


def test_max_pixels_is_inclusive():
    png = encode(Image.new("L", (100, 100)), "PNG")
    assert check_image(png, max_pixels=10_000).width == 100
    assert rejected(png, max_pixels=9_999).code == "too_many_pixels"


@pytest.mark.parametrize("side", [10_000, 20_000])  # past Pillow's warning limit, and past its error limit
def test_pillows_own_bomb_checks_become_refusals(side):
    before = Image.MAX_IMAGE_PIXELS
    filters = list(warnings.filters)
    bomb = with_png_size(encode(Image.new("L", (8, 8)), "PNG"), side, side)
    err = rejected(bomb, max_pixels=10**10)
    assert err.code == "too_many_pixels"
    assert before == Image.MAX_IMAGE_PIXELS
    assert list(warnings.filters) == filters


@pytest.mark.parametrize(("fmt", "keep"), [("PNG", 0.5), ("JPEG", 0.5), ("GIF", 0.5), ("WEBP", 0.6)])
def test_truncated_files_are_refused(fmt, keep):
    data = encode(noisy((64, 64)), fmt)
    cut = data[: int(len(data) * keep)]
    assert rejected(cut).code in {"truncated", "not_an_image"}
    if fmt in ("PNG", "JPEG"):
        assert rejected(cut).code == "truncated"


def test_corrupt_png_crc_is_refused():
    data = bytearray(encode(noisy((32, 32)), "PNG"))
    idat = data.find(b"IDAT")
    data[idat + 40] ^= 0xFF
    assert rejected(bytes(data)).code == "truncated"


def test_rejection_codes_are_closed():
    with pytest.raises(ValueError, match="unknown"):
        ImageRejected("nope")
    assert ImageRejected.CODES == IMAGE_REJECTION_CODES
    assert str(ImageRejected("too_large", {"max_mb": 5})) == "too_large: {'max_mb': 5}"


_SEEDS = [
    encode(noisy((12, 9)), "PNG"),
    encode(noisy((12, 9)), "JPEG"),
    encode(noisy((12, 9)).convert("P"), "GIF"),
    encode(noisy((12, 9), "RGBA"), "WEBP"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.integers(0, 10_000),
)
def test_mangled_files_are_accepted_or_refused_never_crash(seed, edits, cut):
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    data = bytes(data[: max(1, len(data) - cut % 40)])
    try:
        checked, code = check_image(data, max_pixels=1_000_000), None
    except ImageRejected as exc:
        checked, code = None, exc.code
    if checked is None:
        assert code in IMAGE_REJECTION_CODES
    else:
        assert checked.width <= 1024
        assert checked.height <= 1024
        assert reopen(checked).size == (checked.width, checked.height)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused(data):
    with pytest.raises(ImageRejected):
        check_image(data)


# --- model input ----------------------------------------------------------------------------------


def test_model_input_grey_is_padded_to_exact_size():
    data = encode(Image.new("RGB", (60, 30), (0, 0, 0)), "PNG")
    arr = to_model_input(data, size=(28, 28), mode="L")
    assert arr.shape == (28, 28)
    assert arr.dtype == np.uint8
    assert arr[14, 14] == 0  # the image, centred
    assert arr[0, 14] == 255
    assert arr[27, 14] == 255


def test_model_input_rgb_with_width_and_height():
    data = encode(Image.new("RGB", (10, 10), RED), "JPEG")
    arr = to_model_input(data, size=(32, 16), mode="RGB", background=0)
    assert arr.shape == (16, 32, 3)
    assert arr[8, 16, 0] > 200
    assert arr[8, 0].tolist() == [0, 0, 0]


def test_model_input_lays_transparency_on_white():
    drawing = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    drawing.paste((0, 0, 0, 255), (8, 0, 12, 20))
    arr = to_model_input(encode(drawing, "PNG"), size=(20, 20), mode="L")
    assert arr[10, 2] == 255
    assert arr[10, 10] == 0


def test_model_input_runs_the_same_checks():
    with pytest.raises(ImageRejected) as info:
        to_model_input(b"plain text", size=(28, 28), mode="L")
    assert info.value.code == "not_an_image"
    with pytest.raises(ValueError, match="mode"):
        to_model_input(encode(Image.new("RGB", (4, 4)), "PNG"), size=(28, 28), mode="CMYK")  # type: ignore[arg-type]
