"""Governance: the business rules about organisations, people, accounts, consents and the guideline.

Each module is a set of small service functions that take a SQLAlchemy ``Session`` and the tenant
(an :class:`~rettesnor.records.models.Organisation`). Every query is filtered by the tenant. A function
that changes something runs in a savepoint: when it raises a :class:`GovernanceError`, nothing changed.
"""
