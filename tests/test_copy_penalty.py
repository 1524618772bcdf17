"""The copy penalty (DRY over the prompt and the text so far) that keeps the embedded model
from writing the last paragraph out again."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rgpt_fiction.llm.copy_penalty import CopyPenalty

VOCAB = 12


def penalties(ids, allowed=2):
    return -CopyPenalty(allowed=allowed)(np.array(ids), np.zeros(VOCAB))


def brute_force(ids, allowed, multiplier=0.8, base=1.75):
    """The definition, spelled out: for every earlier position whose preceding tokens repeat
    the context's last ones for `run >= allowed` tokens, penalise the token that came next."""
    out = np.zeros(VOCAB)
    n = len(ids)
    for j in range(n):  # candidate position j: the token ids[j] followed ids[:j]
        run = 0
        while run < j and ids[j - 1 - run] == ids[n - 1 - run]:
            run += 1
        if run >= allowed:
            out[ids[j]] = max(out[ids[j]], multiplier * base ** (min(run, 40) - allowed))
    return out


def test_the_token_that_would_continue_a_copy_is_pushed_down():
    # 1 2 3 was followed by 4 before; the context ends in 1 2 3 again
    got = penalties([1, 2, 3, 4, 9, 9, 1, 2, 3])
    assert got[4] == pytest.approx(0.8 * 1.75)  # a run of 3, one past the allowed 2
    assert np.count_nonzero(got) == 1


def test_the_penalty_grows_with_the_length_of_the_copy():
    text = [1, 2, 3, 4, 5, 6, 7, 8]
    short = penalties(text + [0] + text[:3])[4]
    long = penalties(text + [0] + text[:6])[7]
    assert long > short * 4


def test_fresh_text_and_short_repeats_are_left_alone():
    assert not penalties([1, 2, 3, 4, 5, 6]).any()
    assert not penalties([1, 2, 3, 9, 1, 2], allowed=3).any()  # a run of 2 is allowed


def test_a_context_that_is_not_a_continuation_starts_over():
    p = CopyPenalty(allowed=2)
    p(np.array([1, 2, 3, 4, 1, 2, 3]), np.zeros(VOCAB))
    assert not (p(np.array([5, 6, 7]), np.zeros(VOCAB)) != 0).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=40), st.integers(1, 4))
def test_token_by_token_equals_the_definition(ids, allowed):
    p = CopyPenalty(allowed=allowed)
    for k in range(1, len(ids) + 1):  # one call per sampled token, as llama.cpp makes them
        got = -p(np.array(ids[:k]), np.zeros(VOCAB))
        assert np.allclose(got, brute_force(ids[:k], allowed))
    whole = -CopyPenalty(allowed=allowed)(np.array(ids), np.zeros(VOCAB))  # a prompt, in one go
    assert np.allclose(whole, brute_force(ids, allowed))
