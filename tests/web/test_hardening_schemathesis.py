"""Issue 15: schemathesis runs the OpenAPI document (``/api/v1/openapi.json``) against the application, every
operation, with valid and invalid data (bounded examples), signed in with a token of every scope: no answer is
a server error.

The application runs in-process (ASGI) on a demo database of its own, so the decisions and checks it makes
do not touch other tests' data. ``RETTESNOR_SCHEMATHESIS_EXAMPLES`` sets the examples per operation and mode.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis import GenerationMode

from rettesnor.records import migrate
from rettesnor.records.db import make_engine
from support.webapp import api_token, load_demo, make_app

EXAMPLES = int(os.environ.get("RETTESNOR_SCHEMATHESIS_EXAMPLES", "12"))
FOLDER = Path(tempfile.mkdtemp(prefix="rettesnor-schemathesis-"))
ENGINE = make_engine(f"sqlite:///{FOLDER / 'api.db'}")
migrate.upgrade(ENGINE)  # the application checks the schema version when it is made; the data comes below
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", make_app(ENGINE))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    no_shrink=True,
    deterministic=True,
)
_AUTH: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def demo_data() -> Iterator[None]:
    load_demo(ENGINE)
    _AUTH["Authorization"] = f"Bearer {api_token(ENGINE, 'hjorring')}"
    yield
    ENGINE.dispose()
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
def test_no_operation_answers_with_a_server_error(case: Any) -> None:
    response = case.call(headers=_AUTH)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
