"""The pure check: content in, explained findings out. No I/O; entry points call it through
:mod:`rettesnor.governance.checking` (the check service), which picks the pack and analyses attached
photos."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from rettesnor.analysis import AnalysisContext, analyse, analyse_chunk
from rettesnor.analysis.chunk import Chunk
from rettesnor.analysis.language import detect_language, detect_languages_in
from rettesnor.analysis.signals import Signal
from rettesnor.item import KINDS, InputError, Item
from rettesnor.item import OVERSIZED_LINE as OVERSIZED_LINE  # re-exported: defined with the Item
from rettesnor.item import validate_text as validate_text
from rettesnor.policy.evaluate import Result, evaluate, guidance_for
from rettesnor.policy.model import Pack

_CONTEXTS: dict[tuple[int, str, str, str | None, bool], tuple[Pack, AnalysisContext]] = {}


def context_for(pack: Pack, item: Item, language: str) -> AnalysisContext:
    """The facts detectors may use, built once per pack and kind of item (it is on the hot path)."""
    has_images = bool(item.images) or item.kind == "image"
    key = (id(pack), item.kind, language, item.channel, has_images)
    cached = _CONTEXTS.get(key)
    if cached is not None and cached[0] is pack:
        return cached[1]
    p = pack.parameters
    ctx = AnalysisContext(
        kind=item.kind,
        language=language,
        country=pack.country,
        organisation_names=tuple(p.organisation_names),
        work_email_domains=tuple(p.work_email_domains),
        own_phone_numbers=tuple(p.own_phone_numbers),
        channel=item.channel,
        approved_channels=tuple(p.approved_channels),
        lix_max=p.lix_max,
        sentence_words_max=p.sentence_words_max,
        has_images=has_images,
    )
    if len(_CONTEXTS) > 4096:  # channels are free text: keep the cache bounded
        _CONTEXTS.clear()
    _CONTEXTS[key] = (pack, ctx)
    return ctx


class _CollectorPaused:
    """The cyclic garbage collector paused for one check (a chunk, or one text), then resumed.

    A check builds many objects that all stay alive until it ends (signals, spans, evidence dicts) and
    no cycle of garbage worth collecting on the way, so each collection it triggered walked them again,
    and the older generations the models' hundreds of thousands of objects too: half of evaluating
    1 MB of e-mail addresses (142,857 signals) was the collector. Garbage made during the check is
    collected at the first collection after it. Nested or already paused: left as it is.
    """

    __slots__ = ("_paused",)

    def __enter__(self) -> None:
        self._paused = gc.isenabled()
        if self._paused:
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._paused:
            gc.enable()


def check(item: Item, pack: Pack, lang: str | None = None, extra: Sequence[Signal] = ()) -> Result:
    """Check one item against a pack. ``lang`` picks the language of messages (default: the pack's);
    ``extra`` are signals found outside the text (the analysis of attached photos)."""
    with _CollectorPaused():
        return _check(item, pack, lang, extra)


def _check(item: Item, pack: Pack, lang: str | None, extra: Sequence[Signal]) -> Result:
    language = item.language or detect_language(item.text, pack.country)
    signals = analyse(item.text, context_for(pack, item, language))
    if extra:
        signals = [*signals, *extra]
    findings = evaluate(pack, item, signals)
    return Result(item, pack, language, findings, guidance_for(pack, item.kind, lang or pack.language))


# Batch mode works on chunks of this many items: big enough that a regex call per chunk costs little per
# text, small enough that the joined text of a chunk stays in the CPU's caches.
CHUNK = 512


def check_many(items: Iterable[Item], pack: Pack, lang: str | None = None) -> list[Result]:
    """:func:`check` for many items: the same results, in order, computed chunk by chunk.

    Each chunk is analysed at once (:func:`rettesnor.analysis.analyse_chunk`): a detector splits it
    only by what it reads of the items (their language, kind, channel, images).
    """
    items = list(items)
    results: list[Result] = []
    for k in range(0, len(items), CHUNK):
        results.extend(_check_chunk(items[k : k + CHUNK], pack, lang))
    return results


def _check_chunk(items: list[Item], pack: Pack, lang: str | None) -> list[Result]:
    with _CollectorPaused():
        return _check_items(items, pack, lang)


def _check_items(items: list[Item], pack: Pack, lang: str | None) -> list[Result]:
    chunk = Chunk([item.text for item in items])  # one join and token pass for the languages and detectors
    unknown = [i for i, item in enumerate(items) if not item.language]
    detected = detect_languages_in(chunk, unknown, pack.country) if unknown else []
    languages: list[str] = [item.language or "" for item in items]
    for i, language in zip(unknown, detected, strict=True):
        languages[i] = language
    contexts = [context_for(pack, item, languages[i]) for i, item in enumerate(items)]
    signals = analyse_chunk(chunk, contexts)
    message_lang = lang or pack.language
    return [
        Result(
            item,
            pack,
            languages[i],
            evaluate(pack, item, signals[i]),
            guidance_for(pack, item.kind, message_lang),
        )
        for i, item in enumerate(items)
    ]


def parse_line(line: str, default_kind: str | None) -> Item:
    """One JSONL line ``{"id", "text", "kind"}`` to an Item, or a one-line InputError."""
    try:
        obj: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    return _item(obj, default_kind)


def parse_raw(raw: bytes, default_kind: str | None) -> Item:
    """:func:`parse_line` of ``validate_text(raw)``, the same Item or error, decoded by msgspec straight
    from the bytes (several times faster); any line it refuses takes the slow path for its message."""
    try:
        obj: Any = _DECODE(raw)
    except msgspec.DecodeError:
        return parse_line(validate_text(raw), default_kind)
    if b"\x00" in raw:  # validate_text refuses NUL bytes (msgspec takes them outside strings)
        return parse_line(validate_text(raw), default_kind)
    return _item(obj, default_kind)


_DECODE = msgspec.json.Decoder().decode
_ENCODE = msgspec.json.Encoder().encode


def _item(obj: Any, default_kind: str | None) -> Item:
    if not isinstance(obj, dict):
        raise InputError('expected a JSON object like {"id": "1", "text": "…", "kind": "comment"}')
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("field 'text' is missing or empty")
    kind = obj.get("kind", default_kind)
    if not isinstance(kind, str):
        raise InputError(f"field 'kind' is missing; choose one of: {', '.join(KINDS)}")
    ident = obj.get("id")
    lang = obj.get("language")
    return Item(
        text=text,
        kind=kind,
        id=None if ident is None else str(ident),
        language=lang if isinstance(lang, str) else None,
        channel=obj.get("channel") if isinstance(obj.get("channel"), str) else None,
    )


def check_lines(
    lines: Iterable[bytes], pack: Pack, default_kind: str | None = None, lang: str | None = None
) -> Iterator[dict[str, Any]]:
    """Stream results for JSONL input; a bad line yields an error object and the rest go on.

    Lines are read and checked in chunks of :data:`CHUNK` (:func:`check_many`), so memory stays constant
    whatever the input's length; the output is the same as checking line by line.
    """
    for part in numbered_chunks(lines):
        yield from _emit(_parse(part, default_kind), pack, lang)


def numbered_chunks(lines: Iterable[bytes], size: int = CHUNK) -> Iterator[list[tuple[int, bytes]]]:
    """The non-blank lines with their numbers (from 1), :data:`CHUNK` at a time."""
    part: list[tuple[int, bytes]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        part.append((number, raw))
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _parse(part: list[tuple[int, bytes]], default_kind: str | None) -> list[tuple[int, Item | str]]:
    pending: list[tuple[int, Item | str]] = []  # (line number, item or the error of that line)
    for number, raw in part:
        try:
            if raw is OVERSIZED_LINE:
                raise InputError("line is over the size limit")
            pending.append((number, parse_raw(raw, default_kind)))
        except InputError as exc:
            pending.append((number, str(exc)))
    return pending


def _emit(pending: list[tuple[int, Item | str]], pack: Pack, lang: str | None) -> Iterator[dict[str, Any]]:
    results = iter(check_many([x for _, x in pending if isinstance(x, Item)], pack, lang))
    for number, x in pending:
        if isinstance(x, Item):
            yield next(results).to_dict(lang)
        else:
            yield {"line": number, "error": x}


@dataclass(frozen=True, slots=True)
class JsonlChunk:
    """What :func:`check_jsonl_chunk` gives for a chunk of lines: the JSON Lines to write, the lines in
    error (number, message) and whether any result has a blocking finding."""

    output: bytes
    errors: list[tuple[int, str]]
    blocking: bool


def check_jsonl_chunk(
    part: list[tuple[int, bytes]], pack: Pack, default_kind: str | None = None, lang: str | None = None
) -> JsonlChunk:
    """One chunk of ``check --jsonl``: lines in, encoded lines out (what a worker process returns)."""
    out: list[bytes] = []
    errors: list[tuple[int, str]] = []
    blocking = False
    encode = _ENCODE
    with _CollectorPaused():  # the results' dicts too (see check)
        for result in _emit(_parse(part, default_kind), pack, lang):
            out.append(encode(result))
            if "error" in result:
                errors.append((result["line"], result["error"]))
            elif not blocking and any(f["severity"] == "block" for f in result["findings"]):
                blocking = True
    out.append(b"")
    return JsonlChunk(b"\n".join(out), errors, blocking)
