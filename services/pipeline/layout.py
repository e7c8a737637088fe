"""Where shared files live under the data dir, so producers and readers agree without importing each other."""
from pathlib import Path

THUMB_SIZES = (320, 1280)  # the sizes the gallery shows: the grid's tiles and the viewer's preview
MADE_AT_INGEST = (320,)    # the rest are made the first time a photo is opened (the preview most photos never need
#                            cost ingest ~60 ms CPU of a 12 MP photo's ~270)


def thumbs_dir(data_dir: Path) -> Path:
    return data_dir / "thumbs"


def thumb_path(thumbs_root: Path, photo_id: str, size: int) -> Path:
    """A thumbnail by photo id and size: <thumbs>/<id[:2]>/<id>_<size>.jpg."""
    return thumbs_root / photo_id[:2] / f"{photo_id}_{size}.jpg"
