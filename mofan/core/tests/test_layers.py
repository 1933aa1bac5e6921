"""The layer contracts (pyproject.toml, run by `lint-imports` in `make test`) only guard
the modules they name: every app must be in a layer, and every module of core and of
the base apps too, so a new module cannot slip past them."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SPLIT = ("orgs", "accounts", "audit", "core")  # apps whose modules sit in different layers


def layered_modules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"]
                 if c["type"] == "layers"]
    return {m.strip() for layer in layers for m in layer.replace(":", "|").split("|")}


def test_every_app_is_in_a_layer():
    layered = layered_modules()
    apps = [p.name for p in (ROOT / "mofan").iterdir() if (p / "apps.py").exists()]
    assert apps and [a for a in apps if a not in SPLIT and f"mofan.{a}" not in layered] == []


def test_every_module_of_core_and_the_base_apps_is_in_a_layer():
    layered = layered_modules()
    missing = []
    for app in SPLIT:
        for path in (ROOT / "mofan" / app).iterdir():
            name = path.stem
            if name.startswith(("_", ".")) or name in ("tests", "migrations", "templates",
                                                        "static"):
                continue
            is_module = path.suffix == ".py" or (path / "__init__.py").exists()
            if is_module and f"mofan.{app}.{name}" not in layered:
                missing.append(f"mofan.{app}.{name}")
    assert missing == []
