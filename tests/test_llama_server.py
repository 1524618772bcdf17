"""A real model server, as a reader runs one: llama-cpp-python's own OpenAI-compatible server
serving the SmolLM2 GGUF, reached through litellm as `openai/...` with an api_base.

Before structured answers reached servers, every turn against it had missing plans and the
game filled them from its template; now the server constrains the answer to the schema."""

import pytest

from engine_helpers import drain
from llama_server import LlamaServer
from rgpt_fiction.llm import client
from rgpt_fiction.llm.client import LiteLLMModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llama_server():
    from rgpt_fiction.llm.embedded import bundled_gguf

    server = LlamaServer(bundled_gguf())
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


async def test_three_turns_against_llama_cpp_server(llama_server, open_game, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs no key
    monkeypatch.setattr(client, "_schema_form", {})
    model = LiteLLMModel("openai/smollm2", api_base=llama_server.url)  # the defaults: structured = "auto"
    # short paragraphs and memory keep the test quick on two cores; the path is the same
    story, slot = open_game(model, paragraph_words=40, memory_words=40)
    await drain(story.start())  # the world's own opening and first choices
    for turn in range(1, 4):
        _, done = await drain(story.play(story.plans[0]))
        repairs = done.stats.repairs
        # the schema reached the server: every plan came from the model. (Whether SmolLM2's one sentence
        # of what happened passes the game's own check, four real words, is the model's craft, not the
        # server's: a rejected one leaves a memory derived from the paragraph, as on any backend.)
        assert not [r for r in repairs if "filled" in r or "missing plans" in r], repairs
        node = story.node
        assert node.id == done.node.id and node.depth == turn
        assert len(node.plans) == 3 and node.plans == done.stats.plans
        # facts under three words are dropped by the game (SmolLM2 often gives only such), so none may be left
        assert len(node.memory.split()) >= 5 and all(len(f.split()) >= 3 for f in node.facts)
        assert done.stats.prompt_tokens > 0 and done.stats.completion_tokens > 0
    # llama-cpp-python's server refuses OpenAI's json_schema form and takes json_object with a schema
    assert client._schema_form[("openai/smollm2", llama_server.url)] == "json_object"
    # every turn is in the slot, and every paragraph in long-term memory
    saved = slot.load()
    assert saved.turn == 3 and [n.memory for n in saved.path()] == [n.memory for n in story.game.path()]
    assert story.memory.nodes() >= {n.id for n in saved.path()}
