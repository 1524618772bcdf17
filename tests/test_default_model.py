"""End to end on the real default storyteller, Qwen2.5-Coder-1.5B-Instruct, assembled from its
wheels into a fresh cache folder, played through litellm for one turn of a shipped world. Slow
(the file is 1.1 GB and a turn takes tens of seconds on two cores), and the one test that shows
the game's default writes a story: English, to "you", no glued words, three plans of its own."""

from __future__ import annotations

import pytest

from engine_helpers import drain
from rgpt_fiction import quality
from rgpt_fiction.llm.client import LiteLLMModel
from rgpt_fiction.llm.embedded import DEFAULT_MODEL
from rgpt_fiction.llm.model_file import QWEN_1_5B, is_ready

pytestmark = pytest.mark.slow


async def test_a_turn_on_the_default_model_assembled_fresh(open_game, world, tmp_path, monkeypatch):
    monkeypatch.setenv("RGPT_MODEL_CACHE", str(tmp_path / "models"))
    assert DEFAULT_MODEL == "embedded/qwen-1.5b"
    from rgpt_fiction.factory import prepare_model

    model = LiteLLMModel(DEFAULT_MODEL)
    seen = []
    prepare_model(model, progress=lambda done, total: seen.append((done, total)))
    assert is_ready(QWEN_1_5B, tmp_path / "models")
    assert seen[0] == (0, QWEN_1_5B.size) and seen[-1] == (QWEN_1_5B.size, QWEN_1_5B.size)

    story, slot = open_game(model, paragraph_words=80, temperature=0.3)
    await drain(story.start())
    plan = story.plans[0]
    _, done = await drain(story.play(plan))
    node = done.node
    q = quality.turn_quality(story.game, node, story.last_prompt, done.stats)
    assert q.english["paragraph"] >= 0.97 and q.english["plans"] >= 0.97, (node.paragraph, node.plans)
    assert q.second_person, node.paragraph
    assert q.glued_words == [], q.glued_words
    assert len(node.plans) == 3 and not any(r.startswith("filled") for r in done.stats.repairs), done.stats.repairs
    assert node.memory and 60 <= done.stats.paragraph_words <= 140
    # the cache layout at work: the update call continued the paragraph's conversation
    assert done.stats.prompt_tokens_evaluated is not None
    assert done.stats.prompt_tokens_evaluated < done.stats.prompt_tokens / 2
    assert slot.load().turn == 1
