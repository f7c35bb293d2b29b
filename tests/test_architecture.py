"""Domain rules and models never import a chat platform or the scheduler; handlers and channels
import no SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("telegram", "apscheduler", "httpx", "aiohttp", "channels", "handlers", "scheduler", "bot")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["services", "models", "core"])
def test_inner_layers_do_not_import_platforms_or_scheduler(layer: str) -> None:
    offenders = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for module in imported_modules(path):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_handlers_know_no_platform() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "handlers").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in ("telegram", "httpx", "aiohttp", "channels", "apscheduler")
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", ["handlers", "channels"])
def test_handlers_and_channels_build_no_sql(layer: str) -> None:
    """Queries live in services/ (one helper per lookup); the edge only calls them."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] == "sqlalchemy"
    ]
    assert offenders == []


def test_the_walker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import telegram.ext\nfrom apscheduler.schedulers import asyncio\n")
    assert imported_modules(sample) == {"telegram.ext", "apscheduler.schedulers"}
