"""The dashboard: counts and trends of the last weeks as charts drawn on the server (inline SVG, no
script, no inline style: colours are classes of ``style.css``), each with a table of the same figures.

- comments by category per week (the week a comment was published on the platform);
- the median time from a comment entering the queue to its first decision, per week of the decision;
- tasks that are overdue or due within a week, by kind; and the counts of what waits for someone.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor import labels
from rettesnor.governance import accounts, reviews
from rettesnor.records.archive_models import ArchiveRecord, ModerationCase, ModerationDecision
from rettesnor.records.models import Organisation
from rettesnor.web import queries
from rettesnor.web.deps import OrgSession, page_area
from rettesnor.web.render import page

router = APIRouter(include_in_schema=False)
WEEKS = 8
MAX_SERIES = 6  # categories drawn; the rest are summed as "other"
OTHER = "other"
WIDTH, HEIGHT, PAD = 640, 220, 36


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(start: dt.date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def comments_by_category(
    session: Session, org: Organisation, weeks: list[dt.date]
) -> tuple[list[str], dict[dt.date, Counter[str]]]:
    """Per week: how many comments fell in each category (a comment with none counts as "none")."""
    since = dt.datetime.combine(weeks[0], dt.time(), tzinfo=dt.UTC)
    when = func.coalesce(ArchiveRecord.published_at, ArchiveRecord.received_at)
    rows = session.execute(
        select(when, ArchiveRecord.categories).where(
            ArchiveRecord.organisation_id == org.id, ArchiveRecord.kind == "comment", when >= since
        )
    ).all()
    per_week: dict[dt.date, Counter[str]] = {w: Counter() for w in weeks}
    totals: Counter[str] = Counter()
    for at, cats in rows:
        week = monday(_aware(at).date())
        if week not in per_week:
            continue
        for c in (cats or "none").split(","):
            per_week[week][c] += 1
            totals[c] += 1
    top = [c for c, _ in totals.most_common(MAX_SERIES)]
    if len(totals) > MAX_SERIES:
        for counter in per_week.values():
            rest = sum(n for c, n in counter.items() if c not in top)
            for c in [c for c in counter if c not in top]:
                del counter[c]
            if rest:
                counter[OTHER] = rest
        top.append(OTHER)
    return top, per_week


def decision_times(session: Session, org: Organisation, weeks: list[dt.date]) -> dict[dt.date, list[float]]:
    """Per week of the decision: hours from the case's creation to its first decision."""
    since = dt.datetime.combine(weeks[0], dt.time(), tzinfo=dt.UTC)
    first = (
        select(ModerationDecision.case_id, func.min(ModerationDecision.decided_at).label("at"))
        .where(ModerationDecision.organisation_id == org.id, ModerationDecision.case_id.is_not(None))
        .group_by(ModerationDecision.case_id)
        .subquery()
    )
    rows = session.execute(
        select(ModerationCase.created_at, first.c.at)
        .join(first, first.c.case_id == ModerationCase.id)
        .where(ModerationCase.organisation_id == org.id, first.c.at >= since)
    ).all()
    out: dict[dt.date, list[float]] = {w: [] for w in weeks}
    for created, decided in rows:
        week = monday(_aware(decided).date())
        if week in out:
            out[week].append(max(0.0, (_aware(decided) - _aware(created)).total_seconds() / 3600))
    return out


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


def _scale(top: float) -> float:
    """A round upper bound for the axis."""
    if top <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if top <= step:
            return float(step)
    return float(top)


def stacked_bars(
    groups: list[str], series: list[str], values: list[list[float]], names: dict[str, str]
) -> dict[str, Any]:
    """Geometry of a stacked bar chart: one bar per group, one segment per series (class s0, s1 …)."""
    top = _scale(max((sum(v) for v in values), default=0))
    plot_h = HEIGHT - 2 * PAD
    slot = (WIDTH - 2 * PAD) / max(len(groups), 1)
    bars: list[Bar] = []
    for g, (group, row) in enumerate(zip(groups, values, strict=True)):
        base = float(HEIGHT - PAD)
        for s, value in enumerate(row):
            if value <= 0:
                continue
            h = value / top * plot_h
            base -= h
            title = f"{group}: {names.get(series[s], series[s])} {value:g}"
            bars.append(
                Bar(PAD + g * slot + slot * 0.15, base, slot * 0.7, h, f"s{s % MAX_SERIES + 1}", title)
            )
    ticks = [(HEIGHT - PAD - plot_h * i / 4, f"{top * i / 4:g}") for i in range(5)]
    labels_x = [(PAD + g * slot + slot / 2, group) for g, group in enumerate(groups)]
    legend = [(f"s{i % MAX_SERIES + 1}", names.get(s, s)) for i, s in enumerate(series)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "bars": bars,
        "ticks": ticks,
        "labels": labels_x,
        "series": legend,
    }


def _counts(
    session: Session, org: Organisation, tasks: list[dict[str, Any]], today: dt.date
) -> dict[str, int]:
    open_cases = session.execute(
        select(ModerationCase.status, func.count())
        .where(ModerationCase.organisation_id == org.id, ModerationCase.status != "decided")
        .group_by(ModerationCase.status)
    ).all()
    by_status = {status: int(n) for status, n in open_cases}
    return {
        "open": by_status.get("open", 0),
        "escalated": by_status.get("escalated", 0),
        "overdue_tasks": sum(1 for t in tasks if t["overdue"]),
        "overdue_reviews": len({o.person_id for o in reviews.overdue(session, org, today)}),
        "applications": len(accounts.list_accounts(session, org, status="applied")),
        "records": session.scalar(
            select(func.count()).select_from(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id)
        )
        or 0,
    }


@router.get("/dashboard")
def dashboard(request: Request, db: Annotated[OrgSession, page_area("dashboard")]) -> HTMLResponse:
    today = dt.date.today()
    weeks = [monday(today) - dt.timedelta(weeks=i) for i in range(WEEKS - 1, -1, -1)]
    session, org = db.session, db.org
    series, per_week = comments_by_category(session, org, weeks)
    times = decision_times(session, org, weeks)
    tasks = queries.all_tasks(session, org, today)
    counts = _counts(session, org, tasks, today)
    week_names = [week_label(w) for w in weeks]
    comment_rows = [[float(per_week[w].get(s, 0)) for s in series] for w in weeks]
    medians = [round(statistics.median(times[w]), 1) if times[w] else None for w in weeks]
    kinds = list(labels.TASK_KINDS)
    soon = today + dt.timedelta(days=7)
    task_rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in tasks:
        if t["overdue"]:
            task_rows[t["kind"]][0] += 1
        elif t["due_on"] <= soon:
            task_rows[t["kind"]][1] += 1
    return page(
        request,
        "dashboard.html",
        db.who,
        counts=counts,
        weeks=week_names,
        series=series,
        categories=labels.CATEGORIES,
        comment_rows=comment_rows,
        medians=medians,
        decided=[len(times[w]) for w in weeks],
        task_rows=[(k, task_rows[k][0], task_rows[k][1]) for k in kinds],
        task_kinds=labels.TASK_KINDS,
        # the charts are drawn with untranslated names; the template translates the legend and tables
        comments_chart=stacked_bars(week_names, series, comment_rows, {}),
        median_chart=stacked_bars(week_names, ["median"], [[m or 0.0] for m in medians], {}),
        tasks_chart=stacked_bars(
            [k for k in kinds],
            ["overdue", "soon"],
            [[float(task_rows[k][0]), float(task_rows[k][1])] for k in kinds],
            {},
        ),
    )
