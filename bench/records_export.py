"""Records-export benchmark (issue 19): an E-ARK SIP of 100,000 records in < 2 min at constant memory.

    .venv/bin/python bench/records_export.py [--n 100000] [--small 20000] [--out FILE]

Builds an SQLite archive of invented Danish threads through the real batch ingest (the check, the chain,
registration tasks), then exports it with ``rettesnor archive export --format eark`` as a separate
process, twice: at ``--small`` records and at ``--n`` records. Each run reports its wall time and the
process's peak resident memory (``ru_maxrss``); memory that does not grow with the archive is the
"constant memory" of the target. Each export is then checked: every file the representation's METS lists
is there with its SHA-256.

The generated comments are those of ``bench/archive_ingest.py`` (50 messages a thread on 5 accounts) with
1 in 200 a complaint or case question (registration tasks; their threads become PDF/A documents).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive_ingest as ai
from rettesnor.records.db import make_engine

REGISTRABLE = (" Jeg vil gerne klage over det.", " Hvornår får jeg svar på min ansøgning?")
TARGET_S = 120.0

CHILD = """
import json, resource, sys, time
from pathlib import Path
from rettesnor.archive import eark
from rettesnor.governance.tenants import get_organisation
from rettesnor.records.db import make_engine, unit_of_work
engine = make_engine(sys.argv[1])
t = time.perf_counter()
with unit_of_work(engine) as s:
    package = eark.export(s, get_organisation(s, "bench"), Path(sys.argv[2]), documents=sys.argv[3] == "1")
took = time.perf_counter() - t
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({**package.summary(), "seconds": round(took, 1), "peak_rss_mb": round(peak_kb / 1024, 1)}))
"""


class Generator(ai.Generator):
    """Fewer complaints and case questions than the archive bench (1 in 200, not 1 in 18)."""

    def _text(self) -> str:
        rng = self.rng
        words = rng.choices(ai.WORDS, cum_weights=self.word_weights, k=rng.randint(6, 22))
        body = " ".join(words).capitalize() + "."
        if rng.random() < 1 / 200:
            body += rng.choice(REGISTRABLE)
        return body


def _export(url: str, out: Path, documents: bool) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = [sys.executable, "-c", CHILD, url, str(out), "1" if documents else "0"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _check(folder: Path) -> int:
    """Every file of the representation is there with the SHA-256 its METS states; returns how many."""
    rep = folder / "representations" / "rep1"
    n = 0
    mets = "{http://www.loc.gov/METS/}"
    for _, el in etree.iterparse(str(rep / "METS.xml"), tag=f"{mets}file"):
        href = el.find(f"{mets}FLocat").get("{http://www.w3.org/1999/xlink}href")
        digest = hashlib.sha256((rep / href).read_bytes()).hexdigest()
        assert digest == el.get("CHECKSUM"), href
        n += 1
        el.clear()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--documents", action="store_true", help="also export with the PDF/A thread documents")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rettesnor-export-bench-"))
    url = f"sqlite:///{work / 'bench.db'}"
    engine = make_engine(url)
    handles = ai._setup(engine)
    stream = Generator(7, handles).events(args.n)  # one stream: the second stage goes on from the first
    runs = []
    built = 0
    for size in (args.small, args.n):
        t = time.perf_counter()
        _ingest(engine, stream, size - built)
        built = size
        print(f"built {built:,} records in {time.perf_counter() - t:.0f} s", flush=True)
        for documents in (False, True) if args.documents else (False,):
            result = _export(url, work / f"sip-{size}-{documents}", documents)
            result["files_checked"] = _check(Path(result["folder"]))
            print(json.dumps(result), flush=True)
            runs.append(
                {
                    "records_in_archive": size,
                    "documents_rendered": documents,
                    **{k: v for k, v in result.items() if k != "folder"},
                }
            )
    engine.dispose()
    summary = {
        "bench": "records_export",
        "date": dt.date.today().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "note": "shared 2-CPU machine",
        },
        "target_s": TARGET_S,
        "runs": runs,
        "met": [r["seconds"] < TARGET_S for r in runs if r["records_in_archive"] == args.n],
        "memory_growth_mb": round(
            max(r["peak_rss_mb"] for r in runs if r["records_in_archive"] == args.n)
            - min(r["peak_rss_mb"] for r in runs if r["records_in_archive"] == args.small),
            1,
        ),
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _ingest(engine: Any, stream: Iterator[Any], n: int) -> None:
    """The next ``n`` events of the stream through the batch ingest, 20,000 a transaction."""
    from rettesnor.governance import tenants
    from rettesnor.intake import ingest
    from rettesnor.records.db import unit_of_work

    done = 0
    while done < n:
        batch = [next(stream) for _ in range(min(ai.TX, n - done))]
        with unit_of_work(engine) as s:
            ingest(s, tenants.get_organisation(s, "bench"), batch)
        done += len(batch)


if __name__ == "__main__":
    main()
