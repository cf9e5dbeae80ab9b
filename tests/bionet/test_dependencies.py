"""What depends on what is visible in the imports, and it flows one way.

Models, querysets and services import only the apps below them:
orgs <- clusters <- news <- agreements <- network. Pages (views, filters, exports, admin,
templates) may combine any apps, openly. Nothing looks a model or module up by name to hide a
dependency from readers and tools.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["orgs", "clusters", "news", "agreements", "network"]
# The modules that hold models, querysets, services and computations (not pages).
CORE_MODULES = [
    "orgs/models.py",
    "orgs/services.py",
    "orgs/search.py",
    "clusters/models.py",
    "clusters/maps.py",
    "news/models.py",
    "news/services.py",
    "news/signals.py",
    "news/mentions.py",
    "news/text.py",
    "agreements/models.py",
    "agreements/services.py",
    "agreements/signals.py",
    "network/models.py",
    "network/graph.py",
    "network/metrics.py",
    "network/drawing.py",
    "network/files.py",
    "network/cache.py",
]
HIDDEN_DEPENDENCY = re.compile(
    r"apps\.get_model\(|import_module\(|get_field\([^)]*\)\.related_model|__import__\("
)


def source_files():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "bench", "scripts"}:
            continue
        # Migrations work on historical models, which only a lookup by name can give.
        if "migrations" in relative.parts:
            continue
        yield relative


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def test_no_module_looks_up_a_model_or_module_by_name():
    hidden = [
        f"{path}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate((ROOT / path).read_text().splitlines(), 1)
        if HIDDEN_DEPENDENCY.search(line)
    ]
    assert hidden == []


@pytest.mark.parametrize("path", CORE_MODULES)
def test_models_querysets_and_services_import_only_the_apps_below_them(path):
    app = path.split("/")[0]
    below = set(LAYERS[: LAYERS.index(app)])
    assert imported_apps(Path(path)) - {app} <= below


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The import check itself: a model importing an app above it is found."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "models.py").write_text("from agreements.models import Agreement\n")
    assert imported_apps(Path("orgs/models.py")) == {"agreements"}
