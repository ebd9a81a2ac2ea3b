"""``rettesnor demo load``: a demo municipality for each seed guideline, made through the services
(governance for the organisation, the intake for its archive, moderation for a few decisions).

Everything is invented: the people's names are drawn by a seeded generator from common Nordic first
names and made-up surnames, e-mail domains end in ``.example``, and dates are relative to today. Loading
twice adds nothing: an organisation that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.archive.ingest import Incoming
from rettesnor.governance import (
    accounts,
    assignments,
    consents,
    lifecycle,
    people,
    permissions,
    reviews,
    tenants,
)
from rettesnor.governance.errors import NotFound
from rettesnor.intake import ingest
from rettesnor.moderation import queue
from rettesnor.policy.loader import load_pack
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.models import Account, Organisation, Person

YEAR = reviews.YEAR

FIRST = {
    "DK": (
        "Mette",
        "Søren",
        "Freja",
        "Anders",
        "Ida",
        "Rasmus",
        "Signe",
        "Mads",
        "Karen",
        "Jonas",
        "Line",
        "Emil",
    ),
    "NO": (
        "Kari",
        "Ola",
        "Ingrid",
        "Lars",
        "Sigrid",
        "Knut",
        "Marit",
        "Eirik",
        "Silje",
        "Håkon",
        "Tone",
        "Arne",
    ),
    "SE": (
        "Anna",
        "Erik",
        "Maja",
        "Johan",
        "Elsa",
        "Nils",
        "Karin",
        "Oskar",
        "Linnea",
        "Gustav",
        "Ebba",
        "Per",
    ),
}
LAST = {
    "DK": ("Skovlund", "Bækgaard", "Lyngholm", "Kjærbo", "Damsgaard", "Fenger", "Rosendahl", "Vestergren"),
    "NO": ("Nordvik", "Haugstad", "Bremnes", "Eidsaa", "Lyngmo", "Strandheim", "Fjellvang", "Kvalsund"),
    "SE": ("Lindqvist", "Bergsten", "Åkerlund", "Sjöberg", "Norrfors", "Håkansson", "Ekvall", "Granlund"),
}
ANSWERS = {
    "DK": (
        "Informere borgerne om tilbud, arrangementer og driftsforstyrrelser i god tid.",
        "Borgere i kommunen, især forældre og foreninger, som bruger mediet dagligt.",
        "Vi svarer på hverdage inden for et døgn og henviser sager til Digital Post.",
        "Ingen billeder af borgere uden samtykke; børn kun med forældrenes skriftlige samtykke.",
        "Vi skriver aldrig om enkeltsager eller navngivne borgere.",
        "To medarbejdere deler siden, i alt tre timer om ugen.",
    ),
    "NO": (
        "Gi innbyggerne felles informasjon om tilbud, arrangementer og endringer.",
        "Innbyggere i kommunen, særlig foreldre og lag og foreninger.",
        "Vi svarer på hverdager innen ett døgn og ber om formell henvendelse ved saker.",
        "Det foreligger alltid skriftlig samtykke for bilder av brukere og pårørende.",
        "Taushetsplikten ivaretas: vi omtaler aldri enkeltsaker.",
        "To ansatte deler ansvaret, tre timer i uka til sammen.",
    ),
    "SE": (
        "Ge invånarna information om verksamheten, evenemang och förändringar.",
        "Invånare i kommunen, särskilt föräldrar och föreningar.",
        "Vi svarar vardagar inom ett dygn och hänvisar ärenden till kommunens e-tjänster.",
        "Inga bilder på brukare utan skriftligt samtycke.",
        "Sekretessen gäller: vi skriver aldrig om enskilda ärenden.",
        "Två medarbetare delar ansvaret, tre timmar i veckan.",
    ),
}
PROFILE = {
    "DK": "Officiel side for {unit} i {org}. Vi svarer på hverdage. Sager: skriv via Digital Post.",
    "NO": "Offisiell side for {unit} i {org}. Vi svarer på hverdager. Saker sendes som formell henvendelse.",
    "SE": "Officiell sida för {unit} i {org}. Vi svarar vardagar. Ärenden skickas via kommunens e-tjänster.",
}


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    parent: str | None = None
    pack: str | None = None
    staff: int = 5


@dataclass(frozen=True)
class AccountSpec:
    unit: str
    platform: str
    handle: str
    name: str
    state: str  # applied, approved, active
    dms: str = "off"


@dataclass(frozen=True)
class Demo:
    slug: str
    name: str
    country: str
    pack: str
    units: tuple[UnitSpec, ...]
    accounts: tuple[AccountSpec, ...]
    hearing: tuple[str, ...] = ()  # committees a draft guideline is in hearing with
    politician: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


DEMOS: tuple[Demo, ...] = (
    Demo(
        "hjorring",
        "Hjørring Kommune",
        "DK",
        "dk-hjorring",
        (
            UnitSpec("kommunikation", "Kommunikation", staff=3),
            UnitSpec("bibliotek", "Hjørring Bibliotekerne"),
            UnitSpec("skole", "Skole og Dagtilbud"),
            UnitSpec("skovbo", "Skovbo Skole", parent="skole"),
        ),
        (
            AccountSpec("kommunikation", "facebook", "hjorringkommune", "Hjørring Kommune", "active"),
            AccountSpec("bibliotek", "instagram", "hjorringbib", "Hjørring Bibliotekerne", "active"),
            AccountSpec("skovbo", "facebook", "skovboskole", "Skovbo Skole", "applied", dms="on"),
        ),
    ),
    Demo(
        "sonderborg",
        "Sønderborg Kommune",
        "DK",
        "dk-sonderborg",
        (
            UnitSpec("kommunikation", "Kommunikation og Borgerservice", staff=3),
            UnitSpec("dagtilbud", "Dagtilbud"),
            UnitSpec("solsikken", "Børnehuset Solsikken", parent="dagtilbud"),
        ),
        (
            AccountSpec("kommunikation", "facebook", "sonderborgkommune", "Sønderborg Kommune", "active"),
            AccountSpec("solsikken", "facebook", "solsikken", "Børnehuset Solsikken", "approved"),
        ),
    ),
    Demo(
        "norddjurs",
        "Norddjurs Kommune",
        "DK",
        "dk-norddjurs",
        (
            UnitSpec("kommunikation", "Kommunikation", staff=3),
            UnitSpec("bfo", "Børne- og Familieområdet", staff=3),
            UnitSpec("tandplejen", "Tandplejen", parent="bfo", pack="dk-norddjurs-tandplejen", staff=8),
        ),
        (
            AccountSpec("kommunikation", "facebook", "norddjurskommune", "Norddjurs Kommune", "active"),
            AccountSpec("tandplejen", "instagram", "tandplejen.norddjurs", "Tandplejen Norddjurs", "active"),
        ),
        hearing=("LMU Tandplejen", "LMU Dagtilbud", "LMU Skoler"),
    ),
    Demo(
        "hustadvika",
        "Hustadvika kommune",
        "NO",
        "no-hustadvika",
        (
            UnitSpec("service", "Servicekontoret", staff=3),
            UnitSpec("kultur", "Kultur"),
            UnitSpec("kulturskolen", "Kulturskolen", parent="kultur", staff=6),
        ),
        (
            AccountSpec("service", "facebook", "hustadvikakommune", "Hustadvika kommune", "active"),
            AccountSpec("kulturskolen", "facebook", "kulturskolen.hustadvika", "Kulturskolen", "active"),
            AccountSpec("kultur", "instagram", "kulturihustadvika", "Kultur i Hustadvika", "applied"),
        ),
    ),
    Demo(
        "norsjo",
        "Norsjö kommun",
        "SE",
        "se-norsjo",
        (
            UnitSpec("kommunikation", "Kommunikation", staff=3),
            UnitSpec("fritid", "Kultur och fritid"),
            UnitSpec("skidbacken", "Norsjö skidbacke", parent="fritid"),
        ),
        (
            AccountSpec("kommunikation", "facebook", "norsjokommun", "Norsjö kommun", "active"),
            AccountSpec("skidbacken", "instagram", "norsjoskidbacke", "Norsjö skidbacke", "active"),
        ),
        politician=True,
    ),
)

URLS = {"facebook": "https://www.facebook.com/{}", "instagram": "https://www.instagram.com/{}"}


class _Names:
    def __init__(self, country: str, seed: str) -> None:
        self.rng = random.Random(seed)
        self.country = country
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST[self.country])} {self.rng.choice(LAST[self.country])}"
            if name not in self.used or len(self.used) > 80:
                self.used.add(name)
                return name


def _build(session: Session, spec: Demo, today: dt.date) -> Organisation:
    org = tenants.create_organisation(
        session,
        slug_=spec.slug,
        name=spec.name,
        country=spec.country,
        pack=spec.pack,
        service_office=f"servicekontoret@{spec.slug}.example",
        website=f"https://www.{spec.slug}.example",
    )
    names = _Names(spec.country, spec.slug)
    rng = random.Random(spec.slug + "-dates")
    leaders: dict[str, Person] = {}
    staff: dict[str, list[Person]] = {}
    for u in spec.units:
        tenants.add_unit(session, org, slug_=u.slug, name=u.name, parent=u.parent, pack=u.pack)
        top = leaders.get(spec.units[0].slug)  # the leaders of the other units report to the first one's
        leader = people.add_person(
            session,
            org,
            name=names(),
            unit=u.slug,
            started_on=today - dt.timedelta(days=rng.randrange(900, 4000)),
            manager_id=top.id if top else None,
        )
        people.grant_role(session, org, leader.id, "unit_leader", unit=u.slug)
        leaders[u.slug] = leader
        staff[u.slug] = []
        for i in range(u.staff):
            new = i == u.staff - 1  # one newcomer per unit, for the onboarding list
            started = today - dt.timedelta(days=rng.randrange(20, 60) if new else rng.randrange(400, 5000))
            staff[u.slug].append(
                people.add_person(
                    session, org, name=names(), unit=u.slug, started_on=started, manager_id=leader.id
                )
            )
    comms = staff[spec.units[0].slug][0]
    people.grant_role(session, org, comms.id, "communications_officer")
    people.grant_role(session, org, staff[spec.units[0].slug][1].id, "hr")
    people.grant_role(session, org, staff[spec.units[0].slug][2].id, "records_manager")
    _accounts(session, org, spec, today, leaders, staff)
    _consents(session, org, spec, today, comms)
    # The head of the administration answers to the mayor (an elected official, so never due a review
    # themself), who goes through the guideline with them: nobody is left without a leader.
    mayor = people.add_person(
        session,
        org,
        name=names(),
        unit=spec.units[0].slug,
        started_on=today - dt.timedelta(days=1200),
        kind="elected_official",
    )
    people.set_manager(session, org, leaders[spec.units[0].slug].id, mayor.id)
    # A moderator in the first unit: their closest leader is the first unit's leader (the demo's leader
    # login), who then finds the escalations in the queue. Made after the mayor, so the other names stay as
    # they were, and reviewed in time like their colleagues.
    moderator = people.add_person(
        session,
        org,
        name=names(),
        unit=spec.units[0].slug,
        manager_id=leaders[spec.units[0].slug].id,
        started_on=today - dt.timedelta(days=rng.randrange(400, 3000)),
    )
    people.grant_role(session, org, moderator.id, "moderator")
    _reviews(session, org, spec, today, leaders, staff, mayor, moderator)
    if spec.politician:
        politician = people.add_person(
            session,
            org,
            name=names(),
            unit=spec.units[0].slug,
            started_on=today - dt.timedelta(days=700),
            kind="elected_official",
        )
        permissions.grant_permission(
            session,
            org,
            person_id=politician.id,
            kind="blog_link",
            granted_by=comms.id,
            valid_from=today,
            url="https://blogg.example/politik",
            disclaimer="Det här är min privata blogg. Åsikterna är mina egna och inte Norsjö kommuns.",
        )
    return org


def _accounts(
    session: Session,
    org: Organisation,
    spec: Demo,
    today: dt.date,
    leaders: dict[str, Person],
    staff: dict[str, list[Person]],
) -> None:
    names = load_pack(org.pack).parameters.organisation_names
    org_name = names[0] if names else org.name
    for a in spec.accounts:
        writer, author = staff[a.unit][0], staff[a.unit][1]
        unit_name = tenants.get_unit(session, org, a.unit).name
        answers = dict(
            zip(
                (
                    "purpose",
                    "target_group",
                    "dialogue_plan",
                    "privacy_assessment",
                    "confidentiality_assessment",
                    "resources_plan",
                ),
                ANSWERS[spec.country],
                strict=True,
            )
        )
        account = accounts.apply_for_account(
            session,
            org,
            accounts.Application(
                unit=a.unit,
                platform=a.platform,
                handle=a.handle,
                name=a.name,
                url=URLS[a.platform].format(a.handle),
                applied_by=writer.id,
                responsible=writer.id,
                profile_text=PROFILE[spec.country].format(unit=unit_name, org=org_name),
                direct_messages=a.dms,
                password_attested=True,
                **answers,
            ),
        )
        if a.state == "applied":
            continue
        accounts.approve_account(session, org, account.id, leaders[a.unit].id, today)
        if a.state == "approved":
            continue
        accounts.activate_account(session, org, account.id)
        for person in (writer, author):
            grant = permissions.grant_permission(
                session,
                org,
                person_id=person.id,
                kind="service_assignment",
                granted_by=leaders[a.unit].id,
                valid_from=today - dt.timedelta(days=30),
            )
            permissions.accept_permission(session, org, grant.id, person.id)
        part = assignments.assign(session, org, account.id, author.id, "author", leaders[a.unit].id)
        assignments.accept(session, org, part.id, author.id)
        now = dt.datetime.now(dt.UTC)
        for days in (40, 12, 3):
            accounts.record_activity(session, org, account.id, author.id, at=now - dt.timedelta(days=days))
        if a.handle == [x for x in spec.accounts if x.state == "active"][-1].handle:  # an undesignated writer
            accounts.record_activity(
                session, org, account.id, staff[a.unit][2].id, at=now - dt.timedelta(days=1)
            )


def _consents(session: Session, org: Organisation, spec: Demo, today: dt.date, comms: Person) -> None:
    basis = consents.allowed_bases(session, org, None)[0]
    written = basis == "written_consent"
    for i, (subject, child) in enumerate(
        (("Elever ved juleafslutningen", True), ("Frivillige ved løbet", False))
    ):
        consent = consents.record_consent(
            session,
            org,
            media_ref=f"demo/{spec.slug}/billede-{i + 1}.jpg",
            subject=subject,
            basis=basis,
            given_on=today - dt.timedelta(days=60),
            given_by="Forælder (demo)" if written else None,
            given_by_role="guardian" if child and written else None,
            subject_is_child=child,
            recorded_by=comms.id,
        )
        if i == 0:
            consents.withdraw_consent(session, org, consent.id, today)


def _reviews(
    session: Session,
    org: Organisation,
    spec: Demo,
    today: dt.date,
    leaders: dict[str, Person],
    staff: dict[str, list[Person]],
    mayor: Person,
    moderator: Person,
) -> None:
    first = spec.units[0].slug
    version = lifecycle.draft_policy(
        session, org, version=f"{today.year}-1", title=f"Retningslinjer – {org.name}"
    )
    if spec.hearing:
        lifecycle.send_to_hearing(
            session, org, version.id, list(spec.hearing), today - dt.timedelta(days=120)
        )
    lifecycle.approve_policy(
        session,
        org,
        version.id,
        "MED" if spec.country == "DK" else "Kommunestyret",
        today - dt.timedelta(days=100),
    )
    lifecycle.publish_policy(session, org, version.id, today - dt.timedelta(days=100))
    kind = "yearly" if spec.pack == "no-hustadvika" else "policy"
    policy = version.id if kind == "policy" else None
    top = leaders[first]

    def review(person: Person, leader: Person, held: dt.date) -> None:
        reviews.record_review(
            session,
            org,
            person_id=person.id,
            leader_id=leader.id,
            kind=kind,
            held_on=held,
            policy_version_id=policy,
        )

    # Half were reviewed in time; with a yearly review (Hustadvika) the others a little over a year ago,
    # so that their review fell due this year (not years back); newcomers are not due yet.
    late = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=30))
    review(top, mayor, today - dt.timedelta(days=90))
    review(moderator, top, today - dt.timedelta(days=60))
    for n, (unit, leader) in enumerate(leaders.items()):
        if unit == first:
            continue
        if n % 2 == 1:
            review(leader, top, today - dt.timedelta(days=150))
        elif kind == "yearly":
            review(leader, top, late - YEAR)
    if load_pack(org.pack).parameters.guideline_review == "with_all_and_onboarding":
        # everyone but the newcomers acknowledged the guideline when they started (Norddjurs)
        for unit, leader in leaders.items():
            for person in [leader, *staff[unit], *([moderator] if unit == first else [])]:
                boss = mayor if person is top else (top if person is leader else leader)
                if person.started_on < today - dt.timedelta(days=60):
                    held = reviews.record_review(
                        session,
                        org,
                        person_id=person.id,
                        leader_id=boss.id,
                        kind="onboarding",
                        held_on=person.started_on + dt.timedelta(days=7),
                    )
                    reviews.acknowledge(session, org, held.id, person.id)
    for unit, members in staff.items():
        for i, person in enumerate(members):
            if person.started_on >= today - dt.timedelta(days=400):
                continue
            if i % 2 == 0:
                review(person, leaders[unit], today - dt.timedelta(days=100 if unit == first else 200))
            elif kind == "yearly":
                review(person, leaders[unit], max(late - YEAR + dt.timedelta(days=i), person.started_on))


# Invented threads for the archive, per language: a page post, then citizens' comments. Each comment is
# (kind, text); {p} is replaced by an invented phone number. One insult, one threat, one comment with a
# phone number, one complaint (a registration task), one case question (answered with the reply
# template), friendly ones: the queue then holds recommendations to hide, delete, review and register.
THREADS: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {
    "DK": (
        (
            "Vejarbejdet på Østergade fortsætter til og med fredag. Bussen kører ad Nørregade i mellemtiden.",
            (
                ("friendly", "Tak for beskeden, dejligt at vide i god tid."),
                ("insult", "I er nogle idioter og klovne på rådhuset, det her er totalt inkompetent."),
                ("complaint", "Jeg vil gerne klage over at der ikke er skiltet ordentligt. Jeg fik en bøde."),
                ("friendly", "Hvornår åbner cykelstien igen?"),
                ("threat", "Hvis I lukker Østergade én gang til, så slår jeg jer ihjel."),
            ),
        ),
        (
            "Biblioteket holder åbent til kl. 21 hele december. Kom og lån en god bog til juleferien!",
            (
                ("personal", "Min søn har mistet sit lånerkort, ring til mig på {p} så jeg kan få et nyt."),
                (
                    "case",
                    "Hvornår får jeg svar på min ansøgning om tilskud til foreningen? Jeg søgte i august.",
                ),
                ("friendly", "Tak for et super bibliotek, børnene elsker lørdagsværkstedet."),
            ),
        ),
    ),
    "NO": (
        (
            "Kulturskolen har ledige plasser på gitar og piano fra januar. Søknadsfrist 15. desember.",
            (
                ("friendly", "Så flott! Datteren min gleder seg til å begynne."),
                ("insult", "Dere er noen idioter og klovner alle sammen, for en tullete kommune."),
                (
                    "complaint",
                    "Jeg vil klage på at prisen har gått opp igjen uten varsel. Dette er dårlig behandling.",
                ),
                ("friendly", "Blir det konsert før jul i år også?"),
                ("threat", "Hvis dere legger ned kulturskolen, så slår jeg dere i hjel."),
            ),
        ),
        (
            "Brøytingen i sentrum starter kl. 05 i morgen. Flytt bilen fra gata før det.",
            (
                ("personal", "Naboen min har ikke fått brøytet, ring meg på {p} så skal jeg forklare hvor."),
                ("case", "Når får jeg svar på søknaden min om byggetillatelse? Jeg har ventet siden juni."),
                ("friendly", "Takk til brøytemannskapet, dere gjør en kjempejobb."),
            ),
        ),
    ),
    "SE": (
        (
            "Skidbacken öppnar på lördag kl. 10. Liftkort köps i stugan, barn under 7 år åker gratis.",
            (
                ("friendly", "Äntligen! Vi kommer hela familjen."),
                ("insult", "Ni är idioter och clowner allihop, vilken pinsam kommun."),
                (
                    "complaint",
                    "Jag vill lämna ett klagomål på plogningen. Ingen har plogat vår gata på en vecka.",
                ),
                ("friendly", "Blir det kvällsåkning i år också?"),
                ("threat", "Om ni stänger backen en gång till så slår jag ihjäl er."),
            ),
        ),
        (
            "Biblioteket har nya öppettider från måndag: vardagar 10–18, lördagar 10–14.",
            (
                ("personal", "Min mamma har tappat sitt lånekort, ring mig på {p} så kan vi lösa det."),
                (
                    "case",
                    "När får jag besked om min ansökan om bygglov? Jag sökte i juni och har inte hört något.",
                ),
                ("friendly", "Tack för ett fint bibliotek!"),
            ),
        ),
    ),
}
PHONES = {"DK": "23 45 67 89", "NO": "912 34 567", "SE": "070-123 45 67"}
LANG = {"DK": "da", "NO": "nb", "SE": "sv"}


def _archive(session: Session, org: Organisation, today: dt.date) -> int:
    """Fill the archive of a demo organisation with generated threads on its active accounts (once)."""
    known = session.scalar(select(func.count()).where(ArchiveRecord.organisation_id == org.id)) or 0
    if known:
        return 0
    live = list(
        session.scalars(
            select(Account)
            .where(Account.organisation_id == org.id, Account.status == "active")
            .order_by(Account.id)
        )
    )
    names = _Names(org.country, org.slug + "-citizens")
    start = dt.datetime.combine(today, dt.time(8, 0), tzinfo=dt.UTC) - dt.timedelta(days=20)
    events: list[Incoming] = []
    flagged: dict[str, list[str]] = {"insult": [], "case": []}
    for a, account in enumerate(live):
        for t, (text, comments) in enumerate(THREADS[org.country]):
            at = start + dt.timedelta(days=a * 3 + t * 7, hours=a)
            root = f"demo-{account.handle}-{t + 1}"
            events.append(
                Incoming(
                    platform=account.platform,
                    platform_id=root,
                    kind="post",
                    text=text,
                    account=account.id,
                    author_id=account.handle,
                    author_name=account.name,
                    published_at=at,
                    language=LANG[org.country],
                )
            )
            for c, (what, body) in enumerate(comments):
                pid = f"{root}-c{c + 1}"
                events.append(
                    Incoming(
                        platform=account.platform,
                        platform_id=pid,
                        kind="comment",
                        text=body.format(p=PHONES[org.country]),
                        account=account.id,
                        parent=root,
                        author_id=f"u{zlib.crc32(pid.encode()) % 10**8}",
                        author_name=names(),
                        published_at=at + dt.timedelta(minutes=17 * (c + 1)),
                        language=LANG[org.country],
                    )
                )
                if what in flagged:
                    flagged[what].append(pid)
            if t == 0:
                events.append(
                    Incoming(
                        platform=account.platform,
                        platform_id=f"{root}-r1",
                        kind="reply",
                        text={
                            "DK": "Tak! Vi forventer at cykelstien åbner igen i næste uge.",
                            "NO": "Ja, julekonserten blir 14. desember i kulturhuset.",
                            "SE": "Ja, kvällsåkning tisdagar och torsdagar 18–21.",
                        }[org.country],
                        account=account.id,
                        parent=f"{root}-c4",
                        author_id=account.handle,
                        author_name=account.name,
                        published_at=at + dt.timedelta(hours=3),
                        language=LANG[org.country],
                    )
                )
    if not events:
        return 0
    ingest(session, org, events)
    moderator = next((p for p in people.list_people(session, org) if p.kind == "employee"), None)
    if moderator is not None:
        ids = dict(
            session.execute(
                select(ArchiveRecord.platform_id, ArchiveRecord.id).where(
                    ArchiveRecord.organisation_id == org.id,
                    ArchiveRecord.platform_id.in_(flagged["insult"][:1] + flagged["case"][:1]),
                )
            ).all()
        )
        reason = {
            "DK": "Personangreb i strid med retningslinjerne",
            "NO": "Personangrep i strid med retningslinjene",
            "SE": "Personangrepp i strid med riktlinjerna",
        }[org.country]
        for pid in flagged["insult"][:1]:
            if pid in ids:
                queue.decide(session, org, ids[pid], "hide", by=moderator.id, reason=reason)
        for pid in flagged["case"][:1]:
            if pid in ids:
                queue.decide(
                    session,
                    org,
                    ids[pid],
                    "reply",
                    by=moderator.id,
                    reason="Sagsspørgsmål",
                    template="case_inquiry",
                    lang=LANG[org.country],
                )
    return len(events)


def load(session: Session, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Create the demo organisations that do not exist yet; a summary of each."""
    day = today or dt.date.today()
    summary = []
    for spec in DEMOS:
        try:
            org = tenants.get_organisation(session, spec.slug)
            created = False
        except NotFound:
            org = _build(session, spec, day)
            created = True
        messages = _archive(session, org, day)
        summary.append(
            {
                "organisation": org.slug,
                "created": created,
                "units": len(tenants.list_units(session, org)),
                "people": len(people.list_people(session, org)),
                "accounts": len(accounts.list_accounts(session, org)),
                "consents": len(consents.list_consents(session, org)),
                "overdue": len(reviews.overdue(session, org, day)),
                "archived_messages": messages,
            }
        )
    return summary
