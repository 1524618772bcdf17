"""The real litellm path against a local OpenAI-compatible server that fails on purpose."""

import json
import time

import pytest

from engine_helpers import drain
from fake_openai import FakeOpenAI
from rgpt_fiction.engine.events import TurnError
from rgpt_fiction.llm.base import LLMError, Restart, Usage
from rgpt_fiction.llm.client import LiteLLMModel

FAKE_KEY = "sk-test-SECRET-0123456789abcdef"
PARA = "The harbourmaster lifts his lantern and the fog parts around the pier."
UPDATE = json.dumps({"plans": ["Board the night ferry now", "Question the harbourmaster", "Hide among the nets"],
                     "memory": "You reached the pier at night.", "facts": []})


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with FakeOpenAI() as s:
        yield s


def model(server, timeout=3.0, retries=2):
    return LiteLLMModel("openai/test-model", api_base=server.url, timeout=timeout, retries=retries, backoff=0.05)


async def collect(m, **kw):
    items = [x async for x in m.stream([{"role": "user", "content": "go"}], max_tokens=50, temperature=0.5, **kw)]
    return "".join(x for x in items if isinstance(x, str)), items


async def test_normal_answer_streams_with_usage(server):
    server.behaviours = [("ok", "One two three.")]
    text, items = await collect(model(server))
    assert text == "One two three."
    assert isinstance(items[-1], Usage) and items[-1].prompt_tokens == 11


async def test_rate_limit_then_success_is_retried(server):
    server.behaviours = [("status", 429), ("ok", "Fine now.")]
    text, _ = await collect(model(server))
    assert text == "Fine now." and len(server.requests) == 2


async def test_server_error_fails_after_bounded_retries(server):
    server.behaviours = [("status", 500)]
    started = time.monotonic()
    with pytest.raises(LLMError) as err:
        await collect(model(server, retries=2))
    assert "openai/test-model" in str(err.value) and "500" in str(err.value)
    assert len(server.requests) == 3  # the first try and two retries, no more
    assert time.monotonic() - started < 20


async def test_hang_past_the_first_word_limit_fails_clearly_and_is_not_retried(server):
    server.behaviours = [("hang", 5)]
    with pytest.raises(LLMError, match="took the request but wrote nothing for 1 s") as err:
        await collect(model(server, timeout=1.0, retries=3))
    assert len(server.requests) == 1  # waiting longer is the reader's call, not a retry's
    assert "try again in a moment" not in str(err.value) and "RGPT_TIMEOUT" in str(err.value)
    assert not err.value.retryable


async def test_silence_mid_answer_past_the_idle_limit_fails_clearly(server):
    server.behaviours = [("stall", ("Words arrive and then nothing more comes at all.", 5))]
    m = LiteLLMModel("openai/test-model", api_base=server.url, timeout=3, idle_timeout=1, retries=3, backoff=0.05)
    with pytest.raises(LLMError, match="stopped writing for 1 s in the middle of the answer"):
        await collect(m)
    assert len(server.requests) == 1


async def test_cut_stream_is_a_failure_not_a_short_answer(server):
    server.behaviours = [("cut", "This sentence will be cut in the middle of it.")]
    with pytest.raises(LLMError, match="connection was cut"):
        await collect(model(server, retries=0))


async def test_cut_stream_then_success_restarts_the_text(server):
    server.behaviours = [("cut", "Half of a first try that dies."), ("ok", "A whole answer.")]
    text, items = await collect(model(server, retries=1))
    assert any(isinstance(i, Restart) for i in items)
    after = items[[isinstance(i, Restart) for i in items].index(True) + 1:]
    assert "".join(x for x in after if isinstance(x, str)) == "A whole answer."


async def test_wrong_key_is_explained(server, monkeypatch):
    server.behaviours = [("status", 401)]
    with pytest.raises(LLMError, match="refused the API key") as err:
        await collect(model(server))
    assert len(server.requests) == 1  # not retried
    assert "OPENAI_API_KEY" in str(err.value) and "try again in a moment" not in str(err.value)


async def test_turns_over_litellm_complete_fail_cleanly_and_repair(server, open_game):
    story, slot = open_game(model(server, retries=1))
    await drain(story.start())
    before = slot.state_path.read_bytes()
    # a turn that fails: the state is exactly as before, the message names the model
    server.behaviours = [("status", 503)]
    with pytest.raises(TurnError, match="openai/test-model"):
        await drain(story.play(story.plans[0]))
    assert slot.state_path.read_bytes() == before and story.game.turn == 0
    # empty content then text with no structure at all: the turn completes by repair
    server.behaviours = [("empty", None), ("ok", PARA), ("ok", "I do not know what you want."), ("ok", "Nothing useful.")]
    _, done = await drain(story.play(story.plans[0]))
    assert story.node.paragraph == PARA and len(story.plans) == 3
    assert "empty paragraph" in done.stats.repairs and "derived memory" in done.stats.repairs
    # a normal turn
    server.behaviours = [("ok", "Gulls scream over the ferry as its engine coughs awake below deck."), ("ok", UPDATE)]
    await drain(story.play("Walk to the end of the pier"))
    assert story.plans[0] == "Board the night ferry now"
    # the key never reaches the disk
    for path in slot.path.rglob("*"):
        if path.is_file():
            assert FAKE_KEY.encode() not in path.read_bytes(), path


async def test_credentials_never_reach_error_messages(server, monkeypatch):
    server.behaviours = [("status-echo", 400)]
    with pytest.raises(LLMError) as err:
        await collect(model(server))
    assert "invalid key" in str(err.value) and FAKE_KEY not in str(err.value)
    secret_base = server.url.replace("http://", "http://alice:hunter2-password@")
    m = LiteLLMModel("openai/test-model", api_base=secret_base, timeout=1, retries=0)
    server.behaviours = [("hang", 3)]
    with pytest.raises(LLMError) as err:
        await collect(m)
    assert "hunter2" not in str(err.value)
