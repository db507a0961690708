"""Markdown to safe HTML: markdown-it-py renders, nh3 (Ammonia) sanitises.

The result holds nothing the CSP would block: no scripts, styles, event handlers, images or frames.
Links keep http(s) and mailto only and get rel="noopener nofollow noreferrer".
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def render_markdown(text: str) -> SafeString:
    html = _renderer.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def markdown_to_text(text: str) -> str:
    """What a reader sees of the Markdown, as one line of plain text: no `**`, `#`, `>` or link addresses
    (a link and an image keep their words), code as written, paragraphs and lines joined by spaces.

    For excerpts: the journal list and search results show a reflection's start or the part around the words
    found, and mark those words in this text."""
    parts = []
    for token in _renderer.parse(text or ""):
        if token.type == "inline":
            for child in token.children or ():
                if child.type in ("text", "code_inline", "image"):  # an image's content is its alt text
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
        elif token.type in ("code_block", "fence"):
            parts.append(f" {token.content} ")
        elif token.block and token.nesting == -1:
            parts.append(" ")
    return " ".join("".join(parts).split())


# Letters, digits, spaces and punctuation that Markdown reads as themselves anywhere in a line.
_PLAIN = re.compile(r"(?:[^\W_]|[ .,;:?'\"()-])*")


def markdown_excerpt(text: str, length: int) -> str:
    """The first `length` characters of `markdown_to_text(text)`, with "…" when there is more.

    A text that begins with a letter and whose start holds no Markdown syntax and no line break begins with a
    paragraph of exactly those words, whatever follows (a construct needs its opening mark in the text read):
    its excerpt needs no parse of the whole text."""
    head = text[: length * 2]
    if len(text) > len(head) and head[:1].isalpha() and _PLAIN.fullmatch(head):
        start = " ".join(head.split())
        if len(start) > length:
            return start[:length] + "…"
    plain = markdown_to_text(text)
    return plain[:length] + ("…" if len(plain) > length else "")
