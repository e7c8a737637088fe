"""The CLI limits glibc's heap arenas: threads allocating at once share two heaps instead of one each."""
import subprocess
import sys

import pytest

PROGRAM = """
import ctypes, ctypes.util, sys, threading
from services.app.memory import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
barrier = threading.Barrier(8)
def allocate():
    held = [bytearray(64 * 1024) for _ in range(4)]  # under the mmap threshold: from the thread's arena
    barrier.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
size = ctypes.c_size_t()
buffer = ctypes.c_char_p()
libc.open_memstream.restype = ctypes.c_void_p
stream = libc.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(buffer.value.decode().count("<heap nr="))
"""


def heaps(mode: str) -> int:
    env = {"PYTHONPATH": ".", "PATH": "/usr/bin:/bin"}
    return int(subprocess.run([sys.executable, "-c", PROGRAM, mode], env=env, capture_output=True, text=True,
                              check=True).stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_threads_share_two_heaps_once_limited():
    assert heaps("free") > 2  # the default: a heap per thread that allocates
    assert heaps("limit") <= 2


def test_processes_started_after_the_limit_inherit_it():
    program = ("import os, subprocess, sys; from services.app.memory import limit_malloc_arenas; limit_malloc_arenas(); "
               "print(subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"MALLOC_ARENA_MAX\"))'], "
               "capture_output=True, text=True).stdout.strip())")
    env = {"PYTHONPATH": ".", "PATH": "/usr/bin:/bin"}
    assert subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "2"
