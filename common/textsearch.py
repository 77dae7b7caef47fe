"""Matching typed text the way people expect: upper and lower case and accents do not matter, on both databases.

`field__folded_contains="nunez"` finds "Ana Núñez" and "NÚÑEZ", on PostgreSQL and on SQLite:

- PostgreSQL: `caredesk_unaccent(column) ILIKE caredesk_unaccent('%nunez%')`. ILIKE folds case by
  the database's locale (Unicode-aware); `caredesk_unaccent` is an IMMUTABLE wrapper around the
  `unaccent` extension (migration customers/0004), because `unaccent` itself is only STABLE and
  PostgreSQL indexes immutable expressions only. Trigram indexes on `caredesk_unaccent(column)`
  answer the match, so write the lookup on the column itself, never on an expression of it.
- SQLite (`make run`): LIKE and lower() fold ASCII only, so "CAFÉ" never matched "café".
  `caredesk_fold`, registered on every new SQLite connection (`register_sqlite_functions`, connected
  to `connection_created` by config/apps.py), does in Python what the PostgreSQL side does:
  accents off, then str.casefold; the query compares the folded column with the folded pattern.

`ILike` and `EqualsAny` are the PostgreSQL building blocks the searches use for index-backed ORs.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Lookup, TextField
from django.db.models.sql.compiler import SQLCompiler

SQLITE_FOLD_FUNCTION = "caredesk_fold"
POSTGRESQL_UNACCENT_FUNCTION = "caredesk_unaccent"

# Latin letters that Unicode does not decompose into a base letter and an accent, spelled as
# PostgreSQL's unaccent rules spell them, so both databases agree ("Søren" → "soren", "Łódź" → "lodz").
_UNDECOMPOSED = str.maketrans(
    {
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "TH",
        "þ": "th",
    }
)


def fold(text: str) -> str:
    """Return `text` without accents and in folded case, for comparing what people type ("Núñez" → "nunez")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _sqlite_fold(value: Any) -> Any:
    # SQLite passes NULL as None and may pass numbers; only text is folded.
    return fold(value) if isinstance(value, str) else value


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give a new SQLite connection the `caredesk_fold` function (deterministic, so SQLite may optimise it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, _sqlite_fold, deterministic=True)


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class FoldedContains(Lookup):  # type: ignore[type-arg]
    """`column__folded_contains=text`: the column contains `text`, whatever the case and accents of either."""

    lookup_name = "folded_contains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        return "%s", [like_pattern(str(value))]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        fold_sql = SQLITE_FOLD_FUNCTION
        return f"{fold_sql}({lhs_sql}) LIKE {fold_sql}({rhs_sql}) ESCAPE '\\'", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        unaccent = POSTGRESQL_UNACCENT_FUNCTION
        return f"{unaccent}({lhs_sql}) ILIKE {unaccent}({rhs_sql})", [*lhs_params, *rhs_params]


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)


class ILike(Lookup):  # type: ignore[type-arg]
    """`lhs ILIKE rhs`: unlike Django's icontains (UPPER(col) LIKE …) a trigram index on the column can answer it."""

    lookup_name = "ilike"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", [*lhs_params, *rhs_params]


class EqualsAny(Lookup):  # type: ignore[type-arg]
    """`lhs = ANY(rhs)` for an array: an index on lhs can answer it, even inside an OR."""

    lookup_name = "equals_any"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", [*lhs_params, *rhs_params]
