"""What a newcomer meets first: `make run` installs only what the gateway runs on and prints its URLs."""

import ast
import contextlib
import os
import shlex
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest
from django.db import connection
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"gateway", "plugins"}
# make's `?=` would take a GATEWAY_PUBLIC_URL from the caller's environment over the one built from PORT.
MAKE_ENV = {name: value for name, value in os.environ.items() if name != "GATEWAY_PUBLIC_URL"}


def dependency_closure(requirements: list[str]) -> set[str]:
    """Return the distributions these requirements install, following each one's own requirements."""
    names: set[str] = set()
    seen: set[tuple[str, frozenset]] = set()
    pending = [(Requirement(line), frozenset()) for line in requirements]
    while pending:
        requirement, wanted_extras = pending.pop()
        environments = [{"extra": extra} for extra in wanted_extras or {""}]
        if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
            continue
        name, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        names.add(name)
        # A requirement not installed here is for another platform or Python: nothing can import it.
        with contextlib.suppress(PackageNotFoundError):
            pending += [(Requirement(line), extras) for line in requires(name) or []]
    return names


def top_level_imports(tree: ast.Module) -> set[str]:
    """Return the top-level names of a module's absolute imports, wherever in the module they are."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def imported_top_level_names(folder: Path) -> dict[str, str]:
    """Return {top-level module: first file importing it} for every absolute import under `folder`."""
    names: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for module in sorted(top_level_imports(ast.parse(path.read_text(), str(path)))):
            names.setdefault(module, str(path.relative_to(ROOT)))
    return names


def test_the_gateway_imports_only_its_runtime_dependencies():
    """`make run` installs `pip install -e .`: an import of a dev extra would crash it on a fresh clone."""
    # The `otel` extra is imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set (gateway/ops/traces.py;
    # tests/gateway/ops/test_metrics.py proves it is not imported otherwise).
    runtime = dependency_closure(PROJECT["dependencies"]) | dependency_closure(PROJECT["optional-dependencies"]["otel"])
    distributions = packages_distributions()
    outside = {}
    for folder in sorted(FIRST_PARTY):
        for module, path in imported_top_level_names(ROOT / folder).items():
            if module in sys.stdlib_module_names or module in FIRST_PARTY:
                continue
            providers = {canonicalize_name(name) for name in distributions.get(module, [module])}
            if not providers & runtime:
                outside[module] = path
    assert outside == {}, f"imported by the gateway but not a runtime dependency: {outside}"


def test_the_dev_extras_are_what_the_runtime_lacks():
    """The split is real: the test tools stay out of `make run`'s install."""
    # The `otel` extra is imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set (gateway/ops/traces.py;
    # tests/gateway/ops/test_metrics.py proves it is not imported otherwise).
    runtime = dependency_closure(PROJECT["dependencies"]) | dependency_closure(PROJECT["optional-dependencies"]["otel"])
    for tool in ["pytest", "selenium", "schemathesis", "ruff", "mcp"]:
        assert canonicalize_name(tool) not in runtime
        assert any(Requirement(line).name == tool for line in PROJECT["optional-dependencies"]["dev"])


def dry_run(target: str, **variables: str) -> list[str]:
    """Return the commands `make <target>` would run from scratch (-B: as if nothing were installed)."""
    assignments = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target, *assignments],
        cwd=ROOT,
        env=MAKE_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def pip_installs(commands: list[str]) -> list[list[str]]:
    return [shlex.split(line) for line in commands if " pip install" in line]


@pytest.mark.server
def test_make_run_installs_the_project_without_extras_and_make_test_adds_them():
    run_installs = pip_installs(dry_run("run"))
    assert run_installs and all(command[-1] == "." for command in run_installs)
    assert ".[dev,otel]" in {command[-1] for command in pip_installs(dry_run("test"))}
    assert ".[dev,otel]" in {command[-1] for command in pip_installs(dry_run("install"))}  # .ci/run's install


@pytest.mark.server
@pytest.mark.django_db
def test_the_banner_of_make_run_names_the_port_it_serves():
    (banner,) = [line for line in dry_run("run", PORT="8123", PY=sys.executable) if "manage.py plugins" in line]
    database = connection.settings_dict
    env = {
        **MAKE_ENV,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    result = subprocess.run(banner, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S602
    assert result.returncode == 0, result.stderr
    assert "todo\tyes\tnone\thttp://localhost:8123/plugins/todo/\thttp://todo.localhost:8123/" in result.stdout
    assert ":8000" not in result.stdout
