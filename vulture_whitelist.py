"""Names vulture (``make lint``) cannot see used: read by a framework, a template or the database.

Each is named as vulture's ``--make-whitelist`` writes it; the comment says who uses it.
"""

# ruff: noqa
# mypy: ignore-errors
_ = object()

# SQLAlchemy: columns written through the constructor or read by the database, and the type decorator's API
placed_by, placed_at, lifted_by, granted_at, applied_by_id, archived_at, assigned_by_id, assigned_at
granted_by_id, recorded_by_id, done_by_id, approved_by_body, opened_by_id, connected_at, connected_by
stored_at, processed_at, last_used_at
_.lifted_by, _.archived_at, _.approved_by_body, _.done_by_id, _.connected_at, _.connected_by
type_annotation_map, impl, cache_ok, _.process_bind_param, _.process_result_value, _.isolation_level

# The allowed values of a status column, listed with the table (the services write them as literals)
CASE_STATUSES, TASK_STATUSES, POLICY_STATUSES, EVENT_STATES

# pydantic: model configuration and fields of API answers
model_config, next_offset, instance

# Jinja templates: fields of the rows the pages show
person_name, last_on, thread_text, height, css, may_activate

# http.server and aiosmtpd: the stand-in Graph API, the OIDC stub and the test mail server
protocol_version, do_GET, do_POST, do_DELETE, _.do_GET, _.do_POST, _.log_message, _.daemon_threads
_.handle_RCPT, _.handle_DATA, _.should_exit

# pytest: plugins of the test suite
pytest_plugins

# bench/check_throughput.py: set on a module for the comparison with Presidio
_.TLD_EXTRACTOR, _.nlp

# Set on rows that SQLAlchemy writes; strings marked for the catalogues (the workflow notes on the guideline page)
_.password_changed_at, _.used_at, WORKFLOWS, REGISTRY_PROBLEMS

# html.parser.HTMLParser callbacks (tests/web/test_web_every_page_language.py); fixtures used for their effect
_.handle_starttag, _.handle_endtag, _.handle_data, cli_engine

# lxml.etree.Resolver.resolve: the signature lxml calls
pubid

# Publishing: a report field printed by name, the list of approval acts (documentation of the column), a column
_.recovered, recovered, STEP_ACTS, _.idempotency_key, idempotency_key
# Python: a module's __getattr__ (PEP 562) answers `lexicon.FILES`, read on first use
__getattr__

# typer: read when it builds a command (cli/__init__.py builds `check` alone from a copy of the app)
_.registered_groups

# Python: the name a function gives in tracebacks and error messages (analysis/signals.py: Signal.__init__)
_.__qualname__
