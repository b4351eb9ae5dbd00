"""The upload checks' one refusal type, pure Python (the checks import no Django)."""

from __future__ import annotations

from typing import Any


class Rejected(ValueError):
    """A file the upload checks refuse (image, zip, CSV): ``code`` from ``CODES``, ``params`` for the message.

    Pure checks raise it; each app turns it into its own :class:`AppError` with a translated message.
    """

    CODES: frozenset[str] | tuple[str, ...] | dict[str, Any] = frozenset()
    KIND = "upload"

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown {self.KIND} rejection code {code!r}")
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(f"{code}: {self.params}" if self.params else code)
