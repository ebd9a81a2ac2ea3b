"""Signals that depend on who writes what: the kind of content and the organisation behind it.

Cheap by design: the organisation's names and the work e-mail domains get their own small regular
expressions (cached per pack); what the word lists already found (disclaimers, role statements,
workplace words) is taken from :func:`rettesnor.analysis.lexicon.scan`, which remembers its last text,
so the lexicon is not run twice for one check.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

from rettesnor.analysis import lexicon
from rettesnor.analysis.chunk import Chunk, as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

# Words that show who is behind an account profile when the pack names no organisation.
_GENERIC_ORG = re.compile(r"(?<!\w)(?:kommune|kommun|kommunen|municipality|council)(?:s|ns)?(?!\w)", re.I)

# A work e-mail address: found from its "@" (cheap on any input), the local part bounded in length.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@([\w-]{1,63}(?:\.[\w-]{1,63})+)")

# People mentioned in the text of an image or a post with images (da, nb, nn, sv, en).
_PEOPLE = re.compile(
    r"(?<!\w)(?:"
    r"børn|barn|born|elev|borger|deltag|deltaker|deltakar|beboer|bebuar|boende|medarbejder|medarbeider|"
    r"medarbetare|ansatt|ansatte|tilsett|anställd|kolleg|gæst|gjest|gäst|besøgende|besökare|forældre|"
    r"foreldre|føresett|föräld|familie|familj|unge|ungar|ungdom|ældre|eldre|äldre|innbygg|invånare|"
    r"pensionist|pensjonist|spejder|speider|scout|"
    r"people|children|kids|pupils|students|residents|staff|participants|visitors|parents|families"
    r")\w{0,12}",
    re.I,
)
_IMAGE_KINDS = frozenset({"image", "official_post"})


@lru_cache(maxsize=64)
def _org_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The organisation's names (lower-cased, any spacing), also in the genitive ("hjørring kommunes").

    The pattern starts with the names' letters, so the regex engine jumps to candidates quickly; the
    start of the word is checked by the caller.
    """
    parts = {r"\s+".join(map(re.escape, n.lower().split())) for n in names if n.strip()}
    if not parts:
        return None
    body = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(f"(?:{body})(?:s|'s|’s|'|’)?(?!\\w)")


def _org_mentions(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = _org_pattern(names)
    if pattern is None:
        return []
    low = text.lower()
    if len(low) != len(text):  # only "İ" grows when lower-cased
        low = text.replace("\u0130", "i").lower()
    return [
        m.span()
        for m in pattern.finditer(low)
        if m.start() == 0 or not (low[m.start() - 1].isalnum() or low[m.start() - 1] == "_")
    ]


def detect_many(
    texts: Sequence[str], ctx: AnalysisContext, lexicon_signals: Mapping[int, Sequence[Signal]]
) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk, given the lexicon's signals by text index (texts without any may be
    left out): the organisation's names are looked for in the chunk at once."""
    chunk = as_chunk(texts)
    kind = ctx.kind
    if kind in _PER_TEXT_KINDS or (ctx.has_images and kind in _IMAGE_KINDS):
        candidates: Iterable[int] = range(len(chunk))
    elif ctx.organisation_names and _org_pattern(ctx.organisation_names) is not None:
        candidates = _org_candidates(chunk, ctx.organisation_names)
    else:
        return {}
    out: dict[int, list[Signal]] = {}
    for i in candidates:
        text = chunk.texts[i]
        found = list(
            detect(text, ctx, [s for s in lexicon_signals.get(i, ()) if s.detector.startswith("lexicon.")])
        )
        if found:
            out[i] = found
    return out


# Kinds whose every text may give a signal without the organisation's name.
_PER_TEXT_KINDS = frozenset({"private_post", "account_profile", "internal_message"})


def _org_candidates(chunk: Chunk, names: tuple[str, ...]) -> Iterable[int]:
    """The texts in which :func:`_org_mentions` may find a name: one scan of the chunk's lower-cased text
    (a superset: the separator looks like a text's start or end); every text where that is not safe."""
    pattern = _org_pattern(names)
    low = chunk.low if chunk.joinable else None
    if pattern is None or low is None:
        return range(len(chunk))
    starts, n = chunk.starts, len(chunk)
    out: list[int] = []
    pos = 0
    while (m := pattern.search(low, pos)) is not None:
        i = bisect_right(starts, m.start()) - 1
        out.append(i)
        if i + 1 >= n:
            break
        pos = starts[i + 1]
    return out


def detect(
    text: str, ctx: AnalysisContext, lexicon_signals: Sequence[Signal] | None = None
) -> Iterator[Signal]:
    """``lexicon_signals``: the lexicon's signals for this text when the caller has them (batch mode);
    otherwise the lexicon's last scan is reused or the lexicon is run."""
    kind = ctx.kind
    org = _org_mentions(text, ctx.organisation_names) if ctx.organisation_names else []
    for s, e in org:
        evidence = {"explanation": "the organisation's own name appears", "name": text[s:e]}
        yield Signal("marker.org_named", s, e, 1.0, "discourse.org_name", evidence)
        yield Signal("marker.workplace", s, e, 1.0, "discourse.org_name", evidence)

    if kind == "private_post":
        yield from _private_post(text, ctx, org, lexicon_signals)
    elif kind == "account_profile" and not org:
        yield _profile_without_org(text, ctx)
    elif kind == "internal_message" and ctx.channel:
        approved = {c.lower() for c in ctx.approved_channels}
        if ctx.channel.lower() not in approved:
            yield Signal(
                "marker.unapproved_channel",
                0,
                0,
                1.0,
                "discourse.channel",
                {
                    "explanation": "the message is sent on a channel the unit has not approved",
                    "channel": ctx.channel,
                    "approved": sorted(approved),
                },
            )

    if ctx.has_images and kind in _IMAGE_KINDS:
        people = _PEOPLE.search(text)
        lex = lexicon.scan(text, ctx) if lexicon_signals is None else lexicon_signals
        if people is not None and not any(s.name == "marker.image_people" for s in lex):
            yield Signal(
                "marker.image_people",
                people.start(),
                people.end(),
                0.6,
                "discourse.image_people",
                {"explanation": "image attached + people mentioned", "people": people.group()},
            )


def _private_post(
    text: str, ctx: AnalysisContext, org: list[tuple[int, int]], lex: Sequence[Signal] | None
) -> Iterator[Signal]:
    if lex is None:
        lex = lexicon.scan(text, ctx)
    names = {s.name for s in lex}
    workplace = org + [(s.start, s.end) for s in lex if s.name == "marker.workplace"]
    if workplace and "marker.disclaimer" not in names and "marker.role_statement" not in names:
        s, e = min(workplace)
        yield Signal(
            "missing_disclaimer",
            s,
            e,
            0.8,
            "discourse.missing_disclaimer",
            {
                "subtype": "no_disclaimer",
                "explanation": "a private post about the workplace, without saying that the views are "
                "the writer's own or what the writer's role is",
                "workplace": text[s:e],
            },
        )
    if ctx.work_email_domains and "@" in text:
        domains = tuple(d.lower().lstrip("@") for d in ctx.work_email_domains if d.strip())
        for m in _EMAIL.finditer(text):
            domain = m.group(1).lower()
            if any(domain == d or domain.endswith("." + d) for d in domains):
                yield Signal(
                    "work_email_private",
                    m.start(),
                    m.end(),
                    1.0,
                    "discourse.work_email",
                    {"explanation": "a work e-mail address in a private post", "domain": domain},
                )


def _profile_without_org(text: str, ctx: AnalysisContext) -> Signal:
    """Hustadvika 2j: an account's information text must show that the municipality is behind it."""
    evidence: dict[str, object] = {
        "subtype": "org_not_named",
        "explanation": "the profile text does not show which organisation is behind the account",
    }
    if ctx.organisation_names:
        evidence["expected"] = list(ctx.organisation_names)
    else:
        # The pack names no organisation: a generic word ("kommune") is the best that can be checked.
        generic = _GENERIC_ORG.search(text)
        if generic is not None:
            return Signal(
                "marker.org_named",
                generic.start(),
                generic.end(),
                0.5,
                "discourse.org_name",
                {"explanation": "a generic name of the organisation appears", "name": generic.group()},
            )
        evidence["expected"] = ["kommune", "kommun", "municipality"]
    return Signal("missing_disclaimer", 0, 0, 0.9, "discourse.missing_disclaimer", evidence)
