"""Fixtures of the mlcore tests: users, a private media folder, image, zip and CSV makers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import User
from PIL import Image

from mlcore.learn import generate_doodles
from mlcore.services.registry import model_cache_clear
from tests.mlcore.factories import UserFactory


@pytest.fixture
def teacher(db) -> User:
    return UserFactory(username="teacher")


@pytest.fixture
def stranger(db) -> User:
    return UserFactory(username="stranger", password="a-long-password-2")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A media folder of the test's own, so "nothing stored" can be checked on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.MLCORE_HEARTBEAT_THREAD = False  # in-process runs: the test's transaction is invisible to a thread
    model_cache_clear()
    yield settings.MEDIA_ROOT
    model_cache_clear()


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def png(value: int = 0, size: int = 12, mode: str = "L", seed: int | None = None) -> bytes:
    if seed is None:
        array = np.full((size, size), value, dtype=np.uint8)
    else:
        array = np.random.default_rng(seed).integers(0, 256, (size, size), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(array).convert(mode).save(out, format="PNG")
    return out.getvalue()


def make_zip(entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items() if isinstance(entries, dict) else entries:
            archive.writestr(zipfile.ZipInfo(name) if ".." in name or name.startswith("/") else name, data)
    return out.getvalue()


def encoded(array) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def doodle_zip(per_class: int = 4, classes=("circle", "cross")) -> bytes:
    images, labels = generate_doodles(per_class=per_class, seed=1, classes=list(classes))
    entries = {}
    for i, (array, label) in enumerate(zip(images, labels, strict=True)):
        out = io.BytesIO()
        Image.fromarray(array).save(out, format="PNG")
        entries[f"{label}/{i}.png"] = out.getvalue()
    return make_zip(entries)


HOUSES_CSV = (
    "size,rooms,price,kind\n523,1,115,flat\n645,1,150,flat\n708,2,210,house\n1034,3,280,house\n2290,4,355,house\n"
)
