"""The prompts of one turn. Static parts (world, persona, style) come first so that
backends with prompt caching reuse the prefix; every part has a fixed word budget,
so the prompt does not grow with the story."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..memory.rows import Recall
from .parsing import MIN_STORY_WORDS, kept_sentences
from .pins import MAX_PINNED, PIN_WORDS, PINNED_WORDS
from .state import Persona
from .text import clip_words, sentences, word_count

# The facts ledger: the update names only what its paragraph made true (restating the whole ledger
# every turn, the 1.5B model spent a third of the update's tokens on facts it had already written).
NEW_FACTS = 2
LEDGER_FACTS = 4

# Word budgets of the prompt's parts. Together they bound the prompt size.
BUDGET = {
    "premise": 120,
    "setting": 120,
    "style": 50,
    "characters": 90,
    "persona": 50,
    "content": 40,
    "memory": 150,
    "recall_each": 60,
    "paragraph": 200,
    # the last paragraph is shown by its ending (its last sentences within this budget): shown whole,
    # the 1.5B model copied half or more of it into the next paragraph in 7 of 20 turns of a
    # benchmark play, and 0 of the 6 times it was shown only the ending (the loop guard's rewrites);
    # the short-term memory tells the rest
    "last": 45,
    "plan": 60,
    "facts": 80,
    "pinned": PINNED_WORDS,  # the reader's pinned facts: bounded in number and length (engine/pins.py)
}


def world_brief(world: dict, persona: Persona) -> str:
    """The static part: what the narrator must always know about this world and this reader."""
    lines = [f"Story: {world['title']}" + (f" ({world['genre']})" if world.get("genre") else "")]
    lines.append("Premise: " + clip_words(world["premise"], BUDGET["premise"]))
    if world.get("setting"):
        lines.append("Setting: " + clip_words(world["setting"], BUDGET["setting"]))
    chars = world.get("characters") or []
    if chars:
        each = max(12, BUDGET["characters"] // len(chars))
        people = "; ".join(f"{c['name']}: {clip_words(c.get('description', ''), each)}" for c in chars[:6])
        lines.append("Characters: " + people)
    player = world.get("player") or {}
    who = persona.name + (f", {player['role']}" if player.get("role") else "")
    desc = persona.description or player.get("description", "")
    lines.append(
        f"The reader is the hero, {who}" + (". " + clip_words(desc, BUDGET["persona"]) if desc else ".")
        + f" In the story the hero is always 'you' (\"You open the door\"), never '{persona.name}', 'he' or 'she'."
    )
    content = world.get("content") or {}
    wishes = [content.get("tone", ""), persona.tone]
    avoid = ", ".join(content.get("avoid") or [])
    tone = clip_words(" ".join(w for w in wishes if w), BUDGET["content"])
    if tone:
        lines.append("Tone: " + tone)
    if avoid:
        lines.append("Never include: " + clip_words(avoid, BUDGET["content"]))
    dead = longest_names(content.get("dead") or [])
    if dead:  # each once, by its longest name ("Sam Carvell", not "Sam" again)
        lines.append("Dead before the story begins (they never act or speak): "
                     + clip_words(", ".join(dead), BUDGET["content"]) + ".")
    style = world.get("style") or "Second person, present tense."
    lines.append("Style: " + clip_words(style, BUDGET["style"]))
    return "\n".join(lines)


NARRATOR = (
    "You are the narrator of an interactive story told in the second person: the reader is the hero, "
    "and you always call the hero 'you'. Write what happens when the reader does what they plan, and how "
    "the world and its people react. Never decide for the reader beyond their plan, never write their words "
    "or feelings, and never list options or choices: the reader chooses after your paragraph."
)


def _recalls_block(recalls: list[Recall]) -> str:
    if not recalls:
        return "(none)"
    return "\n".join(_recall_line(r) for r in recalls)


def _recall_line(r: Recall) -> str:
    label = "World lore" if r.kind == "lore" else f"Turn {r.turn}"
    return f"- {label}: {clip_words(r.text, BUDGET['recall_each'])}"


def without_lore(text: str, recalls: Sequence[Recall]) -> str:
    """`text` (a prompt's part) without the lore lines `_recalls_block` wrote for `recalls`."""
    for r in recalls:
        if r.kind == "lore":
            text = text.replace(_recall_line(r), "")
    return text


def _facts_block(facts: list[str]) -> str:
    return clip_words("; ".join(facts), BUDGET["facts"]) if facts else "(none yet)"


# The headings of a prompt's parts, written here once: `trace` reads them back to label the parts of
# the prompts it records, so a heading changed here is still found there.
HEADING = {
    "memory": "Short-term memory (the story so far):",
    "facts": "Facts that must stay true:",
    "pinned": "Facts the reader pinned (always true, never contradict them):",
    "last_ended": "Last paragraph ended:",
    "last": "Last paragraph:",
    "recalls": "Things remembered from earlier:",
    "plan": "What the reader does now:",
    "instruction": "Write the next paragraph",
    "update": "Now answer in JSON, for the game:",
    "memory_before": "Short-term memory before:",
    "facts_before": "Facts before:",
    "did": "The reader did:",
    "written": "New paragraph:",
}


# Asked something, the 1.5B model's people gave non-answers ("I'm not sure", "Yes, I can help you", "I have never
# heard of such a thing") in 9 of 16 resampled paragraphs of 8 turns that began with "Ask", and 5 of 16 with
# this sentence added; a blind reader ranked those better (mean rank 2.19 against 2.81 of 4)
ANSWER = (" When the reader asks someone something, that person answers it with something they know that is new to "
          "the reader (a name, a place, a time, a thing they saw), never with \"I don't know\" or the question said back.")
_ASKS = re.compile(r"^(?:i\s+)?(?:ask|question|inquire|enquire|quiz|interrogate|demand to know)\b|\?", re.I)
# ...not a plan that asks for a thing or a deed ("Ask for the key", "Ask the boy to fetch the doctor")
_ASKS_FOR = re.compile(r"^(?:i\s+)?ask\s+(?:for\b|(?!.*\b(?:who|what|where|when|why|how|whether|if|about)\b)"
                       r"(?:[\w'.-]+\s+){1,4}(?:for\b|to\s+(?!tell|explain|describe|say|show)\w+))", re.I)


def asks(plan: str) -> bool:
    """Whether the reader's plan asks someone something ("Ask Mrs. Ashdown who slept there", "I question
    the boy", "Where is Moss?"), not for a thing or a deed ("Ask the boy to fetch the doctor")."""
    plan = plan.strip()
    return bool(_ASKS.search(plan)) and ("?" in plan or not _ASKS_FOR.match(plan))


def longest_names(names: Sequence[str]) -> list[str]:
    """Each person once, by the longest of the `names` the world gives them (["Sam Carvell", "Sam"] -> ["Sam
    Carvell"])."""
    return [n for n in names if not any(n != o and n in o for o in names)]


def named_in_plan(plan: str, names: Sequence[str], names_it: Callable[[str, str], bool] | None = None) -> list[str]:
    """Those of the world's `names` (its `dead`, its `hidden` things) that the plan names, each once by the longest
    name ("Search for Sam" -> "Sam Carvell"): a name is in the plan when `names_it(name, plan)` (by default as a whole
    word in any case: `lore.key_in_text`)."""
    from ..world.lore import key_in_text

    found = names_it or key_in_text
    return [n for n in longest_names(names) if any(found(d, plan) for d in names if d in n)]


def still_dead(names: Sequence[str]) -> str:
    """The instruction's sentence for a plan that names the dead: asked to search for the murdered Sam Carvell, the
    1.5B model had the hero "find him sitting on the ground", saying "I was just trying to sleep"."""
    return "".join(f" {n} died before the story began: the reader can find where {n} lay, a grave or things {n} "
                   f"left behind, never {n} alive, and {n} never moves or speaks." for n in names)


def paragraph_messages(
    brief: str, memory: str, facts: list[str], recalls: list[Recall], last: str, plan: str, words: int,
    move_on: bool = False, cache_layout: bool = True, opening: str = "", pinned: Sequence[str] = (),
    dead: Sequence[str] = (), hidden: Sequence[str] = (), found: bool = False,
) -> list[dict]:
    """Messages for writing the next paragraph (plain prose, streamed).

    Laid out for the KV cache: the system message (world, persona) never changes within a game,
    and the user message opens with what is known before the reader chooses (short-term memory,
    facts, the last paragraph's ending: `known_prefix`; then the recalls, which for a plan offered are recalled
    before the choice), so a backend can evaluate it while the reader reads; only the plan and the
    instruction come after the choice (a typed plan's own recalls too) (`cache_layout=False`:
    the order before, recalls ahead of the last paragraph, kept to measure the difference). With
    `move_on` (the first try repeated the story) only the last paragraph's final sentence is shown
    (else its last sentences, BUDGET["last"]): small models copy a paragraph they can see. With
    `opening` the answer is begun (an assistant message the model continues: `opening_words`).
    `pinned` (the reader's pinned facts) are a part of their own after the facts (`pinned_part`). A plan that
    names someone of the world's `dead` is told that they stay dead (`still_dead`), and one that names a thing
    still `hidden` that it stays hidden (`hidden.still_hidden`); after a paragraph that `found` one, every plan is."""
    from .hidden import hidden_in_plan, still_hidden

    recalled = recalls_part(recalls)
    head = known_prefix(memory, facts, last, move_on, pinned)
    if not cache_layout:
        cut = head.index(HEADING["last"].rstrip(":"))
        head, recalled = head[:cut] + recalled, head[cut:]
    user = head + recalled + (
        f"{HEADING['plan']} {clip_words(plan, BUDGET['plan'])}\n\n"
        f"{HEADING['instruction']} of the story, about {words} words, in which the reader does this "
        "and the people and places around them respond with something new. Call the reader 'you'. Leave "
        "the hero's next move to the reader. Write only the paragraph."
    )
    if asks(plan):
        user += ANSWER
    user += still_dead(named_in_plan(plan, dead)) + still_hidden(longest_names(hidden) if found else
                                                                 hidden_in_plan(plan, hidden))
    if move_on:
        user += " Do not repeat earlier events: move the story forward to something new."
    messages = [_system(brief), {"role": "user", "content": user}]
    if opening:  # the answer begins with these words, and the model writes on from them
        messages.append({"role": "assistant", "content": opening})
    return messages


def _system(brief: str) -> dict:
    return {"role": "system", "content": NARRATOR + "\n\n" + brief}


def warm_messages(brief: str, memory: str, facts: list[str], last: str, recalls: list[Recall] | None = None,
                  pinned: Sequence[str] = ()) -> list[dict]:
    """The start of the next paragraph prompt, as far as it is known before the reader chooses:
    with `recalls` (recalled ahead for the plans offered) up to the plan itself."""
    head = known_prefix(memory, facts, last, pinned=pinned)
    if recalls is not None:
        head += recalls_part(recalls)
    return [_system(brief), {"role": "user", "content": head}]


def recalls_part(recalls: list[Recall]) -> str:
    return f"{HEADING['recalls']}\n{_recalls_block(recalls)}\n\n"


def pinned_part(pinned: Sequence[str]) -> str:
    """The reader's pinned facts, one a line; "" when none is pinned (the prompt is as it was)."""
    if not pinned:
        return ""
    facts = "\n".join(f"- {clip_words(p, PIN_WORDS)}" for p in pinned[:MAX_PINNED])  # bounded however they came
    return f"{HEADING['pinned']}\n{facts}\n\n"


def ending(paragraph: str, words: int) -> str:
    """The paragraph's last sentences within `words` words (its last sentence at least), a line of
    speech they begin inside opened again (shown '...flower rota," you explain', the model is
    not told who is speaking nor that it is speech)."""
    parts = [x for x in sentences(paragraph.strip()) if x.strip()]
    start = max(len(parts) - 1, 0)
    while start > 0 and word_count("".join(parts[start - 1:])) <= words:
        start -= 1
    return kept_sentences(parts, [i >= start for i in range(len(parts))])


def known_prefix(memory: str, facts: list[str], last: str, move_on: bool = False, pinned: Sequence[str] = ()) -> str:
    """The start of the paragraph prompt's user message: everything known before the reader chooses."""
    if last:
        shown = ending(last, 0 if move_on else BUDGET["last"])  # move_on: only its last sentence
        last_block = f"{HEADING['last_ended']}\n{clip_words(shown, BUDGET['last'])}"
    else:
        last_block = f"{HEADING['last']}\n(none)"
    return (
        f"{HEADING['memory']}\n{clip_words(memory, BUDGET['memory']) or '(the story begins)'}\n\n"
        f"{HEADING['facts']} {_facts_block(facts)}\n\n"
        f"{pinned_part(pinned)}"
        f"{last_block}\n\n"
    )


# Words a plan can open with that are not a verb the hero does: such a plan cannot be told as
# "You <plan>" (a grammar list, not a dictionary).
_NOT_A_DEED = {
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their",
    "he", "she", "it", "we", "they", "you", "there", "here", "what", "why", "how", "where", "when", "who",
    "which", "whose", "if", "maybe", "perhaps", "let", "let's", "lets", "suddenly", "meanwhile", "then",
    "and", "but", "or", "so", "is", "are", "was", "were", "do", "does", "did", "can", "could", "should",
    "would", "will", "shall", "may", "might", "must", "nothing", "someone", "something", "everyone",
}
_TO_YOU = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
           "i'm": "you're", "i'll": "you'll", "i've": "you've", "i'd": "you'd"}
_AFTER_I = {"am": "are", "was": "were"}
# "mine" is the reader's only after these ("it is mine", "a friend of mine"); else it is a pit
# ("the Henrietta mine" was told as "the Henrietta yours")
_BEFORE_POSSESSIVE_MINE = {"is", "was", "are", "were", "be", "of", "it's", "that's", "all"}
_TOKENS = re.compile(r"[A-Za-z']+|[^A-Za-z']+")
OPENING_MAX_WORDS = 30


def opening_words(plan: str) -> str:
    """The reader's plan told as the first words of the next paragraph, in the second person: "Hide
    behind the tree" -> "You hide behind the tree", "I ask Vera about my key" -> "You ask Vera
    about your key". The paragraph is written on from these words, so the plan happens first and the
    model cannot tell the last scene again instead (the 1.5B model did, in most turns). "" when the
    plan cannot be told so: a question, speech, a long text, or a plan that does not open with a deed."""
    plan = re.sub(r"(?i)^please\b[\s,]*", "", " ".join(plan.split())).rstrip(" .!;:,")
    words = plan.split()
    if not words or len(words) > OPENING_MAX_WORDS or plan.endswith("?") or re.search(r"[\"“”]", plan):
        return ""
    first = words[0]
    if not first.replace("'", "").isalpha() or first.lower() in _NOT_A_DEED or (first.isupper() and first != "I"):
        return ""
    if first.lower() != "i" and len(words) > 1 and words[1].lower() in ("me", "us"):
        return ""  # "Show me the way" asks the storyteller, not a deed of the hero's ("You show you the way")
    told: list[str] = []
    for token in _TOKENS.findall(plan):
        low = token.lower()
        before = next((w.lower() for w in reversed(told) if w.strip()), "")
        a_pit = low == "mine" and before not in _BEFORE_POSSESSIVE_MINE
        if low in _TO_YOU and (low != "i" or token == "I") and not a_pit:
            token = _TO_YOU[low]
        elif low in _AFTER_I and len(told) >= 2 and told[-2] == "you" and words[0].lower() == "i":
            token = _AFTER_I[low]
        told.append(token)
    text = "".join(told)
    if first.lower() in _TO_YOU:  # "I ask…" -> "you ask…"
        return "Y" + text[1:]
    return "You " + text[0].lower() + text[1:]


# "You ask Mrs. Ashdown who slept there": the person asked, before the question's own word
_QUESTION = r"(?:about|who|what|where|when|why|how|whether|if|which|whose)\b"
_NOT_ASKED = rf"(?!{_QUESTION}|(?:to|for|and|that|if)\b)"  # words that do not name the person asked
_ASKED = re.compile(rf"^You ask ((?:{_NOT_ASKED}[\w'.-]+ ){{0,4}}?{_NOT_ASKED}[\w'.-]+) {_QUESTION}")
_PRONOUN = {"him": "He", "her": "She", "them": "They"}
# no one person asked ("You ask someone else if they know where he is" went on "Someone else tells you", in a
# dustchoir play; "You ask around about the ledger")
_NO_ONE_ASKED = {"you", "yourself", "me", "us", "someone", "somebody", "anyone", "anybody", "everyone", "everybody",
                 "people", "others", "around", "nobody", "no", "each", "all", "any"}


def answer_begun(opening: str) -> str:
    """An asking plan's opening words gone on to the answer: "You ask Vik who wrote this" -> "You ask Vik
    who wrote this. Vik tells you", so the person asked answers with something they know. Given only the
    question as the paragraph's start, the 1.5B model's people answered "I don't know" in 13 of 51 asking
    turns of seven 30-turn plays, even with `ANSWER` in the prompt. The opening as it was when no one person
    is named ("You ask about the bridge", "You ask Vera and Moss where…")."""
    m = _ASKED.match(opening)
    if not m or m.group(1).split()[0].lower() in _NO_ONE_ASKED:
        return opening
    who = _PRONOUN.get(m.group(1).lower(), m.group(1)[:1].upper() + m.group(1)[1:])
    words = who.split()
    if len(words) > 2 and words[0][:1].isupper() and all(w[:1].isupper() for w in words):
        who = f"{words[0]} {words[-1]}"  # "Widow Hester Pike" said once, then "Widow Pike tells you"
    return opening.rstrip(" .") + f". {who} tells you"


# The reader's choice told back, word for word, as the paragraph's whole first sentence ("You hide in the alley."):
# half the model's turns of eight plays (94 of 192) began so, under the choice the game shows above the
# paragraph; fresh readers counted it in 8-9 of 12 turns ("the turn opens by repeating the choice word for word"),
# and a blind judge, given 24 such turns with and without that sentence, preferred it left out in 19 (and in 17
# of the 18 whose sentence was the choice alone; it kept the others, which said more: "…at the village hall")
_CLOSED = (".", "!")


def closes_at_once(opening: str, written: str) -> bool:
    """Whether what the model `written` after the `opening` it was given ends that sentence at once, the opening
    being one sentence (not an answer begun: "You ask Vik who wrote this. Vik tells you"), as `without_echo`
    leaves out."""
    return written.lstrip()[:1] in _CLOSED and len(sentences(opening)) == 1


def without_echo(paragraph: str, opening: str) -> str:
    """The paragraph without its first sentence when that sentence is the `opening` alone (the reader's choice
    told back), as long as enough story remains and it still tells the hero as "you" (without it, a
    harrowmere turn began "The hall begins to feel cooler." and never said "you")."""
    from ..quality import addresses_you

    parts = sentences(paragraph)
    if not opening or not parts or parts[0].strip().rstrip("".join(_CLOSED)) != opening.strip().rstrip(" ."):
        return paragraph
    rest = paragraph[len(parts[0]):].lstrip()  # (a sentence is a piece of the text as it stands)
    return rest if word_count(rest) >= MIN_STORY_WORDS and addresses_you(rest) else paragraph


HAPPENED_WORDS = 30
# The verbs the plan instruction shows as examples, a different three each turn: shown the same
# three every turn ("Go…, Ask…, Hide…"), the 1.5B model opened its plans with exactly those in 9 of
# 10 turns of a lowtide play ("Hide the key from the man" in 7 of them).
# Not "Offer", "Show" or "Give": shown them, the model wrote plans with nothing fit to offer, show or give ("Show
# the drinks in the alley", "Offer Niccolò Falier to Samarkand", "Show the map to Moss" with no map); a blind judge
# scored 25 such plans of the stored plays 0.84 of 2 (10 senseless), 25 with other verbs 1.48 (1 senseless), and
# resampled with three other verbs, 12 update calls of a lowtide play that had shown one of them wrote none such
# (0 of 60 plans; 9 of 60 with the verbs as shown).
PLAN_VERBS = ("Follow", "Ask", "Search", "Climb", "Warn", "Open", "Tell", "Wait", "Slip", "Question",
              "Take", "Listen", "Run", "Bargain", "Read", "Call", "Hide", "Go", "Check")


def plan_verbs(turn: int) -> str:
    """Three example verbs for turn `turn`'s plans ("Follow, Ask or Search"), taken in turn from
    PLAN_VERBS (shown as "Follow…", the model wrote "Search…the Alhambra Ballroom")."""
    start = 3 * turn % len(PLAN_VERBS)
    verbs = [PLAN_VERBS[(start + i) % len(PLAN_VERBS)] for i in range(3)]
    return f"{verbs[0]}, {verbs[1]} or {verbs[2]}"


def update_instruction(n_plans: int, memory_words: int, retry_note: str = "", taken: str = "", turn: int = 0) -> str:
    """The update's instruction. `taken` (the plan just played) is named so the model offers
    something else: left unsaid, the 1.5B model offered it again in a third of the turns. The
    short-term memory is not rewritten by the model: it gives the one sentence of what happened,
    which the game adds to the memory (`repair.roll_memory`). `turn` picks the example verbs."""
    kinds = ["bold", "cautious", "social", "clever", "curious", "desperate"]
    kinds_text = ", ".join(kinds[:n_plans]) if n_plans <= len(kinds) else "each different"
    done = f' (not "{clip_words(taken, BUDGET["plan"])}": that is done)' if taken else ""
    text = (
        f"{HEADING['update']}\n"
        f'"plans": exactly {n_plans} different things the reader could do next{done} ({kinds_text}), each a '
        f"short command of 4 to 12 words in English that starts with a verb (such as {plan_verbs(turn)}), a different verb for "
        "each, and names a person, place or thing of the paragraph you just wrote;\n"
        f'"happened": the event of the paragraph you just wrote, in one sentence of at most {HAPPENED_WORDS} '
        "words in the past tense: who did what, and what changed (not what was seen or felt), calling the "
        "reader 'you';\n"
        f'"facts": at most {NEW_FACTS} new facts that this paragraph made true and the facts above do not say yet '
        "(who is where, who holds what, who is dead; not how anyone looks or feels), each a short sentence; [] when "
        "nothing changed."
    )
    return text + ("\n" + retry_note if retry_note else "")


def update_messages(
    conversation: list[dict], paragraph: str, n_plans: int, memory_words: int, retry_note: str = "",
    standalone: tuple[str, list[str], str] | None = None, taken: str = "", turn: int = 0,
) -> list[dict]:
    """Messages for the structured part (the next plans, the new short-term memory, the facts): the
    paragraph call's conversation continued with the paragraph as written, so a backend with a
    prompt cache evaluates only this short instruction. Plans come first: they can be shown while
    the model is still writing the memory. `standalone` (memory, facts, plan before the turn) asks
    in a fresh prompt instead, as before the cache layout (kept to measure the difference)."""
    instruction = update_instruction(n_plans, memory_words, retry_note, taken, turn)
    if conversation and conversation[-1]["role"] == "assistant":  # the paragraph's given opening words
        conversation = conversation[:-1]
    if standalone is not None:
        memory, facts, plan = standalone
        user = (
            f"{HEADING['memory_before']}\n{clip_words(memory, BUDGET['memory']) or '(the story begins)'}\n\n"
            f"{HEADING['facts_before']} {_facts_block(facts)}\n\n"
            f"{HEADING['did']} {clip_words(plan, BUDGET['plan']) or 'began the story'}\n\n"
            f"{HEADING['written']}\n{clip_words(paragraph, BUDGET['paragraph'])}\n\n{instruction}"
        )
        return [conversation[0], {"role": "user", "content": user}]
    return [*conversation, {"role": "assistant", "content": paragraph}, {"role": "user", "content": instruction}]


def update_schema(n_plans: int) -> dict:
    return {
        "type": "object",
        "properties": {
            "plans": {
                "type": "array", "minItems": n_plans, "maxItems": n_plans,
                "items": {"type": "string", "minLength": 12},
            },
            "happened": {"type": "string", "minLength": 20},
            "facts": {"type": "array", "items": {"type": "string", "minLength": 12}, "maxItems": NEW_FACTS},
        },
        "required": ["plans", "happened", "facts"],
    }
