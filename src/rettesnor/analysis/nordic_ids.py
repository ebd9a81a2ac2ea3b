"""Validators for Nordic national identity numbers: DK CPR, NO fødselsnummer (D/H), SE personnummer.

Pure functions on plain digit strings (separators already removed); finding candidates in text and
scoring them is :mod:`rettesnor.analysis.identifiers`' job. Each validator returns an :class:`IdMatch`
(with the verdict as a sentence for the evidence) or ``None``.

Relation to python-stdnum (the tests check these validators against it, number by number):

* ``stdnum.dk.cpr``: its birth date and century rule (7th digit) are right and are mirrored here.
  It never applies modulus 11 (right: CPR numbers without it are issued since 2007, though its
  docstring speaks of a check digit); we compute modulus 11 as a confidence booster only.
* ``stdnum.no.fodselsnummer``: knows D- and H-numbers but only the 1964 control-digit rule, so it
  rejects the numbers issued from 2032 (see :func:`no_fnr`); we accept both rules.
* ``stdnum.se.personnummer``: rejects samordningsnummer (day + 60); we accept them.

The arithmetic is written out instead of calling stdnum because this runs on every candidate of
every check (stdnum re-cleans the string and raises exceptions: about 5 µs per number, which
dominated the detector's cost on digit-heavy input).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SUBTYPE_COUNTRY: dict[str, str] = {
    "dk_cpr": "DK",
    "no_fnr": "NO",
    "no_dnr": "NO",
    "no_hnr": "NO",
    "se_pnr": "SE",
    "se_samordningsnr": "SE",
}


@dataclass(frozen=True, slots=True)
class IdMatch:
    subtype: str  # a key of SUBTYPE_COUNTRY
    born: dt.date
    strong: bool  # the classic full checksum holds (DK mod 11, NO 1964 rule); SE: always (Luhn)
    note: str  # the validator's verdict, shown as evidence


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):  # cheap reject before the exception path
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def dk_cpr(digits: str, today: dt.date) -> IdMatch | None:
    """10 digits DDMMYYSSSS: a real past date with the century that digit 7 gives."""
    d = [ord(c) - 48 for c in digits]
    yy, c7 = d[4] * 10 + d[5], d[6]
    # CPR century rule: 0-3 -> 1900s; 4 and 9 -> 2000s up to YY 36, else 1900s;
    # 5-8 -> 2000s up to YY 57, else 1800s.
    if c7 <= 3:
        year = 1900 + yy
    elif c7 in (4, 9):
        year = (2000 if yy <= 36 else 1900) + yy
    else:
        year = (2000 if yy <= 57 else 1800) + yy
    born = _date(year, d[2] * 10 + d[3], d[0] * 10 + d[1])
    if born is None or born > today:
        return None
    mod11 = (
        4 * d[0]
        + 3 * d[1]
        + 2 * d[2]
        + 7 * d[3]
        + 6 * d[4]
        + 5 * d[5]
        + 4 * d[6]
        + 3 * d[7]
        + 2 * d[8]
        + d[9]
    ) % 11 == 0
    verdict = "mod11 ok" if mod11 else "mod11 not met (allowed since 2007)"
    return IdMatch("dk_cpr", born, mod11, f"dk_cpr: valid date {born}, century by digit 7, {verdict}")


def _no_classic_date(yy: int, month: int, day: int, individual: int) -> dt.date | None:
    """The 1964 century table: individual number 000-499 1900s, 500-749 with YY >= 54 1800s,
    500-999 with YY < 40 2000s, 900-999 with YY >= 40 1900s (as stdnum has it)."""
    if individual < 500:
        year = 1900 + yy
    elif individual < 750 and yy >= 54:
        year = 1800 + yy
    elif yy < 40:
        year = 2000 + yy
    elif individual >= 900:
        year = 1900 + yy
    else:
        return None
    return _date(year, month, day)


def no_fnr(digits: str, today: dt.date) -> IdMatch | None:
    """11 digits DDMMYYIIIKK: fødselsnummer, D-number (day + 40) or H-number (month + 40).

    Control digits. Until 2031 the weighted sum including k1 must be divisible by 11 (remainder 0);
    for numbers issued from 1 January 2032 Skatteetaten accepts the remainders 0, 1, 2 and 3 for
    that first sum, while the second sum (including k2) stays divisible by 11. The new numbers also
    no longer tell sex or century through the individual number. Sources: skatteetaten.no,
    "Nye fødselsnummer og d-nummer fra 2032" (deling/opplysninger/folkeregisteropplysninger/pid) and
    the reference code at skatteetaten.github.io/folkeregisteret-api-dokumentasjon/
    nytt-fodselsnummer-fra-2032/. stdnum only knows the old rule, so the checks are done here.
    """
    d = [ord(c) - 48 for c in digits]
    # weights 3 7 6 1 8 9 4 5 2 (+1 for k1) and 5 4 3 2 7 6 5 4 3 2 (+1 for k2)
    r1 = (
        3 * d[0] + 7 * d[1] + 6 * d[2] + d[3] + 8 * d[4] + 9 * d[5] + 4 * d[6] + 5 * d[7] + 2 * d[8] + d[9]
    ) % 11
    if r1 > 3:
        return None
    if (
        5 * d[0]
        + 4 * d[1]
        + 3 * d[2]
        + 2 * d[3]
        + 7 * d[4]
        + 6 * d[5]
        + 5 * d[6]
        + 4 * d[7]
        + 3 * d[8]
        + 2 * d[9]
        + d[10]
    ) % 11:
        return None
    day, month, yy = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    subtype, shift = "no_fnr", ""
    if day > 40:
        day, subtype, shift = day - 40, "no_dnr", " (day+40)"
    if month > 40:
        if subtype != "no_fnr":  # D and H at once is not issued
            return None
        month, subtype, shift = month - 40, "no_hnr", " (month+40)"
    century = "century by individual number"
    born = _no_classic_date(yy, month, day, d[6] * 100 + d[7] * 10 + d[8]) if r1 == 0 else None
    if born is not None and born > today:
        born = None
    if born is None:  # 2032 series, or outside the old table: any century with a real past date
        century = "century not derivable"
        born = next((b for y in (2000, 1900, 1800) if (b := _date(y + yy, month, day)) and b <= today), None)
        if born is None:
            return None
    rule = "control digits ok (1964 rule)" if r1 == 0 else f"control digits ok (2032 rule, k1 remainder {r1})"
    return IdMatch(subtype, born, r1 == 0, f"{subtype}: valid date {born}{shift}, {century}, {rule}")


_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def se_pnr(digits: str, sep: str, today: dt.date) -> IdMatch | None:
    """10 digits YYMMDDNNNC (``sep`` '-', '+' or '') or 12 digits YYYYMMDDNNNC; Luhn on the last 10.

    Samordningsnummer have day + 60. In the 10-digit form the century is the latest that gives a
    past date, one more back for '+' (the person is 100 or older).
    """
    d = [ord(c) - 48 for c in digits[-10:]]
    # Luhn on the ten digits: every other digit from the first doubled (digit sum), the rest as is.
    dbl = _LUHN_DOUBLE
    if (dbl[d[0]] + dbl[d[2]] + dbl[d[4]] + dbl[d[6]] + dbl[d[8]] + d[1] + d[3] + d[5] + d[7] + d[9]) % 10:
        return None
    yy, month, day = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    subtype, shift = "se_pnr", ""
    if day > 60:
        day, subtype, shift = day - 60, "se_samordningsnr", " (day+60)"
    if len(digits) == 12:
        year, century = int(digits[0:2]) * 100 + yy, "century written out"
        if year < 1850:
            return None
    else:
        year = today.year - (today.year - yy) % 100  # latest year ending in yy, not after this year
        century = "century by '+' separator" if sep == "+" else "century by age under 100"
        if sep == "+":
            year -= 100
    born = _date(year, month, day)
    if born is not None and born > today and len(digits) == 10 and sep != "+":
        born = _date(year - 100, month, day)  # born later this year than today: a century back
    if born is None or born > today:
        return None
    return IdMatch(subtype, born, True, f"{subtype}: valid date {born}{shift}, {century}, Luhn ok")
