"""The clustering functions: the HNSW path finds what an exact scan finds; groups form only from close faces."""
import numpy as np

from services.people import cluster


def faces(people: int, each: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((people, 256))
    who = np.repeat(np.arange(people), each)
    vectors = centres[who] + noise * rng.standard_normal((len(who), 256))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float16), who


def test_hnsw_and_the_exact_scan_find_the_same_nearest_face(monkeypatch):
    base, _ = faces(200, 5, 0.5)
    queries, _ = faces(200, 1, 0.5, seed=1)
    exact = cluster.nearest(base, queries)
    monkeypatch.setattr(cluster, "EXACT_QUERIES", 0)
    approximate = cluster.nearest(base, queries)
    assert (approximate[0] == exact[0]).mean() >= 0.95
    assert np.allclose(approximate[1][approximate[0] == exact[0]], exact[1][approximate[0] == exact[0]], atol=1e-3)


def test_new_groups_are_the_people_and_strangers_stay_alone():
    vectors, who = faces(30, 4, 0.5)
    loners, _ = faces(10, 1, 0.5, seed=9)
    labels = cluster.new_groups(np.concatenate([vectors, loners]), 0.68)
    grouped, alone = labels[:len(vectors)], labels[len(vectors):]
    assert (alone == -1).all()
    assert all(len(set(grouped[who == p])) == 1 and grouped[who == p][0] >= 0 for p in range(30))
    assert len(set(grouped)) == 30


def test_a_face_joins_only_a_close_enough_person():
    vectors, who = faces(5, 3, 0.5)
    new, new_who = faces(5, 1, 0.5, seed=0)  # the same centres: each new face is one of the five
    stranger, _ = faces(1, 1, 0.5, seed=4)
    joined = cluster.join_nearest(vectors, who + 100, np.concatenate([new, stranger]), 0.68)
    assert list(joined) == [p + 100 for p in new_who] + [-1]
