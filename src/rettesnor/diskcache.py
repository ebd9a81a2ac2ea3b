"""What start-up keeps on disk between runs: results that take long to build and depend only on files.

`rettesnor check` on one text used to spend most of its time building the same things at every start:
compiling the word lists' trie regexes (≈ 0.1 s) and validating the pack chain with pydantic. Both
depend only on data files and on the code that builds them, so the first run stores its result here and
later runs read it back (issue 17, see docs/engine.md "Start-up").

How it stays correct:

* Every entry is stored under a key that hashes everything its result depends on: the input files'
  bytes or the values built from them, the source of the module that builds it, and the Python
  version (a regex's compiled form and Unicode's tables change between versions). A change to any of
  them gives another key: the entry is not found and the result is built and stored again.
* An entry is JSON, never pickle; a file that cannot be read or parsed counts as missing, and every
  reader checks the shape of what it gets and falls back to building the result.
* A write goes to a temporary file renamed into place (atomic on POSIX): two processes starting at
  once never read half a file. Older entries of the same name are removed when a new one is written.
* Failing to write (a read-only home, a full disk) is ignored: the command only starts slower.

The folder is ``$RETTESNOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/rettesnor``, else ``~/.cache/rettesnor``;
``RETTESNOR_CACHE_DIR=`` (empty) turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ENV_FOLDER = "RETTESNOR_CACHE_DIR"
# Part of every key: bump it when the layout of the entries changes.
FORMAT = "1"


def folder() -> Path | None:
    """Where entries are kept, or None when the cache is turned off (or there is no home)."""
    chosen = os.environ.get(ENV_FOLDER)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "rettesnor"
    try:
        return Path.home() / ".cache" / "rettesnor"
    except RuntimeError:  # no home directory to be found
        return None


def key(*parts: str | bytes) -> str:
    """A key for a result built from ``parts`` (each one length-prefixed, so no two lists collide)."""
    digest = hashlib.sha256()
    for part in (FORMAT, sys.implementation.name, sys.version, *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


def source_of(module_file: str | None) -> bytes | None:
    """The source of a module (part of the keys of what it builds), None when it is not at hand."""
    if not module_file or not module_file.endswith(".py"):
        return None
    try:
        return Path(module_file).read_bytes()
    except OSError:
        return None


def _path(name: str, entry_key: str) -> Path | None:
    where = folder()
    return None if where is None else where / f"{name}.{entry_key}.json"


def load(name: str, entry_key: str) -> Any:
    """The entry stored as ``name`` under ``entry_key``, or None when there is none to be read."""
    path = _path(name, entry_key)
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def store(name: str, entry_key: str, value: Any) -> None:
    """Store ``value`` (JSON) as ``name`` under ``entry_key``, replacing the older entries of ``name``."""
    path = _path(name, entry_key)
    if path is None:
        return
    import tempfile  # only when writing (it imports random, shutil …)

    try:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{name}.*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        return


# --------------------------------------------------------------------------------------------------
# Compiled regular expressions
#
# Python cannot save a compiled pattern, and `re.compile` parses and compiles in Python: 60 ms for the
# word lists' 39,000-character trie. What the C engine is given at the end (`_sre.compile`: the
# pattern, its flags, the compiled code as a list of integers and its groups) is plain data, so it is
# stored, and a later run hands the same data to `_sre.compile`, which checks the code before it uses
# it. These are CPython's own steps (`re._compiler.compile`); should they change, the entry is not
# used (the Python version is part of every key) or rebuilding fails and `re.compile` is used.


def regex_state(source: str) -> dict[str, Any] | None:
    """What `_sre.compile` is given for ``source`` (no flags), as JSON data; None off CPython."""
    if sys.implementation.name != "cpython":
        return None
    try:
        import re._compiler
        import re._parser

        parsed = re._parser.parse(source, 0)
        code = re._compiler._code(parsed, 0)
        groupindex = dict(parsed.state.groupdict)
        return {
            "pattern": source,
            "flags": parsed.state.flags,
            "code": list(code),
            "groups": parsed.state.groups - 1,
            "groupindex": groupindex,
        }
    except Exception:  # an interpreter whose internals differ: no state, plain compile
        return None


def regex_from_state(state: Any, source: str) -> re.Pattern[str] | None:
    """The compiled pattern of ``source`` rebuilt from its stored state, None when that cannot be done."""
    if not isinstance(state, dict) or state.get("pattern") != source:
        return None
    try:
        import _sre

        groupindex = {str(k): int(v) for k, v in state["groupindex"].items()}
        indexgroup: list[str | None] = [None] * (int(state["groups"]) + 1)
        for name, index in groupindex.items():
            indexgroup[index] = name
        compiled: re.Pattern[str] = _sre.compile(
            source, int(state["flags"]), state["code"], int(state["groups"]),
            groupindex, tuple(indexgroup),
        )  # fmt: skip
        return compiled
    except Exception:  # bad data or other internals: the caller compiles
        return None


def compile_regex(source: str, state: Any = None) -> tuple[re.Pattern[str], dict[str, Any] | None]:
    """``re.compile(source)``, from ``state`` when it is one; and the state to store (None when the
    pattern came from ``state`` or none can be made)."""
    rebuilt = regex_from_state(state, source) if state is not None else None
    if rebuilt is not None:
        return rebuilt, None
    fresh = regex_state(source)
    built = regex_from_state(fresh, source) if fresh is not None else None
    if built is None:
        return re.compile(source), None
    return built, fresh
