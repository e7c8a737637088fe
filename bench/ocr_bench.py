"""Text in photos: word accuracy of the text stage on real photos of text, how often its cheap pass skips reading,
and its cost per photo against reading every photo.

Photos of text: ICDAR 2015 (incidental scene text, Google Glass, 1280 x 720), the ten MMOCR keeps in its tests with
their ground truth (git history of a bare mirror from `fetch github:open-mmlab/mmocr`, tests/data/toy_dataset before
commit 69e6c805). Ground truth words: each transcription not marked "###" (unreadable), cut into words as the stage
cuts what it reads (services/vocabulary.words_of, case-folded, 2 characters or more). Read words: the stage's text
terms. Recall: ground-truth words read / ground-truth words; precision: read words in the ground truth / read words,
leaving out lines read inside a "###" region (text the annotators could not read is not a false reading). Counted
per photo (each word once), summed over photos.
Photos as libraries hold them, for the cost and the skip rate: every 10th class's photo of ImageNet's samples (a bare
mirror from `fetch github:EliSchwartz/imagenet-sample-images`), and the exif samples (real cameras; many are test
pictures with words on them: orientation marks, adverts, documents), and camera-size photos: 12 MP JPEGs made from the
samples' real photos as bench/index_bench.py makes them (--camera of them). Each file goes through the stage's own
text_of (the cheap pass on the photo decoded small, decoding at 1280 px and reading where it found text), one photo at
a time, best of --rounds; beside it the cost of reading every photo (no cheap pass) and of the hashes stage.
Saves the table under bench/results/ocr.txt.
Usage: PYTHONPATH=. .venv/bin/python bench/ocr_bench.py [--mmocr GITDIR] [--imagenet GITDIR] [--every 10] [--camera 30]
       [--rounds 1]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

from index_bench import camera_photos
from stamp import REPO, stamp

from services.hashes.service import hashes_of
from services.media.decode import DecodeError, decode
from services.media.formats import SUPPORTED
from services.text.analyse import MIN_WORD_LENGTH
from services.text.reader import DETECT_SIZE, READ_DETECT_SIZE, READ_SIZE, TextReader, version
from services.text.service import text_of
from services.text.settings import TextSettings
from services.vocabulary import words_of

SAMPLES = REPO.parent / "shared" / "testdata" / "exif-samples"
ICDAR_COMMIT = "69e6c805^"  # the last MMOCR commit holding tests/data/toy_dataset with its transcriptions
ICDAR_DIR = "tests/data/toy_dataset"


def git_show(git_dir: Path, spec: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", spec], capture_output=True, check=True).stdout


def icdar(git_dir: Path, work: Path) -> list[tuple[Path, set[str], list[list[tuple[float, float]]]]]:
    """(photo, ground-truth words, "###" quads in pixels) of the ten ICDAR 2015 photos."""
    found = []
    for i in range(1, 11):
        photo = work / f"img_{i}.jpg"
        photo.write_bytes(git_show(git_dir, f"{ICDAR_COMMIT}:{ICDAR_DIR}/imgs/test/img_{i}.jpg"))
        words, unreadable = set(), []
        for row in git_show(git_dir, f"{ICDAR_COMMIT}:{ICDAR_DIR}/annotations/test/gt_img_{i}.txt").decode(
                "utf-8-sig").splitlines():
            fields = row.split(",", 8)
            quad = [(float(fields[k]), float(fields[k + 1])) for k in range(0, 8, 2)]
            if fields[8] == "###":
                unreadable.append(quad)
            else:
                words |= {w for w in words_of(fields[8]) if len(w) >= MIN_WORD_LENGTH}
        found.append((photo, words, unreadable))
    return found


def inside(point: tuple[float, float], quad: list[tuple[float, float]]) -> bool:
    """Whether a point lies in a convex quadrilateral (either winding)."""
    signs = []
    for (x1, y1), (x2, y2) in zip(quad, quad[1:] + quad[:1]):
        signs.append((x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1) >= 0)
    return all(signs) or not any(signs)


def read_words(lines, size: tuple[int, int], unreadable) -> set[str]:
    """The words of the lines ((text, (x1, y1, x2, y2) as fractions)) read outside the "###" regions."""
    width, height = size
    words = set()
    for text, (x1, y1, x2, y2) in lines:
        if not any(inside(((x1 + x2) / 2 * width, (y1 + y2) / 2 * height), quad) for quad in unreadable):
            words |= {w for w in words_of(text) if len(w) >= MIN_WORD_LENGTH}
    return words


def timed(function, *args, rounds: int):
    """The result of the last call and the best time of `rounds` calls, in ms."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, (time.perf_counter() - start) * 1000)
    return result, best


def read_all(path: Path, reader: TextReader):
    """Reading every photo, as without the cheap pass: decode, detect at READ_DETECT_SIZE, read."""
    image = decode(path, READ_SIZE)
    return reader.read(image, reader.boxes(image, READ_DETECT_SIZE))


def accuracy(photos, reader: TextReader, rounds: int, lines: list[str]) -> None:
    lines.append(f"{'photo':<10} {'truth':>5} {'read':>4} {'right':>5} {'cheap':>5} {'ms':>6}  "
                 "words read (* in the truth) / the truth")
    sums = dict.fromkeys(("truth", "read", "right", "read_all", "right_all"), 0)
    for photo, truth, unreadable in photos:
        result, ms = timed(text_of, str(photo), reader, version(), rounds=rounds)
        size = decode(photo, READ_SIZE).size
        read = read_words([(l.text, (l.box.x1, l.box.y1, l.box.x2, l.box.y2)) for l in result.lines], size,
                          unreadable)
        read_all_words = read_words([(l.text, l.box) for l in read_all(photo, reader)], size, unreadable)
        for key, value in (("truth", truth), ("read", read), ("right", read & truth), ("read_all", read_all_words),
                           ("right_all", read_all_words & truth)):
            sums[key] += len(value)
        shown = " ".join(sorted(f"{w}*" if w in truth else w for w in read)) or "-"
        lines.append(f"{photo.name:<10} {len(truth):>5} {len(read):>4} {len(read & truth):>5} "
                     f"{'text' if result.detected else 'none':>5} {ms:>6.0f}  {shown} / {' '.join(sorted(truth))}")
    lines.append(f"word recall {sums['right'] / sums['truth']:.3f} ({sums['right']}/{sums['truth']}), precision "
                 f"{sums['right'] / max(sums['read'], 1):.3f} ({sums['right']}/{sums['read']}); reading every photo "
                 f"(no cheap pass): recall {sums['right_all'] / sums['truth']:.3f}, precision "
                 f"{sums['right_all'] / max(sums['read_all'], 1):.3f} ({sums['right_all']}/{sums['read_all']})")


def samples() -> list[Path]:
    """The exif samples Pillow and its plugins decode (the broken ones are left out)."""
    readable = []
    for path in sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() in SUPPORTED):
        try:
            decode(path, 64)
        except DecodeError:
            continue
        readable.append(path)
    return readable


def costs(groups: dict[str, list[Path]], reader: TextReader, rounds: int, lines: list[str]) -> None:
    lines.append(f"{'':<24} {'':>3} {'':>5} | {'photos reading finds no word in':^27} | "
                 f"{'photos reading finds words in':^27} | {'all photos':^22}")
    lines.append(f"{'photos':<24} {'n':>3} {'read':>5} | {'n':>3} {'skipped':>7} {'stage':>6} {'read all':>8} | "
                 f"{'n':>3} {'read':>7} {'stage':>6} {'read all':>8} | {'stage':>6} {'read all':>8} {'hashes':>6}")
    for name, paths in groups.items():
        rows = []  # (words found reading it anyway, sent to reading, stage ms, read-all ms, hashes ms)
        for path in paths:
            result, ms = timed(text_of, str(path), reader, version(), rounds=rounds)
            found, ms_all = timed(read_all, path, reader, rounds=rounds)
            has_words = any(len(w) >= MIN_WORD_LENGTH for line in found for w in words_of(line.text))
            rows.append((has_words, result.detected, ms, ms_all, timed(hashes_of, str(path), rounds=rounds)[1]))
        blank, texts = [r for r in rows if not r[0]], [r for r in rows if r[0]]
        mean = lambda chosen, k: f"{statistics.fmean(r[k] for r in chosen):.0f}" if chosen else "-"  # noqa: E731
        share = lambda chosen: f"{sum(r[1] for r in chosen) / len(chosen):.0%}" if chosen else "-"  # noqa: E731
        skipped = f"{1 - sum(r[1] for r in blank) / len(blank):.0%}" if blank else "-"
        lines.append(f"{name:<24} {len(rows):>3} {share(rows):>5} | {len(blank):>3} {skipped:>7} {mean(blank, 2):>6} "
                     f"{mean(blank, 3):>8} | {len(texts):>3} {share(texts):>7} {mean(texts, 2):>6} "
                     f"{mean(texts, 3):>8} | {mean(rows, 2):>6} {mean(rows, 3):>8} {mean(rows, 4):>6}")


def imagenet(git_dir: Path, work: Path, every: int) -> list[Path]:
    """Every `every`-th class's sample photo of EliSchwartz/imagenet-sample-images (one real photo per class)."""
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "--name-only", "HEAD"], capture_output=True,
                             check=True, text=True).stdout
    names = sorted(n for n in listing.splitlines() if n.endswith(".JPEG"))
    paths = []
    for name in names[::every]:
        path = work / name
        path.write_bytes(git_show(git_dir, f"HEAD:{name}"))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mmocr", type=Path, default=Path("/work/.mirror/open-mmlab+mmocr/repo"))
    parser.add_argument("--imagenet", type=Path, default=Path("/work/.mirror/EliSchwartz+imagenet-sample-images/repo"))
    parser.add_argument("--every", type=int, default=10, help="take every n-th ImageNet class")
    parser.add_argument("--camera", type=int, default=30, help="12 MP photos made from the samples")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ocr/bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    settings = TextSettings()
    reader = TextReader(settings.threads)
    photos = icdar(args.mmocr, args.work)
    lines = [stamp(), f"text stage {version()}: cheap pass = the detection model at {DETECT_SIZE} px on the photo "
             f"decoded small (a JPEG's draft just above it); where it finds a box, detection again at "
             f"{READ_DETECT_SIZE} px (photos larger than {DETECT_SIZE} px), orientation and recognition of the lines "
             f"cut from the photo at {READ_SIZE} px; {settings.threads} threads",
             "", f"word accuracy on {len(photos)} real photos of text (ICDAR 2015, via MMOCR's tests)"]
    accuracy(photos, reader, args.rounds, lines)
    lines += ["", f"cost per photo, mean ms (decoding included; best of {args.rounds}); read: share the cheap "
              "pass sent to reading; skipped: share it did not; stage: the text stage; read all: decoding and reading",
              "every photo (no cheap pass: detection at 960 px, recognition where it finds boxes); hashes: the hashes "
              "stage on the same photos"]
    library = imagenet(args.imagenet, args.work, args.every)
    costs({"ICDAR 2015 (text)": [p for p, _, _ in photos], f"ImageNet, 1 class in {args.every}": library,
           "exif samples": samples(), "12 MP from the samples": camera_photos(args.camera)}, reader, args.rounds, lines)
    text = "\n".join(lines)
    print(text)
    (REPO / "bench" / "results" / "ocr.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
