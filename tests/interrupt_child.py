"""The real command line (`rgpt-fiction ...`) with the hash embedder instead of torch's, so a
process starts in a second or two: for the tests that interrupt a game with SIGINT.

usage: python interrupt_child.py play --headless --world W --slot S --saves-dir D --model M
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hash_embedder import HashEmbedder  # noqa: E402

import rgpt_fiction.factory  # noqa: E402
import rgpt_fiction.failpoints  # noqa: E402
from rgpt_fiction.cli import main  # noqa: E402

rgpt_fiction.factory.make_embedder = lambda settings: HashEmbedder()

# The paragraph is shown at most one piece per 20 ms, so a SIGINT sent within 0.8 s of its first
# words comes while the turn is still being written: SmolLM2 can write a short paragraph and its
# update in under a second, and then the SIGINT came after the turn (the test's premise failed in
# some whole-suite runs and once alone). The generation itself (llama.cpp in its thread) is not slowed.
_hit = rgpt_fiction.failpoints.hit


def _slow_hit(name: str) -> None:
    if name == "generating":
        time.sleep(0.02)
    _hit(name)


rgpt_fiction.failpoints.hit = _slow_hit

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
