"""The demo's first lesson end to end in a real browser, in Korean and in English (issue 14).

The demo instructor launches "손에 잡히는 AI" (or its English twin) from /rooms/, instructor-paced;
the projector opens, three phones join (one with a Korean nickname), and the console walks every one
of the lesson's thirty items with the keyboard (→ and Space in turn; a reveal is the Reveal button,
focused and Enter). On each item the projector, the console and every phone show it (the slide's
title, the question's prompt), and each kind does its real thing: the formula slide is MathML on the
projector, the house-price table a table, the notes stay on the console; the phones answer the slider
(three values), the ordering (one exact, one partly right), the true/false questions, the scale and
the word cloud (a Korean word), each revealed with every phone's verdict; in the drawing round they
draw and in the text round they write, the projector's wall shows it all, the reveal closes the round
and → moves on without training (training needs a Celery worker: test_drawing_round, test_text_round);
the canvas item gives each phone its idea link; → after the last slide ends the lesson on the podium.
A screenshot of projector, console and a phone is saved at each kind (test-output/screenshots/),
and axe checks the projector and the phone there (no critical or serious violation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.services import demo_load_all
from quizapp.demo import LESSON_TITLE_EN, LESSON_TITLE_KO
from quizapp.demo_lesson import lesson_en, lesson_ko
from quizapp.models import Answer, Drawing, QuizSession
from tests.browser.a11y import describe, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WAIT = 15_000  # ms: a generous bound for one item to reach every screen on a busy machine

LANGUAGES: dict[str, dict[str, Any]] = {
    "ko": {
        "locale": "ko-KR",
        "title": LESSON_TITLE_KO,
        "items": lesson_ko,
        "labels": ("가능", "불가능"),
        "words": (("데이터", "분류"), ("data",), ("데이터가", "문의")),
        "sentences": {
            "refund": "바지가 작아서 환불받고 싶어요",
            "complaint": "배달 기사님이 너무 불친절했어요",
            "cancellation": "인터넷 서비스를 해지하고 싶어요",
        },
    },
    "en": {
        "locale": "en-US",
        "title": LESSON_TITLE_EN,
        "items": lesson_en,
        "labels": ("Possible", "Impossible"),
        "words": (("데이터", "sorting"), ("data",), ("invoices", "data")),
        "sentences": {
            "refund": "These shoes are too small, I want my money back",
            "complaint": "The courier was rude and threw my parcel at the door",
            "cancellation": "Please cancel my internet contract",
        },
    },
}
NICKNAMES = ("김하늘", "Lee", "Park")
CIRCLE = [(0.5 + 0.3 * np.cos(t), 0.5 + 0.3 * np.sin(t)) for t in np.linspace(0, 6.3, 24)]
TRIANGLE = [(0.5, 0.2), (0.8, 0.75), (0.2, 0.75), (0.5, 0.2)]
#: Each phone's verdict at the reveal (play.js's classes): Kim right, Lee wrong or partly right.
VERDICTS = {
    "slider": ("ok", "bad", "bad"),
    "ordering": ("ok", "partial", "none"),
    "true_false": ("ok", "bad", "ok"),
    "scale": ("poll", "poll", "poll"),
    "word_cloud": ("poll", "poll", "poll"),
}
SLIDES = ("slide", "canvas")
ROUNDS = ("drawing", "text_round")
SQUARE = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)]


# --- the phones' hands ------------------------------------------------------------------------


def _draw(page: Page, points) -> None:
    """Drag the mouse along ``points`` (fractions of the canvas), as test_drawing_round does."""
    box = page.get_by_test_id("drawing-pad").bounding_box()
    assert box is not None
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0] * box["width"], y0 + points[0][1] * box["height"])
    page.mouse.down()
    for fx, fy in points[1:]:
        page.mouse.move(x0 + fx * box["width"], y0 + fy * box["height"], steps=4)
    page.mouse.up()


def _order(page: Page) -> list[int]:
    return [
        int(i) for i in page.get_by_test_id("ordering-item").evaluate_all("(rows) => rows.map((r) => r.dataset.id)")
    ]


def _arrange(page: Page, target: list[int]) -> None:
    """Tap items up until the list reads ``target``."""
    for place, item in enumerate(target):
        while _order(page).index(item) > place:
            page.locator(f"[data-testid=ordering-item][data-id='{item}'] [data-move=up]").tap()
    assert _order(page) == target


def _is_a_button(link: Locator) -> None:
    """A link styled as a big button looks like one: a box as wide as the phone, not underlined text."""
    style = link.evaluate("(a) => [getComputedStyle(a).display, getComputedStyle(a).textDecorationLine]")
    assert style == ["inline-flex", "none"], style
    box = link.bounding_box()
    assert box is not None
    assert box["width"] >= 300, box


def _answered(page: Page) -> None:
    """The phone says its answer is in (any words: the status line is filled on receipt)."""
    page.get_by_test_id("answer-status").locator("text=/./").wait_for(timeout=WAIT)


# --- the walk ---------------------------------------------------------------------------------


class Walk:
    """The console, the projector and the phones of one lesson: how each kind of item is shown and
    done, and the screenshots taken on the way (one set per kind)."""

    def __init__(self, lang: str, host: Page, projector: Page, phones: list[Page], shoot: Callable) -> None:
        self.lang, self.config = lang, LANGUAGES[lang]
        self.host, self.projector, self.phones, self._shoot = host, projector, phones, shoot
        self.presses = 0
        self.true_false_seen = 0
        self.shot: set[str] = set()
        self.found: dict[str, list] = {}  # axe's critical/serious violations per screen, asserted at the end

    def key(self) -> None:
        """Next, from the console's keyboard: → and Space in turn (both must move the lesson)."""
        self.host.locator("body").press("ArrowRight" if self.presses % 2 == 0 else " ")
        self.presses += 1

    def screenshots(self, number: int, kind: str, phone: Page | None = None) -> None:
        if kind in self.shot:
            return
        self.shot.add(kind)
        name = f"demo-{self.lang}-{number:02d}-{kind}"
        self._shoot(self.projector, f"{name}-projector")
        self._shoot(self.host, f"{name}-console")
        self._shoot(phone or self.phones[0], f"{name}-phone")
        self.found[f"projector: {kind}"] = violations(self.projector)
        self.found[f"phone: {kind}"] = violations(phone or self.phones[0])

    def reveal(self) -> None:
        """Reveal from the keyboard: → (or Space) on an open question reveals it, so the class sees
        its answers; the next press moves on (docs/websocket-protocol.md, ``next``)."""
        self.key()
        for phone in self.phones:
            phone.locator("section[data-view=reveal]").wait_for(state="visible", timeout=WAIT)

    # -- slides ------------------------------------------------------------------------------

    def slide(self, number: int, item: dict[str, Any], last: bool) -> None:
        """The slide on the projector (whole), the console (with its notes) and every phone (compact),
        and what this slide has: formulas, the house-price table, the canvas activity."""
        shown = self.projector.locator("[data-view=slide]:not([hidden]) [data-testid=projector-slide]")
        expect(shown.locator("[data-role=slide-title]")).to_have_text(item["prompt"], timeout=WAIT)
        expect(self.host.get_by_test_id("console-slide-title")).to_have_text(item["prompt"], timeout=WAIT)
        for phone in self.phones:
            compact = phone.locator("[data-view=slide]:not([hidden]) [data-testid=phone-slide]")
            expect(compact.locator("[data-role=slide-compact-title]")).to_have_text(item["prompt"], timeout=WAIT)
        if item.get("notes"):  # the instructor's notes: on the console only
            expect(self.host.get_by_test_id("console-notes")).to_have_text(item["notes"], timeout=WAIT)
            assert item["notes"] not in self.projector.content()
            assert item["notes"] not in self.phones[0].content()
        body = item.get("body", "")
        if "$$" in body:  # the formula slide: display MathML on the projector, no TeX left over
            assert shown.locator('math[display="block"]').count() == body.count("$$") // 2
            assert shown.locator("math mfrac").count() >= 1
            assert "\\frac" not in shown.inner_text()
            self.screenshots(number, "formula")
        elif "/ml/" in body:  # the house-price table: six houses, a link to train on them
            expect(shown.locator("table tbody tr")).to_have_count(6)
            assert "2,545" in shown.locator("table").inner_text()
            assert shown.locator('a[href="/ml/datasets/builtin/house/"]').count() == 1
            # the numbers right-aligned as the Markdown says (|---:|), the link readable on the dark
            assert shown.locator("tbody td").first.evaluate("(td) => getComputedStyle(td).textAlign") == "right"
            self.screenshots(number, "table")  # axe there: the link must read on the dark projector
        elif item["kind"] == "canvas":  # each phone: the room's idea form, in a new tab
            for phone in self.phones:
                link = phone.get_by_test_id("canvas-idea-link")
                link.wait_for(state="visible", timeout=WAIT)
                assert "/MODULABS/" in (link.get_attribute("href") or "")
                assert link.get_attribute("target") == "_blank"
                _is_a_button(link)
            self.screenshots(number, "canvas")
        else:
            self.screenshots(number, "last-slide" if last else "slide")

    # -- rounds ------------------------------------------------------------------------------

    def round(self, number: int, item: dict[str, Any]) -> None:
        """A round on the projector and every phone (the label it is given); the phones draw or
        write, the projector's wall shows the three; Reveal closes it and → moves on, untrained."""
        prompt = self.projector.locator("[data-view=drawing]:not([hidden]) [data-role=draw-prompt]")
        expect(prompt).to_have_text(item["prompt"], timeout=WAIT)
        given = []
        for phone in self.phones:
            title = phone.locator("[data-view=drawing]:not([hidden]) [data-testid=draw-title]")
            expect(title).to_have_text(re.compile("|".join(re.escape(o) for o in item["options"])), timeout=WAIT)
            given.append(title.inner_text())
        assert len(set(given)) == 3, f"three phones, three labels (round-robin): {given}"
        wall = self.projector.get_by_test_id("drawing-wall")
        if item["kind"] == "drawing":
            for phone, points in zip(self.phones, (CIRCLE, TRIANGLE, SQUARE), strict=True):
                _draw(phone, points)
                phone.get_by_test_id("send-drawing").click()
            self.projector.get_by_test_id("wall-item").nth(2).wait_for(timeout=WAIT)
            assert wall.locator("svg polyline").count() >= 3
        else:
            sentences = self.config["sentences"]
            for phone, label in zip(self.phones, given, strict=True):
                assert phone.get_by_test_id("drawing-pad").is_hidden(), "a text round has no drawing pad"
                desk = next(d for d in sentences if d in label)
                phone.get_by_test_id("describe-text").fill(sentences[desk])
                phone.get_by_test_id("describe-text").press("Enter")
            self.projector.get_by_test_id("wall-description").nth(2).wait_for(timeout=WAIT)
            for sentence in sentences.values():
                assert sentence in wall.inner_text()
        expect(self.host.get_by_test_id("drawing-total")).to_contain_text("3", timeout=WAIT)
        self.screenshots(number, item["kind"].replace("_", "-"))
        self.reveal()

    # -- questions ---------------------------------------------------------------------------

    def question(self, number: int, item: dict[str, Any]) -> None:
        """The prompt on the projector and every phone; the phones answer; the console counts them;
        the reveal on the projector (bars or the cloud) and each phone's verdict."""
        kind = item["kind"]
        expect(self.projector.get_by_test_id("projector-prompt")).to_have_text(item["prompt"], timeout=WAIT)
        for phone in self.phones:
            prompt = phone.locator("[data-view=question]:not([hidden]) [data-testid=prompt]")
            expect(prompt).to_have_text(item["prompt"], timeout=WAIT)
        answered = getattr(self, f"answer_{kind}")(item)
        count = re.compile(rf"^\s*{answered}\D")  # "2 of 3 answered", "2 / 3명 답함"
        expect(self.host.get_by_test_id("answered-count")).to_have_text(count, timeout=WAIT)
        self.screenshots(number, kind.replace("_", "-"))

        self.reveal()
        reveal = self.projector.locator("[data-view=reveal]")
        expect(reveal.locator("[data-role=reveal-prompt]")).to_contain_text(item["prompt"], timeout=WAIT)
        verdicts = VERDICTS[kind] if kind != "true_false" or self.true_false_seen == 1 else ("ok", "none", "none")
        for phone, verdict in zip(self.phones, verdicts, strict=True):
            expect(phone.get_by_test_id("verdict")).to_have_class(re.compile(rf"\b{verdict}\b"), timeout=WAIT)
        if kind == "word_cloud":
            reveal.locator(".word-cloud").wait_for(timeout=WAIT)
            assert "데이터" in reveal.locator(".word-cloud").inner_text()
        else:
            self.projector.get_by_test_id("projector-bars").locator("text=/./").first.wait_for(timeout=WAIT)
        self.screenshots(number, f"{kind.replace('_', '-')}-reveal", phone=self.phones[1])

    def answer_slider(self, item: dict[str, Any]) -> int:
        for phone, value in zip(self.phones, ("15", "40", "70"), strict=True):
            phone.get_by_test_id("slider-value").fill(value)
            phone.get_by_test_id("slider-form").get_by_role("button").click()
            _answered(phone)
        return 3

    def answer_ordering(self, item: dict[str, Any]) -> int:
        kim, lee, _park = self.phones
        for phone in self.phones:
            expect(phone.get_by_test_id("ordering-item")).to_have_count(4)
        for phone, order in ((kim, [0, 1, 2, 3]), (lee, [0, 1, 3, 2])):  # exact; two in place
            _arrange(phone, order)
            phone.get_by_test_id("ordering-submit").tap()
            _answered(phone)
        return 2

    def answer_true_false(self, item: dict[str, Any]) -> int:
        """The first by everyone (Lee wrong), the later ones by Kim only."""
        self.true_false_seen += 1
        labels = self.config["labels"]
        right, wrong = labels if item["options"][0]["correct"] else labels[::-1]
        choices = [right, wrong, right] if self.true_false_seen == 1 else [right]
        for phone, label in zip(self.phones, choices, strict=False):
            phone.get_by_role("button", name=label, exact=True).tap()
            _answered(phone)
        return len(choices)

    def answer_scale(self, item: dict[str, Any]) -> int:
        for phone in self.phones:
            expect(phone.get_by_test_id("scale-statement")).to_have_count(3)
        for phone, ratings in zip(self.phones, ((5, 4, 2), (4, 4, 3), (3, 5, 1)), strict=True):
            for index, value in enumerate(ratings):
                phone.get_by_test_id(f"rate-{index}-{value}").click()
            phone.get_by_test_id("scale-form").get_by_role("button").click()
            phone.wait_for_function("() => document.querySelector('[data-testid=rate-0-1]').disabled")
        rows = self.projector.get_by_test_id("scale-row")
        expect(rows).to_have_count(3)
        expect(rows.first).to_contain_text("4.0", timeout=WAIT)  # the mean of 5, 4 and 3
        return 3

    def answer_word_cloud(self, item: dict[str, Any]) -> int:
        for phone, words in zip(self.phones, self.config["words"], strict=True):
            inputs = phone.get_by_test_id("word-input")
            for index, word in enumerate(words):
                inputs.nth(index).fill(word)
            phone.get_by_test_id("word-form").get_by_role("button").click()
            _answered(phone)
        cloud = self.projector.get_by_test_id("projector-cloud")
        expect(cloud.locator(".cloud-text", has_text=re.compile("^데이터$"))).to_have_count(1, timeout=WAIT)
        expect(cloud.locator(".cloud-text", has_text=re.compile("^data$"))).to_have_count(1, timeout=WAIT)
        return 3


def _launch(browser, base: str, lang: str) -> tuple[Any, Page]:
    config = LANGUAGES[lang]
    context = browser.new_context(locale=config["locale"], viewport={"width": 1280, "height": 900})
    host = context.new_page()
    host.goto(base + "/accounts/login/")
    host.fill("#id_username", "demo")
    host.fill("#id_password", "modulabs-demo")
    host.click("main button[type=submit]")
    host.wait_for_url(base + "/")
    host.goto(base + "/rooms/")
    launch = host.locator("form.launch").first
    launch.locator("select[name=quiz]").select_option(label=config["title"])
    launch.locator("select[name=mode]").select_option("instructor_paced")
    host.get_by_test_id("launch-MODULABS").click()
    host.wait_for_url(base + "/rooms/MODULABS/console/")
    host.get_by_test_id("session-state").wait_for()
    return context, host


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_demo_lesson_end_to_end(lang, browser, live_server_asgi, screenshot):
    demo_load_all()
    config = LANGUAGES[lang]
    items: list[dict[str, Any]] = config["items"]()
    assert len(items) == 30
    assert {i["kind"] for i in items} == {*SLIDES, *ROUNDS, *VERDICTS}, "a kind this walk does not know"
    base = live_server_asgi.url
    host_context, host = _launch(browser, base, lang)
    contexts = [host_context]
    try:
        projector = host_context.new_page()
        projector.goto(base + "/rooms/MODULABS/projector/")
        phones = []
        for name in NICKNAMES:
            context = browser.new_context(locale=config["locale"], viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            page = context.new_page()
            page.goto(base + "/r/MODULABS/")
            page.get_by_test_id("nickname").fill(name)
            page.get_by_test_id("join-submit").click()
            page.locator("[data-view=lobby]").wait_for(timeout=WAIT)
            phones.append(page)
        for name in NICKNAMES:
            projector.get_by_text(name).wait_for(timeout=WAIT)
            host.get_by_test_id("people").get_by_text(name).wait_for(timeout=WAIT)
        walk = Walk(lang, host, projector, phones, screenshot)

        for number, item in enumerate(items, start=1):
            walk.key()
            if item["kind"] in SLIDES:
                walk.slide(number, item, last=number == len(items))
            elif item["kind"] in ROUNDS:
                walk.round(number, item)
            else:
                walk.question(number, item)

        # → after the last slide ends the lesson: the podium on the projector, each phone its place.
        walk.key()
        podium = projector.get_by_test_id("podium")
        podium.locator(".place-1").wait_for(timeout=WAIT)
        assert NICKNAMES[0] in podium.locator(".place-1").inner_text(), podium.inner_text()
        for phone in phones:
            phone.locator("section[data-view=ended]").wait_for(state="visible", timeout=WAIT)
            assert phone.locator("section[data-view=ended] [data-role=final]").inner_text().strip()
        _is_a_button(phones[0].get_by_test_id("idea-link"))  # the end screen's idea link too
        walk.screenshots(len(items) + 1, "podium")
    finally:
        for context in contexts:
            context.close()

    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in walk.found.items() if v)
    assert not problems, f"critical/serious axe violations in the demo lesson:\n{problems}"
    session = QuizSession.objects.get()
    assert session.ended_at is not None
    assert session.quiz.title == config["title"]
    by_kind: dict[str, list[tuple[str, bool | None]]] = {}
    for answer in Answer.objects.filter(session=session).select_related("question", "participant"):
        by_kind.setdefault(answer.question.kind, []).append((answer.participant.nickname, answer.correct))
    assert sorted(by_kind["slider"]) == sorted([(NICKNAMES[0], True), ("Lee", False), ("Park", False)])
    assert sorted(by_kind["ordering"]) == sorted([(NICKNAMES[0], True), ("Lee", False)])
    assert len(by_kind["true_false"]) == 3 + 3  # everyone on the first, Kim on the three others
    assert all(correct for name, correct in by_kind["true_false"] if name == NICKNAMES[0])
    assert len(by_kind["scale"]) == 3
    assert len(by_kind["word_cloud"]) == 3
    assert Drawing.objects.filter(round__question__kind="drawing").count() == 3
    assert Drawing.objects.filter(round__question__kind="text_round").count() == 3
