"""static/js/drawing_pad.js in headless Chromium, served by the live server like any page's modules.

A minimal page (set_content on the server's origin, so the module loads from /static/) holds one
pad; Playwright draws on it with the mouse and with real touch input (Chrome DevTools touch events:
the browser's own gesture handling decides whether the page scrolls), and what the pad produced goes
through the server's parse_strokes and render_normalised.
"""

from itertools import pairwise

import numpy as np
import pytest

from mlcore.learn.drawings import MAX_POINTS, MAX_STROKES, parse_strokes, render_normalised, synthetic_drawing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/app.css"><link rel="stylesheet" href="/static/css/drawing.css">
</head><body><main>
<h1>Draw a square</h1>
<div class="pad-frame"><canvas id="pad"></canvas></div>
<div class="pad-tools">
  <button type="button" id="undo">Undo</button><button type="button" id="clear">Clear</button>
  <button type="button" class="primary big">Send my drawing</button>
</div>
<div id="below" style="height: 3000px">below the pad</div>
</main>
<script type="module">
import { DrawingPad } from "/static/js/drawing_pad.js";
window.log = [];
const canvas = document.getElementById("pad");
canvas.addEventListener("pointerdown", (e) => window.log.push(["down", e.pointerType, e.pointerId]));
const pad = new DrawingPad(canvas, {
  ariaLabel: "Drawing area: draw a square",
  onChange: (d) => window.log.push(["onChange", d.reason, d.strokes]),
  onFull: (d) => window.log.push(["onFull", d.limit]),
});
pad.addEventListener("change", (e) => window.log.push(["change", e.detail.reason]));
pad.addEventListener("full", (e) => window.log.push(["full", e.detail.limit, e.detail.maximum]));
document.getElementById("undo").addEventListener("click", () => pad.undo());
document.getElementById("clear").addEventListener("click", () => pad.clear());
window.pad = pad;
window.padReady = true;
</script></body></html>"""


def open_pad(browser, server, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/")  # the server's origin: /static/ URLs resolve, no CORS involved
    page.set_content(PAGE)
    page.wait_for_function("window.padReady === true")
    return context, page, errors


def pad_box(page):
    return page.evaluate(
        """() => { const c = document.getElementById('pad'); const r = c.getBoundingClientRect();
        return {x: r.left + c.clientLeft, y: r.top + c.clientTop, w: c.clientWidth, h: c.clientHeight}; }"""
    )


def ink_at(page, fx: float, fy: float) -> int:
    """Darkness (0..255) of the backing store at a fraction of the pad's side."""
    return page.evaluate(
        """([fx, fy]) => { const c = document.getElementById('pad');
        const d = c.getContext('2d').getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data;
        return 255 - d[0]; }""",
        [fx, fy],
    )


def mouse_path(page, box, points, steps=8):
    page.mouse.move(box["x"] + points[0][0] * box["w"], box["y"] + points[0][1] * box["h"])
    page.mouse.down()
    for fx, fy in points[1:]:
        page.mouse.move(box["x"] + fx * box["w"], box["y"] + fy * box["h"], steps=steps)
    page.mouse.up()


SQUARE = [(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8), (0.2, 0.2)]


def test_mouse_drawing_undo_clear_and_the_server_accepts_it(browser, live_server_asgi, output_dir):
    context, page, errors = open_pad(browser, live_server_asgi, viewport={"width": 900, "height": 900})
    try:
        canvas = page.locator("#pad")
        assert canvas.get_attribute("aria-label") == "Drawing area: draw a square"
        assert canvas.get_attribute("tabindex") == "0"
        assert page.evaluate("getComputedStyle(document.getElementById('pad')).touchAction") == "none"
        box = pad_box(page)
        assert abs(box["w"] - box["h"]) <= 1, "the pad is square"
        assert page.evaluate("pad.isEmpty()")

        mouse_path(page, box, SQUARE)
        wire = page.evaluate("pad.toJSON()")
        assert wire["v"] == 1
        assert wire["size"] == 1024
        assert len(wire["strokes"]) == 1
        stroke = wire["strokes"][0]
        assert len(stroke) % 2 == 0
        assert len(stroke) // 2 > 20, "the corners and the points between them"
        assert all(isinstance(c, int) and 0 <= c <= 1023 for c in stroke)
        xs, ys = stroke[0::2], stroke[1::2]
        assert abs(min(xs) - 0.2 * 1024) < 6 and abs(max(xs) - 0.8 * 1024) < 6  # noqa: PT018
        assert abs(min(ys) - 0.2 * 1024) < 6 and abs(max(ys) - 0.8 * 1024) < 6  # noqa: PT018
        assert ink_at(page, 0.5, 0.2) > 150, "ink along the top edge"
        assert ink_at(page, 0.5, 0.5) == 0, "paper inside"
        assert ["change", "stroke"] in page.evaluate("log")
        assert ["onChange", "stroke", 1] in page.evaluate("log")

        # The server takes exactly what the pad sent, and reads it as a centred square doodle.
        drawing = parse_strokes(wire)
        img = render_normalised(drawing)
        rows, cols = np.nonzero(img > 40)
        assert abs((cols.max() - cols.min()) - (rows.max() - rows.min())) <= 1
        assert img[13:15, 13:15].max() == 0, "a hollow square"
        (output_dir / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output_dir / "screenshots" / "drawing_pad-mouse.png"))

        mouse_path(page, box, [(0.3, 0.5), (0.7, 0.5)])  # a second stroke
        mouse_path(page, box, [(0.5, 0.6)])  # a click is a dot
        strokes = page.evaluate("pad.toJSON().strokes")
        assert len(strokes) == 3
        assert len(strokes[2]) == 2, "a dot is one point"
        assert ink_at(page, 0.5, 0.5) > 150

        page.click("#undo")
        assert page.evaluate("pad.toJSON().strokes.length") == 2
        canvas.focus()
        page.keyboard.press("Control+z")
        assert page.evaluate("pad.toJSON().strokes.length") == 1
        assert ink_at(page, 0.5, 0.5) == 0, "the undone stroke is gone from the screen too"
        assert page.evaluate("log").count(["change", "undo"]) == 1, "only the key counts as the person's undo"
        page.click("#clear")
        assert page.evaluate("pad.isEmpty()")
        assert ink_at(page, 0.5, 0.2) == 0

        page.evaluate("pad.setEnabled(false)")
        mouse_path(page, box, SQUARE)
        assert page.evaluate("pad.isEmpty()"), "a disabled pad takes no ink"
        assert canvas.get_attribute("aria-disabled") == "true"
        page.evaluate("pad.setEnabled(true)")
        assert errors == []
    finally:
        context.close()


def cdp_touch_drag(cdp, points, *, extra_finger=None):
    """Real touch input through the browser's input pipeline (pointerType "touch", gestures included)."""

    def touches(x, y):
        pts = [{"x": x, "y": y, "id": 1, "radiusX": 4, "radiusY": 4, "force": 1}]
        if extra_finger:
            pts.append({"x": extra_finger[0], "y": extra_finger[1], "id": 2, "radiusX": 4, "radiusY": 4, "force": 1})
        return pts

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": touches(*points[0])})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": touches(x, y)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def line(a, b, n=25):
    return [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n + 1)]


def test_touch_draws_without_scrolling_on_a_high_dpi_phone(browser, live_server_asgi, output_dir):
    context, page, errors = open_pad(
        browser,
        live_server_asgi,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        cdp = context.new_cdp_session(page)
        box = pad_box(page)
        assert box["w"] > 300
        sharp = page.evaluate("document.getElementById('pad').width")
        assert abs(sharp - round(box["w"] * 3)) <= 3, "backing store in device pixels (devicePixelRatio 3)"

        # Control: the same upward drag on the page below the pad does scroll it.
        below = page.evaluate("document.getElementById('below').getBoundingClientRect().top") + 40
        cdp_touch_drag(cdp, line((200, min(below + 300, 800)), (200, below)))
        page.wait_for_timeout(300)
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 50, "touch drags scroll this page elsewhere"
        box = pad_box(page)  # the pad moved up with the page

        # A square drawn with a finger: the pad takes it, the page stays put.
        corners = [(box["x"] + fx * box["w"], box["y"] + fy * box["h"]) for fx, fy in SQUARE]
        path = [p for a, b in pairwise(corners) for p in line(a, b, 12)]
        cdp_touch_drag(cdp, path)
        page.wait_for_timeout(300)
        assert page.evaluate("window.scrollY") == scrolled, "drawing never scrolls the page"
        downs = [entry for entry in page.evaluate("log") if entry[0] == "down"]
        assert downs
        assert downs[-1][1] == "touch"
        wire = page.evaluate("pad.toJSON()")
        assert len(wire["strokes"]) == 1
        parse_strokes(wire)

        # A second finger resting on the pad while the first draws is ignored.
        start = (box["x"] + 0.3 * box["w"], box["y"] + 0.5 * box["h"])
        end = (box["x"] + 0.7 * box["w"], box["y"] + 0.5 * box["h"])
        cdp_touch_drag(cdp, line(start, end, 15), extra_finger=(box["x"] + 0.5 * box["w"], box["y"] + 0.9 * box["h"]))
        page.wait_for_timeout(200)
        wire = page.evaluate("pad.toJSON()")
        assert len(wire["strokes"]) == 2, "one new stroke, from the first finger only"
        assert max(wire["strokes"][1][1::2]) < 0.6 * 1024, "nothing from the finger at the bottom"
        assert page.evaluate("window.scrollY") == scrolled

        img = render_normalised(parse_strokes(wire))
        assert img.shape == (28, 28)
        page.evaluate("window.scrollTo(0, 0)")
        (output_dir / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output_dir / "screenshots" / "drawing_pad.png"))
        assert errors == []
    finally:
        context.close()


def test_resize_keeps_the_drawing_and_load_restores_one(browser, live_server_asgi):
    context, page, errors = open_pad(browser, live_server_asgi, viewport={"width": 800, "height": 900})
    try:
        mouse_path(page, pad_box(page), SQUARE)
        before = page.evaluate("pad.toJSON()")
        width_before = page.evaluate("document.getElementById('pad').width")
        page.set_viewport_size({"width": 360, "height": 700})
        page.wait_for_function(f"document.getElementById('pad').width !== {width_before}")
        assert page.evaluate("pad.toJSON()") == before, "resizing changes pixels, not strokes"
        assert ink_at(page, 0.5, 0.2) > 150, "redrawn at the new size"
        assert ink_at(page, 0.5, 0.5) == 0

        # A reconnecting student gets their own drawing back.
        own = synthetic_drawing("house", np.random.default_rng(3)).to_wire()
        page.evaluate("(d) => pad.load(d)", own)
        assert page.evaluate("pad.toJSON()") == own
        page.evaluate("(d) => pad.load(d.strokes)", own)  # the bare strokes do too
        assert page.evaluate("pad.toJSON()") == own
        half = {"v": 1, "size": 512, "strokes": [[10, 20, 511, 300]]}
        assert page.evaluate("(d) => { pad.load(d); return pad.toJSON().strokes; }", half) == [[20, 40, 1022, 600]]
        assert page.evaluate("log").count(["change", "stroke"]) == 1, "load() is the page's doing: no change event"
        assert errors == []
    finally:
        context.close()


def test_limits_stop_the_pad_and_tell_the_page(browser, live_server_asgi):
    context, page, errors = open_pad(browser, live_server_asgi, viewport={"width": 800, "height": 900})
    try:
        box = pad_box(page)
        # Almost full: 3,990 points already there; a long stroke gets the last 10 and no more.
        base = [[c for i in range(998) for c in ((i * 7) % 1000 + 10, (i * 3) % 1000 + 10)] for _ in range(4)]
        base[3] = base[3][: 2 * 994]  # 998 * 3 + 994 = 3,988 points
        page.evaluate("(s) => pad.load({v: 1, size: 1024, strokes: s})", base)
        have = page.evaluate("pad.pointCount")
        assert have == 3988
        mouse_path(page, box, [(0.1, 0.5), (0.9, 0.5)], steps=40)
        wire = page.evaluate("pad.toJSON()")
        assert sum(len(s) // 2 for s in wire["strokes"]) == MAX_POINTS
        log = page.evaluate("log")
        assert ["full", "points", MAX_POINTS] in log
        assert ["onFull", "points"] in log
        parse_strokes(wire)  # the server accepts a full pad

        # 64 strokes: a new touch of the pen starts nothing.
        page.evaluate("(n) => pad.load([...Array(n)].map((_, i) => [10 + i * 10, 10, 10 + i * 10, 40]))", MAX_STROKES)
        mouse_path(page, box, [(0.2, 0.8), (0.8, 0.8)])
        assert page.evaluate("pad.toJSON().strokes.length") == MAX_STROKES
        assert ["full", "strokes", MAX_STROKES] in page.evaluate("log")
        assert errors == []
    finally:
        context.close()
