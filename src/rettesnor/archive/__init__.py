"""The public-records archive: every message sent and received, immutable, tamper-evident, searchable.

``ingest`` is the one door in (CLI import, REST, webhooks); ``chain.verify`` recomputes the hash chain;
``search``, ``retention``, ``snapshot`` and ``export`` work on what was stored.
"""
