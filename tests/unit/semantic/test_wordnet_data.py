"""WordNet's lexnames ship with the package: the data dir is built without the man page slim images drop."""
import pytest

from services.semantic import wordnet_data


def test_the_packaged_lexnames_are_the_man_pages_table():
    if not wordnet_data.LEXNAMES_MAN.exists():
        pytest.skip("lexnames(5WN) man page not installed")
    assert wordnet_data.packaged_lexnames() == wordnet_data.lexnames_from_man()


def test_the_wordnet_data_dir_is_built_without_the_man_page(tmp_path, monkeypatch):
    def no_man_page(*args):
        raise FileNotFoundError(wordnet_data.LEXNAMES_MAN)

    monkeypatch.setattr(wordnet_data, "lexnames_from_man", no_man_page)
    built = wordnet_data.ensure_wordnet(tmp_path / "nltk")
    lexnames = (built / "corpora" / "wordnet" / "lexnames").read_text().splitlines()
    assert len(lexnames) == 45 and lexnames[3] == "03\tnoun.Tops\t1"
