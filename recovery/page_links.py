"""Links other apps add to the complaint page (a coaching review, say), without recovery importing them.

An app registers a builder from its `AppConfig.ready` (as menu entries are registered with
`common/navigation.py` and digest lines with `recovery.digest.register_line`). The complaint page calls
every builder with the signed-in user and the complaint; each returns the links that user may follow
(none, usually) and runs at most one query, so the page's query count stays bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from recovery.models import Complaint


@dataclass(frozen=True)
class PageLink:
    """A sentence on the complaint page and where it leads; `text` is built from labels, names and dates."""

    text: str
    url: str
    # Shown as a button rather than a plain link (an action the reader may take).
    is_action: bool = False


@dataclass(frozen=True)
class PageSection:
    heading: str
    links: tuple[PageLink, ...]


# Returns the section to show `user` on `complaint`'s page, or None; at most one query.
SectionBuilder = Callable[[Any, Complaint], PageSection | None]
_builders: dict[str, tuple[int, SectionBuilder]] = {}


def register_section(name: str, build: SectionBuilder, *, order: int = 100) -> None:
    """Add a section to the complaint page's side column (call it from the app's AppConfig.ready).

    Registering the same `name` again replaces it.
    """
    _builders[name] = (order, build)


def sections_for(user: Any, complaint: Complaint) -> list[PageSection]:
    """The sections the registered apps show `user` on `complaint`'s page, in their order."""
    built = (build(user, complaint) for _, build in sorted(_builders.values(), key=lambda entry: entry[0]))
    return [section for section in built if section is not None and section.links]
