"""The layer contracts (pyproject.toml, run by `lint-imports` in `make test`) guard the
modules they name; these tests cover what a fixed list cannot: every module of core and
of the base apps is placed in a layer, and no module of theirs imports any other app
installed — including one added later without touching pyproject.toml."""

import tomllib
from pathlib import Path

import grimp
from django.apps import apps

ROOT = Path(__file__).resolve().parents[3]
BELOW = ("orgs", "accounts", "audit", "core")  # core and the base apps: split into layers
SKIP = ("tests", "migrations", "templates", "static")


def layered_modules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"]
                 if c["type"] == "layers"]
    return {m.strip() for layer in layers for m in layer.replace(":", "|").split("|")}


def test_every_module_of_core_and_the_base_apps_is_in_a_layer():
    layered = layered_modules()
    missing = []
    for app in BELOW:
        for path in (ROOT / "mofan" / app).iterdir():
            name = path.stem
            if name.startswith(("_", ".")) or name in SKIP:
                continue
            is_module = path.suffix == ".py" or (path / "__init__.py").exists()
            if is_module and f"mofan.{app}.{name}" not in layered:
                missing.append(f"mofan.{app}.{name}")
    assert missing == []


def _apps_above():
    return {c.name for c in apps.get_app_configs()
            if c.name.startswith("mofan.") and c.name.split(".")[1] not in BELOW}


def _imports(graph, prefixes):
    for module in graph.modules:
        if module.startswith(prefixes) and not set(module.split(".")) & set(SKIP):
            for imported in graph.find_modules_directly_imported_by(module):
                yield module, imported


def test_core_and_the_base_apps_import_no_installed_app_above_them():
    graph = grimp.build_graph("mofan")
    above = tuple(_apps_above())
    below = tuple(f"mofan.{a}" for a in BELOW)
    assert above  # the domain apps and the test ledger are found
    upward = [(m, i) for m, i in _imports(graph, below) if i.startswith(above)]
    assert upward == []


def test_the_domain_apps_import_one_another_not_at_all():
    graph = grimp.build_graph("mofan")
    above = sorted(_apps_above())
    crossing = [(m, i) for m, i in _imports(graph, tuple(above))
                for other in above
                if i.startswith(other + ".") and not m.startswith(other + ".")]
    assert crossing == []
