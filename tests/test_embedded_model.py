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


PARAGRAPH = (
    "The bells of the monastery ring out over the frozen valley as you climb the last steps to the tower. "
    "Brother Anselm waits by the great bronze bell, his lantern swinging in the wind, and tells you that the "
    "abbot has not been seen since the night of the storm. Snow drifts through the broken shutters."
)


def longest_shared_run(a: list[str], b: list[str]) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


async def test_the_embedded_model_does_not_write_a_paragraph_out_again():
    # Asked outright, greedy SmolLM2 copies this paragraph for 51 tokens; the copy penalty
    # on prose calls forces it off any run of the prompt within a few words.
    messages = [{"role": "user", "content": f"Repeat this text exactly, word for word:\n{PARAGRAPH}"}]
    parts = [p async for p in LiteLLMModel("embedded/smollm2").stream(messages, max_tokens=120, temperature=0.0)
             if isinstance(p, str)]
    words = "".join(parts).split()
    assert len(words) > 20
    assert longest_shared_run(words, PARAGRAPH.split()) < 12


async def test_the_embedded_model_continues_an_answer_whose_first_words_are_given():
    """A last assistant message is the start of the answer: the model writes on from its last word
    (llama.cpp, rendered with the model's own chat template), it does not begin a new answer."""
    model = LiteLLMModel("embedded/smollm2")
    assert model.prefill
    messages = [
        {"role": "system", "content": "You narrate a story told in the second person."},
        {"role": "user", "content": "Write one paragraph in which the reader hides behind the old well."},
        {"role": "assistant", "content": "You hide behind the old well"},
    ]
    parts = [p async for p in model.stream(messages, max_tokens=40, temperature=0.0) if isinstance(p, str)]
    text = "".join(parts)
    assert text.strip() and not text.lstrip().lower().startswith("you hide")
    answered = [p async for p in model.stream(messages[:2], max_tokens=40, temperature=0.0) if isinstance(p, str)]
    assert "".join(answered) != text  # the same question without the given start is answered otherwise


async def test_what_the_storyteller_saw_counts_each_part_by_the_models_own_tokenizer(open_game, world):
    model = LiteLLMModel("embedded/smollm2")
    assert model.count_tokens("hello") is None or isinstance(model.count_tokens("hello"), int)
    story, _ = open_game(model, paragraph_words=40)
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    assert model.count_tokens("The lighthouse keeper") > 0
    call = story.inspect().record["calls"][0]
    assert call["part_tokens_by"] == "the model's own tokenizer"
    assert all(p["tokens"] == model.count_tokens(call["messages"][p["message"]]["content"][p["start"]:p["end"]])
               for p in call["parts"])
