"""Publishing through Rettesnor (issue 18): compose, check, approve, publish and archive a post.

- :mod:`rettesnor.publishing.service`: drafts, the check through :mod:`rettesnor.governance.checking`,
  the gates of the pack (blocking findings, acknowledgements, designated authors, approval, crisis, override).
- :mod:`rettesnor.publishing.publisher`: the durable queue and the publisher (Graph API, retries,
  idempotent after a crash), the archive record of what went out, the mail when it fails.
- :mod:`rettesnor.publishing.media`: short-lived signed URLs from which Meta fetches the photos.
"""
