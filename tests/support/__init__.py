"""Helpers and fixtures the tests share (``conftest.py`` loads ``support.dbsupport`` as a plugin)."""
