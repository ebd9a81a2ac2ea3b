"""Rettesnor: a public body's social-media guideline as software.

Data flows one way: source -> :class:`~rettesnor.item.Item` -> :mod:`rettesnor.analysis`
(signals with evidence) -> :mod:`rettesnor.policy` (findings per the organisation's pack) -> use.
"""

__version__ = "0.1.0"
