"""A slide's Markdown as safe HTML, its LaTeX formulas as MathML (no CDN: Chromium renders MathML).

Pure (no database): markdown-it-py with raw HTML disabled renders the text, nh3 (an allow-list
sanitiser) cleans what it made, and latex2mathml turns ``$...$`` (inline) and ``$$...$$`` (display)
into ``<math>``, itself passed through the same allow-list. A formula that cannot be read is shown as
its source, escaped, never raised. Formulas are cut out before the Markdown pass (so ``_`` and ``*``
in them stay LaTeX) and put back after; code spans keep their dollars.
"""

import functools
import html
import re

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt

#: At most this many characters of Markdown are rendered (the model's own limit).
MAX_SOURCE = 5000
#: The phone's compact version: the first characters of the text (after the title).
SHORT_CHARS = 160

_HTML_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_MATH_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
    "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror",
}  # fmt: skip
_MATH_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "linethickness", "width", "height", "depth", "columnalign", "rowspacing",
    "columnspacing", "displaystyle", "scriptlevel", "minsize", "maxsize", "movablelimits", "notation",
    "encoding", "largeop", "symmetric", "form",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    **{tag: set(_MATH_ATTRIBUTES) for tag in _MATH_TAGS},
}
# A table column's alignment (``|---:|``): markdown-it writes it as a style, so these three exact
# styles are kept on table cells and every other style is dropped.
_ALIGN_STYLES = {f"text-align:{side}" for side in ("left", "right", "center")}
_ATTRIBUTE_VALUES = {"th": {"style": _ALIGN_STYLES}, "td": {"style": _ALIGN_STYLES}}

# Code spans first (kept as they are), then display formulas, then inline ones. An inline formula
# does not start or end with a space (so "costs $5 and $6" stays text) and stays on one line.
_MATH = re.compile(r"(`+)(?:.+?)\1|\$\$(.+?)\$\$|(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$(?!\d)", re.DOTALL)
_SLOT = "MATHSLOT{}X"
_SLOT_RE = re.compile(r"MATHSLOT(\d+)X")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def _clean(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_HTML_TAGS | _MATH_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def formula_html(latex: str, *, display: bool = False) -> str:
    """One formula as sanitised MathML; unreadable LaTeX as its escaped source (never an exception)."""
    source = latex.strip()
    try:
        mathml = latex_to_mathml(source, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds; an author's typo must not break a slide
        mathml = ""
    cleaned = _clean(mathml) if mathml else ""
    if "<math" not in cleaned:
        delimiter = "$$" if display else "$"
        return f'<code class="math-error">{html.escape(delimiter + source + delimiter)}</code>'
    return cleaned


@functools.lru_cache(maxsize=512)
def render(source: str) -> str:
    """A slide's Markdown as safe HTML with MathML formulas (cached: every phone gets the same)."""
    text = (source or "")[:MAX_SOURCE]
    formulas: list[str] = []

    def cut(match: re.Match[str]) -> str:
        if match.group(1):  # a code span: its dollars are code
            return match.group(0)
        display = match.group(2) is not None
        formulas.append(formula_html(match.group(2) if display else match.group(3), display=display))
        return _SLOT.format(len(formulas) - 1)

    rendered = _clean(_markdown.render(_MATH.sub(cut, text)))
    return _SLOT_RE.sub(lambda m: formulas[int(m.group(1))] if int(m.group(1)) < len(formulas) else "", rendered)


def short_text(source: str, limit: int = SHORT_CHARS) -> str:
    """The phone's compact version of a slide's text: plain text, formulas as their source, cut at a
    word near ``limit`` characters."""
    plain = nh3.clean(_markdown.render((source or "")[:MAX_SOURCE]), tags=set())
    plain = " ".join(html.unescape(plain).split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0] if " " in plain[:limit] else plain[:limit]
    return cut.rstrip(",.;:") + "…"
