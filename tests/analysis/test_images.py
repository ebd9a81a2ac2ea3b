"""Images: faces (OpenCV cascade from the wheel), EXIF/GPS and a stripped copy, missing alt text.

Test pictures are made with Pillow or taken from scikit-image's bundled samples; nothing is downloaded.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import ExifTags, Image

from rettesnor.analysis import images
from rettesnor.analysis.signals import SIGNAL_NAMES

skimage_data: Any = importlib.import_module("skimage.data")  # bundled samples, no download


def _with_gps(path: Path) -> Path:
    img = Image.new("RGB", (120, 80), (200, 180, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Artist] = "Mette Thomsen"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (57.0, 27.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 59.0, 24.0)
    img.save(path, "JPEG", exif=exif)
    return path


def test_one_face_on_astronaut(tmp_path: Path) -> None:
    boxes = images.detect_faces(skimage_data.astronaut())
    assert len(boxes) == 1
    x, y, w, h = boxes[0]
    assert 150 < x + w / 2 < 260 and 80 < y + h / 2 < 160  # her face, in the original's pixels
    path = tmp_path / "astronaut.png"
    Image.fromarray(skimage_data.astronaut()).save(path)
    [signal] = [
        s for s in images.check_image(path, "Astronaut Eileen Collins") if s.detector == "images.faces"
    ]
    assert signal.name == "marker.image_people"
    assert signal.evidence["faces"] == 1 and len(signal.evidence["boxes"]) == 1


def test_no_faces_on_blank_or_generated_pictures() -> None:
    assert images.detect_faces(Image.new("RGB", (640, 480), "white")) == []
    rng = np.random.default_rng(1)
    assert images.detect_faces(rng.integers(0, 256, (300, 400), dtype=np.uint8)) == []
    stripes = np.tile(np.repeat(np.array([0, 255], dtype=np.uint8), 10), (200, 15))
    assert images.detect_faces(stripes) == []
    assert images.detect_faces(np.zeros((0, 0), dtype=np.uint8)) == []


def test_small_face_crops_are_found() -> None:
    crops = skimage_data.lfw_subset()
    found = sum(bool(images.detect_faces(c)) for c in crops[:100])
    false = sum(bool(images.detect_faces(c)) for c in crops[100:])
    assert found >= 85 and false <= 5


def test_gps_is_detected_and_the_stripped_copy_has_none(tmp_path: Path) -> None:
    src = _with_gps(tmp_path / "photo.jpg")
    meta = images.read_metadata(src)
    assert meta.gps == pytest.approx((57.46, 9.99), abs=1e-6)
    assert meta.tags["camera make"] == "Canon" and meta.tags["artist"] == "Mette Thomsen"
    gps = [
        s
        for s in images.check_image(src, "Havnen i Hjørring", faces=False)
        if s.detector == "images.exif_gps"
    ]
    assert len(gps) == 1 and gps[0].name == "marker.image_location"  # packs give it category address
    assert gps[0].evidence["gps"] == {"latitude": 57.46, "longitude": 9.99}

    clean = images.strip_metadata(src, tmp_path / "clean.jpg")
    assert not images.read_metadata(clean).any
    with Image.open(clean) as img:
        assert not img.getexif() and img.size == (120, 80)
    assert images.check_image(clean, "Havnen i Hjørring", faces=False) == []


def test_stripping_keeps_png_pixels(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    img = Image.new("RGBA", (10, 10), (1, 2, 3, 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Software] = "Paint"
    img.save(src, exif=exif)
    assert images.read_metadata(src).tags == {"software": "Paint"}
    out = images.strip_metadata(src, tmp_path / "b.png")
    with Image.open(out) as clean:
        assert clean.getpixel((5, 5)) == (1, 2, 3, 4)
    assert not images.read_metadata(out).any


@pytest.mark.parametrize("alt", [None, "", "  ", "IMG_2041.jpg", "billede", "Bilde", "bild 3", "photo.png"])
def test_missing_alt_text(alt: str | None) -> None:
    assert images.alt_text_missing(alt)


@pytest.mark.parametrize("alt", ["Borgmesteren klipper snoren til den nye bro", "Fjorden en vinterdag"])
def test_present_alt_text(alt: str) -> None:
    assert not images.alt_text_missing(alt)


def test_check_images_signals_use_known_names(tmp_path: Path) -> None:
    src = _with_gps(tmp_path / "p.jpg")
    [signals] = images.check_images([src], [None])
    assert {s.detector for s in signals} == {"images.exif_gps", "images.alt_text"}
    assert all(s.name in SIGNAL_NAMES and s.evidence["image"] == str(src) for s in signals)
    with pytest.raises(ValueError):
        images.check_images([src], ["a", "b"])


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    with pytest.raises(images.ImageReadError, match="not found"):
        images.check_image(tmp_path / "missing.jpg")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(images.ImageReadError, match="cannot be read"):
        images.read_metadata(bad)
