"""Equivalence of the engine before and after a change: every signal and every result, compared.

Dumps, for the benchmark corpus (DKHate with synthetic identifiers, as ``check_throughput.py`` builds it)
and for generated texts in five languages (word-list terms plain, inflected, disguised with digits and
asterisks; names, identifiers, phone numbers, addresses, e-mail addresses, mixed case, "İ"), the signals
of the batch path (``analyse_many``), the per-text path (``analyse``) and what ``check_lines`` writes,
as one JSON line per text. Run it on the old code and on the new, then compare::

    PYTHONPATH=src .venv/bin/python bench/equivalence.py dump /tmp/before.jsonl     # on the old commit
    PYTHONPATH=src .venv/bin/python bench/equivalence.py dump /tmp/after.jsonl
    .venv/bin/python bench/equivalence.py compare /tmp/before.jsonl /tmp/after.jsonl

``compare`` prints every text whose output differs (at most ``--show`` of them in full) and exits 1 if
any does. The generated texts are seeded: the same on every run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # idgen: the identifier generators of the tests
sys.path.insert(0, str(REPO / "bench"))

SEED = 17
LANGS = ("da", "nb", "nn", "sv", "en")
KINDS = (
    "comment",
    "comment",
    "comment",
    "official_post",
    "reply",
    "private_post",
    "account_profile",
    "internal_message",
    "image",
)  # fmt: skip  (comments weigh most, as in real use)
PACKS = {
    "da": "dk-hjorring",
    "nb": "no-hustadvika",
    "nn": "no-hustadvika",
    "sv": "se-norsjo",
    "en": "nordic-baseline",
}
_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5"}


def _terms(language: str) -> list[str]:
    """The terms and excepts of a language's word lists as words people write (wildcards filled in)."""
    from rettesnor.analysis.lexicon import FILES

    out: list[str] = []
    rng = random.Random(language)
    for f in FILES:
        if f.language != language:
            continue
        for e in f.entries:
            core = e.core.replace("<n>", str(rng.randint(1, 99)))
            if not e.right:
                core += rng.choice(("", "e", "en", "erne", "s", "politiker"))
            if not e.left:
                core = rng.choice(("", "super", "kæmpe", "stor")) + core
            out.append(core)
    return out


def _disguise(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return "".join(_LEET.get(c, c) if rng.random() < 0.5 else c for c in word)
    if r < 0.7 and len(word) > 3:
        return word[0] + "*" * (len(word) - 2) + word[-1]
    if r < 0.85 and len(word) > 3:
        return word[:2] + "#" + word[3:]
    return word.upper()


def _identifier(rng: random.Random, language: str) -> str:
    from support import idgen

    pick = rng.randrange(9)
    if pick == 0:
        number = idgen.dk_cpr(rng, mod11=rng.random() < 0.5)
        number = f"{number[:6]}{rng.choice(('-', '', ' '))}{number[6:]}"
    elif pick == 1:
        number = idgen.no_number(rng, rng.choice(("fnr", "dnr")))
    elif pick == 2:
        number = idgen.se_number(rng)[2:]
        number = f"{number[:6]}-{number[6:]}"
    elif pick == 3:
        return (
            rng.choice(("ring", "tlf.", "ring meg på", "call"))
            + " "
            + rng.choice(
                (
                    "+45 20 12 34 56",
                    "20123456",
                    "412 34 567",
                    "070-123 45 67",
                    "+46 70 123 45 67",
                    "98 76 54 32",
                )
            )
        )
    elif pick == 4:
        return (
            rng.choice(("skriv til", "mail:", "e-post", ""))
            + " "
            + rng.choice(
                ("mette.jensen@gmail.com", "ole@hjoring.dk", "kari@online.no", "a@b.dk", "sara99@yahoo.se")
            )
        )
    elif pick == 5:
        return rng.choice(
            ("Østergade 12, 2. tv.", "Storgata 5B", "Drottninggatan 71", "bor på Karl Johans gate 1")
        )
    elif pick == 6:
        return rng.choice(
            ("sagsnr. 2024/123", "j.nr. 12-345", "reg. 1234 konto 0012345678", "DK5000400440116243")
        )
    elif pick == 7:
        return rng.choice(("12 år gammel", "kl. 10.30", "d. 12/3", "1234 5678 9012", "2024"))
    else:
        number = idgen.digits(rng, rng.choice((6, 8, 10, 11, 12)))
    return idgen.sentence(rng, language, number, rng.random() < 0.5)[0]


def generated(n: int = 20_000, seed: int = SEED) -> list[tuple[str, str | None, str, bool, str | None]]:
    """``n`` texts: (language it is written in, language given or None, kind, has images, channel)."""
    from rettesnor.analysis.language import _MARKERS
    from support import idgen

    rng = random.Random(seed)
    terms = {lang: _terms(lang) for lang in LANGS}
    filler = {lang: sorted(_MARKERS[lang]) for lang in LANGS}
    out: list[tuple[str, str | None, str, bool, str | None]] = []
    for k in range(n):
        lang = LANGS[k % len(LANGS)]
        words: list[str] = []
        for _ in range(rng.choice((1, 2, 3, 5, 8, 12, 20, 40))):
            r = rng.random()
            if r < 0.45:
                words.append(rng.choice(filler[lang]))
            elif r < 0.65:
                words.append(rng.choice(terms[lang]))
            elif r < 0.72:
                words.append(_disguise(rng.choice(terms[lang]), rng))
            elif r < 0.8:
                words.append(rng.choice(idgen.NAMES) + rng.choice(("", " Jensen", " Berg", "s")))
            elif r < 0.85:
                words.append(_identifier(rng, lang))
            elif r < 0.9:
                words.append(rng.choice(terms[rng.choice(LANGS)]))
            else:
                words.append(rng.choice((".", "!", "?", ",", "\n", ":", "@USER", "#reklame", "©", "İ", "…")))
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text[:1].upper() + text[1:]
        if rng.random() < 0.05:
            text = text.upper()
        kind = rng.choice(KINDS)
        given = lang if rng.random() < 0.3 else None
        channel = rng.choice(("snapchat", "teams", None)) if kind == "internal_message" else None
        out.append((text, given, kind, rng.random() < 0.15, channel))
    return out


def _signal(s: Any) -> list[Any]:
    return [s.name, s.start, s.end, round(s.score, 6), s.detector, dict(s.evidence)]


def _rows() -> Iterator[dict[str, Any]]:
    import check_throughput as bench
    from rettesnor.analysis import analyse, analyse_many
    from rettesnor.check import check_lines, context_for
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    def scenario(name: str, items: Sequence[Item], pack_name: str) -> Iterator[dict[str, Any]]:
        pack = load_pack(pack_name)
        lines = [
            json.dumps(
                {
                    "id": str(i),
                    "text": it.text,
                    "kind": it.kind,
                    "language": it.language,
                    "channel": it.channel,
                },
                ensure_ascii=False,
            ).encode()
            for i, it in enumerate(items)
        ]
        results = list(check_lines(lines, pack))
        # Signals of the batch path, a chunk of one context at a time (as check_many groups them).
        batch: dict[int, list[Any]] = {}
        groups: dict[Any, list[int]] = {}
        for i, it in enumerate(items):
            language = results[i].get("language") or "da"
            groups.setdefault(context_for(pack, it, language), []).append(i)
        for ctx, members in groups.items():
            for k in range(0, len(members), 512):
                part = members[k : k + 512]
                for i, found in zip(part, analyse_many([items[i].text for i in part], ctx), strict=True):
                    batch[i] = [_signal(s) for s in found]
        for i, it in enumerate(items):
            ctx = context_for(pack, it, results[i].get("language") or "da")
            yield {
                "scenario": name,
                "i": i,
                "signals": batch[i],
                "one": [_signal(s) for s in analyse(it.text, ctx)],
                "result": results[i],
            }

    corpus_path = bench.DEFAULT_CORPUS
    if corpus_path.is_file():
        texts = [s.text for s in bench.build_corpus(bench.read_comments(corpus_path))]
        for kind in ("comment", "official_post"):
            yield from scenario(f"dkhate/{kind}", [Item(t, kind=kind) for t in texts], "dk-hjorring")
    gen = generated()
    for lang in LANGS:
        items = [
            Item(t, kind=kind, language=given, images=("x.jpg",) if images else (), channel=channel)
            for k, (t, given, kind, images, channel) in enumerate(gen)
            if LANGS[k % len(LANGS)] == lang
        ]
        yield from scenario(f"generated/{lang}", items, PACKS[lang])


def dump(path: Path) -> None:
    digest = hashlib.sha256()
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in _rows():
            line = json.dumps(row, ensure_ascii=False, sort_keys=True)
            fh.write(line + "\n")
            digest.update(line.encode())
            count += 1
    print(f"{count} texts; sha256 {digest.hexdigest()}")


def compare(before: Path, after: Path, show: int) -> int:
    diffs: Counter[str] = Counter()
    shown = 0
    n = 0
    with before.open(encoding="utf-8") as a, after.open(encoding="utf-8") as b:
        for la, lb in zip(a, b, strict=True):
            n += 1
            if la == lb:
                continue
            ra, rb = json.loads(la), json.loads(lb)
            parts = [k for k in ("signals", "one", "result") if ra[k] != rb[k]]
            diffs.update(f"{ra['scenario']}:{p}" for p in parts)
            if shown < show:
                shown += 1
                print(f"{ra['scenario']} #{ra['i']}: {', '.join(parts)} differ")
                for p in parts:
                    print(f"  before {p}: {json.dumps(ra[p], ensure_ascii=False)[:600]}")
                    print(f"  after  {p}: {json.dumps(rb[p], ensure_ascii=False)[:600]}")
    print(f"{n} texts compared; {sum(diffs.values())} differences" + (f": {dict(diffs)}" if diffs else ""))
    return 1 if diffs else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("path", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--show", type=int, default=20)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        dump(args.path)
        return 0
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    sys.exit(main())
