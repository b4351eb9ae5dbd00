"""Reading uploaded files in the API and the pages: oversized ones are refused before they are read."""

from __future__ import annotations

from typing import Any

from mlcore.errors import MlError

IMAGE_MAX_BYTES = 5_000_000


def read_upload(upload: Any, *, max_bytes: int, code: str) -> bytes:
    """The bytes of an uploaded file, refusing oversized ones before reading them into memory."""
    if upload.size is not None and upload.size > max_bytes:
        raise MlError(code, max_mb=round(max_bytes / 1_000_000, 1), max_bytes=max_bytes, size_bytes=upload.size)
    return upload.read()
