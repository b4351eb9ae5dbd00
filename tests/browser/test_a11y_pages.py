"""axe-core on every page a student, an instructor or an evaluator uses, in Korean and in English:
home, join, the phone in each phase and each question kind, console, projector, the quiz builder,
the session report, the /ml/ pages, the /projects/ pages and the account pages. Each page must have
0 critical and 0 serious WCAG 2.0/2.1/2.2 A and AA violations (tests/browser/a11y.py).

One Chromium, one walk per language; the pages' violations are gathered and listed together, and
the per-page counts are written to test-output/a11y-<lang>.txt."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.contrib.auth.models import User

from accounts.services import demo_load_all
from mlcore.models import Dataset, TrainedModel, TrainingJob
from mlcore.services.classification import classification_job_create, classification_job_run
from mlcore.services.learning_curves import learning_curve_job_create, learning_curve_job_run
from projects.models import Idea, Workspace
from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.models import QuizSession, Room
from tests.browser.a11y import describe, violations
from tests.mlcore.conftest import png
from tests.mlcore.factories import TrainedModelFactory, session_cookie
from tests.mlcore.tasks.test_learning_curves import upload
from tests.support import OUTPUT_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(480),  # some 60 pages and a model trained in-process: about two minutes
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
ROOM = "MODULABS"

#: One question of each kind, with time enough for the walk; the English prompt is marked as such.
QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "true_false",
        "prompt": "고양이 사진 찾기, 가능할까?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
        "time_limit_s": 300,
    },
    {
        "kind": "multiple_choice",
        "prompt": "Which are A → B?",
        "options": [
            {"text": "spam", "correct": True},
            {"text": "empathy"},
            {"text": "translation", "correct": True},
            {"text": "humour"},
        ],
        "time_limit_s": 300,
        "explanation": "Input A, output B.",
    },
    {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat"], "time_limit_s": 300},
    {"kind": "poll", "prompt": "재미있었나요?", "options": [{"text": "네"}, {"text": "아니요"}], "points": 0},
    {"kind": "open", "prompt": "AI로 무엇을 해 보고 싶나요?", "time_limit_s": 300},
    {"kind": "drawing", "prompt": "그려 보세요", "options": ["원 / circle", "집 / house"], "time_limit_s": 300},
]


@dataclass
class Data:
    quiz_id: int
    question_id: int
    dataset_id: int
    job_id: int
    model_id: int
    classification_id: int
    curve_dataset_id: int
    workspace_id: int
    idea_id: int
    cookie: str
    evaluator_cookie: str


def _build() -> Data:
    """The demo (room MODULABS, the lecture's quiz, data sets, the workshop canvas) and, for the
    demo instructor, a quiz of every kind live in the room, a trained model with a classification
    and a measured learning curve."""
    instructor, _ = demo_load_all()
    quiz = quiz_create(owner=instructor, title="접근성 / Accessibility", questions=QUESTIONS, ask_confidence=True)
    room = Room.objects.get(code=ROOM)
    doodles = Dataset.objects.get(owner=instructor, builtin_key="doodles")
    model = cast(TrainedModel, TrainedModelFactory(dataset=doodles, params={"epochs": 3, "batch_size": 16}))
    classification = classification_job_create(
        owner=instructor, model=model, uploads=[("a.png", png(200, size=28)), ("b.png", png(30, size=28))]
    )
    classification_job_run(job_id=classification.id)
    curve_data = upload(instructor, 300, 5, seed=3)
    curve = learning_curve_job_create(owner=instructor, dataset=curve_data, target=0.8)
    learning_curve_job_run(job_id=curve.id)
    workspace = Workspace.objects.get(memberships__user=instructor, memberships__role="owner")
    idea = Idea.objects.filter(workspace=workspace).order_by("id")[0]
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=instructor)
    return Data(
        quiz_id=quiz.id,
        question_id=quiz.questions.order_by("position")[0].id,
        dataset_id=doodles.id,
        job_id=TrainingJob.objects.get(trained_model=model).id,
        model_id=model.id,
        classification_id=classification.id,
        curve_dataset_id=curve_data.id,
        workspace_id=workspace.id,
        idea_id=idea.id,
        cookie=session_cookie(instructor),
        evaluator_cookie=session_cookie(User.objects.get(username="demo-evaluator-kim")),
    )


class Walk:
    """Runs axe on pages and keeps, per page, the critical and serious violations."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}

    def check(self, name: str, page) -> None:
        page.wait_for_load_state("load")
        self.found[name] = violations(page)

    def visit(self, name: str, page, url: str) -> None:
        response = page.goto(url)
        assert response is not None, url
        assert response.status < 400, f"{name}: {url} answered {response.status}"
        self.check(name, page)

    def report(self, lang: str) -> str:
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        table = "\n".join(
            f"{name}\t{sum(len(v['targets']) for v in found)}\t{' '.join(sorted(v['id'] for v in found))}"
            for name, found in self.found.items()
        )
        (OUTPUT_DIR / f"a11y-{lang}.txt").write_text(table + "\n", encoding="utf-8")
        return "\n".join(f"## {name}\n{describe(found)}" for name, found in self.found.items() if found)


def signed_in(browser, base: str, locale: str, cookie: str, viewport=DESK, **options):
    context = browser.new_context(locale=locale, viewport=viewport, **options)
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    return context


def _phone_static_checks(phone, locale: str, question: dict) -> None:
    """What axe does not judge: the question is announced, the quiz's language is marked where it
    differs from the page's, each answer has a shape besides its colour, targets are at least
    24 x 24 px and the keyboard focus is visible."""
    assert phone.locator("html").get_attribute("lang") == locale[:2]
    assert phone.get_by_test_id("prompt").get_attribute("lang") == "ko", "the quiz's language on its text"
    announcer = phone.get_by_test_id("announcer")
    announcer.get_by_text(question["prompt"], exact=False).wait_for(state="attached")
    assert question["options"][1]["text"] in announcer.inner_text()
    shapes = phone.eval_on_selector_all(".choice", "els => els.map(e => getComputedStyle(e, '::before').clipPath)")
    assert len(set(shapes)) == len(shapes) == 2, shapes
    assert "none" not in shapes, shapes
    sizes = phone.eval_on_selector_all(
        "button:not([hidden]), a[href], input:not([type=hidden])",
        "els => els.filter(e => e.offsetParent && !e.closest('p, li')).map(e => [e.outerHTML.slice(0, 60),"
        " e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
    )
    assert all(w >= 24 and h >= 24 for _, w, h in sizes), [s for s in sizes if s[1] < 24 or s[2] < 24]
    phone.locator(".choice").first.focus()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Shift+Tab")
    focused, outline = phone.evaluate(
        "() => [document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused.startswith("choice"), focused
    assert outline != "none", "a visible focus"


def _phone_and_host(walk: Walk, browser, base: str, locale: str, data: Data) -> None:
    """The phone through lobby, every question kind, the reveal and the end, with the console and
    the projector beside it."""
    host_context = signed_in(browser, base, locale, data.cookie, reduced_motion="reduce")
    phone_context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        console = host_context.new_page()
        console.goto(f"{base}/rooms/{ROOM}/console/")
        console.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(f"{base}/rooms/{ROOM}/projector/")
        phone = phone_context.new_page()
        walk.visit("join (code)", phone, base + "/join")
        phone.fill("#id_code", ROOM.lower())
        phone.get_by_test_id("join-code-submit").click()
        phone.wait_for_url(f"{base}/r/{ROOM}/")
        phone.get_by_test_id("nickname").wait_for()
        walk.check("phone: nickname", phone)
        phone.get_by_test_id("join-submit").click()
        phone.locator("[data-role=join-error]").locator("text=/./").wait_for()
        walk.check("phone: nickname refused", phone)
        phone.get_by_test_id("nickname").fill("Kim")
        phone.get_by_test_id("join-submit").click()
        phone.locator("[data-view=lobby]").wait_for()
        walk.check("phone: lobby", phone)
        console.get_by_test_id("people").get_by_text("Kim").wait_for()
        walk.check("console: lobby", console)
        projector.get_by_text("Kim").wait_for()
        walk.check("projector: lobby", projector)
        for number, question in enumerate(QUESTIONS, start=1):
            kind = question["kind"]
            console.get_by_test_id("host-next").click()
            if kind == "drawing":
                phone.get_by_test_id("draw-title").wait_for()
            else:
                phone.get_by_test_id("prompt").get_by_text(question["prompt"]).wait_for()
            walk.check(f"phone: {kind} open", phone)
            if number == 1:
                _phone_static_checks(phone, locale, question)
            if number in (1, len(QUESTIONS)):
                walk.check(f"console: {kind} open", console)
                walk.check(f"projector: {kind} open", projector)
            if kind == "true_false":
                phone.get_by_role("button", name=question["options"][0]["text"], exact=True).tap()
                phone.get_by_test_id("answer-status").locator("text=/./").wait_for()
                walk.check("phone: answered", phone)
            if kind != "drawing":
                console.get_by_test_id("host-reveal").click()
                phone.get_by_test_id("verdict").wait_for()
                if number == 1:
                    projector.get_by_test_id("projector-bars").wait_for()
                    walk.check("phone: reveal", phone)
                    walk.check("console: reveal", console)
                    walk.check("projector: reveal", projector)
                    moving = projector.eval_on_selector_all(
                        ".bar-fill", "els => els.map(e => getComputedStyle(e).transitionDuration)"
                    )
                    assert moving, "the reveal has bars"
                    assert set(moving) == {"0s"}, f"reduced motion asked for, transitions {moving}"
        console.once("dialog", lambda dialog: dialog.accept())
        console.get_by_test_id("host-end").click()
        projector.get_by_test_id("podium").wait_for()
        phone.locator("[data-view=ended]").wait_for()
        walk.check("phone: ended", phone)
        walk.check("projector: podium", projector)
        walk.check("console: ended", console)
    finally:
        phone_context.close()
        host_context.close()


def _instructor_pages(walk: Walk, browser, base: str, locale: str, data: Data) -> None:
    context = signed_in(browser, base, locale, data.cookie)
    try:
        page = context.new_page()
        session_id = QuizSession.objects.filter(quiz_id=data.quiz_id).get().id
        pages = {
            "home (signed in)": "/",
            "rooms": "/rooms/",
            "builder: list": "/quizzes/",
            "builder: new": "/quizzes/new/",
            "builder: edit": f"/quizzes/{data.quiz_id}/",
            "builder: question form": f"/quizzes/{data.quiz_id}/questions/{data.question_id}/",
            "session results": f"/sessions/{session_id}/",
            "session report": f"/sessions/{session_id}/report/",
            "ml: data sets": "/ml/",
            "ml: data set": f"/ml/datasets/{data.dataset_id}/",
            "ml: training job": f"/ml/jobs/{data.job_id}/",
            "ml: models": "/ml/models/",
            "ml: model": f"/ml/models/{data.model_id}/",
            "ml: classification": f"/ml/classifications/{data.classification_id}/",
            "ml: learning curve": f"/ml/datasets/{data.curve_dataset_id}/",
            "projects: workspaces": "/projects/",
            "projects: ranked list": f"/projects/w/{data.workspace_id}/",
            "projects: canvas (new idea)": f"/projects/w/{data.workspace_id}/ideas/new/",
            "projects: idea": f"/projects/ideas/{data.idea_id}/",
            "projects: canvas (edit idea)": f"/projects/ideas/{data.idea_id}/edit/",
            "projects: weights": f"/projects/w/{data.workspace_id}/weights/",
            "projects: members": f"/projects/w/{data.workspace_id}/members/",
            "account: password change": "/accounts/password/",
        }
        for name, path in pages.items():
            walk.visit(name, page, base + path)
            if name == "session report":
                assert page.get_by_test_id("calibration").count() == 1, "the calibration chart is checked too"
    finally:
        context.close()
    context = signed_in(browser, base, locale, data.evaluator_cookie)
    try:
        page = context.new_page()
        walk.visit("projects: evaluation form (evaluator)", page, f"{base}/projects/ideas/{data.idea_id}/")
        walk.visit("projects: ranked list (evaluator)", page, f"{base}/projects/w/{data.workspace_id}/")
    finally:
        context.close()


def _public_pages(walk: Walk, browser, base: str, locale: str) -> None:
    context = browser.new_context(locale=locale, viewport=PHONE)
    try:
        page = context.new_page()
        for name, path in {
            "home": "/",
            "account: log in": "/accounts/login/",
            "account: sign up": "/accounts/signup/",
            "projects: student code": "/projects/submit/",
            "projects: student idea form": f"/projects/submit/{ROOM}/",
            "not found": "/no-such-page/",
        }.items():
            page.goto(base + path)
            walk.check(name, page)
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "not-the-password")
        page.click("main button[type=submit]")
        page.locator(".form-errors, .errorlist, .error").first.wait_for()
        walk.check("account: log in refused", page)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"], ids=["ko", "en"])
def test_every_page_has_no_serious_axe_violation(browser, live_server_asgi, settings, tmp_path, locale):
    settings.MEDIA_ROOT = tmp_path / "media"
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        data = pool.submit(_build).result()
    base = live_server_asgi.url
    walk = Walk()
    _public_pages(walk, browser, base, locale)
    _phone_and_host(walk, browser, base, locale, data)
    _instructor_pages(walk, browser, base, locale, data)
    problems = walk.report(locale[:2])
    assert len(walk.found) >= 50
    assert not problems, f"critical/serious axe violations ({locale}):\n{problems}"
