"""Telling people: the e-mails of the outbox (:mod:`rettesnor.notify.mail`).

The services only owe a notification (:mod:`rettesnor.governance.notices`, inside their transaction);
this package writes it in the organisation's language and sends it, from ``rettesnor mail send``.
"""
