"""The web application: the REST API under ``/api/v1`` and the server-rendered pages (see docs/web.md).

``from rettesnor.web.app import create_app``; this package imports nothing heavy, so that the CLI's
other commands do not pay for FastAPI.
"""
