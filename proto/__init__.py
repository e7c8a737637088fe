"""The record and message schema shared by every service (generated from picsift.proto)."""
from proto import picsift_pb2 as pb

SCHEMA_VERSION = 1

__all__ = ["pb", "SCHEMA_VERSION"]
