"""Files of data sets, models and classifications in Django's default storage.

Writes that belong to a database transaction go through :func:`atomic_with_files`, which deletes
what was written when the transaction does not commit, so a refused or failed request leaves no file behind.
Deletions wait for the commit, so a rolled-back delete keeps its files.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


class StoredFiles:
    """Remembers the files written during a request and removes them if it fails."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, name: str, data: bytes) -> str:
        stored = default_storage.save(name, ContentFile(data))
        self.names.append(stored)
        return stored

    def save_field(self, field: FieldFile, name: str, data: bytes) -> None:
        field.save(name, ContentFile(data), save=False)
        if field.name:  # the name the storage gave it (a file saved has one)
            self.names.append(field.name)

    def discard(self) -> None:
        for name in self.names:
            delete_quietly(name)
        self.names.clear()


@contextmanager
def atomic_with_files() -> Iterator[StoredFiles]:
    """``transaction.atomic()`` that also removes the files written inside it when it fails.

    (When called inside an outer transaction that later rolls back, the files stay: callers are
    top-level services, so that does not happen here.)
    """
    files = StoredFiles()
    try:
        with transaction.atomic():
            yield files
    except BaseException:
        files.discard()
        raise


def delete_quietly(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("mlcore: could not delete %s", name, exc_info=True)


def delete_on_commit(*names: str) -> None:
    """Delete files once the current transaction commits (immediately outside a transaction)."""
    kept = [n for n in names if n]

    def delete_kept() -> None:
        for name in kept:
            delete_quietly(name)

    transaction.on_commit(delete_kept)


def delete_folder_on_commit(prefix: str) -> None:
    """Remove a folder of the default storage after commit (filesystem storage only; else per file)."""

    def remove() -> None:
        try:
            path = Path(default_storage.path(prefix))
        except NotImplementedError:
            return
        shutil.rmtree(path, ignore_errors=True)

    transaction.on_commit(remove)


def write_json(name: str, payload: Any, files: StoredFiles) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return files.save(name, text.encode("utf-8"))


def read_json(name: str) -> Any:
    with default_storage.open(name, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"))


def read_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@contextmanager
def local_path(field: FieldFile) -> Iterator[Path]:
    """A path on this machine for a stored file (a temporary copy when the storage is remote)."""
    try:
        yield Path(field.path)
        return
    except NotImplementedError:
        pass
    if not field.name:  # as Django says of a field without a file (``field.path`` said it already)
        raise ValueError(f"The '{field.field.name}' attribute has no file associated with it.")
    with tempfile.NamedTemporaryFile(suffix=Path(field.name).suffix) as tmp:
        with field.open("rb") as handle:
            shutil.copyfileobj(handle, tmp)
        tmp.flush()
        yield Path(tmp.name)
