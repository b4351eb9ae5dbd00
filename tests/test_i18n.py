"""Korean and English are both complete; the language follows the browser, then the choice."""

import shutil
import subprocess
import sys

import polib
import pytest

from tests.support import REPO

pytestmark = pytest.mark.embedded

SOURCE_DIRS = ["config", "core", "accounts", "quizapp", "projects", "mlcore", "templates", "static", "locale"]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """The catalogues as makemessages makes them from today's code, merged with ours."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("gettext is not installed (make test installs it)")
    work = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_DIRS:
        if (REPO / name).exists():
            shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(REPO / "manage.py", work / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "i18n_update"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "A2B_VAR_DIR": str(work / "var"), "HOME": str(work)},
    )
    assert result.returncode == 0, result.stderr
    return work / "locale"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_has_a_korean_translation(fresh_catalogues, domain):
    po = polib.pofile(str(fresh_catalogues / "ko" / "LC_MESSAGES" / f"{domain}.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], f"{len(missing)} message(s) lack a Korean translation; run `make i18n` and translate them"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_committed_catalogues_are_up_to_date(fresh_catalogues, domain):
    """A string added in the code but not in the committed catalogues fails here."""
    for lang in ("ko", "en"):
        fresh = {e.msgid for e in polib.pofile(str(fresh_catalogues / lang / "LC_MESSAGES" / f"{domain}.po"))}
        ours = {e.msgid for e in polib.pofile(str(REPO / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"))}
        assert fresh - ours == set(), f"{lang}/{domain}.po lacks strings; run `make i18n`"


@pytest.mark.django_db
def test_first_visit_follows_accept_language(client):
    korean = client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert '<html lang="ko">' in korean.content.decode()
    assert "손에 잡히는 AI" in korean.content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in english.content.decode()
    assert "AI you can get your hands on" in english.content.decode()


@pytest.mark.django_db
def test_the_chosen_language_persists(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    # The browser still prefers Korean; the choice wins.
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_javascript_catalogue_is_served_in_korean(client):
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert b"django.gettext" in response.content


@pytest.mark.parametrize(
    "path", sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.parent.parent.name + "/" + p.name
)
def test_catalogues_pass_msgfmt_checks(path):
    """Placeholders in every translation match their source (python- and javascript-format)."""
    if not shutil.which("msgfmt"):
        pytest.fail("gettext is not installed (make test installs it)")
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
