"""Load packs from YAML: resolve ``extends``, apply ``overrides``/``disable``/``replaces``.

A broken pack fails with :class:`PackError`: the file, the line and what is wrong, on one line.

A resolved pack is kept in the start-up cache (:mod:`rettesnor.diskcache`): reading and validating a
pack chain with pydantic is a good part of the start-up of `rettesnor check` (issue 17). The entry holds
every file of the chain with its SHA-256 and the name its ``extends`` was found by; it is used only
when each file still has those bytes and each name still leads to the same file, and its key covers
the code that validates (this module, the models, the signal and kind names they accept, pydantic's
version). The pack is rebuilt from it with ``model_construct`` (no validation: it passed validation
when it was stored, and a stored entry is checked to rebuild equal to the validated pack).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic import BaseModel, ValidationError

from rettesnor import diskcache, item
from rettesnor.analysis import signals
from rettesnor.item import InputError
from rettesnor.policy import model
from rettesnor.policy.model import ClauseNote, ClauseRef, Example, LawRef, Pack, PackFile, Parameters, Rule

if TYPE_CHECKING:
    import yaml

BUILTIN_DIR = Path(str(resources.files("rettesnor") / "packs"))


class PackError(InputError):
    """A pack that cannot be used; the message names file, line and problem."""


def builtin_packs() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def _locate(name_or_path: str, beside: Path | None = None) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return candidate
    for folder in (beside, BUILTIN_DIR):
        if folder is not None and (folder / f"{name_or_path}.yaml").is_file():
            return folder / f"{name_or_path}.yaml"
    if candidate.is_dir():
        raise PackError(f"{name_or_path} is a folder, not a pack; give a pack name or a pack's .yaml file")
    if candidate.is_file():
        raise PackError(
            f"{name_or_path} is not a pack file: a pack is a .yaml or .yml file "
            f"(built-in packs: {', '.join(builtin_packs())})"
        )
    raise PackError(f"unknown pack {name_or_path!r}; built-in packs: {', '.join(builtin_packs())}")


def _to_python(
    node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int], scalars: yaml.SafeLoader
) -> Any:
    """Convert a composed YAML node to Python, remembering the line of every key path."""
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)  # a key's own line wins over its value's
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, (*path, "<key>"), {}, scalars)
            if key in out:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, (*path, key), lines, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*path, i), lines, scalars) for i, v in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)


def _line_of(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return 1


def read_pack_file(path: Path) -> PackFile:
    # yaml is imported here: a pack read from the start-up cache needs no YAML (≈ 10 ms, issue 17).
    import yaml

    # libyaml's parser where it is installed: a pack is read at every start of `rettesnor check`.
    composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read pack: {exc}") from None
    lines: dict[tuple[Any, ...], int] = {}
    try:
        node = yaml.compose(raw_text, Loader=composer)
        scalars = yaml.SafeLoader("")  # one constructor for every scalar of the file
        try:
            data = _to_python(node, (), lines, scalars) if node is not None else None
        finally:
            scalars.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PackError(f"{where}: invalid YAML: {exc.problem}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}:1: a pack is a mapping with at least 'pack', 'title', 'language', 'country'")
    if data.get("country") is False:  # YAML 1.1 reads a bare NO as false ("the Norway problem")
        raise PackError(f'{path}:{lines.get(("country",), 1)}: country: write "NO" in quotes')
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "pack"
        msg = err["msg"].removeprefix("Value error, ")
        raise PackError(f"{path}:{_line_of(loc, lines)}: {field}: {msg}") from None


def _apply_overrides(rules: dict[str, Rule], pf: PackFile, path: Path) -> None:
    for code, changes in pf.overrides.items():
        if code not in rules:
            raise PackError(f"{path}: overrides: no inherited rule {code!r} to override")
        try:
            rules[code] = Rule.model_validate({**rules[code].model_dump(), **changes})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise PackError(f"{path}: overrides.{code}: {err['msg'].removeprefix('Value error, ')}") from None
    for code in pf.disable:
        if rules.pop(code, None) is None:
            raise PackError(f"{path}: disable: no inherited rule {code!r}")


def _resolve(path: Path, seen: tuple[Path, ...]) -> Pack:
    if path.resolve() in seen:
        raise PackError(f"{path}: extends: circular inheritance through {path.stem!r}")
    pf = read_pack_file(path)
    parent = _resolve(_locate(pf.extends, path.parent), (*seen, path.resolve())) if pf.extends else None
    rules: dict[str, Rule] = {r.code: r for r in parent.rules} if parent else {}
    origin = dict(parent.origin) if parent else {}
    _apply_overrides(rules, pf, path)
    for rule in pf.rules:
        replaced = [r for r in (rules.pop(old, None) for old in rule.replaces) if r is not None]
        if not rule.statutes and any(r.statutes for r in replaced):
            rule = rule.model_copy(update={"statutes": _merged_law(replaced)})
        if rule.code in rules and rule.code not in rule.replaces:
            raise PackError(f"{path}: rule {rule.code} is inherited; use 'overrides' or 'replaces'")
        rules[rule.code] = rule
        origin[rule.code] = pf.pack
    params = {**(parent.parameters.model_dump() if parent else {}), **pf.parameters}
    try:
        parameters = Parameters.model_validate(params)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise PackError(f"{path}: parameters.{field}: {err['msg']}") from None
    _check_deletion_grounds(list(rules.values()), parameters, path)
    inherited = {(c.id, c.kind): c for c in (parent.clauses if parent else [])}
    clauses = inherited | {(c.id, c.kind): c for c in pf.clauses}
    return Pack(
        name=pf.pack,
        chain=[pf.pack, *(parent.chain if parent else [])],
        title=pf.title,
        language=pf.language,
        country=pf.country,
        clause_prefix=pf.clause_prefix or (parent.clause_prefix if parent else None),
        source=pf.source,
        parameters=parameters,
        rules=sorted(rules.values(), key=lambda r: r.code),
        clauses=list(clauses.values()),
        origin=origin,
    )


def _merged_law(rules: list[Rule]) -> dict[str, str]:
    """The law citations of the replaced rules, per country ("straffeloven § 263; straffeloven § 185")."""
    out: dict[str, list[str]] = {}
    for rule in rules:
        for country, ref in rule.statutes.items():
            if ref not in out.setdefault(country, []):
                out[country].append(ref)
    return {country: "; ".join(refs) for country, refs in out.items()}


def _check_deletion_grounds(rules: list[Rule], params: Parameters, path: Path) -> None:
    """Where the guideline limits deletion (Hustadvika 2q), no rule may advise deleting on other grounds."""
    allowed = params.deletion_grounds
    if allowed is None:
        return
    for rule in rules:
        if rule.action == "delete" and rule.ground not in allowed:
            raise PackError(
                f"{path}: rule {rule.code} advises delete on ground {rule.ground!r}, "
                f"but this guideline allows deletion only for: {', '.join(allowed)}"
            )


@lru_cache(maxsize=64)
def _load_cached(path: str) -> Pack:
    name, entry_key = _cache_key(Path(path))
    if entry_key is not None:
        pack = _from_cache(diskcache.load(name, entry_key))
        if pack is not None:
            return pack
    pack = _resolve(Path(path), ())
    if entry_key is not None:
        entry = _cache_entry(Path(path), pack)
        if entry is not None:
            diskcache.store(name, entry_key, entry)
    return pack


# --------------------------------------------------------------------------------------------------
# The start-up cache of resolved packs

# Every model a pack holds, by name, as the cache entry writes them.
_MODELS: dict[str, type[BaseModel]] = {
    cls.__name__: cls for cls in (Pack, Parameters, Rule, ClauseRef, LawRef, Example, ClauseNote)
}
_MODEL_TAG = "__model__"  # no key of a pack's own mappings (languages, countries, rule codes) looks so


def _cache_key(path: Path) -> tuple[str, str | None]:
    """The entry's name (one per pack file) and key, or no key when the code cannot be hashed."""
    name = "pack-" + hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    sources = [diskcache.source_of(m.__file__) for m in (model, signals, item)]
    code = diskcache.source_of(__file__)
    if code is None or any(s is None for s in sources) or diskcache.folder() is None:
        return name, None
    return name, diskcache.key(code, *(s or b"" for s in sources), pydantic.VERSION, str(path))


def _chain_files(path: Path) -> list[dict[str, str]] | None:
    """The files of ``path``'s chain as :func:`_resolve` follows it: each one's path, SHA-256 and the
    ``extends`` that leads on ("" for none)."""
    chain: list[dict[str, str]] = []
    current: Path | None = path
    while current is not None:
        try:
            digest = hashlib.sha256(current.read_bytes()).hexdigest()
            extends = read_pack_file(current).extends or ""
            chain.append({"path": str(current), "sha256": digest, "extends": extends})
            current = _locate(extends, current.parent) if extends else None
        except (OSError, PackError):
            return None
    return chain


def _chain_unchanged(chain: Any) -> bool:
    """Whether every file of a stored chain has the same bytes and every ``extends`` the same file."""
    if not isinstance(chain, list) or not chain:
        return False
    for i, link in enumerate(chain):
        try:
            current = Path(link["path"])
            if hashlib.sha256(current.read_bytes()).hexdigest() != link["sha256"]:
                return False
            extends = link["extends"]
            following = chain[i + 1]["path"] if i + 1 < len(chain) else None
            if (str(_locate(extends, current.parent)) if extends else None) != following:
                return False
        except (OSError, KeyError, TypeError, PackError):
            return False
    return True


def _encode(value: Any) -> Any:
    """A pack as JSON data: each model with its name and the fields that were set."""
    if isinstance(value, BaseModel):
        fields = {name: _encode(getattr(value, name)) for name in type(value).model_fields}
        return {_MODEL_TAG: type(value).__name__, "set": sorted(value.model_fields_set), "fields": fields}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    """:func:`_encode` undone, without validation (``model_construct``)."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if _MODEL_TAG in value:
            cls = _MODELS[value[_MODEL_TAG]]
            fields = {k: _decode(v) for k, v in value["fields"].items()}
            return cls.model_construct(_fields_set=set(value["set"]), **fields)
        return {k: _decode(v) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types throughout and the same fields set (pydantic's == compares values)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return a.model_fields_set == b.model_fields_set and all(
            _same(getattr(a, n), getattr(b, n)) for n in type(a).model_fields
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) and type(k) is str for k in a)
    return bool(a == b)


def _cache_entry(path: Path, pack: Pack) -> dict[str, Any] | None:
    """What is stored for a validated pack, or None when it would not rebuild the same pack."""
    chain = _chain_files(path)
    if chain is None or len(chain) != len(pack.chain):
        return None
    entry = {"chain": chain, "pack": _encode(pack)}
    try:
        rebuilt = _decode(json.loads(json.dumps(entry["pack"])))
    except (TypeError, ValueError, KeyError):
        return None
    return entry if _same(rebuilt, pack) else None


def _from_cache(entry: Any) -> Pack | None:
    """The pack of a stored entry whose files are unchanged, or None."""
    if not isinstance(entry, dict) or not _chain_unchanged(entry.get("chain")):
        return None
    try:
        pack = _decode(entry.get("pack"))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    return pack if isinstance(pack, Pack) else None


def load_pack(name_or_path: str) -> Pack:
    """Load a built-in pack by name (``dk-hjorring``) or a pack file by path."""
    return _load_cached(str(_locate(name_or_path)))
