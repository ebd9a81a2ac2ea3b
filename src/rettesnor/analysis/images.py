"""Images attached to a post: faces, location and other metadata, missing alt text.

Unlike the text detectors this module reads files (the images), so it is kept out of the text hot
path: the caller runs it once per attached image (the CLI for ``--image`` files, the API for uploads).

What it finds, as :class:`Signal` s for the whole image (start = end = 0, ``evidence["image"]`` names it):

* **faces** → the marker ``marker.image_people`` (the same marker the text detectors give for "photo of
  our pupils"), evidence ``{"faces": n, "boxes": [[x, y, w, h], …], "model": …}``. Packs already use the
  marker to ask for a consent record or a stated basis (``marker.consent``), stricter with ``child``.
  Detector: OpenCV's Haar cascade ``haarcascade_frontalface_alt2.xml``, which ships inside the
  ``opencv-python-headless`` 4.x wheel (``cv2.data.haarcascades``; OpenCV 5 drops the cascades, hence the
  ``<5`` pin of the dependency). Nothing is downloaded. The picture is turned to grey and scaled
  so that its shorter side is at least :data:`MIN_SIDE` pixels
  (small crops: faces of 25 × 25 pixels are not found otherwise) and its longer side at most
  :data:`MAX_SIDE` (bounded time). Boxes are given in the original image's pixels.
  How well: see ``docs/evaluation.md`` (scikit-image's ``astronaut`` and ``lfw_subset``).
* **GPS position in the EXIF metadata** → the marker ``marker.image_location``; packs turn it into a
  finding of category ``address``: a photo's coordinates tell where it was taken, often someone's home
  or a school, and are personal data in the same way as a street address (there is no ``location``
  category, and the fixed categories may not change). Evidence: latitude,
  longitude, the other metadata tags present (camera, owner, time), and the remedy
  :func:`strip_metadata`, which writes a copy without EXIF, XMP or comments.
* **missing alt text** → the marker ``marker.image_no_alt``, which packs turn into a finding of category
  ``readability``: the category of the organisation's duty to be
  understood, which for a picture means a text alternative (WCAG 1.1.1; the web accessibility laws of
  all three countries). An alt text that is empty, a file name ("IMG_2041.jpg") or only a word such as
  "billede" / "bilde" / "bild" / "image" counts as missing. For an item of kind ``image`` the item's
  text is its alt text or caption.

Needs Pillow and, for faces, ``opencv-python-headless<5`` and numpy (all main dependencies).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageOps

from rettesnor.analysis.signals import Signal

CASCADE = "haarcascade_frontalface_alt2.xml"
# Chosen on scikit-image's lfw_subset, astronaut and its other (people-free) samples over a small grid
# (cascade × min_neighbors × scale_factor × histogram equalisation); bench/evaluate.py also reports a
# 5-fold cross-validated choice on lfw_subset, which is the honest figure. See docs/evaluation.md.
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 3
MIN_SIDE = 200  # smaller pictures are scaled up to this shorter side
MAX_SIDE = 1600  # larger pictures are scaled down to this longer side
MIN_FACE = 0.08  # the smallest face looked for, as a share of the (scaled) shorter side, at least 24 px
FACE_SCORE = 0.8
GPS_SCORE = 0.9
ALT_SCORE = 0.9

_PLACEHOLDER_ALT = re.compile(
    r"(?:img|dsc|dscn|dscf|pxl|photo|image|bild|bilde|billede|foto|screenshot|skærmbillede|skjermbilde)?"
    r"[\s_-]*\d*(?:\.(?:jpe?g|png|gif|webp|heic|tiff?|bmp))?",
    re.IGNORECASE,
)
# EXIF tags worth naming as metadata a reader could learn from (besides GPS).
_TELLING_TAGS = {
    ExifTags.Base.Make: "camera make",
    ExifTags.Base.Model: "camera model",
    ExifTags.Base.Artist: "artist",
    ExifTags.Base.Copyright: "copyright",
    ExifTags.Base.DateTime: "date and time",
    ExifTags.Base.ImageDescription: "description",
    ExifTags.Base.Software: "software",
    ExifTags.Base.BodySerialNumber: "camera serial number",
    ExifTags.Base.CameraOwnerName: "camera owner",
}


class ImagesUnavailable(RuntimeError):
    """Face detection needs the ``images`` extra (OpenCV)."""


class ImageReadError(ValueError):
    """The file is missing or not an image Pillow can read: the message names it."""


@dataclass(frozen=True, slots=True)
class Metadata:
    gps: tuple[float, float] | None  # (latitude, longitude) in degrees
    tags: dict[str, str]  # the telling EXIF tags present, by name
    other: tuple[str, ...]  # other metadata blocks present ("xmp", "comment", "png text")

    @property
    def any(self) -> bool:
        return self.gps is not None or bool(self.tags) or bool(self.other)


def _open(path: str | os.PathLike[str]) -> Image.Image:
    try:
        return Image.open(path)
    except FileNotFoundError:
        raise ImageReadError(f"image {os.fspath(path)!r} not found") from None
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ImageReadError(f"image {os.fspath(path)!r} cannot be read: {exc}") from None


# ---------------------------------------------------------------------------------------------------
# Faces


_CASCADES: dict[str, Any] = {}


def _cv2() -> Any:
    try:
        import cv2
    except ImportError:
        raise ImagesUnavailable(
            "face detection needs OpenCV: pip install 'opencv-python-headless<5' numpy"
        ) from None
    return cv2


def cascade(name: str = CASCADE) -> Any:
    """The OpenCV cascade classifier shipped in the opencv-python-headless wheel (loaded once)."""
    found = _CASCADES.get(name)
    if found is None:
        cv2 = _cv2()
        path = Path(cv2.data.haarcascades) / name
        found = cv2.CascadeClassifier(str(path))
        if found.empty():
            raise ImagesUnavailable(f"OpenCV has no cascade {name} at {path} (OpenCV 5 dropped them: use <5)")
        _CASCADES[name] = found
    return found


def grey_pixels(image: Image.Image) -> Any:
    """An 8-bit grey numpy array of a Pillow image, turned upright by its EXIF orientation."""
    import numpy as np

    upright = ImageOps.exif_transpose(image)
    return np.asarray((upright if upright is not None else image).convert("L"))


def detect_faces(
    image: str | os.PathLike[str] | Image.Image | Any,
    *,
    cascade_name: str = CASCADE,
    scale_factor: float = SCALE_FACTOR,
    min_neighbors: int = MIN_NEIGHBORS,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
    equalize: bool = False,
) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, w, h)`` of the frontal faces in an image (a path, a Pillow image or a grey or
    RGB numpy array of uint8 or floats 0..1), in that image's pixels."""
    import numpy as np

    cv2 = _cv2()
    if isinstance(image, str | os.PathLike):
        with _open(image) as img:
            pixels = grey_pixels(img)
    elif isinstance(image, Image.Image):
        pixels = grey_pixels(image)
    else:
        pixels = np.asarray(image)
        if pixels.dtype != np.uint8:
            pixels = np.clip(pixels * 255.0 if pixels.max() <= 1.0 else pixels, 0, 255).astype(np.uint8)
        if pixels.ndim == 3:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY if pixels.shape[2] == 3 else cv2.COLOR_RGBA2GRAY)
    h, w = pixels.shape[:2]
    if h == 0 or w == 0:
        return []
    factor = 1.0
    if min(h, w) < min_side:
        factor = min_side / min(h, w)
    if max(h, w) * factor > max_side:
        factor = max_side / max(h, w)
    if factor != 1.0:
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)
    if equalize:
        pixels = cv2.equalizeHist(pixels)
    smallest = max(24, round(min(pixels.shape[:2]) * MIN_FACE))
    found = cascade(cascade_name).detectMultiScale(
        pixels, scaleFactor=scale_factor, minNeighbors=min_neighbors, minSize=(smallest, smallest)
    )
    boxes = [tuple(round(float(v) / factor) for v in box) for box in found]
    return sorted((b[0], b[1], b[2], b[3]) for b in boxes)


# ---------------------------------------------------------------------------------------------------
# Metadata


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(Fraction(str(v)) if not isinstance(v, int | float) else v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    out = d + m / 60 + s / 3600
    return -out if str(ref).upper() in ("S", "W") else out


def read_metadata(image: str | os.PathLike[str] | Image.Image) -> Metadata:
    """The GPS position, the telling EXIF tags and other metadata blocks of an image."""
    if isinstance(image, Image.Image):
        return _metadata(image)
    with _open(image) as img:
        return _metadata(img)


def _metadata(img: Image.Image) -> Metadata:
    exif = img.getexif()
    gps: tuple[float, float] | None = None
    gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo) if exif else {}
    if gps_ifd:
        lat = _degrees(gps_ifd.get(ExifTags.GPS.GPSLatitude), gps_ifd.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _degrees(gps_ifd.get(ExifTags.GPS.GPSLongitude), gps_ifd.get(ExifTags.GPS.GPSLongitudeRef))
        if lat is not None and lon is not None:
            gps = (round(lat, 6), round(lon, 6))
    tags: dict[str, str] = {}
    if exif:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        for tag, name in _TELLING_TAGS.items():
            value = exif.get(tag, sub.get(tag))
            if value not in (None, "", b""):
                tags[name] = str(value).strip("\x00 ")[:100]
    other = tuple(
        name
        for key, name in (("xmp", "xmp"), ("XML:com.adobe.xmp", "xmp"), ("comment", "comment"))
        if img.info.get(key)
    )
    if img.format == "PNG" and any(isinstance(v, str) for k, v in img.info.items() if k not in ("xmp",)):
        other = (*other, "png text")
    return Metadata(gps, tags, tuple(dict.fromkeys(other)))


def strip_metadata(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Path:
    """Write a copy of ``src`` to ``dst`` without EXIF (GPS included), XMP, comments or text chunks.

    The picture is turned upright first (the orientation tag goes too) and re-encoded in the same format
    (JPEG at quality 95); the colour profile is kept. Returns ``dst``.
    """
    out = Path(dst)
    with _open(src) as img:
        fmt = img.format or "PNG"
        icc = img.info.get("icc_profile")
        upright = ImageOps.exif_transpose(img) or img
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        options: dict[str, Any] = {}
        if icc:
            options["icc_profile"] = icc
        if fmt == "JPEG":
            options["quality"] = 95
            if clean.mode not in ("RGB", "L", "CMYK"):
                clean = clean.convert("RGB")
        clean.save(out, format=fmt, **options)
    return out


# ---------------------------------------------------------------------------------------------------
# Alt text and the whole check


def alt_text_missing(alt_text: str | None) -> bool:
    """True for no alt text, blank text, a file name or a bare word such as "billede"."""
    if alt_text is None:
        return True
    text = alt_text.strip()
    return not text or _PLACEHOLDER_ALT.fullmatch(text) is not None


def check_image(
    path: str | os.PathLike[str], alt_text: str | None = None, *, faces: bool = True
) -> list[Signal]:
    """The signals of one image file (see the module doc). ``faces=False`` skips face detection."""
    name = os.fspath(path)
    signals: list[Signal] = []
    with _open(path) as img:
        meta = _metadata(img)
        boxes = detect_faces(img) if faces else []
    if boxes:
        signals.append(
            Signal(
                "marker.image_people",
                0,
                0,
                FACE_SCORE,
                "images.faces",
                {
                    "image": name,
                    "faces": len(boxes),
                    "boxes": [list(b) for b in boxes],
                    "model": f"OpenCV {CASCADE}",
                    "explanation": "The picture shows one or more faces.",
                },
            )
        )
    if meta.gps is not None:
        signals.append(
            Signal(
                "marker.image_location",
                0,
                0,
                GPS_SCORE,
                "images.exif_gps",
                {
                    "image": name,
                    "gps": {"latitude": meta.gps[0], "longitude": meta.gps[1]},
                    "metadata": sorted(meta.tags) + list(meta.other),
                    "explanation": "The picture's metadata gives the position where it was taken.",
                    "remedy": "Publish a copy without metadata (rettesnor.analysis.images.strip_metadata).",
                },
            )
        )
    if alt_text_missing(alt_text):
        signals.append(
            Signal(
                "marker.image_no_alt",
                0,
                0,
                ALT_SCORE,
                "images.alt_text",
                {
                    "image": name,
                    "alt_text": alt_text or "",
                    "missing_alt_text": True,
                    "explanation": "The picture has no text alternative (alt text) for blind readers.",
                },
            )
        )
    return signals


def check_images(
    paths: Sequence[str | os.PathLike[str]],
    alt_texts: Iterable[str | None] | None = None,
    *,
    faces: bool = True,
) -> list[list[Signal]]:
    """:func:`check_image` for each path, with the alt text at the same position (None: missing)."""
    alts = list(alt_texts) if alt_texts is not None else [None] * len(paths)
    if len(alts) != len(paths):
        raise ValueError(f"{len(paths)} images but {len(alts)} alt texts")
    return [check_image(p, a, faces=faces) for p, a in zip(paths, alts, strict=True)]
