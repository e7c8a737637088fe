"""The hashes stage's pure function: an upright image to its perceptual hashes and its sharpness."""
from __future__ import annotations

import imagehash
import numpy as np
from PIL import Image

from proto import pb

VERSION = "hashes-3"  # 3: a 12 MP photo measured on its quarter-size draft, as 2 meant to (2 decoded the half-size
#                       draft and shrank it: Pillow drafts cover a square box); 2: at 1000 px (was 1024)
DECODE_SIZE = 1000  # the long side sharpness is measured at: big enough to see what JPEG quality 30 blurs, and (the
#                     draft chosen by the long side) a 12 MP photo's quarter-size JPEG draft as vision's decode, shared


# The JPEG standard's luminance table (Annex K, row by row, as Pillow gives a file's tables), and IJG's tables for
# every quality 1..100 made from it (libjpeg's jpeg_quality_scaling): a file's own table is matched against them.
LUMINANCE = np.array([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
                      14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
                      92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], np.int64)
_SCALES = np.array([5000 // q if q < 50 else 200 - 2 * q for q in range(1, 101)], np.int64)
IJG_TABLES = np.clip((LUMINANCE[None, :] * _SCALES[:, None] + 50) // 100, 1, 255)


def analyse(image: Image.Image) -> pb.HashesResult:
    """pHash and dHash (imagehash, 64 bits each), and what ranks near-copies of one size: the JPEG quality the
    file was saved at (from its quantisation table; 100 for lossless formats) and the sharpness."""
    grey = image.convert("L")  # what each of the three starts from (imagehash converts to grey first): made once
    return pb.HashesResult(phash=as_int(imagehash.phash(grey)), dhash=as_int(imagehash.dhash(grey)),
                           sharpness=sharpness(grey), quality=jpeg_quality(image.info.get("quantization")))


def as_int(hashed: imagehash.ImageHash) -> int:
    """The hash's 64 bits as an unsigned integer, first bit highest (as imagehash prints it in hex)."""
    return int.from_bytes(np.packbits(hashed.hash.flatten()).tobytes(), "big")


def sharpness(image: Image.Image) -> float:
    """Variance of the Laplacian of the image as decoded, in grey; it ranks copies of one size (resolution first)."""
    grey = np.asarray(image if image.mode == "L" else image.convert("L"), np.float32)
    if min(grey.shape) < 3:
        return 0.0
    laplacian = (grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4 * grey[1:-1, 1:-1])
    return float(laplacian.var())


def jpeg_quality(quantization: dict | None) -> int:
    """The IJG quality (1..100) whose luminance table is nearest the file's; 100 when there is none (lossless)."""
    if not quantization or 0 not in quantization or len(quantization[0]) != 64:
        return 100
    table = np.asarray(quantization[0], np.int64)
    return int(np.argmin(np.abs(IJG_TABLES - table[None, :]).sum(1))) + 1
