"""Question images are served in every shape (DEBUG off, as under ``make run`` and in production):
signed URLs for the shared prefix only, the type from the stored bytes, nosniff, no traversal."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from core.image_checks import check_image
from core.media import media_signature, sniff_image_type
from quizapp.authoring.services import question_image_set, quiz_create
from quizapp.messages import question_public
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

TF = {
    "kind": "true_false",
    "prompt": "Spotting a cat in a photo?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
}


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def question(media):
    quiz = quiz_create(owner=InstructorFactory(username="owner"), title="Images", questions=[TF])
    question = quiz.questions.get()
    return question_image_set(question=question, image=check_image(image_bytes()))


def signed(name: str) -> str:
    return f"/media/{name}?s={media_signature(name)}"


def test_a_question_image_loads_for_anyone_with_the_room_url(client, question, settings):
    assert settings.DEBUG is False
    url = question_public(question, index=0, total=1)["image_url"]
    assert url.startswith("/media/questions/")
    assert "?s=" in url
    response = client.get(url)  # no account: a student's phone, the projector
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (40, 30)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_without_the_signature_or_with_another_files_it_is_404(client, question, media):
    name = question.image.name
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/{name}?s=forged").status_code == 404
    other = default_storage.save("questions/2026/01/other.png", ContentFile(image_bytes()))
    assert client.get(f"/media/{other}?s={media_signature(name)}").status_code == 404
    assert client.get(signed(other)).status_code == 200


def test_only_shared_prefixes_are_served_even_when_signed(client, media):
    drawing = default_storage.save("drawings/1/secret.png", ContentFile(image_bytes()))
    model = default_storage.save("datasets/1/rows.json", ContentFile(b'{"a": 1}'))
    assert client.get(signed(drawing)).status_code == 404
    assert client.get(signed(model)).status_code == 404


def test_no_traversal_out_of_the_shared_prefix_or_media_root(client, media, tmp_path):
    default_storage.save("drawings/1/secret.png", ContentFile(image_bytes()))
    (tmp_path / "outside.png").write_bytes(image_bytes())
    for name in ("questions/../drawings/1/secret.png", "questions/../../outside.png", "questions//../outside.png"):
        assert client.get(signed(name)).status_code == 404, name
    (media / "questions").mkdir(exist_ok=True)
    (media / "questions" / "link.png").symlink_to(tmp_path / "outside.png")
    assert client.get(signed("questions/link.png")).status_code == 404


def test_the_type_comes_from_the_stored_bytes_not_the_name(client, media):
    jpeg = default_storage.save("questions/2026/01/photo.png", ContentFile(image_bytes("JPEG")))
    response = client.get(signed(jpeg))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    html = default_storage.save("questions/2026/01/page.png", ContentFile(b"<html><script>alert(1)</script>"))
    assert client.get(signed(html)).status_code == 404


def test_a_missing_file_is_404(client, media):
    assert client.get(signed("questions/2026/01/gone.png")).status_code == 404
    assert client.get(signed("questions/2026/01")).status_code == 404  # a folder is no file


def test_sniffing_knows_the_stored_formats():
    assert sniff_image_type(image_bytes("PNG")[:16]) == "image/png"
    assert sniff_image_type(image_bytes("JPEG")[:16]) == "image/jpeg"
    assert sniff_image_type(image_bytes("GIF")[:16]) == "image/gif"
    assert sniff_image_type(image_bytes("WEBP")[:16]) == "image/webp"
    assert sniff_image_type(b"<svg xmlns=") is None
