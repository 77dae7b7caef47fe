"""What the test modules share, by concept; no test module imports another.

Plain helpers are imported from these modules (`from tests.helpers.workflow import advance`). Fixtures
shared by several modules live in the `fixtures_*` modules, which tests/conftest.py loads with
`pytest_plugins`: a test asks for them by name and never imports them. tests/test_layout.py fails if a
module imports a `test_*` module or a conftest.
"""
