"""Persistent records: the database engine, the models and their migrations.

Storage only; the business rules that decide what may be written live in :mod:`rettesnor.governance`.
"""
