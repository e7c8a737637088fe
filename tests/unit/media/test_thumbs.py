"""Thumbnails are kept only whole and only while their file still holds the photo."""
import pytest

from services.media.thumbs import ChangedOnDisk, write_thumbnails
from services.pipeline.layout import thumb_path

PHOTO = "jpg/Canon_40D.jpg"


def test_a_thumbnail_the_last_check_refuses_is_not_kept_and_leaves_nothing(tmp_path, samples_dir):
    def changed() -> None:
        raise ChangedOnDisk("written to while the thumbnail was made")

    with pytest.raises(ChangedOnDisk):
        write_thumbnails(samples_dir / PHOTO, tmp_path, "ab" * 32, (320,), before_keeping=changed)
    assert list(tmp_path.rglob("*.*")) == []  # neither the thumbnail nor its partial file
    write_thumbnails(samples_dir / PHOTO, tmp_path, "ab" * 32, (320,), before_keeping=lambda: None)
    assert thumb_path(tmp_path, "ab" * 32, 320).is_file()
