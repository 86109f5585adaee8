"""Every package the bot imports is one `pip install .` brings: a declared dependency of
pyproject.toml or one of theirs. The dev tools install more (mkdocs brings Jinja2, for one),
so a missing declaration passes every other test and breaks the README's first command."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: imported only where the tests or the demo's emulator run, never by the bot in production
TEST_ONLY = {"pytest"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _installed_by(declared: set[str]) -> set[str]:
    """The declared distributions and everything they require, transitively."""
    seen: set[str] = set()
    todo = list(declared)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:  # a requirement for other Pythons (a marker): not here
            continue
        for requirement in needs:
            if "extra ==" not in requirement:
                todo.append(_name(requirement))
    return seen


def test_every_import_of_the_bot_is_installed_by_pip_install_dot() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    declared = {_name(r) for r in project["project"]["dependencies"]}
    installed = _installed_by(declared)
    owners = packages_distributions()
    missing: dict[str, str] = {}
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "bot" or top in sys.stdlib_module_names or top in TEST_ONLY:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & installed:
                    missing[top] = str(path.relative_to(ROOT))
    assert missing == {}, "declare these in pyproject.toml's dependencies"
