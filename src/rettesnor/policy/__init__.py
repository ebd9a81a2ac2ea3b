"""Policy: the packs (an organisation's guideline as rules), their evaluation over signals, and their
documentation and coverage. Pure: no database, no I/O but reading the packs."""
