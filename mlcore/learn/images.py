"""Turning whatever images arrive (numpy arrays, PIL images, canvas drawings) into one float batch.

Everything a trained model needs to repeat the same preparation at prediction time is the target
size, the channel count and whether dark-on-light drawings are flipped to light-on-dark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import BadInput, BadShape

MAX_SIDE = 64
"""Bigger photos are shrunk: on a CPU a 64x64 net trains in seconds, a 224x224 one in hours."""

MIN_SIDE = 8


def is_single_image(A: Any) -> bool:
    """One image rather than a collection (so ``predict(model, image)`` works without wrapping)."""
    if _is_pil(A):
        return True
    if isinstance(A, np.ndarray):
        return A.ndim == 2 or (A.ndim == 3 and A.shape[-1] in (3, 4) and A.dtype != object)
    return False


def _is_pil(obj: Any) -> bool:
    try:
        from PIL import Image  # noqa: PLC0415  defers PIL
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return False
    return isinstance(obj, Image.Image)


def to_array(image: Any, index: int = 0) -> np.ndarray:
    """uint8 H x W (grey) or H x W x 3 (colour). Transparent pixels are laid on white, as a canvas shows them."""
    if _is_pil(image):
        from PIL import Image  # noqa: PLC0415  defers PIL

        if image.mode in ("1", "L", "I", "I;16", "F"):
            return np.asarray(image.convert("L"), dtype=np.uint8)
        if image.mode in ("LA", "RGBA", "PA", "P") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"), dtype=np.uint8)
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
    if isinstance(image, np.ndarray):
        arr = image
    else:
        if isinstance(image, str | bytes | dict) or image is None:
            raise BadShape(f"Item {index + 1} is not an image.", index=index)
        try:
            arr = np.asarray(image)
        except (ValueError, TypeError):
            raise BadShape(f"Item {index + 1} is not an image (ragged rows?).", index=index) from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise BadShape(f"Item {index + 1} is not an image of numbers.", index=index)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise BadShape(
            f"Item {index + 1} has shape {tuple(arr.shape)}; an image is H x W (grey) or H x W x 3 (colour).",
            index=index,
            shape=list(arr.shape),
        )
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise BadShape(f"Item {index + 1} is empty.", index=index, shape=list(arr.shape))
    arr = _to_uint8(arr, index)
    if arr.ndim == 3 and arr.shape[-1] == 4:
        alpha = arr[..., 3:4].astype(np.float32) / 255.0
        arr = (arr[..., :3] * alpha + 255.0 * (1 - alpha)).round().astype(np.uint8)
    return arr


def _to_uint8(arr: np.ndarray, index: int = 0) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * 255
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all():
            raise BadInput(f"Item {index + 1} has NaN or infinite pixels.", index=index)
        if arr.size and arr.max() <= 1.0 and arr.min() >= 0.0:
            arr = arr * 255.0
        return np.clip(np.rint(arr), 0, 255).astype(np.uint8)
    return np.clip(arr, 0, 255).astype(np.uint8)


def read_images(A: Any) -> np.ndarray | list[np.ndarray]:
    """A stacked uint8 array when every image has one shape (the fast path), else a list."""
    if isinstance(A, np.ndarray) and A.dtype != object:
        if A.ndim == 3 or (A.ndim == 4 and A.shape[-1] in (1, 3, 4)):
            if A.ndim == 4 and A.shape[-1] == 1:
                A = A[..., 0]
            if A.ndim == 4 and A.shape[-1] == 4:
                return [to_array(a, i) for i, a in enumerate(A)]
            if not (np.issubdtype(A.dtype, np.number) or A.dtype == np.bool_):
                raise BadShape("Images must hold numbers.")
            if A.shape[1] < 1 or A.shape[2] < 1:
                raise BadShape("Images are empty.", shape=list(A.shape))
            if A.dtype == np.uint8:
                return A
            return np.stack([_to_uint8(a, i) for i, a in enumerate(A)]) if len(A) else A.astype(np.uint8)
        raise BadShape(
            f"An image batch has shape {tuple(A.shape)}; expected N x H x W or N x H x W x 3.",
            shape=list(A.shape),
        )
    if isinstance(A, str | bytes | dict) or A is None:
        raise BadShape("A must be a list of images.")
    if not isinstance(A, Sequence | np.ndarray):
        try:
            A = list(A)
        except TypeError:
            raise BadShape("A must be a list of images.") from None
    return [to_array(a, i) for i, a in enumerate(A)]


def choose_geometry(images: np.ndarray | list[np.ndarray], image_size: int | None) -> tuple[int, int, int]:
    """(height, width, channels) for training: keep small uniform images as they are, shrink big ones."""
    shapes = [images.shape[1:]] if isinstance(images, np.ndarray) else [a.shape for a in images]
    channels = 3 if any(len(s) == 3 for s in shapes) else 1
    if image_size is not None:
        return image_size, image_size, channels
    sizes = {tuple(s[:2]) for s in shapes}
    if len(sizes) == 1:
        h, w = sizes.pop()
        if max(h, w) <= MAX_SIDE:
            return max(h, MIN_SIDE), max(w, MIN_SIDE), channels
        scale = MAX_SIDE / max(h, w)
        return max(MIN_SIDE, round(h * scale)), max(MIN_SIDE, round(w * scale)), channels
    side = min(MAX_SIDE, max(max(s[:2]) for s in shapes))
    return max(side, MIN_SIDE), max(side, MIN_SIDE), channels


def prepare(
    images: np.ndarray | list[np.ndarray], height: int, width: int, channels: int, *, auto_invert: bool
) -> np.ndarray:
    """uint8 N x C x H x W, ready for the network (which divides by 255 and normalises itself)."""
    if isinstance(images, np.ndarray):
        batch = _fix_channels_batch(images, channels)
        if batch.shape[1:3] != (height, width):
            batch = np.stack([_resize(a, height, width) for a in batch]) if len(batch) else batch
    else:
        fixed = [_resize(_fix_channels(a, channels), height, width) for a in images]
        if fixed:
            batch = np.stack(fixed)
        else:
            batch = np.zeros((0, height, width) + ((3,) if channels == 3 else ()), dtype=np.uint8)
    if channels == 1:
        if auto_invert and len(batch):
            batch = _normalise_polarity(batch)
        return np.ascontiguousarray(batch[:, None, :, :])
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2))


def _fix_channels(a: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1 and a.ndim == 3:
        return _grey(a)
    if channels == 3 and a.ndim == 2:
        return np.repeat(a[:, :, None], 3, axis=2)
    return a


def _fix_channels_batch(batch: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1 and batch.ndim == 4:
        return _grey(batch)
    if channels == 3 and batch.ndim == 3:
        return np.repeat(batch[..., None], 3, axis=-1)
    return batch


def _grey(rgb: np.ndarray) -> np.ndarray:
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(np.rint(rgb.astype(np.float32) @ weights), 0, 255).astype(np.uint8)


def _resize(a: np.ndarray, height: int, width: int) -> np.ndarray:
    if a.shape[:2] == (height, width):
        return a
    from PIL import Image  # noqa: PLC0415  defers PIL

    # Pillow's bilinear filter widens its support when shrinking, so small photos are not aliased.
    return np.asarray(Image.fromarray(a).resize((width, height), Image.Resampling.BILINEAR), dtype=np.uint8)


def _normalise_polarity(batch: np.ndarray) -> np.ndarray:
    """Drawings on a white canvas become white-on-black, like the training doodles and digits.

    An image counts as "light background" when its outer frame is mostly bright.
    """
    h, w = batch.shape[1:3]
    k = max(1, min(h, w) // 14)
    frame = np.concatenate(
        [
            batch[:, :k, :].reshape(len(batch), -1),
            batch[:, -k:, :].reshape(len(batch), -1),
            batch[:, :, :k].reshape(len(batch), -1),
            batch[:, :, -k:].reshape(len(batch), -1),
        ],
        axis=1,
    )
    light = frame.mean(axis=1) > 127
    if not light.any():
        return batch
    out = batch.copy()
    out[light] = 255 - out[light]
    return out


# --------------------------------------------------------------------------- augmentation


def augment(
    x: Any,
    generator: Any,
    *,
    max_shift: float = 0.1,
    max_degrees: float = 12.0,
    max_scale: float = 0.1,
    padding: str = "zeros",
) -> Any:
    """Small random shifts, rotations and zooms, so the net learns shapes rather than pixel positions.

    ``x`` is a float tensor N x C x H x W; ``generator`` a seeded ``torch.Generator`` (determinism).
    """
    import torch  # noqa: PLC0415  defers torch
    import torch.nn.functional as F  # noqa: PLC0415  defers torch

    n = x.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(max_degrees)
    scale = 1 + (torch.rand(n, generator=generator) * 2 - 1) * max_scale
    shift = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * max_shift)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], dim=1), torch.stack([sin, cos, shift[:, 1]], dim=1)], dim=1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode=padding, align_corners=False)
