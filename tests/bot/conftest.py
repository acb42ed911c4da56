"""Bot tests run in the Rasa environment (.venvs/rasa); elsewhere they are not collected."""

from __future__ import annotations

import importlib.util

# The app environment (pydantic 2) has no rasa_sdk: the lead's `make test` runs
# tests/bot with .venvs/rasa/bin/python -m pytest tests/bot.
if importlib.util.find_spec("rasa_sdk") is None:
    collect_ignore_glob = ["*"]


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Rasa 3.6 and its pins (TensorFlow, pkg_resources, SQLAlchemy 1.4) warn on import;
    the repo-wide `filterwarnings = error` stays for our own code outside bot/."""
    import pytest

    for item in items:
        if "tests/bot/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::PendingDeprecationWarning"))
            # Rasa always emits this one itself (rasa/utils/common.py EXPECTED_WARNINGS).
            item.add_marker(pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed:UserWarning"))
