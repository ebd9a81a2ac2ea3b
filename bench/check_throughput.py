"""Throughput and worst-case benchmark: rettesnor's ``check`` against Presidio's pattern recognizers.

Corpus: the real Danish comments of DKhate (OffensEval 2020, Danish), about 20 % of them with synthetic
Nordic identifiers mixed in (Danish CPR, Norwegian fødselsnummer, Swedish personnummer, phone numbers,
e-mail addresses), seeded so every run sees the same texts.

Both engines run in this one process, one text at a time, timed per text with ``time.perf_counter_ns``
after a warm-up. Presidio is the ``AnalyzerEngine`` with its predefined pattern recognizers on a *blank*
spaCy pipeline (tokenizer only, no model), so nothing is downloaded. Then every worst-case input (up to
1 MB) is checked once, in a forked child with a time limit.

    .venv/bin/python bench/check_throughput.py            # full run (make bench)
    .venv/bin/python bench/check_throughput.py --quick    # a smaller run for a quick look

See bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import logging
import math
import multiprocessing
import os
import platform
import pstats
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "datasets" / "dkhate" / "offenseval-da-training-v1.tsv"
RESULTS_DIR = REPO / "bench" / "results"
SEED = 20240611
GOAL_RATIO = 50.0
NORDIC = ("DK", "NO", "SE")
ADVERSARIAL_TARGET_S = 0.5  # issue 17: any 1 MB input within half a second

# The identifier types that are inserted, and the finding category each one should be reported as.
ID_TYPES: tuple[str, ...] = ("dk_cpr", "no_fnr", "se_pnr", "phone", "email")
CATEGORY_OF: dict[str, str] = {
    "dk_cpr": "national_id",
    "no_fnr": "national_id",
    "se_pnr": "national_id",
    "phone": "phone",
    "email": "email",
}
COUNTED_CATEGORIES: tuple[str, ...] = ("national_id", "phone", "email")
# Presidio entity types that answer to those categories (the rest are listed as "other").
PRESIDIO_CATEGORY: dict[str, str] = {
    "SE_PERSONNUMMER": "national_id",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
}


# --------------------------------------------------------------------------------------------------
# Corpus: real comments with synthetic identifiers
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inserted:
    """One synthetic identifier placed in a text: its type, where it is and what it says."""

    type: str
    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    inserted: tuple[Inserted, ...] = ()


def read_comments(path: Path, limit: int | None = None) -> list[str]:
    """The non-empty ``tweet`` column of a DKhate/OffensEval TSV (tab-separated, no quoting)."""
    texts: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
        if "tweet" not in header:
            raise SystemExit(f"{path}: no 'tweet' column in the header {header}")
        col = header.index("tweet")
        for line in fh:
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) > col and cells[col].strip():
                texts.append(cells[col].strip())
                if limit is not None and len(texts) >= limit:
                    break
    return texts


def _birth_date(rng: random.Random, first_year: int = 1940, last_year: int = 2012) -> dt.date:
    lo = dt.date(first_year, 1, 1).toordinal()
    hi = dt.date(last_year, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(lo, hi))


def dk_cpr(rng: random.Random) -> str:
    """DDMMYY-SSSS with a real date; the first serial digit agrees with the century (CPR rules)."""
    d = _birth_date(rng)
    first = rng.randint(0, 3) if d.year < 2000 else rng.randint(4, 9)
    return f"{d:%d%m%y}-{first}{rng.randrange(1000):03d}"


FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def fnr_control(digits: str, weights: Sequence[int]) -> int | None:
    """Control digit of a Norwegian fødselsnummer (mod 11); None where the number cannot exist."""
    k = 11 - sum(w * int(c) for w, c in zip(weights, digits, strict=True)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def no_fnr(rng: random.Random) -> str:
    """11 digits: DDMMYY, an individual number in the range of the century, two control digits."""
    while True:
        d = _birth_date(rng)
        individual = rng.randrange(0, 500) if d.year < 2000 else rng.randrange(500, 1000)
        digits = f"{d:%d%m%y}{individual:03d}"
        k1 = fnr_control(digits, FNR_W1)
        if k1 is None:
            continue
        k2 = fnr_control(digits + str(k1), FNR_W2)
        if k2 is None:
            continue
        number = f"{digits}{k1}{k2}"
        return f"{number[:6]} {number[6:]}" if rng.random() < 0.25 else number


def luhn_digit(payload: str) -> int:
    """The Luhn check digit to append to ``payload``."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def se_pnr(rng: random.Random) -> str:
    """YYMMDD-NNNC (or YYYYMMDD-NNNC) with the Luhn digit over the ten-digit form."""
    d = _birth_date(rng)
    serial = f"{rng.randrange(1000):03d}"
    check = luhn_digit(f"{d:%y%m%d}{serial}")
    if rng.random() < 0.25:
        return f"{d:%Y%m%d}-{serial}{check}"
    return f"{d:%y%m%d}-{serial}{check}"


def phone(rng: random.Random) -> str:
    """A valid Danish, Norwegian or Swedish number in one of the ways people write them."""
    import phonenumbers

    fmt = phonenumbers.PhoneNumberFormat
    region = rng.choices(("DK", "NO", "SE"), weights=(2, 1, 1))[0]
    while True:
        if region == "DK":
            national = f"{rng.choice('2345678')}{rng.randrange(10**7):07d}"
        elif region == "NO":
            national = f"{rng.choice('49')}{rng.randrange(10**7):07d}"
        else:
            national = f"07{rng.choice('02369')}{rng.randrange(10**7):07d}"
        number = phonenumbers.parse(national, region)
        if phonenumbers.is_valid_number(number):
            break
    style = rng.random()
    if style < 0.4:
        return phonenumbers.format_number(number, fmt.NATIONAL)
    if style < 0.8:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt.E164)


_FIRST = ("mette", "lars", "anne", "søren", "kirsten", "ole", "ingrid", "erik", "karin", "mikkel", "sara")
_LAST = ("jensen", "nielsen", "hansen", "pedersen", "olsen", "johansson", "larsen", "berg", "lindqvist")
_DOMAINS = (
    "gmail.com",
    "hotmail.com",
    "outlook.dk",
    "mail.dk",
    "live.no",
    "online.no",
    "telia.com",
    "yahoo.se",
    "hjoring.dk",
)


def email(rng: random.Random) -> str:
    first = rng.choice(_FIRST).replace("ø", "o")
    last = rng.choice(_LAST)
    local = rng.choice((f"{first}.{last}", f"{first}{rng.randint(1, 99)}", f"{first[0]}.{last}", first))
    return f"{local}@{rng.choice(_DOMAINS)}"


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "dk_cpr": dk_cpr,
    "no_fnr": no_fnr,
    "se_pnr": se_pnr,
    "phone": phone,
    "email": email,
}
# How an identifier appears: with the words people put in front of it, or bare.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "dk_cpr": ("mit cpr-nr. er {}", "CPR: {}", "min søn har cpr {}", "{}"),
    "no_fnr": ("fødselsnummeret mitt er {}", "fnr {}", "{}"),
    "se_pnr": ("mitt personnummer är {}", "personnr {}", "{}"),
    "phone": ("ring på {}", "tlf. {}", "skriv en sms til {}", "{}"),
    "email": ("skriv til {}", "mail: {}", "{}"),
}


def _boundaries(text: str) -> list[int]:
    """Where a snippet may go: the start, the end, and before every space."""
    return [0, len(text), *(i for i, c in enumerate(text) if c == " ")]


def mix_identifiers(text: str, rng: random.Random, types: Sequence[str]) -> Sample:
    """Put one snippet per type into ``text`` at word boundaries; remember each identifier's span."""
    spots = _boundaries(text)
    plan = sorted(((rng.choice(spots), t) for t in types), key=lambda p: p[0])
    out: list[str] = []
    inserted: list[Inserted] = []
    cursor = 0
    length = 0
    for pos, kind in plan:
        value = GENERATORS[kind](rng)
        template = rng.choice(TEMPLATES[kind])
        before, after = template.split("{}")
        chunk = text[cursor:pos]
        out.append(chunk)
        length += len(chunk)
        cursor = pos
        lead = "" if pos == 0 else " "
        tail = " " if pos == 0 and text else ""
        snippet = f"{lead}{before}{value}{after}{tail}"
        start = length + len(lead) + len(before)
        inserted.append(Inserted(kind, start, start + len(value), value))
        out.append(snippet)
        length += len(snippet)
    out.append(text[cursor:])
    return Sample("".join(out), tuple(inserted))


def build_corpus(texts: Iterable[str], seed: int = SEED, share: float = 0.2) -> list[Sample]:
    """About ``share`` of the texts get one identifier (a fifth of those get two); the same every run."""
    rng = random.Random(seed)
    samples = []
    for text in texts:
        if rng.random() < share:
            count = 2 if rng.random() < 0.2 else 1
            samples.append(mix_identifiers(text, rng, [rng.choice(ID_TYPES) for _ in range(count)]))
        else:
            samples.append(Sample(text))
    return samples


def inserted_counts(samples: Iterable[Sample]) -> dict[str, int]:
    counts = Counter(i.type for s in samples for i in s.inserted)
    return {t: counts.get(t, 0) for t in ID_TYPES}


# --------------------------------------------------------------------------------------------------
# Timing and scoring
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    engine: str
    label: str
    texts: int
    wall_s: float
    latencies_ns: list[int]
    found: dict[str, int] = field(default_factory=dict)  # inserted type -> detected with the right category
    extra: dict[str, int] = field(default_factory=dict)  # category -> detections on no inserted id of it
    other: dict[str, int] = field(default_factory=dict)  # categories / entity types not counted above
    errors: int = 0
    chars: int = 0
    passes_s: list[float] = field(default_factory=list)  # wall time of every timed pass; the best is used
    cpu_s: float = 0.0  # process CPU time of the pass with the least CPU time

    @property
    def texts_per_s(self) -> float:
        return self.texts / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_texts_per_s(self) -> float:
        return self.texts / self.cpu_s if self.cpu_s else 0.0

    def percentile_us(self, q: float) -> float:
        if not self.latencies_ns:
            return float("nan")
        ordered = sorted(self.latencies_ns)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] / 1000

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "label": self.label,
            "texts": self.texts,
            "wall_s": round(self.wall_s, 4),
            "texts_per_s": round(self.texts_per_s, 1),
            "chars_per_s": round(self.chars / self.wall_s) if self.wall_s else None,
            "passes_s": [round(w, 4) for w in self.passes_s],
            "cpu_s": round(self.cpu_s, 4),
            "cpu_texts_per_s": round(self.cpu_texts_per_s, 1),
            "p50_us": round(self.percentile_us(0.50), 1),
            "p90_us": round(self.percentile_us(0.90), 1),
            "p99_us": round(self.percentile_us(0.99), 1),
            "max_us": round(max(self.latencies_ns, default=0) / 1000, 1),
            "found": self.found,
            "extra": self.extra,
            "other": self.other,
            "errors": self.errors,
        }


Spans = list[tuple[str, int, int]]


class Timer:
    """Timed passes of one engine over all texts, one text at a time.

    ``fn`` is called per text; or ``stream(n)`` yields one output per text (for the first ``n`` texts, or
    all when ``n`` is None) and an output's latency is the time it took to yield. The outputs of the first
    pass are kept for scoring; the latencies and wall time of the fastest pass are reported (the pass
    least disturbed by other work on the machine), with the wall and CPU time of every pass.
    """

    def __init__(
        self,
        texts: Sequence[str],
        fn: Callable[[str], Any] | None = None,
        stream: Callable[[int | None], Iterable[Any]] | None = None,
    ) -> None:
        self.texts, self.fn, self.stream = texts, fn, stream
        self.outputs: list[Any] = []
        self.latencies: list[int] = []
        self.wall = math.inf
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def warm(self, n: int) -> None:
        if self.stream is not None:
            for _ in self.stream(n):
                pass
        elif self.fn is not None:
            for text in self.texts[:n]:
                self.fn(text)

    def run_pass(self) -> None:
        gc.collect()
        clock = time.perf_counter_ns
        kept: list[Any] = []
        latencies: list[int] = []
        cpu0 = time.process_time_ns()
        begin = previous = clock()
        if self.stream is not None:
            for out in self.stream(None):
                now = clock()
                latencies.append(now - previous)
                kept.append(out)
                previous = now
        elif self.fn is not None:
            fn = self.fn
            for text in self.texts:
                t0 = clock()
                out = fn(text)
                latencies.append(clock() - t0)
                kept.append(out)
        wall = (clock() - begin) / 1e9
        self.cpus.append((time.process_time_ns() - cpu0) / 1e9)
        self.walls.append(wall)
        if len(self.walls) == 1:
            self.outputs = kept
        if wall < self.wall:
            self.wall, self.latencies = wall, latencies

    def run(self, engine: str, label: str, samples: Sequence[Sample], spans: Sequence[Spans]) -> Run:
        found, extra = score(samples, spans[: len(samples)]) if len(spans) == len(samples) else ({}, {})
        return Run(
            engine=engine,
            label=label,
            texts=len(self.texts),
            wall_s=self.wall,
            latencies_ns=self.latencies,
            found=found,
            extra=extra,
            chars=sum(map(len, self.texts)),
            passes_s=self.walls,
            cpu_s=min(self.cpus, default=0.0),
        )


class ChunkTimer(Timer):
    """Timed passes of a batch engine: ``fn_many`` gets the texts a chunk at a time and returns one output
    per text. A text's latency is its chunk's time divided by the chunk's size (amortised): the p50/p99
    of a batch row are over chunks, not over single texts."""

    def __init__(
        self, texts: Sequence[str], fn_many: Callable[[Sequence[str]], list[Any]], size: int
    ) -> None:
        super().__init__(texts)
        self.fn_many, self.size = fn_many, size

    def warm(self, n: int) -> None:
        for k in range(0, min(n, len(self.texts)), self.size):
            self.fn_many(self.texts[k : min(n, k + self.size)])

    def run_pass(self) -> None:
        gc.collect()
        clock = time.perf_counter_ns
        kept: list[Any] = []
        latencies: list[int] = []
        cpu0 = time.process_time_ns()
        begin = clock()
        fn_many, size, texts = self.fn_many, self.size, self.texts
        for k in range(0, len(texts), size):
            part = texts[k : k + size]
            t0 = clock()
            outs = fn_many(part)
            latencies.append((clock() - t0) // max(1, len(part)))
            kept.extend(outs)
        wall = (clock() - begin) / 1e9
        self.cpus.append((time.process_time_ns() - cpu0) / 1e9)
        self.walls.append(wall)
        if len(self.walls) == 1:
            self.outputs = kept
        if wall < self.wall:
            self.wall, self.latencies = wall, latencies


def score(samples: Sequence[Sample], detections: Sequence[Spans]) -> tuple[dict[str, int], dict[str, int]]:
    """Per inserted type, how many were detected with the right category; per category, the rest."""
    found: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for sample, spans in zip(samples, detections, strict=True):
        hit: set[int] = set()
        for category, start, end in set(spans):
            match = [
                i
                for i, ins in enumerate(sample.inserted)
                if CATEGORY_OF[ins.type] == category and start < ins.end and ins.start < end
            ]
            if match:
                hit.update(match)
            else:
                extra[category] += 1
        for i in hit:
            found[sample.inserted[i].type] += 1
    return (
        {t: found.get(t, 0) for t in ID_TYPES},
        {c: extra.get(c, 0) for c in COUNTED_CATEGORIES},
    )


# --------------------------------------------------------------------------------------------------
# Rettesnor
# --------------------------------------------------------------------------------------------------


def rettesnor_spans(result: Any) -> tuple[list[tuple[str, int, int]], Counter[str]]:
    counted: list[tuple[str, int, int]] = []
    other: Counter[str] = Counter()
    for finding in result.findings:
        for span in finding.spans:  # a place's own category: a finding can hold several
            if span.category in COUNTED_CATEGORIES:
                counted.append((span.category, span.start, span.end))
            else:
                other[span.category] += 1
    return counted, other


def rettesnor_timer(samples: Sequence[Sample], pack: Any) -> Timer:
    from rettesnor.check import check
    from rettesnor.item import Item

    def one(text: str) -> Any:
        return check(Item(text, kind="comment"), pack)

    return Timer([s.text for s in samples], fn=one)


def rettesnor_run(samples: Sequence[Sample], timer: Timer) -> Run:
    detections = []
    other: Counter[str] = Counter()
    for result in timer.outputs:
        counted, rest = rettesnor_spans(result)
        detections.append(counted)
        other.update(rest)
    run = timer.run("rettesnor", "check(Item(text, kind='comment'), pack)", samples, detections)
    run.other = dict(other.most_common())
    return run


def many_timer(samples: Sequence[Sample], pack: Any, size: int) -> Timer:
    """``check_many`` on chunks of ``size`` items (batch mode: each detector scans a chunk at once)."""
    from rettesnor.check import check_many
    from rettesnor.item import Item

    def many(texts: Sequence[str]) -> list[Any]:
        return check_many([Item(t, kind="comment") for t in texts], pack)

    return ChunkTimer([s.text for s in samples], many, size)


def many_run(samples: Sequence[Sample], timer: Timer, size: int) -> Run:
    detections = []
    other: Counter[str] = Counter()
    for result in timer.outputs:
        counted, rest = rettesnor_spans(result)
        detections.append(counted)
        other.update(rest)
    label = f"check_many([Item(text, kind='comment') …], pack), chunks of {size}"
    run = timer.run("rettesnor-many", label, samples, detections)
    run.other = dict(other.most_common())
    return run


def batch_timer(samples: Sequence[Sample], pack: Any) -> Timer:
    """``check_lines`` over JSONL bytes: parse, check and ``to_dict`` per line (what the CLI streams)."""
    from rettesnor.check import check_lines

    lines = [
        json.dumps({"id": str(i), "text": s.text, "kind": "comment"}, ensure_ascii=False).encode()
        for i, s in enumerate(samples)
    ]
    return Timer([s.text for s in samples], stream=lambda n: check_lines(lines[:n], pack))


def batch_run(samples: Sequence[Sample], timer: Timer) -> Run:
    detections: list[Spans] = []
    other: Counter[str] = Counter()
    errors = 0
    for out in timer.outputs:
        spans: Spans = []
        if "error" in out:
            errors += 1
        for f in out.get("findings", ()):
            for span in f.get("spans", ()):
                category = span.get("category", f["category"])  # its own, in a finding of several
                if category in COUNTED_CATEGORIES:
                    spans.append((category, span["start"], span["end"]))
                else:
                    other[category] += 1
        detections.append(spans)
    label = "check_lines(JSONL bytes, pack), to_dict included"
    run = timer.run("rettesnor-lines", label, samples, detections)
    run.other = dict(other.most_common())
    run.errors = errors
    return run


def staged_check(
    item: Any, pack: Any, stages: Counter[str], clock: Callable[[], int] = time.perf_counter_ns
) -> list[Any]:
    """``check`` taken apart: add the ns of each stage to ``stages`` (wall time, or ``clock``'s); return
    the analysis signals."""
    from rettesnor import analysis
    from rettesnor.analysis.language import detect_language
    from rettesnor.check import context_for
    from rettesnor.policy.evaluate import evaluate, guidance_for

    drop = getattr(analysis, "_drop_overlapped_identifiers", lambda signals: signals)
    t = clock()
    language = item.language or detect_language(item.text, pack.country)
    stages["language"] += clock() - t
    ctx = context_for(pack, item, language)
    signals: list[Any] = []
    for detector in analysis.DETECTORS:
        name = f"detector {detector.__module__.rsplit('.', 1)[-1]}.{detector.__name__}"
        t = clock()
        if name == "detector contact.detect":  # as analyse() does: phones on national IDs are skipped
            national = [s for s in signals if s.name == "national_id"]
            signals.extend(detector(item.text, ctx, national))  # type: ignore[call-arg]
        else:
            signals.extend(detector(item.text, ctx))
        stages[name] += clock() - t
    t = clock()  # the classifier runs last, on what the lexicon found (as analyse() does)
    signals.extend(analysis.offensive.detect(item.text, ctx, signals))
    stages["classifier offensive.detect"] += clock() - t
    t = clock()
    signals = drop(signals)
    stages["overlap resolution"] += clock() - t
    t = clock()
    evaluate(pack, item, signals)
    guidance_for(pack, item.kind, pack.language)
    stages["evaluate + guidance"] += clock() - t
    return signals


def breakdown(samples: Sequence[Sample], pack: Any) -> tuple[dict[str, float], Run]:
    """Where one check spends its time: language, each detector, overlap resolution, evaluation (µs/text).

    Also scores the analysis signals themselves (before the pack's rules pick findings from them), as a
    :class:`Run` without timing: a detector that sees an identifier the pack has no rule for shows here.
    """
    from rettesnor.item import Item

    stages: Counter[str] = Counter()
    detections: list[Spans] = []
    other: Counter[str] = Counter()
    for sample in samples:
        spans: Spans = []
        for sig in staged_check(Item(sample.text, kind="comment"), pack, stages):
            if sig.name in COUNTED_CATEGORIES:
                spans.append((sig.name, sig.start, sig.end))
            else:
                other[sig.name] += 1
        detections.append(spans)
    n = max(1, len(samples))
    found, extra = score(samples, detections)
    label = "analyse(text, ctx), before the pack's rules"
    rest = dict(other.most_common())
    signals_run = Run("rettesnor-signals", label, len(samples), 0.0, [], found, extra, rest)
    return {name: round(ns / n / 1000, 2) for name, ns in stages.most_common()}, signals_run


def profile_rettesnor(samples: Sequence[Sample], pack: Any, top: int = 25) -> str:
    from rettesnor.check import check
    from rettesnor.item import Item

    profiler = cProfile.Profile()
    profiler.enable()
    for s in samples:
        check(Item(s.text, kind="comment"), pack)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Presidio baseline
# --------------------------------------------------------------------------------------------------


def presidio_engine(language: str = "da", regions: Sequence[str] | None = NORDIC) -> tuple[Any, str]:
    """Presidio's AnalyzerEngine: its predefined pattern recognizers on a blank spaCy pipeline.

    The blank pipeline only tokenizes (no tagger, no NER), which is all the pattern recognizers and the
    context enhancer need; Presidio's NER recognizer is left out because a blank pipeline has no
    entities to give it. Phone numbers are matched for the Nordic regions (DK, NO, SE) instead of
    Presidio's eight default regions: the fair and faster choice for this corpus (``regions=None``
    keeps Presidio's defaults).
    """
    import spacy
    import tldextract
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        CryptoRecognizer,
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        PhoneRecognizer,
        SePersonnummerRecognizer,
        UrlRecognizer,
        UuidRecognizer,
    )

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # Presidio's e-mail validator asks tldextract for the public-suffix list, which by default is
    # fetched from the internet on first use. Use the snapshot bundled with tldextract instead.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class BlankSpacyNlpEngine(SpacyNlpEngine):
        """SpacyNlpEngine whose pipeline is ``spacy.blank(lang)``: tokens only, nothing to download."""

        def __init__(self, lang: str) -> None:
            super().__init__(models=[{"lang_code": lang, "model_name": f"blank:{lang}"}])
            self.lang = lang

        def load(self) -> None:
            self.nlp = {self.lang: spacy.blank(self.lang)}  # type: ignore[assignment]

    registry = RecognizerRegistry(supported_languages=[language])
    for cls in (
        CreditCardRecognizer,
        CryptoRecognizer,
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        UrlRecognizer,
        UuidRecognizer,
        SePersonnummerRecognizer,
    ):
        registry.add_recognizer(cls(supported_language=language))
    phones = PhoneRecognizer(supported_language=language)
    if regions is not None:
        phones = PhoneRecognizer(supported_language=language, supported_regions=tuple(regions))
    registry.add_recognizer(phones)
    engine = AnalyzerEngine(
        registry=registry, nlp_engine=BlankSpacyNlpEngine(language), supported_languages=[language]
    )
    names = sorted(str(r.name) for r in engine.get_recognizers(language))
    return engine, f"{', '.join(names)}; phone regions {', '.join(phones.supported_regions)}"


def presidio_timer(
    samples: Sequence[Sample], language: str = "da", regions: Sequence[str] | None = NORDIC
) -> tuple[Timer, str]:
    engine, recognizers = presidio_engine(language, regions)

    def one(text: str) -> Any:
        return engine.analyze(text=text, language=language)

    timer = Timer([s.text for s in samples], fn=one)
    timer.engine = engine  # type: ignore[attr-defined]  # for the batch engine
    return timer, recognizers


def presidio_batch_timer(samples: Sequence[Sample], engine: Any, size: int, language: str = "da") -> Timer:
    """Presidio's ``BatchAnalyzerEngine.analyze_iterator`` on chunks of ``size`` texts (spaCy's ``pipe``)."""
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(analyzer_engine=engine)

    def many(texts: Sequence[str]) -> list[Any]:
        return list(batch.analyze_iterator(list(texts), language=language, batch_size=size))

    return ChunkTimer([s.text for s in samples], many, size)


def presidio_run(samples: Sequence[Sample], timer: Timer, language: str = "da") -> Run:
    detections = []
    other: Counter[str] = Counter()
    for found in timer.outputs:
        spans = []
        for r in found:
            category = PRESIDIO_CATEGORY.get(r.entity_type)
            if category:
                spans.append((category, r.start, r.end))
            else:
                other[r.entity_type] += 1
        detections.append(spans)
    run = timer.run("presidio", f"AnalyzerEngine.analyze(text, language='{language}')", samples, detections)
    run.other = dict(other.most_common())
    if isinstance(timer, ChunkTimer):
        run.engine = "presidio-batch"
        run.label = (
            f"BatchAnalyzerEngine.analyze_iterator(texts, language='{language}'), chunks of {timer.size}"
        )
    return run


# --------------------------------------------------------------------------------------------------
# Every core: the same texts spread over N processes, for both engines
# --------------------------------------------------------------------------------------------------

_PARALLEL_FN: Callable[[Sequence[str]], Any] | None = None


def _parallel_chunk(part: Sequence[str]) -> float:
    """In a worker: run the engine on one chunk; its CPU seconds."""
    assert _PARALLEL_FN is not None
    t0 = time.process_time()
    _PARALLEL_FN(part)
    return time.process_time() - t0


def parallel_run(
    engine: str,
    fn_many: Callable[[Sequence[str]], Any],
    texts: Sequence[str],
    cores: int,
    size: int,
    repeat: int,
) -> dict[str, Any]:
    """``fn_many`` over the texts in chunks of ``size`` on ``cores`` forked processes (each inherits this
    warm process: compiled patterns, loaded models). Wall time of the best pass, and the CPU time of the
    workers summed (so texts per CPU second compares with the one-process rows)."""
    global _PARALLEL_FN
    if "fork" not in multiprocessing.get_all_start_methods():
        return {"engine": engine, "error": "needs fork (Linux)"}
    _PARALLEL_FN = fn_many
    parts = [texts[k : k + size] for k in range(0, len(texts), size)]
    walls: list[float] = []
    cpus: list[float] = []
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        pool.map(_parallel_chunk, parts[:cores], chunksize=1)  # every worker started and touched once
        for _ in range(max(1, repeat)):
            t0 = time.perf_counter()
            cpu = pool.map(_parallel_chunk, parts, chunksize=1)
            walls.append(time.perf_counter() - t0)
            cpus.append(sum(cpu))
    wall, cpu_s = min(walls), min(cpus)
    return {
        "engine": engine,
        "cores": cores,
        "texts": len(texts),
        "passes_s": [round(w, 4) for w in walls],
        "wall_s": round(wall, 4),
        "texts_per_s": round(len(texts) / wall, 1),
        "cpu_s": round(cpu_s, 4),
        "cpu_texts_per_s": round(len(texts) / cpu_s, 1) if cpu_s else None,
    }


# --------------------------------------------------------------------------------------------------
# The command: `rettesnor check --jsonl` as a user runs it, and its start-up
# --------------------------------------------------------------------------------------------------

# The command, and its peak resident size written at exit (VmHWM is the process's own since its exec;
# the rusage of a child forked from this big process would count this process's pages too).
_CLI = """import atexit, os, sys
def _peak():
    path = os.environ.get("BENCH_PEAK_RSS_FILE")
    if path:
        with open("/proc/self/status") as status, open(path, "w") as out:
            out.write(next((line.split()[1] for line in status if line.startswith("VmHWM")), "0"))
atexit.register(_peak)
from rettesnor.cli import main
main(sys.argv[1:])
"""


def _run_cli(args: Sequence[str], stdin_path: Path) -> tuple[float, float, int, int]:
    """(wall s, CPU s of the command and its workers, peak RSS of the command in kB, exit status) of
    ``rettesnor ARGS``; the CPU time is the command's own (``os.wait4`` on its process)."""
    peak = stdin_path.with_suffix(".peak")
    env = {**os.environ, "BENCH_PEAK_RSS_FILE": str(peak)}
    t0 = time.perf_counter()
    with stdin_path.open("rb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CLI, *args],
            stdin=fh,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        rss = int(peak.read_text() or 0)
    except (OSError, ValueError):
        rss = 0
    return wall, usage.ru_utime + usage.ru_stime, rss, proc.returncode


def cli_runs(texts: Sequence[str], pack: str, lines: int, cores: int, folder: Path) -> dict[str, Any]:
    """``rettesnor check --jsonl`` on ``lines`` lines (the corpus over again) with one worker and with
    ``cores``, and its start-up: ``check --help`` and one line, best of five."""
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "lines.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(lines):
            fh.write(json.dumps({"id": str(i), "text": texts[i % len(texts)], "kind": "comment"}) + "\n")
    one = folder / "one.jsonl"
    one.write_text(json.dumps({"id": "1", "text": texts[0], "kind": "comment"}) + "\n", encoding="utf-8")
    out: dict[str, Any] = {"lines": lines, "pack": pack, "runs": []}
    for workers in dict.fromkeys((1, cores)):
        more = ["--workers", str(workers)] if workers != 1 else []  # (older versions lack the option)
        wall, cpu, _rss, status = _run_cli(["check", "--jsonl", "-", "-p", pack, *more], big)
        out["runs"].append(
            {
                "workers": workers,
                "wall_s": round(wall, 3),
                "lines_per_s": round(lines / wall),
                "cpu_s": round(cpu, 3),
                "lines_per_cpu_s": round(lines / cpu) if cpu else None,
                "exit_status": status,
                "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
            }
        )
    for name, args in (
        ("help", ["check", "--help"]),
        ("one_line", ["check", "--jsonl", "-", "-p", pack]),
    ):
        walls = [_run_cli(args, one)[0] for _ in range(5)]
        out[f"startup_{name}_s"] = round(min(walls), 3)
    # Constant memory: the largest resident size (kB, Linux) on all the lines and on a tenth of them.
    out["max_rss_kb"] = _run_cli(["check", "--jsonl", "-", "-p", pack], big)[2]
    tenth = folder / "tenth.jsonl"
    with big.open("rb") as src, tenth.open("wb") as dst:
        for _ in range(max(1, lines // 10)):
            dst.write(src.readline())
    out["max_rss_kb_tenth"] = _run_cli(["check", "--jsonl", "-", "-p", pack], tenth)[2]
    return out


# --------------------------------------------------------------------------------------------------
# Worst-case inputs
# --------------------------------------------------------------------------------------------------


def adversarial_inputs(size: int, comments: Sequence[str], seed: int = SEED) -> dict[str, str]:
    """Inputs that make naive regexes and quadratic loops slow, each at most ``size`` characters."""
    rng = random.Random(seed)

    def fill(unit: str) -> str:
        return unit * (size // len(unit))

    realistic: list[str] = []
    length = 0
    while comments and length < size:  # the comments over again until the size is reached
        for text in comments:
            if length + len(text) + 1 > size:
                length = size
                break
            realistic.append(text)
            length += len(text) + 1
    return {
        "digits '1'*N": fill("1"),
        "'12-'*N": fill("12-"),
        "letters 'a'*N": fill("a"),
        "'Hej '*N": fill("Hej "),
        "sentences 'Ja. '*N": fill("Ja. "),
        "random digits/spaces/dashes": "".join(rng.choices("0123456789 -", k=size)),
        "random digits/punctuation": "".join(rng.choices("0123456789 -+./()@:", k=size)),
        "e-mail-like 'a@'*N": fill("a@"),
        "dotted 'a.'*N (no @)": fill("a."),
        "many CPR '010190-1234 '*N": fill("010190-1234 "),
        "many phones '+45 20 12 34 56 '*N": fill("+45 20 12 34 56 "),
        "many e-mails 'a@b.dk '*N": fill("a@b.dk "),
        "realistic: comments (with ids) joined": "\n".join(realistic),
    }


def run_adversarial(
    args: argparse.Namespace, adv_size: int, samples: Sequence[Sample], pack: Any
) -> list[dict[str, Any]]:
    """Every worst-case input checked once as a comment and as an official post, each in a forked child;
    the stages of those over the target."""
    from rettesnor.item import MAX_TEXT_CHARS

    adversarial: list[dict[str, Any]] = []
    size = min(adv_size, MAX_TEXT_CHARS)
    target = f"target < {ADVERSARIAL_TARGET_S:g} s of CPU time"
    print(f"worst-case inputs ({size:,} characters max), each checked once; {target}:")
    for name, text in adversarial_inputs(size, [s.text for s in samples]).items():
        if args.adversarial_only and args.adversarial_only not in name:
            continue
        for kind in ("comment", "official_post"):
            row: dict[str, Any] = {"input": name, "kind": kind, "chars": len(text)}
            row |= time_once(text, kind, pack, args.adversarial_timeout)
            adversarial.append(row)
            secs = row.get("seconds")
            if secs is None:
                shown = row["error"]
                flag = "EXCEEDS"
            else:
                # Judged in CPU time: on a machine shared with other work the wall time also
                # counts the time the check waited for a core.
                cpu = row["cpu_s"]
                shown = (
                    f"{cpu:7.3f} s CPU ({secs:.3f} s wall)  {row['findings']:>3} findings, "
                    f"{row['spans']:>6} spans"
                )
                flag = "EXCEEDS" if cpu >= ADVERSARIAL_TARGET_S else "ok"
            row["exceeds"] = flag == "EXCEEDS"
            print(f"  {name:<38} {kind:<13} {len(text):>9,} {shown}  {flag}")
            if row["exceeds"] or args.only_adversarial:
                parts = stages_once(text, kind, pack, 2 * args.adversarial_timeout)
                row["stages_s"] = parts
                slowest = parts if isinstance(parts, str) else _top_stages(parts)
                print(f"      slowest stages (CPU): {slowest}")
    over = [f"{r['input']} ({r['kind']})" for r in adversarial if r["exceeds"]]
    print(f"  exceeding the target: {', '.join(over) if over else 'none'}")
    print()
    return adversarial


def _child(conn: Any, job: Callable[[], Any]) -> None:
    try:
        conn.send((job(), None))
    except Exception as exc:  # report, never hang the parent
        conn.send((None, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def in_child(job: Callable[[], Any], timeout_s: float) -> tuple[Any, str | None]:
    """Run ``job`` in a forked child (which inherits the warm process), killed after ``timeout_s``.

    Returns (result, None), or (None, why). Without fork (not Linux), the job runs here, unguarded.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return job(), None
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, job), daemon=True)
    proc.start()
    child.close()
    if not parent.poll(timeout_s):
        proc.kill()
        proc.join()
        return None, f"> {timeout_s:g} s (killed)"
    result, error = parent.recv()
    proc.join()
    return result, error


def time_once(text: str, kind: str, pack: Any, timeout_s: float) -> dict[str, Any]:
    """Check one text once, in a child process with a time limit."""
    from rettesnor.check import check
    from rettesnor.item import Item

    def job() -> dict[str, Any]:
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        result = check(Item(text, kind=kind), pack)
        seconds = (time.perf_counter_ns() - t0) / 1e9
        cpu_s = (time.process_time_ns() - c0) / 1e9
        spans = sum(len(f.spans) for f in result.findings)
        return {"seconds": seconds, "cpu_s": cpu_s, "findings": len(result.findings), "spans": spans}

    result, error = in_child(job, timeout_s)
    return {"seconds": None, "error": error} if error else dict(result)


def stages_once(text: str, kind: str, pack: Any, timeout_s: float) -> dict[str, float] | str:
    """CPU seconds per stage of one check of ``text`` (to say which detector a slow worst case is slow
    in), with the garbage collector paused as ``check`` pauses it: in wall time, and with collections
    walking the signals made so far, the stages of a 1 MB text added up to twice the check's time."""
    from rettesnor.item import Item

    def job() -> dict[str, float]:
        stages: Counter[str] = Counter()
        gc.disable()
        try:
            staged_check(Item(text, kind=kind), pack, stages, time.process_time_ns)
        finally:
            gc.enable()
        return {name: round(ns / 1e9, 3) for name, ns in stages.most_common()}

    result, error = in_child(job, timeout_s)
    return error or dict(result)


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }
    if hasattr(os, "getloadavg"):
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return info


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in ("rettesnor", "presidio-analyzer", "spacy", "phonenumbers", "python-stdnum", "pydantic"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5
        )
        out["commit"] = commit.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        out["commit"] = None
    return out


def _top_stages(parts: dict[str, float], n: int = 3) -> str:
    return ", ".join(f"{k.removeprefix('detector ')} {v:.2f} s" for k, v in list(parts.items())[:n])


def _fmt_found(run: Run, inserted: dict[str, int]) -> str:
    return "  ".join(f"{t} {run.found.get(t, 0)}/{inserted[t]}" for t in ID_TYPES)


def print_table(runs: Sequence[Run], inserted: dict[str, int], signals: Run | None = None) -> None:
    head = f"{'engine':<16} {'texts':>6} {'texts/s':>9} {'(CPU)':>9} {'Mchar/s':>7} "
    head += f"{'p50 µs':>9} {'p99 µs':>9} {'max µs':>9}"
    print(head)
    print("-" * len(head))
    for r in runs:
        print(
            f"{r.engine:<16} {r.texts:>6} {r.texts_per_s:>9.0f} {r.cpu_texts_per_s:>9.0f} "
            f"{r.chars / r.wall_s / 1e6:>7.2f} "
            f"{r.percentile_us(0.5):>9.1f} "
            f"{r.percentile_us(0.99):>9.1f} {max(r.latencies_ns, default=0) / 1000:>9.0f}"
        )
    print()
    scored = [*runs[:1], *([signals] if signals else []), *runs[1:]]
    print("identifiers found (right category, overlapping the inserted span) / inserted:")
    for r in scored:
        print(f"  {r.engine:<17} {_fmt_found(r, inserted)}")
    print("other detections of those categories (not on an inserted identifier of that category):")
    for r in scored:
        print(f"  {r.engine:<17} " + "  ".join(f"{c} {n}" for c, n in r.extra.items()))
    print("other findings / signals / entity types:")
    for r in scored:
        rest = ", ".join(f"{k} {v}" for k, v in r.other.items()) or "none"
        print(f"  {r.engine:<17} {rest}")
    for r in runs:
        if r.errors:
            print(f"  {r.engine}: {r.errors} lines answered with an error")


def previous_result(current: Path, quick: bool) -> dict[str, Any] | None:
    if not RESULTS_DIR.is_dir():
        return None
    pattern = "check_throughput-*-quick.json" if quick else "check_throughput-*.json"
    candidates = sorted(
        (p for p in RESULTS_DIR.glob(pattern) if p != current and quick == ("-quick" in p.name)),
        key=lambda p: p.stat().st_mtime,
    )
    if not candidates:
        return None
    try:
        data: dict[str, Any] = json.loads(candidates[-1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data["_file"] = candidates[-1].name
    return data


def result_path(quick: bool) -> Path:
    stem = f"check_throughput-{dt.date.today().isoformat()}{'-quick' if quick else ''}"
    path = RESULTS_DIR / f"{stem}.json"
    n = 2
    while path.exists():
        path = RESULTS_DIR / f"{stem}.{n}.json"
        n += 1
    return path


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    summary = (__doc__ or "").split("\n\n")[0]
    ap = argparse.ArgumentParser(description=summary, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="TSV with a 'tweet' column")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    ap.add_argument("--pack", default="dk-hjorring", help="built-in pack name or pack YAML path")
    ap.add_argument("--skip-presidio", action="store_true", help="time rettesnor only")
    ap.add_argument(
        "--presidio-regions",
        default=",".join(NORDIC),
        help="phone regions of Presidio's PhoneRecognizer (default DK,NO,SE; 'default': Presidio's 8)",
    )
    ap.add_argument("--quick", action="store_true", help="400 texts, 100 kB worst cases")
    ap.add_argument("--chunk", type=int, default=512, help="texts per chunk of the batch rows (default 512)")
    ap.add_argument("--share", type=float, default=0.2, help="share of texts given identifiers")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--warmup", type=int, default=None, help="texts checked untimed first (default 300)")
    ap.add_argument("--repeat", type=int, default=None, help="timed passes per engine, best kept (default 3)")
    ap.add_argument("--adversarial-size", type=int, default=None, help="characters (default 1,000,000)")
    ap.add_argument("--adversarial-timeout", type=float, default=5.0, help="seconds before a check is killed")
    ap.add_argument(
        "--adversarial-only", default="", metavar="TEXT", help="only the worst cases named with TEXT"
    )
    ap.add_argument("--skip-adversarial", action="store_true")
    ap.add_argument(
        "--only-adversarial",
        action="store_true",
        help="only the worst-case inputs (no throughput, Presidio, cores or CLI rows)",
    )
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of the rettesnor pass")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="processes of the all-cores rows")
    ap.add_argument("--skip-cores", action="store_true", help="no all-cores rows")
    ap.add_argument(
        "--cli-lines",
        type=int,
        default=None,
        help="lines for `rettesnor check --jsonl` (default 100,000; 0: skip)",
    )
    ap.add_argument("--out", type=Path, default=None, help="where to write the JSON (default bench/results/)")
    ap.add_argument("--no-write", action="store_true", help="do not write the JSON result")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    limit = args.limit if args.limit is not None else (400 if args.quick else None)
    warmup = args.warmup if args.warmup is not None else (50 if args.quick else 300)
    adv_size = args.adversarial_size or (100_000 if args.quick else 1_000_000)

    from rettesnor.check import check
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    try:
        pack = load_pack(args.pack)
    except Exception as exc:
        print(f"cannot load pack {args.pack!r}: {exc}\n(give another with --pack NAME|PATH)", file=sys.stderr)
        return 2
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus} (give one with --corpus PATH)", file=sys.stderr)
        return 2

    machine = machine_info()
    vers = versions()
    print("rettesnor check throughput")
    print(f"  machine: {machine['platform']}; {machine['cpu']}; {machine['cpus']} CPUs", end="")
    print(f"; load {machine['loadavg']}" if "loadavg" in machine else "")
    print(f"  python:  {machine['python']}; one process (one core); per text and in chunks of {args.chunk}")
    chain = " -> ".join(pack.chain)
    print(f"  pack:    {pack.name} ({chain}), {len(pack.rules)} rules, country {pack.country}")

    comments = read_comments(args.corpus, limit)
    samples = build_corpus(comments, seed=args.seed, share=args.share)
    inserted = inserted_counts(samples)
    chars = sum(len(s.text) for s in samples)
    mean = chars / max(1, len(samples))
    print(f"  corpus:  {args.corpus.name}: {len(samples)} texts, mean {mean:.0f} characters;")
    with_ids = sum(1 for s in samples if s.inserted)
    print(f"           {with_ids} with identifiers (seed {args.seed}); inserted: ", end="")
    print(", ".join(f"{t} {n}" for t, n in inserted.items()))
    print()

    if args.only_adversarial:
        for text in comments[:warmup]:  # the forked children inherit a warm process
            check(Item(text, kind="comment"), pack)
        rows = run_adversarial(args, adv_size, samples, pack)
        if args.out:
            args.out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return 1 if any(r["exceeds"] for r in rows) else 0

    repeat = args.repeat if args.repeat is not None else (2 if args.quick else 3)
    size = args.chunk
    timers: dict[str, Timer] = {
        "rettesnor": rettesnor_timer(samples, pack),
        "rettesnor-many": many_timer(samples, pack, size),
        "rettesnor-lines": batch_timer(samples, pack),
    }
    baseline_label = None
    recognizers = None
    if not args.skip_presidio:
        try:
            regions = None if args.presidio_regions == "default" else args.presidio_regions.split(",")
            timers["presidio"], recognizers = presidio_timer(samples, regions=regions)
            engine = timers["presidio"].engine  # type: ignore[attr-defined]
            timers["presidio-batch"] = presidio_batch_timer(samples, engine, size)
        except ImportError as exc:
            print(f"presidio not installed ({exc}); install with: .venv/bin/pip install -e '.[bench]'\n")
        else:
            baseline_label = (
                f"presidio-analyzer {vers['presidio-analyzer']} pattern recognizers "
                f"on blank spaCy {vers['spacy']} (da; phone regions {args.presidio_regions})"
            )
    for timer in timers.values():
        timer.warm(warmup)
    for _ in range(max(1, repeat)):  # the engines take turns, so that they share the machine's moods
        for timer in timers.values():
            timer.run_pass()
    runs = [
        rettesnor_run(samples, timers["rettesnor"]),
        many_run(samples, timers["rettesnor-many"], size),
        batch_run(samples, timers["rettesnor-lines"]),
    ]
    ratios: dict[str, dict[str, float]] = {}
    ratio = cpu_ratio = None
    if "presidio" in timers:
        presidio = presidio_run(samples, timers["presidio"])
        presidio_batch = presidio_run(samples, timers["presidio-batch"])
        runs += [presidio, presidio_batch]
        for r in runs[:3]:
            ratios[r.engine] = {
                "vs_presidio": round(r.texts_per_s / presidio.texts_per_s, 2),
                "vs_presidio_cpu": round(r.cpu_texts_per_s / presidio.cpu_texts_per_s, 2),
                "vs_presidio_batch": round(r.texts_per_s / presidio_batch.texts_per_s, 2),
            }
        ratio = ratios["rettesnor-many"]["vs_presidio"]
        cpu_ratio = ratios["rettesnor-many"]["vs_presidio_cpu"]
    stages, signals_run = breakdown(samples, pack)
    print_table(runs, inserted, signals_run)
    print()
    print("latencies: rettesnor, rettesnor-lines and presidio per text; rettesnor-many and presidio-batch")
    print(f"per chunk of {size} divided by its size (amortised), so their p50/p99 are over chunks")
    print()
    if ratio is not None:
        print(f"baseline: {baseline_label}")
        print(f"  presidio recognizers: {recognizers}")
        print(f"{'ratio of texts/s':<30} {'vs presidio':>12} {'(CPU)':>8} {'vs presidio-batch':>18}")
        for name, rr in ratios.items():
            print(
                f"  {name:<28} {rr['vs_presidio']:>11.1f}× {rr['vs_presidio_cpu']:>7.1f}× "
                f"{rr['vs_presidio_batch']:>17.1f}×"
            )
        verdict = "meets" if ratio >= GOAL_RATIO else "BELOW"
        print(
            f"HEADLINE ratio: batch check_many vs Presidio analyze() one by one: {ratio:.1f}×  "
            f"({verdict} the goal of {GOAL_RATIO:.0f}×); in CPU time {cpu_ratio:.1f}×"
        )
        print(
            "  batch vs batch (check_many vs Presidio's BatchAnalyzerEngine): "
            f"{ratios['rettesnor-many']['vs_presidio_batch']:.1f}×; "
            f"per-text check vs analyze(): {ratios['rettesnor']['vs_presidio']:.1f}×"
        )
    else:
        print("ratio vs presidio: not measured (--skip-presidio or presidio missing)")
    print()

    parallel: list[dict[str, Any]] = []
    if not args.skip_cores:
        texts = [s.text for s in samples]
        from rettesnor.check import check_many
        from rettesnor.item import Item

        def many(part: Sequence[str]) -> Any:
            return check_many([Item(t, kind="comment") for t in part], pack)

        parallel.append(parallel_run("rettesnor-many", many, texts, args.cores, size, repeat))
        if "presidio" in timers:
            presidio_one = timers["presidio"].fn
            assert presidio_one is not None

            def presidio_many(part: Sequence[str]) -> Any:
                return [presidio_one(t) for t in part]

            parallel.append(parallel_run("presidio", presidio_many, texts, args.cores, size, repeat))
        print(f"every core ({args.cores} processes, chunks of {size}; CPU summed over the workers):")
        for row in parallel:
            if "error" in row:
                print(f"  {row['engine']:<16} {row['error']}")
                continue
            print(
                f"  {row['engine']:<16} {row['texts_per_s']:>9.0f} texts/s  {row['cpu_texts_per_s']:>9.0f} "
                f"texts/CPU-s  passes {row['passes_s']}"
            )
        if len(parallel) == 2 and "error" not in parallel[1]:
            p_r, p_p = parallel
            ratios["all-cores"] = {
                "vs_presidio_all_cores": round(p_r["texts_per_s"] / p_p["texts_per_s"], 2),
                "vs_presidio_all_cores_cpu": round(p_r["cpu_texts_per_s"] / p_p["cpu_texts_per_s"], 2),
                "vs_presidio_one_core": round(p_r["texts_per_s"] / presidio.texts_per_s, 2),
            }
            print(
                f"  ratio on every core: {ratios['all-cores']['vs_presidio_all_cores']:.1f}× Presidio on as "
                f"many cores ({ratios['all-cores']['vs_presidio_all_cores_cpu']:.1f}× in CPU time); "
                f"{ratios['all-cores']['vs_presidio_one_core']:.1f}× Presidio on one core"
            )
        print()

    cli: dict[str, Any] | None = None
    cli_lines = args.cli_lines if args.cli_lines is not None else (2_000 if args.quick else 100_000)
    if cli_lines > 0:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cli = cli_runs([s.text for s in samples], args.pack, cli_lines, args.cores, Path(tmp))
        print(f"rettesnor check --jsonl on {cli_lines:,} lines (a process of its own, start-up included):")
        for row in cli["runs"]:
            print(
                f"  --workers {row['workers']}: {row['lines_per_s']:>7,} lines/s  "
                f"({row['lines_per_cpu_s']:,} per CPU second; exit {row['exit_status']}; "
                f"load {row['loadavg']})"
            )
        print(
            f"  start-up: check --help {cli['startup_help_s']:.3f} s, one line "
            f"{cli['startup_one_line_s']:.3f} s; max RSS {cli['max_rss_kb'] / 1024:.0f} MB "
            f"({cli['max_rss_kb_tenth'] / 1024:.0f} MB on a tenth of the lines)"
        )
        print()

    total = sum(stages.values()) or 1.0
    print("where rettesnor's time goes (µs per text, a separate pass):")
    for name, us in stages.items():
        print(f"  {name:<40} {us:>9.2f}  {100 * us / total:5.1f} %")
    print()

    if args.profile:
        print(profile_rettesnor(samples, pack))

    adversarial = [] if args.skip_adversarial else run_adversarial(args, adv_size, samples, pack)

    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine,
        "versions": vers,
        "config": {
            "pack": pack.name,
            "pack_chain": pack.chain,
            "rules": len(pack.rules),
            "corpus": str(args.corpus.name),
            "texts": len(samples),
            "chars": chars,
            "limit": limit,
            "seed": args.seed,
            "share": args.share,
            "warmup": warmup,
            "repeat": repeat,
            "quick": args.quick,
            "adversarial_size": adv_size,
        },
        "inserted": inserted,
        "runs": {r.engine: r.to_dict() for r in runs},
        "ratio": None if ratio is None else round(ratio, 2),
        "cpu_ratio": None if cpu_ratio is None else round(cpu_ratio, 2),
        "ratio_headline": "rettesnor-many (check_many, batch) ÷ presidio (analyze, one by one), texts/s",
        "ratios": ratios,
        "chunk": size,
        "ratio_baseline": baseline_label,
        "presidio_recognizers": recognizers,
        "goal_ratio": GOAL_RATIO,
        "signals": {k: v for k, v in signals_run.to_dict().items() if k in ("found", "extra", "other")},
        "breakdown_us_per_text": stages,
        "all_cores": parallel,
        "cli": cli,
        "adversarial": adversarial,
    }
    out_path = args.out or result_path(args.quick)
    previous = previous_result(out_path, args.quick)
    if previous:
        prev_runs = previous.get("runs", {})
        prev_r = prev_runs.get("rettesnor", {}).get("texts_per_s")
        prev_ratio = previous.get("ratio")
        prev_what = "check_many" if "ratios" in previous else "per-text check"
        print(
            f"previous run ({previous['_file']}, {previous.get('versions', {}).get('commit')}): "
            f"rettesnor {prev_r} texts/s, ratio {prev_ratio}× ({prev_what}); "
            f"now {runs[0].texts_per_s:.0f} texts/s per text, {runs[1].texts_per_s:.0f} in batch"
            + (f", headline ratio {ratio:.1f}×" if ratio is not None else "")
        )
    if not args.no_write:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"results: {out_path.relative_to(REPO) if out_path.is_relative_to(REPO) else out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
