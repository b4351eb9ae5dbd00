"""Uploads that can never train, or that are not what they say, are refused at once with a message
that names the real problem, and nothing is stored (issue 13, defects 8 and 9). Every file here is
made for real in the test: a PNG with a zTXt bomb, nested, duplicate-name and one-class zips, a CSV
with a 1 MiB cell, an Excel workbook written by openpyxl and renamed .csv."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.utils import translation
from openpyxl import Workbook

from core.csv_checks import CsvRejected, read_csv
from core.image_checks import ImageRejected, check_image
from core.zip_checks import ZipRejected, read_labelled_zip
from mlcore.errors import MlError
from mlcore.models import Dataset, DatasetImage
from mlcore.services import datasets
from tests.mlcore.apis.conftest import error, upload
from tests.mlcore.conftest import HOUSES_CSV, doodle_zip, make_zip, png

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def ztxt_bomb_png() -> bytes:
    """A real 12 x 12 PNG with a zTXt chunk that inflates to 50 MB (about 50 KB on disk)."""
    image = png(value=128)
    bomb = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * 50_000_000, 9))
    return image[:33] + bomb + image[33:]  # right after IHDR


def one_class_zip() -> bytes:
    return make_zip({f"cat/{i}.png": png(value=i * 40) for i in range(4)})


def nested_zip() -> bytes:
    return make_zip({"data/inner.zip": doodle_zip(per_class=2)})


def nested_zip_in_a_class() -> bytes:
    return make_zip({"cat/1.png": png(value=10), "cat/2.png": png(value=60), "dog/more.zip": doodle_zip(per_class=2)})


def duplicate_names_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("cat/1.png", png(value=10))
        archive.writestr("dog/1.png", png(value=200))
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("cat/1.png", png(value=90))
    return out.getvalue()


def huge_field_csv() -> bytes:
    return b"size,note\n1," + b"x" * (1 << 20) + b"\n2,short\n3,short\n"


def xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["size", "price"])
    for size, price in [(1, 2), (3, 4), (5, 6), (7, 8)]:
        sheet.append([size, price])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- the pure checks


def test_the_ztxt_bomb_is_called_what_it_is():
    with pytest.raises(ImageRejected) as caught:
        check_image(ztxt_bomb_png())
    assert caught.value.code == "metadata_bomb"
    # A small text chunk is still fine: it is stripped on re-encoding.
    image = png(value=128)
    assert check_image(image[:33] + _chunk(b"zTXt", b"Title\x00\x00" + zlib.compress(b"hi")) + image[33:]).width == 12


def test_the_huge_csv_cell_is_called_what_it_is():
    with pytest.raises(CsvRejected) as caught:
        read_csv(huge_field_csv())
    assert caught.value.code == "field_too_large"
    assert caught.value.params["line"] == 2


@pytest.mark.parametrize(
    ("make", "code"),
    [(duplicate_names_zip, "duplicate_names"), (nested_zip, "nested_zip"), (xlsx_bytes, "excel_file")],
)
def test_zip_refusals(make, code):
    with pytest.raises(ZipRejected) as caught:
        read_labelled_zip(make())
    assert caught.value.code == code


def test_a_zip_inside_a_class_folder_is_skipped_with_its_reason():
    members = read_labelled_zip(nested_zip_in_a_class())
    assert {m.name: m.problem for m in members}["dog/more.zip"] == "nested_zip"


# --------------------------------------------------------------------------- the upload service


def nothing_stored(media) -> None:
    assert not Dataset.objects.exists()
    assert not DatasetImage.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (one_class_zip, "zip_one_class", "two classes"),
        (nested_zip, "zip_nested_zip", "inner.zip"),
        (nested_zip_in_a_class, "zip_nested_zip", "more.zip"),
        (duplicate_names_zip, "zip_duplicate_names", "cat/1.png"),
        (xlsx_bytes, "zip_excel_file", "save it as CSV"),
    ],
)
def test_zips_that_can_never_train_are_refused_at_upload(teacher, media, make, code, words):
    with pytest.raises(MlError) as caught:
        datasets.dataset_create_from_zip(owner=teacher, name="x", data=make())
    assert caught.value.code == code
    assert words in caught.value.message
    nothing_stored(media)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"size,price\n1,2\n", "too_few_rows", "3"),
        (huge_field_csv(), "csv_field_too_large", "line 2"),
        (xlsx_bytes(), "csv_binary_excel", "Excel"),
    ],
)
def test_csvs_are_refused_at_upload(teacher, media, data, code, words):
    with pytest.raises(MlError) as caught:
        datasets.dataset_create_from_csv(owner=teacher, name="x", data=data)
    assert caught.value.code == code
    assert words in caught.value.message
    assert "match" not in caught.value.message
    assert "images" not in caught.value.message
    nothing_stored(media)


def test_the_bomb_png_is_refused_when_added(teacher, media):
    dataset = datasets.dataset_create_images(owner=teacher, name="x")
    with pytest.raises(MlError) as caught:
        datasets.dataset_add_image(dataset=dataset, label="cat", data=ztxt_bomb_png())
    assert caught.value.code == "image_metadata_bomb"
    assert "truncated" not in caught.value.message
    assert "damaged" not in caught.value.message
    assert not DatasetImage.objects.exists()


def test_two_classes_are_still_fine(teacher, media):
    result = datasets.dataset_create_from_zip(owner=teacher, name="x", data=doodle_zip(per_class=2))
    assert result.dataset.ready
    rows = datasets.dataset_create_from_csv(owner=teacher, name="h", data=HOUSES_CSV.encode())
    assert rows.row_count == 5


# --------------------------------------------------------------------------- the API


@pytest.mark.parametrize(
    ("endpoint", "name", "make", "code", "words"),
    [
        ("zip", "one_class.zip", one_class_zip, "zip_one_class", "two classes"),
        ("zip", "nested.zip", nested_zip, "zip_nested_zip", "another zip"),
        ("zip", "dup.zip", duplicate_names_zip, "zip_duplicate_names", "same name"),
        ("zip", "book.csv", xlsx_bytes, "zip_excel_file", "Excel"),
        ("csv", "book.csv", xlsx_bytes, "csv_binary_excel", "Excel"),
        ("csv", "one.csv", lambda: b"size,price\n1,2\n", "too_few_rows", "at least 3"),
        ("csv", "big.csv", huge_field_csv, "csv_field_too_large", "line 2"),
    ],
)
def test_the_api_answers_422_with_the_code_and_stores_nothing(api, media, endpoint, name, make, code, words):
    response = api.post(
        f"/api/datasets/{endpoint}/", {"name": "x", "file": upload(name, make())}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422, response.content
    assert error(response)["code"] == code
    assert words in error(response)["message"]
    nothing_stored(media)


def test_the_api_refuses_the_bomb_png(api, media):
    response = api.post("/api/datasets/images/", {"name": "Drawings"}, content_type="application/json")
    dataset_id = response.json()["id"]
    response = api.post(
        f"/api/datasets/{dataset_id}/images/",
        {"label": "cat", "file": [upload("bomb.png", ztxt_bomb_png())]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422, response.content
    assert not DatasetImage.objects.exists()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_new_message_is_translated_text(api, media, language):
    response = api.post(
        "/api/datasets/zip/", {"name": "x", "file": upload("a.zip", one_class_zip())}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert error(response)["code"] == "zip_one_class"
    assert "cat" in error(response)["message"]
