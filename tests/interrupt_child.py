"""The real command line (`rgpt-fiction ...`) with the hash embedder instead of torch's, so a
process starts in a second or two: for the tests that interrupt a game with SIGINT.

usage: python interrupt_child.py play --headless --world W --slot S --saves-dir D --model M
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hash_embedder import HashEmbedder  # noqa: E402

import rgpt_fiction.factory  # noqa: E402
from rgpt_fiction.cli import main  # noqa: E402

rgpt_fiction.factory.make_embedder = lambda settings: HashEmbedder()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
