"""The inbox's suggestion of a category and severity: those of the most similar earlier complaints.

Similar means sharing the most words with the new complaint's summary and description. On PostgreSQL
the candidates come from the full-text index the complaint search uses (`complaint_text_fts_idx`): the
new text's words, any of them (`word or word …`), among complaints someone has assessed (taken or
logged by staff); on SQLite (the embedded demo) from a substring match on its longest words. The
candidates are ranked by the words they share, and the suggestion is the category (and severity) most
of the closest ones have. It is only ever a suggestion: the person taking the complaint confirms or
corrects it, and the inbox says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchVectorExact
from django.db import connections
from django.db.models import Q

from common.textsearch import fold
from recovery.models import Category, Complaint, Severity
from recovery.search import SEARCH_CONFIG, complaint_search_vector

# Words this short, and these, say nothing about what a complaint is about.
MIN_WORD = 4
STOP_WORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "been",
        "before",
        "being",
        "could",
        "didn",
        "does",
        "from",
        "have",
        "having",
        "into",
        "just",
        "like",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "said",
        "same",
        "since",
        "some",
        "still",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "very",
        "want",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "please",
        "thank",
        "thanks",
        "hello",
        "dear",
        "regards",
        "sent",
    ]
)
MAX_WORDS = 12  # of the new complaint's words, the longest, make the query
CANDIDATES = 200  # the newest matching complaints ranked by the words they share
NEIGHBOURS = 5  # the closest of them vote
DEFAULT_SEVERITY = Severity.MEDIUM


@dataclass(frozen=True)
class Suggestion:
    category: Category
    severity: str
    # The similar complaints it came from (their keys), closest first; empty when there were none.
    similar: list[int] = field(default_factory=list)

    @property
    def basis(self) -> str:
        """Say what the suggestion rests on, for the inbox and the timeline."""
        if not self.similar:
            return "No similar earlier complaint was found: the most used category and a medium severity."
        count = len(self.similar)
        return f"From the {count} most similar earlier complaint{'s' if count != 1 else ''}."

    def as_details(self) -> dict[str, object]:
        return {"category": self.category.name, "severity": self.severity, "similar": self.similar}


def words_of(text: str) -> list[str]:
    """Return the telling words of `text`, folded (no case or accents), longest first, each once."""
    words = {w for w in re.findall(r"[^\W\d_]+", fold(text)) if len(w) >= MIN_WORD and w not in STOP_WORDS}
    return sorted(words, key=lambda w: (-len(w), w))


def _candidates(words: list[str]) -> list[Complaint]:
    assessed = Complaint.objects.filter(owner__isnull=False, category__is_active=True)
    if connections[Complaint.objects.db].vendor == "postgresql":
        query = SearchQuery(" or ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        rows = assessed.filter(SearchVectorExact(complaint_search_vector(), query))
    else:
        text_match = reduce(or_, (Q(summary__folded_contains=w) | Q(description__folded_contains=w) for w in words[:5]))
        rows = assessed.filter(text_match)
    return list(
        rows.select_related("category")
        .order_by("-received_at", "-pk")
        .only("pk", "summary", "description", "severity", "category")[:CANDIDATES]
    )


def _majority(values: list[str]) -> str:
    """Return the most common value; a tie goes to the one seen first (the closest complaint's)."""
    counts = Counter(values)
    return max(values, key=lambda v: (counts[v], -values.index(v)))


def _fallback_category() -> Category:
    used = Counter(Complaint.objects.filter(category__is_active=True).values_list("category", flat=True)[:1000])
    if used:
        return Category.objects.get(pk=used.most_common(1)[0][0])
    category = Category.objects.filter(is_active=True).order_by("name").first()
    if category is None:
        raise Category.DoesNotExist("There is no active category: an administrator has to add one.")
    return category


def suggest(*, summary: str, description: str = "") -> Suggestion:
    """Return the category and severity the most similar earlier complaints were given."""
    words = words_of(f"{summary} {description}")[:MAX_WORDS]
    neighbours: list[Complaint] = []
    if words:
        wanted = set(words)
        scored = [(len(wanted & set(words_of(f"{c.summary} {c.description}"))), c) for c in _candidates(words)]
        scored = [(score, c) for score, c in scored if score > 0]
        # The most shared words first; among equals the newest (the candidates come newest first).
        scored.sort(key=lambda pair: -pair[0])
        neighbours = [c for _, c in scored[:NEIGHBOURS]]
    if not neighbours:
        return Suggestion(category=_fallback_category(), severity=DEFAULT_SEVERITY)
    names = [str(c.category_id) for c in neighbours]
    category_pk = int(_majority(names))
    category = next(c.category for c in neighbours if c.category_id == category_pk)
    severity = _majority([c.severity for c in neighbours])
    return Suggestion(category=category, severity=severity, similar=[c.pk for c in neighbours])
