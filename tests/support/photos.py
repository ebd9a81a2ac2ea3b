"""Test photos: scikit-image's bundled astronaut (one face, no download) with the metadata a phone writes."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

skimage_data: Any = importlib.import_module("skimage.data")


def photo_with_face_and_gps(path: Path) -> Path:
    """The astronaut (one face) as a JPEG with a GPS position and a camera in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (57.0, 27.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 59.0, 24.0)
    Image.fromarray(skimage_data.astronaut()).save(path, "JPEG", exif=exif)
    return path
