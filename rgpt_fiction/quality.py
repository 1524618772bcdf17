"""Story quality a machine can see, per turn: is it English, is the hero "you", is it copied,
are words glued together, are the plans usable, is the reader's own plan taken up.

Necessary, not sufficient: a grammatical paragraph can still be nonsense, so health runs are
also read. English words are judged by `wordfreq` (its data ships in the wheel): a word is
English when English uses it and uses it clearly more than French, Spanish, German, Italian,
Portuguese or Dutch do ("fait", "monsieur", "elles" are not; "pain", "dire", "chair" are).
Names the story knows (the world's, the persona's, those written earlier) count as English;
a capitalised word inside a sentence is a name and is left out of the count.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

OTHER_LANGS = ("fr", "es", "de", "it", "pt", "nl")
KNOWN = 1.0  # Zipf frequency at which English counts a word as known (once per 100M words)
MARGIN = 2.9  # a word another language uses this much more often (Zipf) is that language's
# ("pour", "dire", "con" stay English; "le", "est", "und", "que" do not)
FUNCTION = 6.5  # Zipf of the words glued most often ("the", "of", "to", "and", "you")
PLAN_WORDS = (3, 25)
# a Latin word, or a run of letters of another script ("你": a word, and not English)
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f']*|[^\W\d_A-Za-z\u00c0-\u024f]+")
_LATIN = re.compile(r"[a-z\u00c0-\u024f']+")
_SENTENCE_START = re.compile(r"(^|[.!?:;\"“”—]\s*)$")


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


@lru_cache(maxsize=200_000)
def is_english(word: str) -> bool:
    """A lowercase word that English uses, and no other common European language much more."""
    word = word.lower().strip("'")
    if not _LATIN.fullmatch(word):  # English is written in Latin letters, whatever wordfreq has seen
        return False
    if word.endswith("'s"):
        word = word[:-2]
    en = zipf(word)
    if en < KNOWN:
        return False
    return en >= max(zipf(word, lang) for lang in OTHER_LANGS) - MARGIN


def _words(text: str) -> list[tuple[str, bool]]:
    """(word, is a name) for every word: a capitalised word not at a sentence's start is a name."""
    out = []
    for m in _WORD.finditer(text or ""):
        w = m.group(0)
        before = text[max(0, m.start() - 3):m.start()]
        starts = m.start() == 0 or bool(_SENTENCE_START.search(before))
        name = w[0].isupper() and not starts and w != "I"
        out.append((w, name))
    return out


def names_in(*texts: str) -> set[str]:
    """Lowercased words the texts write capitalised inside a sentence (the story's names)."""
    return {w.lower() for t in texts for w, is_name in _words(t) if is_name}


def english_rate(text: str, names: set[str] = frozenset()) -> float:
    """Share of the text's words that are English (names the story knows count; other names are left out)."""
    counted = english = 0
    for w, is_name in _words(text):
        low = w.lower()
        if low.endswith("'s"):
            low = low[:-2]
        if low in names:
            counted += 1
            english += 1
        elif is_name:
            continue
        else:
            counted += 1
            english += is_english(low)
    return round(english / counted, 4) if counted else 1.0


def glued_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """Words that two words make when the space between them is lost: an unknown word that splits
    into two common ones ("brasskey", "fromJack"), or a rare one that splits into a common word and
    one of the commonest ("oneof", "tothe", "holdingthe"). Real compounds ("lamplight",
    "floorboards", "oneself", "washes") are known words and pass, and so do misspelt names and a new
    name written capitalised inside a sentence ("Go to Yuzhu village": not "yu" and "zhu" run together)."""
    out = []
    for w, is_name in _words(text):
        low = w.lower()
        if len(low) < 5 or low in names or "'" in low or is_name and w[1:].islower():
            continue
        frequency = zipf(low)
        if frequency >= 2.5 or (w[0].isupper() and _near_name(low, names)):
            continue  # a known word, or a misspelt name ("Castelane"): not two words run together
        for i in range(2, len(low) - 1):
            left, right = low[:i], low[i:]
            if right in _SUFFIXES:
                continue  # a word made from a word ("caravaner"), not two run together
            if frequency < KNOWN and (_common(left) or left in names) and (_common(right) or right in names):
                out.append(w)
                break
            if frequency < 2.5 and any(
                len(f) >= 2 and zipf(f) >= FUNCTION and len(o) >= 3 and (_common(o) or o in names)
                for f, o in ((left, right), (right, left))
            ):
                out.append(w)
                break
    return out


# endings English makes words with that wordfreq also counts as words ("er", "ing"): a rare word made so
# (a ninetybells play's "caravaner", a caravan's man) is not a word and "er" run together
_SUFFIXES = {"er", "ers", "ed", "ing", "ly", "ness", "ish"}


def _near_name(word: str, names: set[str]) -> bool:
    """Within two letters' edit of a name the story knows."""
    from difflib import SequenceMatcher

    return any(abs(len(n) - len(word)) <= 2 and SequenceMatcher(None, word, n).ratio() >= 0.85 for n in names)


def _common(word: str) -> bool:
    return len(word) >= 2 and zipf(word) >= 3.0 and is_english(word)


_QUOTED = re.compile(r"\"[^\"]*(?:\"|$)|“[^”]*(?:”|$)|‘[^’]*’|(?<!\w)'[^']*'(?!\w)")  # an unclosed quote runs to the end


def narration(text: str) -> str:
    """The text with its quoted speech blanked out (an unclosed quote runs to the end)."""
    return _QUOTED.sub(" ", text or "")


def second_person(paragraph: str, hero: str) -> bool:
    """The hero is addressed as "you" and, outside quoted speech, not named in the third person."""
    return addresses_you(paragraph) and not names_hero(paragraph, hero)


def addresses_you(text: str) -> bool:
    """Whether the text's narration (outside quoted speech) says "you" to the hero."""
    return bool({w.lower() for w in _WORD.findall(narration(text))} & {"you", "your", "yours", "yourself"})


def names_hero(text: str, hero: str) -> bool:
    """Whether the text names the hero (a word of `hero`'s name, capitalised, or its possessive: "Eliza's
    father") outside quoted speech."""
    return names_person(text, [w for w in _WORD.findall(hero or "") if len(w) > 2])


def names_person(text: str, words: Iterable[str]) -> bool:
    """Whether the text's narration (outside quoted speech) names someone by one of `words`, capitalised, or
    its possessive."""
    wanted = {w.lower() for w in words}
    named = {re.sub(r"'s?$", "", w.lower()) for w, _ in _words(narration(text)) if w[0].isupper()}
    return bool(wanted & named)


def lower_words(text: str) -> list[str]:
    """The words of a text in lower case, as `spans` counts them."""
    return [w.lower() for w in _WORD.findall(text or "")]


def spans(text: str, n: int = 8) -> list[tuple[str, ...]]:
    words = lower_words(text)
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def copied_rate(paragraph: str, sources: list[str], n: int = 8) -> float:
    """Share of the paragraph's n-word spans that already occur in one of the sources."""
    own = spans(paragraph, n)
    if not own:
        return 0.0
    seen = {s for src in sources for s in spans(src, n)}
    return round(sum(s in seen for s in own) / len(own), 4)


_LABELS = re.compile(r"(?i)\b(premise|setting|characters|tone|style|short-term memory|facts|plan|reader|world lore|turn \d+)\s*:")
_ABOUT_THE_GAME = re.compile(r"(?i)\b(?:(?:a|the|next|your) plans?|the reader|paragraphs?|narrator|options?|choices)\b")


def plan_problem(plan: str, paragraph: str, names: set[str] = frozenset()) -> str:
    """Why a plan is not a usable action in English ("" when it is)."""
    words = _WORD.findall(plan or "")
    if not PLAN_WORDS[0] <= len(words) <= PLAN_WORDS[1]:
        return f"{len(words)} words"
    if english_rate(plan, names) < 0.97:
        return "not English"
    if _LABELS.search(plan):
        return "prompt label"
    if _ABOUT_THE_GAME.search(plan):
        return "about the game, not an action in it"
    if copied_rate(plan, [paragraph], n=6) > 0:
        return "copies the paragraph"
    return ""


def _content(text: str, below: float = 5.8) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "") if len(w) > 2 and zipf(w.lower()) < below]


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def content_stems(text: str, below: float = 5.8) -> set[str]:
    """The text's content words (rare enough to carry meaning: Zipf frequency under `below`), cut to
    their stems."""
    return {_stem(w) for w in _content(text, below)}


def same_things(a: set[str], b: set[str]) -> bool:
    """Whether two sets of content stems are about the same things (more than half of the smaller shared)."""
    return bool(a and b) and len(a & b) * 2 > min(len(a), len(b))


def _deed(plan: str) -> tuple[str, set[str]]:
    """A plan's verb (its first word) and the stems of its content words."""
    words = plan.split()
    return (words[0].lower().strip(",.;:!?") if words else ""), content_stems(plan)


def does_again(plan: str, offered: list[str]) -> bool:
    """Whether the plan does again what one of `offered` did: the same verb, on the same things
    ("Hide the key from Vera" after "Hide the key from the man"; "Search the ballroom" after "Go to
    the ballroom" is new)."""
    verb, things = _deed(plan)
    return any(v == verb and same_things(t, things) for v, t in map(_deed, [p for p in offered if p]))


WORN_SPAN = 4  # a worn phrase: this many words, two of them content words ("his face turning red")
WORN_TIMES = 2  # ... already told in this many earlier paragraphs


def worn_phrases(paragraph: str, earlier: list[str]) -> list[str]:
    """The paragraph's phrases that the story has told in WORN_TIMES earlier paragraphs or more: the
    stock phrases a reader notices ("looking nervous and suspicious" in four paragraphs of ten)."""
    told: Counter = Counter()
    for text in earlier:
        told.update(set(spans(text, WORN_SPAN)))
    worn = []
    for span in dict.fromkeys(spans(paragraph, WORN_SPAN)):
        if told[span] >= WORN_TIMES and sum(len(w) > 2 and zipf(w) < 5.8 for w in span) >= 2:
            worn.append(" ".join(span))
    return worn


def plan_followed(plan: str, paragraph: str) -> float:
    """Share of the plan's content words (rare enough to carry meaning) that the paragraph picks up."""
    return share_told(plan, paragraph)


def share_told(text: str, paragraph: str) -> float:
    """Share of the text's content words (rare enough to carry meaning) that the paragraph tells."""
    wanted = content_stems(text)
    if not wanted:
        return 1.0
    have = {_stem(w) for w in _WORD.findall((paragraph or "").lower())}
    return round(len(wanted & have) / len(wanted), 4)


def retold_rate(paragraph: str, earlier: list[str], embed) -> float:
    """Share of the paragraph's sentences that tell again, in any words, what a sentence of the
    `earlier` paragraphs told (the retelling 8-word spans miss; `engine.retelling`)."""
    from .engine.retelling import retold_rate as rate

    return rate(paragraph, earlier, embed)


@dataclass
class Quality:
    english_rate: float  # the minimum over paragraph, plans, memory and facts
    english: dict = field(default_factory=dict)  # each of the four
    second_person: bool = True
    copied_rate: float = 0.0
    glued_words: list[str] = field(default_factory=list)
    plans_ok: bool = True
    plan_problems: list[str] = field(default_factory=list)
    plan_followed: float | None = None  # only for a plan the reader typed
    retold_rate: float | None = None  # sentences that tell again what the last paragraphs told
    plan_taken: float | None = None  # plan_followed for every plan, chosen or typed
    worn_phrases: list[str] = field(default_factory=list)  # stock phrases the story told twice before
    plans_again: int = 0  # plans doing again what a plan of the last turns did (`does_again`)


def measure(paragraph: str, plans: list[str], memory: str, facts: list[str], *, hero: str, known: set[str],
            sources: list[str], plan: str = "", own_plan: bool = False, templated: int = 0,
            recent: list[str] | None = None, embed=None, earlier: list[str] | None = None,
            offered: list[str] | None = None) -> Quality:
    """Every measure of one turn. `known` are the names the story knows; `sources` what the model was
    shown (the prompt, earlier paragraphs); `templated` how many plans were filled by the game;
    `recent` the last paragraphs before this one, with `embed` for the retelling measure; `earlier`
    every paragraph before it (worn phrases); `offered` the plans of the last turns (plans again)."""
    names = known
    english = {
        "paragraph": english_rate(paragraph, names),
        "plans": min([english_rate(p, names) for p in plans] or [1.0]),
        "memory": english_rate(memory, names),
        "facts": english_rate(" ".join(facts), names),
    }
    problems = [f"plan {i + 1}: {why}" for i, p in enumerate(plans) if (why := plan_problem(p, paragraph, names))]
    if templated:
        problems.append(f"{templated} plan(s) filled by the game")
    glued = glued_words(" ".join([paragraph, *plans, memory, *facts]), names)
    return Quality(
        english_rate=min(english.values()), english=english, second_person=second_person(paragraph, hero),
        copied_rate=copied_rate(paragraph, sources), glued_words=glued, plans_ok=not problems,
        plan_problems=problems, plan_followed=plan_followed(plan, paragraph) if own_plan else None,
        retold_rate=retold_rate(paragraph, recent, embed) if recent is not None and embed is not None else None,
        plan_taken=plan_followed(plan, paragraph) if plan else None,
        worn_phrases=worn_phrases(paragraph, earlier or []),
        plans_again=sum(does_again(p, offered or []) for p in plans),
    )


def world_words(world: dict) -> set[str]:
    """Every word the world's author wrote, lowercased: its names and its own coinages count as English."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(w.lower() for w in _WORD.findall(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(world)
    return found


def story_names(world: dict, persona_name: str, paragraphs: list[str]) -> set[str]:
    """The names a story knows: the world's people, places and title, the hero's, and every name
    written inside a sentence so far."""
    direct = [persona_name, world.get("title", ""), *(c.get("name", "") for c in world.get("characters") or [])]
    texts = [world.get(k) or "" for k in ("premise", "setting", "opening", "summary")]
    texts += [e.get("text", "") for e in world.get("lore") or []]
    # the author's own capitalised words all count (a name after "St." starts no sentence)
    authored = {w.lower() for t in texts for w in _WORD.findall(t) if w[0].isupper()}
    return {w.lower() for t in direct for w in _WORD.findall(t)} | authored | names_in(*paragraphs)


RECENT = 3  # paragraphs before a turn that the retelling measure compares it with


def turn_quality(game, node, prompt: list[dict], stats, embed=None) -> Quality:
    """The measures of a turn just played: `prompt` is the paragraph call's messages, `stats` its
    TurnStats; with `embed` (texts -> unit vectors) also the retelling measure."""
    from .engine.options import TurnOptions

    path = [i for i in game.path_ids(node.id) if i != node.id]
    earlier = [game.nodes[i].paragraph for i in path]
    # the plans the engine held new ones against (`TurnOptions.offered_window`)
    offered = [p for i in path[-TurnOptions.offered_window:] for p in game.nodes[i].plans] + [node.plan]
    templated = sum(int(m.group(1)) for r in stats.repairs if (m := re.match(r"filled (\d+) plan", r)))
    world = game.world.snapshot()
    q = measure(
        node.paragraph, node.plans, node.memory, node.facts, hero=game.persona.name,
        known=story_names(world, game.persona.name, earlier) | world_words(world),
        sources=[m.get("content") or "" for m in prompt if m.get("role") != "assistant"] + earlier,
        plan=node.plan, own_plan=node.own_plan, templated=templated, recent=earlier[-RECENT:], embed=embed,
        earlier=earlier, offered=offered,
    )
    given = prompt[-1].get("content") or "" if prompt and prompt[-1].get("role") == "assistant" else ""
    if given and stats.told_back:  # the plan happened as given, and was left out as told back
        q.plan_taken = plan_followed(node.plan, f"{given}. {node.paragraph}") if node.plan else None
        q.plan_followed = q.plan_taken if node.own_plan else None
    if given and node.paragraph.startswith(given):  # the paragraph's first words were the plan, given
        sources = [m.get("content") or "" for m in prompt[:-1]] + earlier
        q.copied_rate = copied_rate(node.paragraph[len(given):], sources)  # what the model wrote itself
    return q
