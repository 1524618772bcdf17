"""The turn laid out for reading speed, on a scripted model: the cache layout sends the same
content in a cache-friendly order, the update continues the paragraph's conversation, the plans
are shown before the memory is written, the paragraph stops at its length, and the known start of
the next prompt is handed to the model ahead of the reader's choice."""

from __future__ import annotations

import asyncio
import json
import re

from rgpt_fiction.engine.events import Delta, PlansReady, TurnDone
from rgpt_fiction.engine.prompts import paragraph_messages, world_brief
from rgpt_fiction.engine.state import Persona
from rgpt_fiction.engine.prompts import Recall
from rgpt_fiction.llm.scripted import ScriptedModel

PLANS = ["Follow the lamplighter into the fog", "Search the tavern cellar for clues", "Ask the fishwife about Mara"]
PARA = ("The lamplighter lowers his pole and studies you. " * 3).strip()


def upd(memory="You came to Saltmere looking for Mara.", plans=PLANS, facts=("Mara is missing",)):
    return json.dumps({"plans": plans, "memory": memory, "facts": list(facts)})


def _sections(text: str) -> set[str]:
    return {part.strip() for part in re.split(r"\n\n", text) if part.strip()}


def test_the_cache_layout_sends_the_same_parts_with_the_known_ones_first(world):
    brief = world_brief(world.for_player("Wren").snapshot(), Persona("Wren"))
    recalls = [Recall("You found a red scarf on the quay.", 2, 0.61), Recall("Mara wrote letters.", -1, 0.4, "lore")]
    args = (brief, "You came to Saltmere.", ["Mara is missing"], recalls, "The fog lifts.", "Climb the tower", 120)
    cache = paragraph_messages(*args)
    before = paragraph_messages(*args, cache_layout=False)
    assert cache[0] == before[0]  # the system message is the same
    assert _sections(cache[1]["content"]) == _sections(before[1]["content"])  # same parts, other order
    user = cache[1]["content"]
    # what is known before the choice comes first; the recalls and the plan after it
    assert user.index("Last paragraph") < user.index("Things remembered") < user.index("Climb the tower")
    old = before[1]["content"]
    assert old.index("Things remembered") < old.index("Last paragraph")


async def test_the_update_continues_the_paragraph_conversation(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await _drain(story.start())
    model.push(PARA, upd())
    await _drain(story.play(story.plans[0]))
    paragraph_call, update_call = model.calls[-2:]
    assert update_call["messages"][:2] == paragraph_call["messages"]  # the same prefix: a cache holds it
    assert update_call["messages"][2] == {"role": "assistant", "content": PARA}
    assert update_call["json_schema"] is not None and "JSON" in update_call["messages"][3]["content"]
    played = paragraph_call["messages"][1]["content"].split("What the reader does now: ")[1].split("\n")[0]
    assert f'not "{played}": that is done' in update_call["messages"][3]["content"]  # offer something new
    # the layout before asks in a fresh prompt that repeats the memory and the paragraph
    model2 = ScriptedModel(improvise=False)
    story2, _ = open_game(model2, name="before", cache_layout=False)
    await _drain(story2.start())
    model2.push(PARA, upd())
    await _drain(story2.play(story2.plans[0]))
    fresh = model2.calls[-1]["messages"]
    assert len(fresh) == 2 and PARA in fresh[1]["content"] and "Short-term memory before" in fresh[1]["content"]


class _Counting(ScriptedModel):
    """Counts the pieces each call has streamed so far."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.streamed: list[int] = []

    async def stream(self, messages, **kw):
        self.streamed.append(0)
        async for item in super().stream(messages, **kw):
            if isinstance(item, str):
                self.streamed[-1] += 1
            yield item


async def test_the_plans_are_shown_before_the_memory_is_written(open_game):
    """The update streams slowly, plans first. PlansReady must arrive while the model is still
    writing the memory (it streams on afterwards), and the turn's plans are those shown."""
    model = _Counting(improvise=False, delay=0.01)
    story, _ = open_game(model)
    await _drain(story.start())
    long_memory = "You came to Saltmere looking for Mara and found the lighthouse dark. " * 30
    model.push(PARA, upd(memory=long_memory))
    ready, at = None, None
    async for event in story.play(story.plans[0]):
        if isinstance(event, PlansReady):
            ready, at = event, model.streamed[-1]
        elif isinstance(event, TurnDone):
            done = event
    assert ready is not None and ready.plans == done.node.plans == PLANS
    assert at < model.streamed[-1]  # the model went on writing the memory after the plans were shown
    assert done.stats.plans_shown_s is not None and done.stats.plans_shown_s < done.stats.turn_s


async def test_a_paragraph_stops_at_its_length_on_a_sentence_end(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, paragraph_words=30)
    await _drain(story.start())
    long = " ".join(f"Sentence {i} goes on about the harbour and the rain." for i in range(20))
    model.push(long, upd())
    text, done = await _drain(story.play(story.plans[0]))
    assert 30 <= done.stats.paragraph_words < 40 and done.node.paragraph.endswith(".")
    assert done.stats.first_word_s is not None and done.stats.first_word_s <= done.stats.turn_s


class _Warmable(ScriptedModel):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.warmed: list[list[dict]] = []

    async def prewarm(self, messages):
        self.warmed.append(messages)
        return 123


async def test_the_known_start_of_the_next_prompt_is_warmed_while_the_reader_reads(open_game):
    model = _Warmable(improvise=False)
    story, _ = open_game(model)
    await _drain(story.start())
    model.push(PARA, upd())
    _, done = await _drain(story.play(story.plans[0]))
    await story.read_ahead()
    warmed = model.warmed[-1]
    model.push("Up in the bell tower a lantern swings, and the gulls scatter off the roof.",
               upd(plans=["Climb up to the lantern", "Call out to whoever swings it", "Run back to the quay"]))
    await _drain(story.play(story.plans[1]))
    sent = model.calls[-2]["messages"]  # the next paragraph call
    assert warmed[0] == sent[0] and sent[1]["content"].startswith(warmed[1]["content"])
    assert story.last_stats.prompt_tokens_prewarmed == 123
    # the layout before warms nothing
    plain = _Warmable(improvise=False)
    other, _ = open_game(plain, name="plain", cache_layout=False)
    await _drain(other.start())
    await asyncio.sleep(0.05)
    assert plain.warmed == []


async def _drain(events):
    text, done = "", None
    async for e in events:
        if isinstance(e, Delta):
            text += e.text
        elif isinstance(e, TurnDone):
            done = e
        elif isinstance(e, PlansReady):
            pass
    return text, done


async def test_spare_plans_cover_for_those_the_game_cannot_offer(open_game):
    """The update asks for two plans more than it shows: when the model re-offers the plan just
    played (as the 1.5B model did in a third of the turns) and another plan twice, the reader still
    gets three of its own."""
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await _drain(story.start())
    taken = story.plans[0]
    model.push(PARA, upd(plans=[taken, PLANS[0], PLANS[0], *PLANS[1:]]))
    _, done = await _drain(story.play(taken))
    assert '"plans": exactly 5 different things' in model.calls[-1]["messages"][-1]["content"]
    assert model.calls[-1]["json_schema"]["properties"]["plans"]["maxItems"] == 5
    assert done.node.plans == PLANS and len(model.calls) == 2  # no second call
    assert not any(r.startswith("filled") for r in done.stats.repairs)


async def test_a_plan_offered_is_played_on_what_was_recalled_and_warmed_while_the_reader_read(open_game):
    """The recalls for the plans offered are made while the reader reads and warmed with the rest of
    the known prompt: after a pick only the plan and the instruction are new to the model."""
    model = _Warmable()
    story, _ = open_game(model)
    await _drain(story.start())
    for _ in range(6):  # old enough turns to recall from
        await _drain(story.play(story.plans[0]))
    await story.read_ahead()
    warmed = model.warmed[-1][1]["content"]
    assert "Things remembered from earlier:\n- Turn" in warmed  # recalled ahead, in the warmed part
    offered = story.plans
    before = len(model.calls)
    await _drain(story.play(offered[2]))
    sent = model.calls[before]["messages"][1]["content"]  # the paragraph call (its first try)
    assert sent.startswith(warmed)  # the whole prompt up to the plan was known before the pick
    assert sent[len(warmed):].startswith(f"What the reader does now: {offered[2]}")


async def test_the_plan_taken_is_written_with_its_own_lore_not_that_of_the_plans_beside_it(open_game, world):
    """Recalled ahead, the keys of every plan offered compete for the lore's budget: in a dustchoir play, "Take the
    bent coin to the assayer and ask its source" was written with the lore of the plan offered first. The plan taken
    gets its own; a plan whose lore was chosen ahead is sent the prompt that was warmed."""
    from rgpt_fiction.world.model import Lore, World

    entries = [Lore(keys=["lamplighter"], text="The lamplighter of Saltmere is Old Ness, who counts the lamps aloud "
                                               "every night and has never missed one in forty years."),
               Lore(keys=["tavern", "cellar"], text="The tavern cellar floods at every spring tide, and the barrels "
                                                    "are chained to the wall so the sea cannot take them."),
               Lore(keys=["fishwife"], text="The fishwife, Morwenna, sells at the quay steps before dawn and hears "
                                            "everything the boats bring in, but tells it only for coin.")]
    lored = World.model_validate({**world.snapshot(), "lore": [e.model_dump() for e in entries]})
    model = _Warmable(improvise=False)
    story, _ = open_game(model, the_world=lored, lore_budget_words=40)
    await _drain(story.start())
    model.push(PARA, upd())
    await _drain(story.play(story.plans[0]))
    assert story.plans == PLANS
    await story.read_ahead()
    warmed = model.warmed[-1][1]["content"]
    assert "Old Ness" in warmed and "Morwenna" not in warmed  # ahead, the first plan's lore filled the budget
    before = len(model.calls)
    model.push("The fishwife wipes her knife on her apron and looks you over, weighing what a question is worth to a "
               "stranger who smells of the mainland and has no coin in sight.",
               upd(plans=[PLANS[0], PLANS[1], "Walk down to the quay steps and wait for the boats"]))
    await _drain(story.play(PLANS[2]))  # "Ask the fishwife about Mara"
    sent = model.calls[before]["messages"][1]["content"]
    assert "Morwenna" in sent and "Old Ness" not in sent
    # the plan whose lore was chosen ahead: the prompt warmed, and the plan after it
    await story.read_ahead()
    warmed = model.warmed[-1][1]["content"]
    before = len(model.calls)
    model.push("You follow the lamplighter into the fog, his pole swaying ahead of you like a mast, and the lamps "
               "come on behind him one by one down the whole length of the harbour wall.",
               upd(plans=["Climb the harbour wall to see the boats come in", "Knock at the harbourmaster's shutters",
                         "Count the lamps the lamplighter has lit"]))
    await _drain(story.play(PLANS[0]))
    sent = model.calls[before]["messages"][1]["content"]
    assert "Old Ness" in warmed and sent.startswith(warmed)


async def test_a_typed_plan_is_played_on_recalls_of_its_own(open_game):
    model = _Warmable()
    story, _ = open_game(model)
    await _drain(story.start())
    for _ in range(6):
        await _drain(story.play(story.plans[0]))
    await story.read_ahead()
    warmed = model.warmed[-1][1]["content"]
    cut = warmed.index("Things remembered from earlier:")
    before = len(model.calls)
    await _drain(story.play("Search the cellar of the tavern for the lost ledger", own=True))
    sent = model.calls[before]["messages"][1]["content"]
    assert sent[:cut] == warmed[:cut]  # memory, facts and the last paragraph were warmed all the same
    assert "Things remembered from earlier:" in sent[cut:]


async def test_every_plan_offered_brings_its_best_memory(embedder, tmp_path):
    """Taken in turns: the best memory of each plan first, whatever their scores."""
    from rgpt_fiction.engine.recall import recall_offered
    from rgpt_fiction.engine.vectors import VectorCache
    from rgpt_fiction.memory.rows import MemoryRow
    from rgpt_fiction.memory.store import MemoryStore

    store = MemoryStore(tmp_path / "m.lance", embedder)
    texts = ["You hid the brass compass under the willow by the mill.",
             "The ferryman told you the river floods at the new moon.",
             "Mara's letters were burned in the lighthouse stove.",
             "You bought bread and cheese at the market.",
             "The ferryman's boat has a green sail and a cracked oar."]
    store.add([MemoryRow.paragraph(i, i, t) for i, t in enumerate(texts)])
    plans = ["Dig under the willow for the compass", "Ask the ferryman about the flood",
             "Look in the lighthouse stove"]
    recalls = await recall_offered(store, VectorCache(embedder), [], plans=plans, short_term="", last="",
                                   path=list(range(10)), k=3, lore_budget_words=60, skip=0)
    assert {r.node for r in recalls} == {0, 1, 2}
