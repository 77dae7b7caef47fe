"""The test suite's own layout: no module under tests/ imports a test module or a conftest.

What several modules share lives in tests/helpers/: plain helpers, imported from there, and fixtures in
its `fixtures_*` modules, loaded by `pytest_plugins` in tests/conftest.py and asked for by name. Importing
from a test module instead ties two test files together (renaming a helper in one breaks the other), and
an imported `test_*` function is collected and run a second time in the importing module.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Every way of importing a test module or a conftest, and one import that is fine, in a module of tests.helpers.
SAMPLE = """
import tests.test_a
from tests.test_b import x
from tests import test_c as c
from . import test_d
from .conftest import PASSWORD
def f():
    from tests.browser.test_e import y
from tests.helpers.workflow import advance
"""


def wrong_imports(source: str, package: str) -> list[tuple[int, str]]:
    """Return (line, module) of each test module or conftest that `source`, a module of `package`, imports."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing module's package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # `from tests import test_c` names the module among the imported names.
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [
        (line, name)
        for line, name in found
        if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith(("test_", "conftest"))
    ]


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    # The check itself sees every way of writing such an import, and lets helpers through.
    assert {name for _, name in wrong_imports(SAMPLE, "tests.helpers")} == {
        "tests.test_a",
        "tests.test_b",
        "tests.test_c",
        "tests.helpers.test_d",
        "tests.helpers.conftest",
        "tests.browser.test_e",
    }

    wrong = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in wrong_imports(path.read_text(), ".".join(path.relative_to(TESTS.parent).parent.parts))
    ]
    assert wrong == [], "share it through tests/helpers/ instead:\n" + "\n".join(wrong)
