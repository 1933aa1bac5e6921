"""A ledger defined only in test code (installed by ``mofan.core.tests.settings``): it
proves a new ledger needs no edit in core — model, registration, screens, urls and one
extra step, nothing else (docs/ledgers.md walks through the same steps)."""
