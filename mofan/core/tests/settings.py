"""Test settings: the project's, plus a ledger that exists only in test code."""

from mofan.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "mofan.core.tests.testledger"]  # noqa: F405
ROOT_URLCONF = "mofan.core.tests.urls"

# Background tasks run at once in tests (the worker is exercised by the database backend's
# own tests; ours check what a task does and what its user sees).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
