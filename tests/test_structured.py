"""Structured answers from model servers: the JSON schema is sent where the server takes it,
in the form it takes, and a refusal falls back (in "auto") and is remembered."""

import json

import pytest

from fake_openai import FakeOpenAI
from rgpt_fiction.llm import client
from rgpt_fiction.llm.base import LLMError
from rgpt_fiction.llm.client import LiteLLMModel

SCHEMA = {"type": "object", "properties": {"plans": {"type": "array", "items": {"type": "string"}}},
          "required": ["plans"]}
ANSWER = json.dumps({"plans": ["Open the door", "Wait", "Call out"]})
REFUSAL = (400, "response_format is not supported by this server")


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    monkeypatch.setattr(client, "_schema_form", {})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


def takes(*forms):
    """A server that answers when the request's response_format is one of `forms` (None: absent)."""
    def behaviour(body):
        fmt = body.get("response_format")
        form = fmt.get("type") if fmt else None
        return ("ok", ANSWER) if form in forms else ("status-message", REFUSAL)
    return behaviour


async def ask(m, schema=SCHEMA):
    items = [x async for x in m.stream([{"role": "user", "content": "go"}], max_tokens=50, temperature=0.5,
                                       json_schema=schema)]
    return "".join(x for x in items if isinstance(x, str))


def sent_formats(server):
    return [(r["body"].get("response_format") or {}).get("type") for r in server.requests]


async def test_openai_form_first_and_the_schema_goes_along(server):
    server.behaviours = [takes("json_schema")]
    m = LiteLLMModel("openai/any-local-model", api_base=server.url, retries=0)
    assert await ask(m) == ANSWER
    fmt = server.requests[0]["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"] == SCHEMA


async def test_llama_cpp_python_form_after_a_refusal_and_remembered(server):
    server.behaviours = [takes("json_object")]
    m = LiteLLMModel("openai/smol", api_base=server.url, retries=0)
    assert await ask(m) == ANSWER
    assert sent_formats(server) == ["json_schema", "json_object"]
    assert server.requests[1]["body"]["response_format"]["schema"] == SCHEMA
    again = LiteLLMModel("openai/smol", api_base=server.url, retries=0)  # e.g. rebuilt after a settings change
    assert await ask(again) == ANSWER
    assert sent_formats(server)[2:] == ["json_object"]


async def test_a_server_that_takes_no_schema_is_asked_in_the_prompt_and_remembered(server):
    server.behaviours = [takes(None)]
    m = LiteLLMModel("openai/plain", api_base=server.url, retries=0)
    assert await ask(m) == ANSWER and sent_formats(server) == ["json_schema", "json_object", None]
    assert not m.sends_schema()
    assert await ask(m) == ANSWER and sent_formats(server)[3:] == [None]


async def test_calls_without_a_schema_send_none(server):
    server.behaviours = [takes(None)]
    await ask(LiteLLMModel("openai/plain", api_base=server.url, retries=0), schema=None)
    assert sent_formats(server) == [None]


async def test_on_makes_a_refusal_an_error_that_says_what_to_change(server):
    server.behaviours = [takes(None)]
    with pytest.raises(LLMError, match="refused the JSON schema") as err:
        await ask(LiteLLMModel("openai/plain", api_base=server.url, structured="on", retries=0))
    assert 'structured = "auto" or "off"' in str(err.value) and sent_formats(server) == ["json_schema", "json_object"]


async def test_off_never_sends_a_schema(server):
    server.behaviours = [takes("json_schema", "json_object", None)]
    await ask(LiteLLMModel("openai/x", api_base=server.url, structured="off", retries=0))
    assert sent_formats(server) == [None]


async def test_a_refusal_for_another_reason_is_reported_not_remembered(server):
    server.behaviours = [("status-message", (400, "max_tokens is too large"))]
    with pytest.raises(LLMError, match="max_tokens is too large"):
        await ask(LiteLLMModel("openai/x", api_base=server.url, retries=0))
    assert sent_formats(server) == ["json_schema", "json_object", None]  # every way was tried
    assert client._schema_form == {}


def test_bad_mode_is_refused():
    with pytest.raises(ValueError, match="auto, on, off"):
        LiteLLMModel("openai/x", structured="yes")
