"""The inbox's suggestion of a category and severity: those of the most similar earlier complaints.

Similar means sharing the most telling words with the new complaint's summary and description. On
PostgreSQL the candidates come from the full-text index the complaint search uses
(`complaint_text_fts_idx`): complaints someone has assessed (taken or logged by staff) with any of the
new text's words (`word or word …`), the newest 200; on SQLite (the embedded demo) the newest 200
assessed complaints. They are ranked by the words they share, each weighted by how rare it is among
them, and the suggestion is the category (and severity) most of the closest five have. It is only ever
a suggestion: the person taking the complaint confirms or corrects it, and the inbox says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVectorExact
from django.db import connections

from common.textsearch import fold
from recovery.models import Category, Complaint, Severity
from recovery.search import SEARCH_CONFIG, complaint_search_vector

# Words this short, and these, say nothing about what a complaint is about.
MIN_WORD = 3
STOP_WORDS = frozenset(
    """
    about after again all also and any are been before being but can could day dear did didn does for
    from get got had has have having hello her him his how into its just let like may more most much not
    now off one only other our out over own please regards said same see sent she since some still such
    than thank thanks that the their them then there these they this those through too two very want was
    way were what when where which while who why will with would yes you your yours
    """.split()  # noqa: SIM905 - a word list reads best as words
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
        """Say what the suggestion rests on, for the inbox and the timeline ("from the 3 most similar …")."""
        if not self.similar:
            return "no similar earlier complaint was found"
        count = len(self.similar)
        return f"from the {count} most similar earlier complaint{'s' if count != 1 else ''}"

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
        rows = assessed  # the embedded demo's few hundred complaints: the newest are ranked in Python
    return list(
        rows.select_related("category")
        .order_by("-received_at", "-pk")
        .only("pk", "summary", "description", "severity", "category")[:CANDIDATES]
    )


def _ranked(words: list[str], candidates: list[Complaint]) -> list[Complaint]:
    """Return the candidates sharing words with the new complaint, the most similar first.

    A shared word counts for more the fewer candidates have it (inverse document frequency), so "crushed"
    or "invoice" outweighs "arrived" or "order".
    """
    wanted = set(words)
    shared = [(wanted & set(words_of(f"{c.summary} {c.description}")), c) for c in candidates]
    frequency = Counter(word for common, _ in shared for word in common)
    total = len(candidates) + 1
    scored = [(sum(math.log(total / frequency[w]) for w in common), c) for common, c in shared if common]
    # The highest score first; among equals the newest (the candidates come newest first).
    scored.sort(key=lambda pair: -pair[0])
    return [c for score, c in scored if score > 0]


def _majority(values: list[str]) -> str:
    """Return the most common value; a tie goes to the one seen first (the closest complaint's)."""
    counts = Counter(values)
    return max(values, key=lambda v: (counts[v], -values.index(v)))


# With no similar complaint to go by, the catch-all category says "not assessed yet" most honestly.
FALLBACK_CATEGORY = "Other"


def _fallback_category() -> Category:
    catch_all = Category.objects.filter(is_active=True, name=FALLBACK_CATEGORY).first()
    if catch_all is not None:
        return catch_all
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
    neighbours = _ranked(words, _candidates(words))[:NEIGHBOURS] if words else []
    if not neighbours:
        return Suggestion(category=_fallback_category(), severity=DEFAULT_SEVERITY)
    names = [str(c.category_id) for c in neighbours]
    category_pk = int(_majority(names))
    category = next(c.category for c in neighbours if c.category_id == category_pk)
    severity = _majority([c.severity for c in neighbours])
    return Suggestion(category=category, severity=severity, similar=[c.pk for c in neighbours])
