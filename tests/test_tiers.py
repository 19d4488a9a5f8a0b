"""`make test-fast` leaves out the slow tiers by marker: the markers must cover every slow test."""

import ast
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import UnmarkedProcessError
from tests.test_first_run import top_level_imports

ROOT = Path(__file__).resolve().parent.parent
# A module that imports one of these is slow as a whole and belongs to the tier.
TIER_OF_IMPORT = {"selenium": "browser", "schemathesis": "fuzz"}


def module_marks(tree: ast.Module) -> set[str]:
    """Return the names of the `pytest.mark.<name>` in a module's `pytestmark`."""
    marks = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            for sub in ast.walk(node.value):
                if isinstance(sub, ast.Attribute) and getattr(sub.value, "attr", None) == "mark":
                    marks.add(sub.attr)
    return marks


def test_modules_using_a_browser_or_a_fuzzer_are_in_that_tier():
    unmarked = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for module, tier in TIER_OF_IMPORT.items():
            if module in top_level_imports(tree) and tier not in module_marks(tree):
                unmarked.append(f"{path.relative_to(ROOT)} imports {module} but is not marked {tier}")
    assert unmarked == []


def test_a_test_outside_the_process_tiers_cannot_start_a_process():
    with pytest.raises(UnmarkedProcessError, match="test_a_test_outside_the_process_tiers.*mark it `server`"):
        subprocess.run(["true"], check=False)


@pytest.mark.server
def test_a_server_test_may_start_a_process():
    assert subprocess.run(["true"], check=False).returncode == 0


def test_make_test_fast_deselects_registered_markers_only():
    """A misspelt marker in the Makefile would select nothing and let the slow tests in silently."""
    (tiers,) = re.findall(r"^SLOW_TIERS := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    registered = {line.split(":")[0] for line in pytest_options["markers"]}
    assert set(tiers.split(" or ")) == {"browser", "fuzz", "server"}
    assert set(tiers.split(" or ")) <= registered
