"""End to end on the real embedded model (SmolLM2-135M on llama.cpp) through litellm."""

import pytest

from engine_helpers import drain
from rgpt_fiction.llm.client import LiteLLMModel
from rgpt_fiction.llm.embedded import bundled_gguf

pytestmark = pytest.mark.slow


def test_the_gguf_file_is_found_through_package_metadata():
    path = bundled_gguf()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000


async def test_three_turns_on_the_embedded_model(open_game, world):
    bare = world.model_copy(update={"opening": ""})  # the model writes the opening too
    story, slot = open_game(LiteLLMModel("embedded/smollm2"), the_world=bare, paragraph_words=60)
    _, done = await drain(story.start())
    for turn in range(3):
        _, done = await drain(story.play(story.plans[turn % 3]))
        assert done.node.paragraph.strip()
        assert len(done.node.plans) == 3
        assert len({p.casefold() for p in done.node.plans}) == 3
        assert all(p.strip() for p in done.node.plans)
        assert done.stats.completion_tokens > 0 and done.stats.prompt_tokens > 0
    assert slot.load().turn == 3
