"""Deterministic test data for the national_id detector: valid numbers, look-alikes, sentences.

Numbers are built from the published rules (not from the detector): a random real date, the
century digits that rule allows, then check digits. All names are invented first names. Seeded
``random.Random`` only, so every run sees the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

LAST_DAY = dt.date(2025, 12, 31)  # every generated birth date lies in the past on any test day

NAMES = (
    "Mads",
    "Freja",
    "Oskar",
    "Ingrid",
    "Sigrid",
    "Nils",
    "Elsa",
    "Ebbe",
    "Tuva",
    "Aksel",
    "Liva",
    "Vilmer",
    "Selma",
    "Halvor",
    "Maja",
    "Sune",
    "Runa",
    "Birk",
    "Alma",
    "Torbjørn",
)


@dataclass(frozen=True)
class Case:
    text: str
    start: int  # span of the number in text (valid cases); 0 for look-alikes
    end: int
    subtype: str  # expected subtype; "" for look-alikes
    country: str
    language: str


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date = LAST_DAY) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# --- Denmark: DDMMYY-SSSS, century from the 7th digit -------------------------------------------

_DK_W = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _dk_century_digits(year: int) -> str:
    yy = year % 100
    if year < 1900:
        return "5678" if yy >= 58 else ""
    if year < 2000:
        return "0123" + ("49" if yy >= 37 else "")
    return ("49" if yy <= 36 else "") + ("5678" if yy <= 57 else "")


def dk_cpr(rng: random.Random, mod11: bool) -> str:
    """A valid CPR (10 digits); ``mod11`` chooses whether modulus 11 holds."""
    while True:
        born = rand_date(rng, dt.date(1860, 1, 1))
        allowed = _dk_century_digits(born.year)
        if not allowed:
            continue
        body = born.strftime("%d%m%y") + rng.choice(allowed) + digits(rng, 2)
        total = sum(w * int(c) for w, c in zip(_DK_W, body, strict=False))
        last = (-total) % 11
        if mod11:
            if last == 10:
                continue
            return body + str(last)
        return body + rng.choice([str(d) for d in range(10) if d != last])


# --- Norway: DDMMYYIIIKK, D (+40 on the day), H (+40 on the month), 2032 control rule ------------

_NO_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _no_individual(rng: random.Random, year: int) -> int:
    if year < 1900:
        return rng.randrange(500, 750)
    if year < 2000:
        return rng.randrange(900, 1000) if year >= 1940 and rng.random() < 0.1 else rng.randrange(0, 500)
    return rng.randrange(500, 1000)


def no_number(rng: random.Random, kind: str = "fnr", rule2032: bool = False) -> str:
    """A valid Norwegian number of ``kind`` fnr/dnr/hnr. With ``rule2032`` the first control digit
    makes the first sum's remainder 1, 2 or 3 (accepted from 2032) instead of 0."""
    while True:
        born = rand_date(rng, dt.date(1860, 1, 1))
        day, month = born.day + (40 if kind == "dnr" else 0), born.month + (40 if kind == "hnr" else 0)
        body = f"{day:02d}{month:02d}{born.year % 100:02d}{_no_individual(rng, born.year):03d}"
        s1 = sum(w * int(c) for w, c in zip(_NO_W1, body, strict=False))
        if rule2032:
            options = [k for k in range(10) if (s1 + k) % 11 in (1, 2, 3)]
            k1 = rng.choice(options)
        else:
            k1 = (-s1) % 11
            if k1 == 10:
                continue
        body += str(k1)
        k2 = (-sum(w * int(c) for w, c in zip(_NO_W2, body, strict=False))) % 11
        if k2 == 10:
            continue
        return body + str(k2)


# --- Sweden: YYMMDD-NNNC (10) / YYYYMMDDNNNC (12), Luhn, samordningsnummer (+60 on the day) ------


def luhn_digit(partial: str) -> str:
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((-total) % 10)


def se_number(rng: random.Random, samordning: bool = False, old: bool = False) -> str:
    """A valid personnummer as 12 digits YYYYMMDDNNNC. ``old``: born 1900-1924 (a '+' person)."""
    born = (
        rand_date(rng, dt.date(1900, 1, 1), dt.date(1924, 12, 31))
        if old
        else rand_date(rng, dt.date(1930, 1, 1))
    )
    day = born.day + (60 if samordning else 0)
    ten = f"{born.year % 100:02d}{born.month:02d}{day:02d}{digits(rng, 3)}"
    return f"{born.year // 100}{ten}{luhn_digit(ten)}"


# --- Sentences ------------------------------------------------------------------------------

# {n} is the number, {name} an invented first name. "ctx": with identity words; "bare": without.
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "da": {
        "ctx": (
            "Min søn {name} har cpr {n}, kan I hjælpe med pladsen?",
            "Mit CPR-nr. er {n} og jeg har ventet i tre uger.",
            "{name}s personnummer: {n}",
            "Hej! {name} er født {n} og mangler stadig sin plads.",
            "cpr-nummer {n} – hvorfor har I ikke svaret?",
        ),
        "bare": (
            "Hej, det drejer sig om {name} ({n}). Hvornår får vi svar?",
            "{name} {n} har ikke fået plads i børnehaven endnu.",
            "Kan I se på {n}? Vi har ventet længe.",
            "{n}",
        ),
    },
    "nb": {
        "ctx": (
            "Fødselsnummeret til dattera mi {name} er {n}.",
            "D-nummer: {n} – når kommer svaret?",
            "Sønnen min {name}, fnr {n}, har ikke fått plass.",
            "Personnummer {n}, {name} venter fortsatt.",
        ),
        "bare": (
            "Gjelder {name} {n}, kan dere svare meg?",
            "Hei! {n} er {name}, hun har ikke fått plass i barnehagen.",
            "{n}",
        ),
    },
    "nn": {
        "ctx": ("Fødselsnummeret til {name} er {n}, og vi har ikkje fått svar.",),
        "bare": ("Det gjeld {name} ({n}), kva skjer no?",),
    },
    "sv": {
        "ctx": (
            "Min dotter {name} har personnummer {n}.",
            "Samordningsnummer: {n} – när får vi besked?",
            "Personnr {n}, {name} väntar fortfarande på svar.",
            "{name} är född {n} och har inte fått plats.",
        ),
        "bare": (
            "Hej! Det gäller {name} {n}, när får vi besked?",
            "{name} ({n}) har inte fått någon plats i förskolan.",
            "{n}",
        ),
    },
    "en": {
        "ctx": (
            "My son {name}'s personal number is {n}, please help.",
            "{name}, born {n}, has no place yet.",
        ),
        "bare": ("This is about {name} {n}. When will you answer?",),
    },
}

_SE_MOBILE = re.compile(r"07[02369][0-9]{7}")


def sentence(rng: random.Random, language: str, number: str, with_context: bool) -> tuple[str, int]:
    # An unseparated ten-digit run that starts like a Swedish mobile number (070…) is, by design,
    # read as a phone unless identity words are near; such numbers always get a context sentence.
    if _SE_MOBILE.fullmatch(number):
        with_context = True
    template = rng.choice(TEMPLATES[language]["ctx" if with_context else "bare"])
    before, after = template.split("{n}")
    before = before.format(name=rng.choice(NAMES))
    return before + number + after.format(name=rng.choice(NAMES)), len(before)


def valid_cases(seed: int = 1, per_country: int = 1200) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []

    def add(number: str, subtype: str, country: str, languages: tuple[str, ...]) -> None:
        language = rng.choice(languages)
        text, start = sentence(rng, language, number, rng.random() < 0.5)
        cases.append(Case(text, start, start + len(number), subtype, country, language))

    for i in range(per_country):
        cpr = dk_cpr(rng, mod11=i % 2 == 0)
        sep = ("-", "", " ")[i % 3]
        add(f"{cpr[:6]}{sep}{cpr[6:]}", "dk_cpr", "DK", ("da", "da", "da", "en"))
    for i in range(per_country):
        kind = ("fnr", "fnr", "dnr", "hnr")[i % 4]
        number = no_number(rng, kind, rule2032=i % 5 == 0)
        sep = ("", " ", "", " ", "-")[i % 5 if i % 7 else 4]
        add(f"{number[:6]}{sep}{number[6:]}", f"no_{kind}", "NO", ("nb", "nb", "nn", "en"))
    for i in range(per_country):
        samordning = i % 5 == 0
        shape = ("10-", "10+", "10", "12", "12-")[i % 5 if i % 3 else (i // 3) % 5]
        twelve = se_number(rng, samordning=samordning, old=shape == "10+")
        if shape == "10-" or shape == "10+":
            number = f"{twelve[2:8]}{shape[2]}{twelve[8:]}"
        elif shape == "10":
            number = twelve[2:]
        elif shape == "12":
            number = twelve
        else:
            number = f"{twelve[:8]}-{twelve[8:]}"
        add(number, "se_samordningsnr" if samordning else "se_pnr", "SE", ("sv", "sv", "sv", "en"))
    return cases


# --- Look-alikes that must not be read as national IDs -----------------------------------------

_COUNTRY_LANG = (("DK", "da"), ("NO", "nb"), ("SE", "sv"))


def _grouped(rng: random.Random, *sizes: int, sep: str = " ") -> str:
    return sep.join(digits(rng, n) for n in sizes)


def _valid_any(rng: random.Random) -> str:
    """A valid ID of any country, unseparated: the hardest digits to hide behind other words."""
    pick = rng.randrange(4)
    if pick == 0:
        return dk_cpr(rng, mod11=rng.random() < 0.5)
    if pick == 1:
        return no_number(rng, rng.choice(("fnr", "dnr", "hnr")))
    if pick == 2:
        return se_number(rng)[2:]
    return se_number(rng)


def _se_bad_luhn(rng: random.Random) -> str:
    """A Swedish number with a wrong check digit, in a form no CPR reading can accept either
    (born 1932-1999 so the first two digits are no day, or 12 digits, or '+')."""
    form = rng.randrange(3)
    while True:
        twelve = se_number(rng, samordning=rng.random() < 0.2, old=rng.random() < 0.2)
        if form < 2 or int(twelve[2:4]) >= 32 or int(twelve[:4]) < 1925:
            break
    bad = twelve[:-1] + str((int(twelve[-1]) + rng.randrange(1, 10)) % 10)
    if form == 0:
        return bad
    if form == 1:
        return f"{bad[:8]}-{bad[8:]}"
    return f"{bad[2:8]}{'+' if int(bad[:4]) < 1925 else '-'}{bad[8:]}"


def _no_bad_control(rng: random.Random) -> str:
    """A Norwegian number whose control digits fail even the 2032 rule."""
    number = no_number(rng, rng.choice(("fnr", "dnr", "hnr")))
    body = number[:9]
    s1 = sum(w * int(c) for w, c in zip(_NO_W1, body, strict=False))
    if rng.random() < 0.5:  # k1 leaves a remainder 4..10
        k1 = rng.choice([k for k in range(10) if (s1 + k) % 11 >= 4])
        bad = body + str(k1) + digits(rng, 1)
    else:  # k2 wrong
        bad = number[:10] + str((int(number[10]) + rng.randrange(1, 10)) % 10)
    return rng.choice((bad, f"{bad[:6]} {bad[6:]}"))


def _bad_date_run(rng: random.Random, n: int) -> str:
    """n digits whose month field (digits 3-4, in every Nordic layout) is no month, not even +40."""
    month = rng.choice([m for m in range(13, 100) if not 41 <= m <= 52])
    return digits(rng, 2) + f"{month:02d}" + digits(rng, n - 4)


def _embedded(rng: random.Random) -> str:
    """A valid ID glued to letters, to more digits (13+ in a row) or by one separator to a number."""
    n = _valid_any(rng)
    extra = 13 - len(n) if len(n) < 13 else 1
    forms = (
        f"AB{n}",
        f"{n}AB",
        f"Æ{n}",
        f"{n}ø",
        f"_{n}",
        f"id{n}x",
        f"+{n}",
        digits(rng, extra) + n,
        n + digits(rng, extra),
        f"1234-{n}",
        f"{n}-5678",
        f"12.{n}",
        f"{n}.5",
        f"{n[:6]}-{n[6:]}{rng.choice('ABC')}" if len(n) == 10 else f"X{n[:6]} {n[6:]}",
    )
    return rng.choice(forms)


def _amount(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.randrange(1, 999)}.{digits(rng, 3)}.{digits(rng, 3)} kr",
            f"{rng.randrange(1, 99)} {digits(rng, 3)},{digits(rng, 2)}",
            f"{rng.randrange(1, 99)} {digits(rng, 3)} {digits(rng, 3)} NOK",
            f"SEK {rng.randrange(1, 99)} {digits(rng, 3)} {digits(rng, 3)}",
            f"kr. {rng.randrange(1, 999)}.{digits(rng, 3)}.{digits(rng, 3)},00",
            f"{_valid_any(rng)[:10]} kr",
            f"beløb: {_valid_any(rng)[:10]}",
        )
    )


def _order(rng: random.Random) -> str:
    word = rng.choice(
        (
            "ordre",
            "Ordrenr.",
            "faktura",
            "Fakturanr.",
            "bestilling",
            "ordernummer",
            "sagsnr.",
            "Journalnr.",
            "ärendenummer",
            "kundenummer",
            "Saksnr.",
            "Order no.",
            "referanse",
        )
    )
    n = _valid_any(rng) if rng.random() < 0.7 else digits(rng, rng.choice((10, 11, 12)))
    if len(n) == 10 and rng.random() < 0.3:
        n = f"{n[:6]}-{n[6:]}"
    return rng.choice((f"{word} {n}", f"{word}: {n}", f"Vedr. {word} {n}, tak."))


def _phone(rng: random.Random, country: str) -> str:
    mobile = "07" + rng.choice("02369") + digits(rng, 7)
    forms = [
        f"+45 {_grouped(rng, 2, 2, 2, 2)}",
        _grouped(rng, 2, 2, 2, 2),
        f"+45{digits(rng, 8)}",
        f"0045 {digits(rng, 8)}",
        f"+47 {_grouped(rng, 3, 2, 3)}",
        _grouped(rng, 3, 2, 3),
        f"+47{digits(rng, 8)}",
        f"0047 {digits(rng, 8)}",
        f"{mobile[:3]}-{mobile[3:6]} {mobile[6:8]} {mobile[8:]}",
        f"{mobile[:3]} {mobile[3:6]} {mobile[6:8]} {mobile[8:]}",
        f"+46 {mobile[1:3]} {mobile[3:6]} {mobile[6:8]} {mobile[8:]}",
        f"+46{mobile[1:]}",
        f"{mobile[:3]}-{mobile[3:]}",
        f"tel. {mobile}",
        f"ring på 0{rng.randrange(10, 99)}{digits(rng, 7)}",
        f"08-{_grouped(rng, 3, 3, 2)}",
        f"031-{_grouped(rng, 2, 2, 2)}",
        f"+44 20 {digits(rng, 4)} {digits(rng, 4)}",
        f"+1 ({digits(rng, 3)}) {digits(rng, 3)}-{digits(rng, 4)}",
        f"Tlf: {_valid_any(rng)[:10]}",
    ]
    if country != "DK":
        # A bare "07…" run in a Danish organisation's text is read as a CPR by design (no Danish
        # phone number looks like that), so the bare Swedish mobile is a look-alike only elsewhere.
        forms += [mobile, mobile]
    return rng.choice(forms)


def _bank(rng: random.Random) -> str:
    konto = _valid_any(rng)[:10]
    return rng.choice(
        (
            f"reg.nr. {digits(rng, 4)} kontonr. {konto}",
            f"{digits(rng, 4)}-{konto}",
            f"{digits(rng, 4)} {konto}",
            f"konto {konto}",
            f"{digits(rng, 4)}.{digits(rng, 2)}.{digits(rng, 5)}",
            f"kontonummer {_valid_any(rng)[:11]}",
            f"DK{digits(rng, 2)} {_grouped(rng, 4, 4, 4, 2)}",
            f"DK{digits(rng, 16)}",
            f"NO{digits(rng, 2)} {_grouped(rng, 4, 4, 3)}",
            f"NO{digits(rng, 13)}",
            f"SE{digits(rng, 2)} {_grouped(rng, 4, 4, 4, 4, 4)}",
            f"SE{digits(rng, 22)}",
        )
    )


def _date_text(rng: random.Random) -> str:
    d = rand_date(rng, dt.date(1900, 1, 1))
    return rng.choice(
        (
            d.strftime("%d.%m.%Y"),
            d.isoformat(),
            d.strftime("%d/%m/%Y"),
            d.strftime("%d%m%Y"),
            d.strftime("%Y%m%d"),
            d.strftime("%d.%m.%Y kl. 10:30"),
            f"{d.isoformat()} – {rand_date(rng, d).isoformat()}",
        )
    )


def _invalid(rng: random.Random) -> str:
    pick = rng.randrange(4)
    if pick == 0:
        return f"personnummer {_se_bad_luhn(rng)}"
    if pick == 1:
        return f"fødselsnummer {_no_bad_control(rng)}"
    n = _bad_date_run(rng, rng.choice((10, 11)))
    return rng.choice((f"cpr {n}", n, f"{n[:6]}-{n[6:]}", f"{n[:6]} {n[6:]}"))


FRAMES = {
    "da": ("Skriv gerne: {x}.", "Se {x} for detaljer.", "Vi har noteret {x} i systemet.", "{x}"),
    "nb": ("Du kan nå oss på {x}.", "Viser til {x}.", "{x}"),
    "sv": ("Hör av dig på {x}.", "Se {x} för mer.", "{x}"),
}


def negative_cases(seed: int = 2, n: int = 1500) -> list[Case]:
    rng = random.Random(seed)
    makers = (_bank, _date_text, _amount, _order, _invalid, _embedded)
    cases = []
    for i in range(n):
        country, language = _COUNTRY_LANG[i % 3]
        x = _phone(rng, country) if i % 7 == 0 else makers[i % 7 - 1](rng)
        text = rng.choice(FRAMES[language]).format(x=x)
        cases.append(Case(text, 0, 0, "", country, language))
    return cases
