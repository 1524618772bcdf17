"""A penalty on copying: llama.cpp's DRY ("don't repeat yourself") idea, applied over the
prompt as well as the text written so far.

A small model shown the last paragraph tends to write it again nearly word for word (the
health runs' loops). A plain repeat penalty cannot stop that: llama-cpp-python feeds it
only the generated tokens, and it punishes single common words. This one looks at runs:
when the last `allowed` or more tokens also occur earlier in the context, the token that
followed them there is pushed down by `multiplier * base ** (run - allowed)`. Names and
short phrases pass; a long copy becomes impossible after a few tokens, so the model has to
say something new. Pure numpy; the embedded backend hands it to llama.cpp as a logits
processor.

With `groups` (token id -> group id, see `token_groups`), a penalised token's spelling variants
are pushed down with it: " of", "of", " Of". Without that, a tokenizer with a space-less twin for
every word (Qwen's) lets the model keep copying by dropping the space: "oneof", "brasskey".
"""

from __future__ import annotations

import numpy as np

MAX_RUN = 40  # runs are counted up to this length (the penalty is already prohibitive)


class CopyPenalty:
    """Call as `scores = penalty(input_ids, scores)` once per sampled token."""

    def __init__(self, allowed: int = 4, multiplier: float = 0.8, base: float = 1.75, groups=None):
        self.allowed, self.multiplier, self.base = allowed, multiplier, base
        self.groups = None if groups is None else np.asarray(groups, dtype=np.int64)
        self._n_groups = 0 if groups is None else int(self.groups.max()) + 1
        self._ids = np.zeros(0, dtype=np.int64)
        # _run[j] for j in 0..len(context): how many tokens just before position j equal the
        # context's last tokens (the last entry is the context itself and stays 0)
        self._run = np.zeros(1, dtype=np.int64)

    def __call__(self, input_ids, scores):
        ids = np.asarray(input_ids, dtype=np.int64)
        self._catch_up(ids)
        pos = np.flatnonzero(self._run[:-1] >= self.allowed)  # the last position has no follower
        if pos.size:
            runs = np.minimum(self._run[pos], MAX_RUN)
            amount = self.multiplier * np.power(self.base, runs - self.allowed)
            tokens = ids[pos]
            keep = tokens < len(scores)
            if self.groups is not None and len(self.groups) == len(scores):
                by_group = np.zeros(self._n_groups, dtype=np.float64)
                np.maximum.at(by_group, self.groups[tokens[keep]], amount[keep])
                penalty = by_group[self.groups]
            else:
                penalty = np.zeros(len(scores), dtype=np.float64)
                np.maximum.at(penalty, tokens[keep], amount[keep])
            scores = scores - penalty.astype(scores.dtype)
        return scores

    def _catch_up(self, ids: np.ndarray) -> None:
        """Bring the run table up to `ids`: one step per sampled token, else from scratch."""
        n = len(self._ids)
        if len(ids) == n + 1 and np.array_equal(ids[:n], self._ids):
            grown = np.zeros(n + 2, dtype=np.int64)
            grown[1:n + 1] = np.where(ids[:n] == ids[n], self._run[:n] + 1, 0)
            self._run = grown
        elif len(ids) != n or not np.array_equal(ids, self._ids):
            self._run = _runs(ids)
        self._ids = ids.copy()


def _runs(ids: np.ndarray) -> np.ndarray:
    """The run table of a whole context, one vectorised pass per token of the longest run."""
    n = len(ids)
    run = np.zeros(n + 1, dtype=np.int64)
    alive = np.arange(1, n)  # positions j whose preceding tokens still match the context's end
    k = 0
    while alive.size:
        back = alive - 1 - k
        alive = alive[(back >= 0) & (ids[np.maximum(back, 0)] == ids[n - 1 - k])]
        k += 1
        run[alive] = k
    return run


def token_groups(pieces: list[bytes]) -> np.ndarray:
    """Group id per token: tokens that spell the same word apart from leading or trailing spaces
    and case share one ("of", " of", " Of"); tokens that are only spaces keep their own."""
    ids: dict[bytes, int] = {}
    out = np.empty(len(pieces), dtype=np.int64)
    for i, piece in enumerate(pieces):
        key = piece.rstrip(b"\0").strip().lower()
        if not key:
            key = b"\0%d" % i
        out[i] = ids.setdefault(key, len(ids))
    return out


def groups_for(llm) -> list:
    """The spelling groups of a llama.cpp model's vocabulary (computed once per model, ~0.2 s)."""
    if getattr(llm, "rgpt_groups", None) is None:
        llm.rgpt_groups = token_groups([llm._model.token_to_piece(i) for i in range(llm.n_vocab())])
    return llm.rgpt_groups
