"""The short-term memory as the recurrence keeps it: the model tells what happened in one sentence,
the game adds it to the memory and drops the oldest sentences past the budget (asked to rewrite the
whole memory, the 1.5B model copied the old one out unchanged turn after turn)."""

import json

from engine_helpers import drain
from rgpt_fiction.engine.parsing import parse_update
from rgpt_fiction.engine.repair import roll_memory
from rgpt_fiction.engine.text import word_count
from rgpt_fiction.llm.scripted import ScriptedModel

PLANS = ["Follow the lamplighter into the fog", "Search the tavern cellar for clues",
         "Ask the fishwife about Mara", "Wait on the quay for the bell"]
PARA = ("The lamplighter lowers his pole and studies you for a long moment. Then he points at the lighthouse, "
        "where a lamp is burning that nobody has lit in twenty years, and walks away without a word.")


def answer(happened: str, facts=("Mara has been missing since Tuesday",)) -> str:
    return json.dumps({"plans": PLANS, "happened": happened, "facts": list(facts)})


def test_the_memory_keeps_what_it_held_and_adds_what_happened():
    memory = roll_memory("You came to Saltmere for Mara. The fog was thick.", "You asked the lamplighter.", 150)
    assert memory == "You came to Saltmere for Mara. The fog was thick. You asked the lamplighter."


def test_the_oldest_sentences_go_first_when_the_memory_is_full():
    old = " ".join(f"Event number {i} took place on the quay." for i in range(30))  # 240 words
    memory = roll_memory(old, "You saw the lamp burning in the lighthouse.", 60)
    assert word_count(memory) <= 60
    assert memory.endswith("You saw the lamp burning in the lighthouse.")
    assert "Event number 29 took place" in memory and "Event number 0 " not in memory


def test_the_happened_sentence_is_read_from_json_and_from_labels():
    assert parse_update(answer("You followed the lamplighter to the lighthouse.")).happened.startswith("You followed")
    labelled = parse_update("Plans:\n1. Go\n2. Stay\nWhat happened: You met the lamplighter on the quay.\n")
    assert labelled.happened == "You met the lamplighter on the quay."
    assert "missing memory" not in labelled.problems


async def test_a_turn_adds_its_sentence_to_the_memory_instead_of_replacing_it(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    before = story.node.memory
    model.push(PARA, answer("You watched the lamplighter point at the burning lighthouse."))
    _, done = await drain(story.play(story.plans[0]))
    memory = done.node.memory
    assert memory.endswith("You watched the lamplighter point at the burning lighthouse.")
    assert word_count(memory) <= story.options.memory_words
    kept = before.split(". ")[-1]  # the newest part of the old memory is still there
    assert kept.rstrip(".") in memory
    # the update asked for one sentence, not a whole memory
    assert '"happened"' in model.calls[-1]["messages"][-1]["content"]
    assert "happened" in model.calls[-1]["json_schema"]["required"]


async def test_facts_that_name_no_fact_are_dropped(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    model.push(PARA, answer("You met the lamplighter.", facts=["Cass Delaney", "the blacksmith",
                                                                "The lighthouse lamp burns again"]))
    _, done = await drain(story.play(story.plans[0]))
    assert done.node.facts == ["The lighthouse lamp burns again"]


def test_a_sentence_the_memory_holds_is_not_added_again_and_a_long_answer_is_cut():
    memory = roll_memory("You heard a faint crackling sound. The dust stopped.",
                         "You heard a faint crackling sound! You ran to the steps. You fell. You rose again.", 150)
    assert memory == "You heard a faint crackling sound. The dust stopped. You ran to the steps."
    long = roll_memory("", "You walked " + "and walked " * 60 + "home.", 150)
    assert word_count(long) <= 46


async def test_what_the_memory_already_tells_in_other_words_is_not_added(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    model.push("You follow the dust creeping toward Lost Side, and by the creek you find Sam's hat, trampled into the mud.",
               answer("You saw the dust creeping toward Lost Side. You found Sam's hat by the creek."))
    await drain(story.play(story.plans[0]))
    model.push("At the widow's door you hold out the hat. She takes it in both hands and, for the first time "
               "since the shooting, she weeps, and then she tells you who sold Sam the silver ore.",
               answer("The dust crept toward Lost Side again. You gave Sam's hat to the widow."))
    _, done = await drain(story.play(story.plans[1]))
    assert done.node.memory.count("Lost Side") == 1  # told once, not every turn it is told again
    assert done.node.memory.endswith("You gave Sam's hat to the widow.")


def test_each_sentence_of_the_memory_ends_with_its_stop():
    memory = roll_memory("You saw an old man on the mudflats, looking at you", "You walked up the stairs", 150)
    assert memory == "You saw an old man on the mudflats, looking at you You walked up the stairs."
    assert roll_memory("The bell rang.", "You climbed the tower", 150) == "The bell rang. You climbed the tower."


async def test_when_the_model_tells_only_what_the_memory_holds_the_reader_s_deed_is_remembered(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    said = story.node.memory.split(". ")[-1]
    assert "lamplighter watches you" in said  # the opening's last sentence, which the paragraph tells again
    model.push("You climb the lighthouse stairs two at a time while the lamplighter watches from the quay. At the "
               "top the great lamp turns over the dark water, and nobody is there.", answer(said))
    _, done = await drain(story.play(story.plans[0]))
    assert done.node.memory.endswith("You climb the lighthouse stairs two at a time while the lamplighter watches "
                                     "from the quay.")
    assert "memory: told again" in done.stats.repairs


async def test_a_happened_the_paragraph_does_not_tell_is_not_remembered(open_game):
    """Written after its plans, the 1.5B model's "happened" told a plan it had just offered ("You
    decide to give the ledger to Moss") in 7 of 10 lowtide turns: the memory keeps what the paragraph
    tells, and when nothing of the answer is told there, the reader's deed and where the paragraph ends."""
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    para = ("You climb the lighthouse stairs two at a time. The lamp room is cold and smells of paraffin. "
            "At the top the lamp is burning, and nobody is there.")
    model.push(para, answer("You gave the brass key to the harbourmaster. You climbed the lighthouse stairs."))
    _, done = await drain(story.play(story.plans[0]))
    assert done.node.memory.endswith("You climbed the lighthouse stairs.")
    assert "harbourmaster" not in done.node.memory
    model.push("You wait by the lamp. Footsteps ring on the iron stairs below, slow and heavy.",
               answer("You decided to give the ledger to Moss."))
    _, done = await drain(story.play(done.node.plans[0]))
    assert "ledger" not in done.node.memory
    assert done.node.memory.endswith("You wait by the lamp. Footsteps ring on the iron stairs below, slow and heavy.")
    assert "memory: not what the paragraph told" in done.stats.repairs
    # the paragraph's own words keep a line of speech whole (taken a sentence at a time, a wending play's
    # memory held 'It's the St. Ethelburga's flower rota," you explain', the speech's opening left behind)
    model.push('Marjorie Quill looks up from her papers, confused, and sets her pen down on the desk. "You\'re not '
               'supposed to be here. It\'s the flower rota," you hear her say, and the ladies turn.',
               json.dumps({"plans": ["Ask Marjorie Quill for her key", "Leave the hall by the back door",
                                     "Wait for the vicar on the green", "Search the flower rota's table"],
                           "happened": "You decided to give the ledger to Moss.", "facts": []}))
    _, done = await drain(story.play(done.node.plans[0]))
    assert done.node.memory.endswith('"You\'re not supposed to be here. It\'s the flower rota," you hear her say, '
                                     "and the ladies turn.")


def test_a_line_of_speech_is_kept_or_dropped_whole():
    """Taken a sentence at a time, a wending play's memory held 'It's the St. Ethelburga's flower rota,"
    you explain' with the opening of the speech left behind, and dropped sentences until its
    quotation marks no longer paired."""
    speech = '"You\'re not supposed to be here. It\'s the flower rota," she says.'
    memory = roll_memory("The bell rang over the door.", speech, 150)
    assert memory == 'The bell rang over the door. ' + speech
    # full, the memory drops the whole line of speech, not its first sentence
    later = roll_memory(memory, "You walked out onto the green with the key.", 20)
    assert later == "You walked out onto the green with the key."
    assert roll_memory(memory, "You left.", 16) == speech + " You left."
    # a line of speech the word budget cuts short is closed
    long = roll_memory("", 'She says, "' + "and then " * 30 + 'that was all."', 150)
    assert long.count('"') % 2 == 0 and word_count(long) <= 46

