"""Keyboard only (issue 17, WCAG 2.1.1, 2.4.7): an instructor logs in, launches a quiz and hosts it
from the console, and a student joins on a phone and plays every question kind, with Tab, Shift+Tab,
Enter, Space and the arrow keys alone (``page.keyboard.press``, never a click). Each focused control
shows a visible focus ring, and every visible control of the phone and the console is reached by Tab.

The phone's screen-reader announcer (a polite live region) reads the countdown at sensible moments:
the time to answer when a question opens, 10 and 5 seconds left, "Time is up." - never every second.
"""

import pytest

from accounts.services import demo_load_all
from quizapp.authoring.services import quiz_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TITLE = "Keyboard only"
SHORT_TIME_S = 12  # the question the student lets run out: its countdown is read at 12, 10, 5, 0

QUESTIONS = [
    {
        "kind": "true_false",
        "prompt": "A model can learn from examples.",
        "options": [{"text": "True", "correct": True}, {"text": "False", "correct": False}],
        "time_limit_s": 120,
    },
    {
        "kind": "multiple_choice",
        "prompt": "Which one is a training set?",
        "options": [
            {"text": "A screen", "correct": False},
            {"text": "Labelled photos", "correct": True},
            {"text": "A keyboard", "correct": False},
        ],
        "time_limit_s": 120,
    },
    {
        "kind": "multiple_choice",
        "prompt": "Which ones are input data?",
        "options": [
            {"text": "Images", "correct": True},
            {"text": "Opinions", "correct": False},
            {"text": "Sounds", "correct": True},
        ],
        "time_limit_s": 120,
    },
    {
        "kind": "short_answer",
        "prompt": "What do we call the data a model learns from?",
        "accepted_answers": ["training data"],
        "time_limit_s": 120,
    },
    {
        "kind": "true_false",
        "prompt": "Wait for the time to run out.",
        "options": [{"text": "True", "correct": True}, {"text": "False", "correct": False}],
        "time_limit_s": SHORT_TIME_S,
    },
]

# Every announcement the phone's live region makes, in order (read by the test, not by the app).
RECORD_ANNOUNCEMENTS = """
document.addEventListener("DOMContentLoaded", () => {
  window.__said = [];
  const region = document.getElementById("play-announcer");
  if (!region) return;
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) window.__said.push(text);
  }).observe(region, { childList: true, characterData: true, subtree: true });
});
"""

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), kbd: e.dataset.kbd || null,
    label: (e.getAttribute("aria-label") || e.textContent || e.value || e.name || "").trim().slice(0, 60),
    ring: e.matches(":focus-visible")
      && ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"),
  };
}"""

# Tag every visible, enabled control with data-kbd and return their descriptions.
TAG_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const shown = (e) => !e.closest("[hidden], [inert]") && e.getClientRects().length > 0
    && getComputedStyle(e).visibility !== "hidden";
  const controls = [...document.querySelectorAll(selector)].filter((e) => !e.disabled && shown(e))
    .filter((e) => !e.closest("details:not([open])") || e.tagName === "SUMMARY");
  return controls.map((e, i) => {
    e.dataset.kbd = String(i);
    return (e.getAttribute("aria-label") || e.textContent || e.name || e.tagName).trim().slice(0, 60);
  });
}"""


def focused(page):
    info = page.evaluate(FOCUSED)
    if info is not None:
        assert info["ring"], f"no visible focus on {info}"
    return info


def tab_to(page, selector: str, *, key: str = "Tab", limit: int = 60):
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``; each stop shows a ring."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return focused(page)
        page.keyboard.press(key)
        focused(page)
    raise AssertionError(f"{selector} is not reachable with {key}")


#: The focused control's place among the visible controls now (TAG_CONTROLS's order): a list the
#: page re-rendered meanwhile (the console's people on a tally) keeps its places.
FOCUSED_PLACE = TAG_CONTROLS.replace(
    "return controls.map((e, i) => {", "return controls.indexOf(document.activeElement); controls.map((e, i) => {"
)


def assert_all_reachable(page, where: str):
    """Tab through the page: every visible control is focused at least once, each with a ring."""
    labels = page.evaluate(TAG_CONTROLS)
    assert labels, where
    seen = set()
    for _ in range(2 * len(labels) + 8):
        page.keyboard.press("Tab")
        info = focused(page)
        place = page.evaluate(FOCUSED_PLACE)
        if info and place >= 0:
            seen.add(place)
        if len(seen) == len(labels):
            return
    missing = [labels[i] for i in range(len(labels)) if i not in seen]
    raise AssertionError(f"{where}: not reachable by Tab: {missing}")


def choose(page, select: str, label: str):
    """Pick an option of a closed <select> with the arrow keys."""
    tab_to(page, select)
    for key in ("Home", *["ArrowDown"] * 30):
        if page.evaluate("(s) => document.querySelector(s).selectedOptions[0].textContent.trim()", select) == label:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{label} is not an option of {select}")


def said(page) -> list[str]:
    return page.evaluate("() => window.__said || []")


def wait_said(page, text: str, timeout: int = 15000):
    page.wait_for_function("(t) => (window.__said || []).some((s) => s.includes(t))", arg=text, timeout=timeout)


def press_on(page, selector: str, key: str = "Enter", *, direction: str = "Tab"):
    tab_to(page, selector, key=direction)
    page.keyboard.press(key)


def test_a_quiz_played_and_hosted_with_the_keyboard_alone(browser, live_server_asgi, screenshot):
    instructor, _ = demo_load_all()
    quiz_create(owner=instructor, title=TITLE, language="en", questions=QUESTIONS, speed_points=False, streaks=False)
    base = live_server_asgi.url
    host_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    phone_context.add_init_script(RECORD_ANNOUNCEMENTS)
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        tab_to(host, "#id_username")
        host.keyboard.type("demo")
        tab_to(host, "#id_password")
        host.keyboard.type("modulabs-demo")
        host.keyboard.press("Enter")
        host.wait_for_url(base + "/")

        host.goto(base + "/rooms/")
        choose(host, '[data-testid="room-MODULABS"] select[name=quiz]', TITLE)
        choose(host, '[data-testid="room-MODULABS"] select[name=mode]', "Instructor-paced")
        press_on(host, '[data-testid="launch-MODULABS"]')
        host.wait_for_url(base + "/rooms/MODULABS/console/")
        host.get_by_test_id("session-state").wait_for()

        phone = phone_context.new_page()
        phone.goto(base + "/join")
        tab_to(phone, "#id_code")
        phone.keyboard.type("modulabs")
        phone.keyboard.press("Enter")
        phone.wait_for_url(base + "/r/MODULABS/")
        tab_to(phone, '[data-testid="nickname"]')
        phone.keyboard.type("Keys")
        phone.keyboard.press("Enter")
        phone.locator('[data-view="lobby"]').wait_for()
        assert_all_reachable(phone, "phone lobby")
        host.get_by_test_id("people").get_by_text("Keys").wait_for()
        assert_all_reachable(host, "console lobby")
        with host_context.expect_page() as opened:  # the projector, opened from the console by Enter
            press_on(host, 'a[href="/rooms/MODULABS/projector/"]')
        projector = opened.value
        projector.get_by_test_id("projector-code").wait_for()
        projector.get_by_text("Keys").wait_for()
        assert_all_reachable(projector, "projector lobby")
        host.bring_to_front()

        def open_next(index: int):
            press_on(host, '[data-testid="host-next"]', direction="Shift+Tab")
            phone.get_by_test_id("prompt").get_by_text(QUESTIONS[index]["prompt"]).wait_for()

        def reveal(verdict: str):
            press_on(host, '[data-testid="host-reveal"]')
            phone.get_by_test_id("verdict").get_by_text(verdict).wait_for()
            wait_said(phone, verdict)

        def answer_is_in():
            phone.get_by_test_id("answer-status").get_by_text("Your answer is in").wait_for()

        # True / false: Enter on the right answer.
        open_next(0)
        wait_said(phone, QUESTIONS[0]["prompt"])
        assert any("seconds to answer" in s for s in said(phone)), said(phone)
        assert_all_reachable(phone, "phone true/false question")
        # The console redraws its participant list on every message: a focused control keeps focus.
        remove = '[data-testid="people"] button:first-of-type'
        tab_to(host, remove)
        press_on(phone, '.choice[data-index="0"]')
        answer_is_in()
        host.get_by_test_id("answered-count").get_by_text("1 of 1", exact=False).wait_for()
        assert host.evaluate("(s) => document.activeElement.matches(s)", remove), focused(host)
        assert focused(host)["label"] == "Remove"
        assert_all_reachable(host, "console question")
        reveal("Correct!")
        screenshot(phone, "reveal-true-false")
        assert_all_reachable(phone, "phone reveal")
        projector.get_by_test_id("projector-bars").locator(".bar.correct").wait_for()
        assert_all_reachable(projector, "projector reveal")

        # Multiple choice, one correct: Space on it.
        open_next(1)
        press_on(phone, '.choice[data-index="1"]', " ")
        answer_is_in()
        reveal("Correct!")

        # Multiple choice, several correct: Space toggles each, Enter sends; Shift+Tab goes back.
        open_next(2)
        assert_all_reachable(phone, "phone multiple-answer question")
        press_on(phone, '.choice[data-index="0"]', " ")
        press_on(phone, '.choice[data-index="2"]', " ")
        press_on(phone, '.choice[data-index="1"]', " ", direction="Shift+Tab")
        press_on(phone, '.choice[data-index="1"]', " ")  # and off again
        pressed = phone.locator('.choice[aria-pressed="true"]')
        assert [pressed.nth(i).get_attribute("data-index") for i in range(pressed.count())] == ["0", "2"]
        press_on(phone, '[data-role="submit-multi"]')
        answer_is_in()
        reveal("Correct!")

        # Short answer: Tab into the field, type, Enter.
        open_next(3)
        assert_all_reachable(phone, "phone short-answer question")
        tab_to(phone, '[data-testid="short-answer"]')
        phone.keyboard.type("Training data")
        phone.keyboard.press("Enter")
        answer_is_in()
        reveal("Correct!")
        assert_all_reachable(host, "console reveal")

        # The short one runs out: its countdown is read at the start, at 10 and 5 seconds, at zero.
        before = len(said(phone))
        open_next(4)
        wait_said(phone, "Time is up.", timeout=(SHORT_TIME_S + 10) * 1000)
        timed = [s for s in said(phone)[before:] if "second" in s or "Time is up" in s]
        assert any(f"{SHORT_TIME_S} seconds to answer" in s or "seconds to answer" in s for s in timed), timed
        left = [s for s in timed if "seconds left" in s]
        assert left == ["10 seconds left", "5 seconds left"], timed  # not every second
        assert timed[-1] == "Time is up.", timed
        assert sum("Time is up" in s for s in timed) == 1, timed  # the announcer says it once
        status = phone.locator('[data-testid="answer-status"]')
        assert status.inner_text() == "You did not answer in time."
        reveal("No answer this time.")

        host.once("dialog", lambda dialog: dialog.accept())
        press_on(host, '[data-testid="host-end"]')
        final = phone.locator('[data-role="final"]')
        final.get_by_text("Your score: ", exact=False).wait_for()
        wait_said(phone, "That's the end of the quiz!")
        assert "4000" in final.inner_text()  # 4 right, 1000 each
        screenshot(phone, "ended")
        assert_all_reachable(phone, "phone end screen")
    finally:
        phone_context.close()
        host_context.close()
