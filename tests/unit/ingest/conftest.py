"""The ingest catalog the examine tests read from (the image openers registered, as ingest does at start)."""
import pytest

from services.ingest.catalog import Catalog
from services.media.formats import register_openers


@pytest.fixture
def catalog(tmp_path):
    register_openers()
    return Catalog(tmp_path / "ingest.db")
