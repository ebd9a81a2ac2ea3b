"""The check service: the one way to check content with an organisation's guideline.

Every entry point goes through it: ``rettesnor check``, the check page, ``POST /api/v1/check``, and the
intake of the archive (webhooks and import files). Two steps:

* :func:`pack_for` — which guideline applies: the pack of the account's unit (or of the unit given),
  else the organisation's, with the unit's approved channels (Norddjurs ND-3/ND-7) in place of the pack's
  default list, so an internal message on an unapproved channel is flagged wherever it is checked.
* :func:`check` — the pure text check (:mod:`rettesnor.check`) plus the analysis of attached photos
  (:mod:`rettesnor.analysis.images`: faces, GPS in the metadata, missing alt text). The photos give
  markers; the pack's rules turn them into findings in the pack's language.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rettesnor.analysis.signals import Signal
from rettesnor.check import check as check_text
from rettesnor.item import InputError, Item, Photo
from rettesnor.policy.evaluate import Result
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import Pack

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rettesnor.records.models import Organisation, Unit

# The database (SQLAlchemy, the tables) and the photo libraries are imported where they are used, so
# that `rettesnor check` on a text starts without them (issue 17: start-up under 0.3 s).

# A photo larger than this is refused before it is decoded (a phone's photo is 3-12 MB).
MAX_PHOTO_BYTES = 30 * 1024 * 1024


def pack_for(
    session: Session, org: Organisation, account: int | None = None, unit: int | str | None = None
) -> Pack:
    """The pack to check content of ``account`` (its unit's) or of ``unit``, else the organisation's;
    with the unit's approved channels. Accounts and units of other organisations are not found."""
    from rettesnor.governance.channels import pack_with_channels, unit_channel_keys
    from rettesnor.governance.common import get_in_org
    from rettesnor.governance.tenants import get_unit, unit_pack
    from rettesnor.records.models import Account

    target: Unit | None = None
    if account is not None:
        target = get_unit(session, org, get_in_org(session, Account, org, account, "account").unit_id)
    elif unit is not None:
        target = get_unit(session, org, unit)
    if target is None:
        return load_pack(org.pack)
    name = unit_pack(session, org, target)
    return pack_with_channels(name, unit_channel_keys(session, org, target, load_pack(name)))


def check(item: Item, pack: Pack, lang: str | None = None) -> Result:
    """Check ``item`` (its text and its photos) with ``pack``; messages in ``lang`` (default: the pack's)."""
    return check_text(item, pack, lang, photo_signals(item.images))


def photo_signals(photos: Sequence[Photo]) -> list[Signal]:
    """What the attached photos show, as signals naming the photo (``evidence["image"]``)."""
    out: list[Signal] = []
    if not photos:
        return out
    from rettesnor.analysis import images

    for photo in photos:
        readable(photo.path, photo.label)
        try:
            found = images.check_image(photo.path, photo.alt)
        except images.ImageReadError:
            raise PhotoError("not_image", photo.label) from None
        except images.ImagesUnavailable as exc:
            raise InputError(str(exc)) from None
        out += [
            Signal(s.name, 0, 0, s.score, s.detector, {**s.evidence, "image": photo.label}) for s in found
        ]
    return out


class PhotoError(InputError):
    """A file given as a photo cannot be used; ``code`` says why, so entry points can say it in the
    user's language (:data:`PHOTO_ERRORS`)."""

    code: str  # always set, unlike InputError's optional code

    def __init__(self, code: str, name: str) -> None:
        super().__init__(PHOTO_ERRORS[code].format(name=name), code=code, name=name)
        self.name = name


# The English texts; the pages and the CLI translate them with the web catalogues (they are msgids).
PHOTO_ERRORS = {
    "missing": "no such photo: {name}",
    "directory": "{name} is a folder, not a photo",
    "too_large": "the photo {name} is over 30 MB",
    "not_image": "{name} is not a photo (JPEG, PNG, WebP, GIF, TIFF, BMP)",
}


def readable(path: str | os.PathLike[str], name: str | None = None) -> None:
    """Refuse a missing file, a folder or an oversized one before it is opened, in one line."""
    p = Path(path)
    label = name or os.fspath(path)
    if p.is_dir():
        raise PhotoError("directory", label)
    if not p.is_file():
        raise PhotoError("missing", label)
    if p.stat().st_size > MAX_PHOTO_BYTES:
        raise PhotoError("too_large", label)


def stripped_copy(photo: Photo, folder: str | os.PathLike[str]) -> Path:
    """A copy of the photo without metadata (GPS, camera, owner) in ``folder``, named after it."""
    from rettesnor.analysis import images

    readable(photo.path, photo.label)
    target = Path(folder) / f"{Path(photo.label).stem}-stripped{Path(photo.label).suffix or '.jpg'}"
    try:
        return images.strip_metadata(photo.path, target)
    except images.ImageReadError:
        raise PhotoError("not_image", photo.label) from None


def check_internal_message(
    session: Session, org: Organisation, unit: int | str, text_: str, channel: str, lang: str | None = None
) -> Result:
    """Check an internal message sent in ``unit`` on ``channel`` with the unit's approved channels."""
    from rettesnor.governance.channels import channel_key

    item = Item(text=text_, kind="internal_message", channel=channel_key(channel))
    return check(item, pack_for(session, org, unit=unit), lang)
