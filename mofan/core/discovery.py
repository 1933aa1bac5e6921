"""Finding what apps declare in modules of a known name (indicators.py, facts.py, demo.py):
core names no app, it imports ``<app>.<name>`` of every mofan app that has one."""

from importlib import import_module

from django.apps import apps


def import_app_modules(name: str) -> list:
    """The ``<app>.<name>`` module of every installed mofan app that has one, in the order
    the apps are installed (an error inside such a module is raised, not skipped)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            found.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return found
