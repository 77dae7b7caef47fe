"""Markdown that people write in CareDesk (the service policy, training modules), shown as safe HTML.

Two layers, because the text comes from a browser form:
1. Python-Markdown with its raw-HTML handling switched off: `<script>` or `<b>` typed in the editor is
   shown as the characters typed, never as markup.
2. nh3 (the Rust `ammonia` sanitiser) over the result, keeping only the tags and attributes Markdown
   itself produces and links to http(s) and mailto: whatever slips through the first layer (a
   `javascript:` or `data:` link, an image, an event attribute) is removed.

Images are not kept: the strict Content-Security-Policy would block other sites' images anyway, and a
training text needs none. Links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Markdown headings start at h2: the page's own title is the h1.
_HEADING_SHIFT = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
_HEADING = re.compile(r"<(/?)(h[1-6])>")


def _renderer() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    # Raw HTML in the source is text, not markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _shift_headings(html: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}{_HEADING_SHIFT[m.group(2)]}>", html)


def render_markdown(text: str) -> SafeString:
    """Return `text` (Markdown) as HTML that is safe to put in a page."""
    html = _shift_headings(_renderer().convert(text or ""))
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308  (sanitised by nh3 just above)
