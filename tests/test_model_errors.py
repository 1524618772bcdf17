"""What the reader is told when the model cannot answer, through the real litellm path: the
cause named, what to do, retried only when waiting can help, and the story never changed."""

import socket
import time

import pytest

from engine_helpers import drain
from fake_openai import FakeOpenAI
from rgpt_fiction.config import Settings
from rgpt_fiction.engine.events import TurnError
from rgpt_fiction.factory import make_model
from rgpt_fiction.llm.base import LLMError
from rgpt_fiction.llm.client import LiteLLMModel
from rgpt_fiction.llm.embedded import EmbeddedModelError

WAIT_MORE = "try again in a moment"


async def collect(m):
    return [x async for x in m.stream([{"role": "user", "content": "go"}], max_tokens=20, temperature=0.5)]


async def failure(m) -> LLMError:
    with pytest.raises(LLMError) as err:
        await collect(m)
    return err.value


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


async def test_missing_key_names_the_variable_at_once(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    started = time.monotonic()
    err = await failure(LiteLLMModel("openai/gpt-4o-mini"))
    assert "OPENAI_API_KEY is not set" in str(err) and "export OPENAI_API_KEY" in str(err)
    assert WAIT_MORE not in str(err) and not err.retryable
    assert time.monotonic() - started < 15  # no retries (the first litellm call itself takes a moment)


async def test_a_local_server_needs_no_key(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.behaviours = [("ok", "Fine.")]
    items = await collect(LiteLLMModel("openai/local", api_base=server.url))
    assert "".join(x for x in items if isinstance(x, str)) == "Fine."


async def test_unknown_provider_shows_correct_model_strings():
    err = await failure(LiteLLMModel("gpt4-typo"))
    assert "'gpt4-typo' names no provider" in str(err) and "openai/gpt-4o-mini" in str(err)
    assert "embedded/smollm2" in str(err) and WAIT_MORE not in str(err)


async def test_unknown_model_on_a_server_says_so_and_where_to_look(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    server.behaviours = [("status", 404)]
    err = await failure(LiteLLMModel("openai/no-such-model", api_base=server.url, retries=3, backoff=0.01))
    assert "does not know the model 'openai/no-such-model'" in str(err) and f"{server.url}/models" in str(err)
    assert len(server.requests) == 1 and WAIT_MORE not in str(err)


async def test_missing_model_file_names_the_path():
    err = await failure(LiteLLMModel("embedded//no/such/model.gguf"))
    assert "no GGUF model file at /no/such/model.gguf" in str(err) and WAIT_MORE not in str(err)
    with pytest.raises(EmbeddedModelError, match="/no/such/model.gguf"):
        make_model(Settings(model="embedded//no/such/model.gguf"))


async def test_nobody_listening_is_not_retried():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    err = await failure(LiteLLMModel("openai/x", api_base=f"http://127.0.0.1:{port}/v1", retries=3, backoff=5))
    assert "cannot reach the model server at http://127.0.0.1" in str(err) and "--api-base" in str(err)
    assert not err.retryable


async def test_a_server_that_does_not_accept_the_connection_ends_at_the_connect_limit():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued = []
    for _ in range(4):  # fill the accept queue: further connections wait, unanswered
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        queued.append(c)
    try:
        m = LiteLLMModel("openai/x", api_base=f"http://127.0.0.1:{port}/v1", connect_timeout=1, retries=3)
        err = await failure(m)
    finally:
        for c in queued:
            c.close()
        listener.close()
    assert "could not connect to the model server" in str(err) and "within 1 s" in str(err)
    assert "RGPT_CONNECT_TIMEOUT" in str(err) and not err.retryable


async def test_transient_causes_are_retried_and_said_to_be(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    server.behaviours = [("status", 429)]
    err = await failure(LiteLLMModel("openai/x", api_base=server.url, retries=2, backoff=0.01))
    assert "rate limited" in str(err) and "(3 attempts)" in str(err) and err.retryable
    server.behaviours = [("status", 502)]
    err = await failure(LiteLLMModel("openai/x", api_base=server.url, retries=1, backoff=0.01))
    assert "HTTP 502" in str(err) and WAIT_MORE in str(err) and err.retryable


def test_default_waits_bring_a_hung_server_to_a_message_within_two_minutes():
    m = make_model(Settings())
    assert m.limits.connect + m.limits.first_word <= 120 and m.limits.idle <= 60
    hung = make_model(Settings(model="openai/x", api_base="http://127.0.0.1:1/v1"))
    assert (hung.limits.connect, hung.limits.first_word, hung.limits.idle) == (10, 90, 30)


# --- a failed turn changes nothing -------------------------------------------------------------

FAILURES = {
    "server error": [("status", 500)],
    "rate limit": [("status", 429)],
    "hang": [("hang", 3)],
    "silence mid-answer": [("stall", ("The fog rolls in over the quay and then", 3))],
    "cut stream": [("cut", "The fog rolls in over the quay and the lamps go out one by one.")],
    "empty answer": [("empty", None)],
    "unknown model": [("status", 404)],
    "wrong key": [("status", 401)],
}


@pytest.mark.parametrize("kind", list(FAILURES))
async def test_every_failed_turn_leaves_the_story_as_it_was(kind, server, open_game, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    m = LiteLLMModel("openai/x", api_base=server.url, timeout=1, idle_timeout=1, connect_timeout=1, retries=1,
                     backoff=0.01)
    story, slot = open_game(m)
    await drain(story.start())
    before = slot.state_path.read_bytes()
    rows = story.memory.count()
    server.behaviours = list(FAILURES[kind])
    with pytest.raises(TurnError) as err:
        await drain(story.play(story.plans[0]))
    assert "openai/x" in str(err.value)
    assert slot.state_path.read_bytes() == before and story.game.turn == 0 and story.memory.count() == rows
