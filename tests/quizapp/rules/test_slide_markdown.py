"""A slide's Markdown: safe HTML (no author HTML, no script, no javascript: links, no event handlers),
LaTeX formulas as MathML, Korean intact, a broken formula shown as text. No database."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules import slide_markdown

ACTIVE_TAGS = {"script", "iframe", "style", "object", "embed", "svg", "form", "input", "div", "link", "meta", "base"}


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (text is not HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def active_html(html: str) -> list[str]:
    """What in ``html`` could run or load something: dangerous elements, handlers, script URLs."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in ACTIVE_TAGS:
            problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                problems.append(f"{tag}[{name}]")
            if name in {"href", "src"} and re.match(r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE):
                problems.append(f"{tag}[{name}={value}]")
    return problems


def test_markdown_basics_render():
    html = slide_markdown.render("# 제목\n\n**굵게** and *italic*\n\n- one\n- two\n\n[docs](https://example.com)")
    assert "<h1>제목</h1>" in html
    assert "<strong>굵게</strong>" in html
    assert "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_tables_render():
    html = slide_markdown.render("| A | B |\n|---|---|\n| 집 크기 | 가격 |")
    assert "<table>" in html
    assert "<td>집 크기</td>" in html


def test_a_table_keeps_its_column_alignment_and_no_other_style():
    """The house-price table's numbers are right-aligned (``|---:|``); the sanitiser keeps exactly
    that alignment style on cells and nothing else an author could smuggle in (issue 14's walk)."""
    html = slide_markdown.render("| 크기 | 가격 |\n|---:|:---:|\n| 2,545 | 440 |")
    assert '<th style="text-align:right">크기</th>' in html
    assert '<td style="text-align:center">440</td>' in html
    hostile = slide_markdown._clean('<table><tr><td style="text-align:right;background:url(x)">1</td></tr></table>')
    assert "style" not in hostile
    assert "style" not in slide_markdown.render("**bold** and a [link](https://example.com)")


def test_script_tags_are_text_not_html():
    html = slide_markdown.render("<script>alert(1)</script>\n\nhello")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html


def test_raw_html_blocks_are_not_html():
    html = slide_markdown.render(
        '<div onclick="x()">\n<img src=x onerror=alert(1)>\n</div>\n\n<iframe src="//evil"></iframe>'
    )
    assert active_html(html) == [], html
    assert "<div" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "&lt;iframe" in html  # shown as text


def test_javascript_links_are_refused():
    for source in (
        "[click](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html,hi)",
    ):
        html = slide_markdown.render(source)
        assert 'href="javascript' not in html.lower(), source
        assert 'href="data:' not in html.lower(), source


def test_image_attributes_cannot_carry_handlers():
    html = slide_markdown.render('![cat" onerror="alert(1)](https://example.com/c.png "t" onload=x)')
    assert active_html(html) == [], html


def test_inline_and_display_formulas_become_mathml():
    html = slide_markdown.render(r"적분: $\int \frac{1}{x}\,dx = \ln|x| + C$ and the sigmoid $$\frac{1}{1+e^{x}}$$")
    assert html.count("<math") == 2
    assert 'display="block"' in html
    assert 'display="inline"' in html
    assert "<mfrac>" in html
    assert "∫" in html
    assert "<msup><mi>e</mi>" in html
    assert "적분" in html


def test_formula_underscores_are_not_markdown():
    html = slide_markdown.render(r"$x_1 + x_2 * y_3$")
    assert "<em>" not in html
    assert "<msub>" in html


def test_a_broken_formula_is_shown_escaped_without_an_exception():
    html = slide_markdown.render(r"before $\frac{1}{$ after")
    assert "<math" not in html
    assert '<code class="math-error">$\\frac{1}{$</code>' in html
    assert "before" in html
    assert "after" in html


def test_html_inside_a_formula_is_not_html():
    html = slide_markdown.render(r"$\text{<script>alert(1)</script>}$")
    assert "<script" not in html.lower()


def test_money_and_code_spans_keep_their_dollars():
    html = slide_markdown.render("It costs $5 and $6. `echo $HOME $x$`")
    assert "<math" not in html
    assert "$5 and $6" in html
    assert "<code>echo $HOME $x$</code>" in html


def test_korean_text_survives():
    text = "지도 학습: 입력 A → 출력 B. 손에 잡히는 AI!"
    assert text in slide_markdown.render(text)
    assert slide_markdown.short_text(text) == text


def test_short_text_is_plain_and_cut_at_a_word():
    short = slide_markdown.short_text("# Title\n\n**bold** `code` text " + "word " * 100)
    assert short.startswith("Title bold code text word")  # no Markdown marks: phones set it as text
    assert short.endswith("…")
    assert len(short) <= slide_markdown.SHORT_CHARS + 1


def test_empty_text_renders_empty():
    assert slide_markdown.render("") == ""
    assert slide_markdown.short_text("") == ""


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/$\\ {}[]()!`*_#-\nabcjvsript:onerrlad가나")), max_size=200))
def test_no_input_makes_active_html(source):
    html = slide_markdown.render(source)
    assert active_html(html) == [], (source, html)
