"""Platform connectors: Facebook Pages and Instagram through Meta's Graph API.

Webhooks in (:mod:`.webhooks`, verified and queued durably by :mod:`.events`), moderation actions out
(:mod:`.meta_client`, behind the small :mod:`.connector` interface), page tokens encrypted at rest
(:mod:`.tokens`), and a local Graph API stand-in for tests and demos (:mod:`.standin`).
"""
