"""The committed generated code is exactly what the pinned compiler makes from picsift.proto."""
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_committed_pb2_matches_the_proto(tmp_path):
    shutil.copy(REPO / "proto" / "picsift.proto", tmp_path)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{tmp_path}", f"--python_out={tmp_path}",
                    f"--pyi_out={tmp_path}", str(tmp_path / "picsift.proto")], check=True)
    for name in ("picsift_pb2.py", "picsift_pb2.pyi"):
        assert (tmp_path / name).read_text() == (REPO / "proto" / name).read_text(), f"run scripts/gen_proto.sh ({name})"
