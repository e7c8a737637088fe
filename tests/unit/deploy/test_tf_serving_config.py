"""deploy/tfserving's configs parse as TF Serving parses them and serve what `picsift models build` writes."""
import re
from pathlib import Path

from google.protobuf import text_format
from tensorflow_serving.config.model_server_config_pb2 import ModelServerConfig

from services.vision.build import BLAZEFACE, CENTERNET, EMOTION, FACEID, FACERES, MOBILENET

TFSERVING = Path(__file__).resolve().parents[3] / "deploy" / "tfserving"
BUILT = (MOBILENET, BLAZEFACE, FACERES, EMOTION, CENTERNET, FACEID)
MODELS_MOUNT = "/models"  # where docker-compose mounts the models volume in the tfserving containers


def test_every_built_model_is_served_at_its_built_version():
    config = text_format.Parse((TFSERVING / "models.config").read_text(), ModelServerConfig())
    served = {c.name: (c.base_path, list(c.model_version_policy.specific.versions), c.model_platform)
              for c in config.model_config_list.config}
    assert served == {spec["name"]: (f"{MODELS_MOUNT}/{spec['name']}", [spec["version"]], "tensorflow")
                      for spec in BUILT}


def test_batching_sizes_rise_to_the_largest_batch():
    """TF Serving refuses allowed_batch_sizes that do not rise and end at max_batch_size."""
    text = (TFSERVING / "batching.config").read_text()
    largest = int(re.search(r"max_batch_size\s*\{\s*value:\s*(\d+)", text).group(1))
    allowed = [int(size) for size in re.findall(r"allowed_batch_sizes:\s*(\d+)", text)]
    assert allowed == sorted(set(allowed)) and allowed[-1] == largest
