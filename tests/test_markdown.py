"""Markdown people write (policy, training) renders to harmless HTML, whatever they type."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from common.markdown import render_markdown

# Each entry: what someone might type. None of it may come out as live markup or a live link.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](https://tracker.example/pixel.png)",
    "<javascript:alert(1)>",
    '[ref]\n\n[ref]: javascript:alert(1) "title"',
    "<!-- comment --><b onmouseover=alert(1)>bold</b>",
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


MARKDOWN_TAGS = {"p", "a", "strong", "em", "code", "pre", "br", "hr", "h2", "h3", "h4", "li", "ul", "ol", "blockquote"}


def live_markup(html: str) -> list[str]:
    """Return every real tag in `html` that Markdown itself does not write, every attribute but a
    link's href/rel/title, and every link that is not http(s) or mailto."""
    parser = _Tags()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag not in MARKDOWN_TAGS:
            problems.append(f"tag {tag}")
        for name, value in attrs:
            if tag == "a" and name == "href":
                if not (value or "").startswith(("https://", "http://", "mailto:")):
                    problems.append(f"link {value}")
            elif not (tag == "a" and name in ("rel", "title")):
                problems.append(f"attribute {name}")
    return problems


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_harmless(text: str) -> None:
    html = str(render_markdown(text))
    assert live_markup(html) == [], html


def test_the_check_itself_sees_live_markup() -> None:
    assert live_markup('<p><img src="x" onerror="alert(1)"></p>') == ["tag img", "attribute src", "attribute onerror"]
    assert live_markup('<a href="javascript:alert(1)">x</a>') == ["link javascript:alert(1)"]


def test_html_typed_in_the_editor_shows_as_the_text_typed() -> None:
    assert str(render_markdown("Use <b>bold</b> & more")) == "<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; more</p>"


def test_ordinary_markdown_keeps_its_meaning() -> None:
    html = str(
        render_markdown("# Our policy\n\nWe **listen**, then act.\n\n- one\n- two\n\n[More](https://example.com/p)")
    )
    assert "<h2>Our policy</h2>" in html  # the page title is the h1, so headings start at h2
    assert "<strong>listen</strong>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://example.com/p" rel="noopener noreferrer nofollow">More</a>' in html


def test_headings_shift_down_one_level_at_most_to_h4() -> None:
    html = str(render_markdown("# A\n\n## B\n\n### C\n\n#### D\n\n###### F"))
    assert re.findall(r"<(h\d)>", html) == ["h2", "h3", "h4", "h4", "h4"]


def test_the_template_filter_renders_the_same() -> None:
    text = "Hello **there** <script>alert(1)</script>"
    out = Template("{{ text|markdown }}").render(Context({"text": text}))  # a builtin, like |money
    assert out == str(render_markdown(text))
    assert "<script>" not in out
