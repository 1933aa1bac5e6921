"""Test settings: the project's, plus a ledger that exists only in test code."""

from mofan.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "mofan.core.tests.testledger"]  # noqa: F405
ROOT_URLCONF = "mofan.core.tests.urls"
