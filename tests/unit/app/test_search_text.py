"""`picsift search` in text: how many, why each photo matched when asked, and how many more there are."""
from services.app.commands.library import search_text


def result(total: int, hits: int, explain: bool = False, partial: bool = False) -> dict:
    why = [{"key": "emotion", "value": "happy", "source": "face", "weight": 0.8, "tier": "exact", "face": 2}]
    return {"total": total, "partial": partial, "next_cursor": None, "facets": {},
            "hits": [{"id": f"{n:064x}", "path": f"/m/{n}.jpg", "score": 1.0, "matched": ["emotion:happy"],
                      **({"explain": why} if explain else {})} for n in range(hits)]}


def test_explain_shows_why_each_photo_matched():
    text = search_text(result(1, 1, explain=True))
    assert "emotion:happy  exact, face, weight 0.8, face 2" in text
    assert "exact, face" not in search_text(result(1, 1))


def test_a_cut_list_says_how_many_more():
    assert search_text(result(80, 50)).splitlines()[-1].startswith("... 30 more")
    assert "more" not in search_text(result(50, 50))
    assert search_text(result(1, 1)).startswith("1 photo\n")


def test_a_partial_answer_says_so():
    assert "none holds them all" in search_text(result(3, 3, partial=True)).splitlines()[0]
