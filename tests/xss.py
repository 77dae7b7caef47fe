"""The markup payloads and the escaping checks, under the names the view tests know them by.

They live in tests/payloads.py, the one hostile-input corpus; this module only re-exports them.
"""

from __future__ import annotations

from tests.payloads import DANGEROUS, PAYLOADS, assert_never_raw, assert_shown_escaped

__all__ = ["DANGEROUS", "PAYLOADS", "assert_never_raw", "assert_shown_escaped"]
