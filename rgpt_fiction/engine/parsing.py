"""Reading what the model wrote: the paragraph, and the memory/facts/plans answer.

The answer may be JSON (structured output) or loose text with labels in any case,
Markdown bold and any numbering style. What cannot be read is reported as missing,
so the turn step can ask again and, in the end, repair.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..world.names import NAME_WORD, TITLES
from .text import clean, ends_sentence, normalize, overlap, sentences, speech_units, word_count

_LABELS = {
    "memory": ("memory", "short-term memory", "short term memory", "summary", "updated memory"),
    "happened": ("happened", "what happened"),
    "facts": ("facts", "fact", "continuity", "ledger"),
    "plans": ("plans", "plan", "options", "choices", "instructions", "next", "what next"),
}
_LABEL_LINE = re.compile(r"^\s*[#>*_\s]*([A-Za-z][A-Za-z \-]{1,30}?)[*_\s]*(?:[:：][*_\s]*(.*))?$")
_ITEM = re.compile(r"^\s*(?:[-*•]|\(?\d{1,2}[.):]|\(?[a-iA-I][.)]|(?:plan|option|choice|instruction)\s*\d+\s*[:.)-])\s*(.*)$", re.I)
_PARAGRAPH_LABEL = re.compile(
    r"^\s*[#*_\s]*(?:the\s+)?(?:next\s+|new\s+)?(?:output\s+)?(?:paragraph|story|narration|text)\s*\d*"
    r"(?:\s+(?:is|reads))?[*_\s]*[:：][*_\s]*", re.I)
_TRAILING_SECTION = re.compile(
    r"\n\s*[#*_\s]*(?:memory|short-term memory|plans?|options?|choices|what (?:do|will) you do|instructions?)\b.*$",
    re.I | re.S,
)


@dataclass
class Update:
    memory: str = ""  # a whole new short-term memory (an answer that wrote one)
    happened: str = ""  # what happened in the paragraph, one sentence (what the update asks for)
    facts: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what was missing or dropped, by cause


def clean_paragraph(text: str) -> str:
    """The paragraph without labels, trailing option lists or stray markup fences."""
    text = clean(text).strip()
    text = _PARAGRAPH_LABEL.sub("", text, count=1)
    text = _TRAILING_SECTION.sub("", text)
    text = _unwrapped(text.strip())
    text = re.sub(r"^```\w*|```$", "", text).strip()
    text = re.sub(r"[ \t]+", " ", text)
    # no space opening a line, and one blank line at most between two (after an author's outcome and its
    # break, a model may add a space or a break of its own)
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"\n ", "\n", text))
    return _end_at_sentence(_SPLIT_DECIMAL.sub(r"\1.\2", text))


# A line written as a play's script ('Moss Dellacroix: "Oh, hey you! What do you want?"', 'You: "Hey, Moss!"'): 27
# in the stories in docs/ since 2026-11-20, and a lowtide play at 6c5a379. Told as speech, the hero's line is then
# the hero's words, which `cut_hero_lines` takes out when the reader's plan did not give them.
_SCRIPT_LINE = re.compile(r"^(You|[A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*){0,3}):[ \t]*([\"“].*)$", re.M)


def unscripted(paragraph: str) -> str:
    """The paragraph with its script lines told as speech: 'Moss: "What do you want?"' -> '"What do you want?"
    Moss says.'; a line that goes on after its quote keeps its own words ('Vera: "No," she says.')."""
    def told(m: re.Match[str]) -> str:
        who, line = m.group(1), m.group(2).rstrip()
        end = line.find("”" if line[0] == "“" else '"', 1)
        if end < 0:
            return line
        quote, after = line[:end + 1], line[end + 1:]
        if after.lstrip()[:1].islower() or after.lstrip()[:1] == ",":
            return line  # its own tag goes on after the quote ('"No," she says')
        said = "you say" if who == "You" else f"{who} says"
        return (quote[:-2] + "," + quote[-1] if quote[-2] == "." else quote) + f" {said}." + after
    return _SCRIPT_LINE.sub(told, paragraph)


# a number with a space after its decimal point, as the 1.5B model wrote it ("It reads 38. 4 minutes"), then
# a word in lower case or a unit ("1949. 3 men" would not be one: four figures before the point)
_SPLIT_DECIMAL = re.compile(r"\b(\d{1,3})\. (\d{1,3})(?= ?(?:[a-z%°]|per\b))")


# Repair causes of the cuts below, as TurnStats.repairs names them (the reports and line mode read them).
CHOSE_FOR_READER = "narrator chose for the reader"
ECHOED_INSTRUCTIONS = "instructions echoed"
REPEATED_ITSELF = "paragraph repeated itself"
TOLD_AGAIN = "sentences copied from the story or the prompt"
COPIED_MOSTLY = "paragraph copied for the most part"
HERO_NAMED = "the hero named as someone else"
FOREIGN_SCRIPT = "a script the story does not use"
NOT_IN_WORLD = "a thing the world has not got"
HERO_SPOKE = "the hero's words written for them"
HERO_FELT = "the hero's feelings named for them"
STOCK_LOOK = "a stock look cut"
THE_DEAD_ACT = "someone dead acting"
FOUND_TOO_SOON = "a hidden thing found before its time"
WROTE_ON = "paragraph stopped at its first words: written on"

_LIST_TAIL = re.compile(r"(?:\n\s*(?:[-*•]|\(?\d{1,2}[.)])\s+[^\n]*)+\s*$")
_CHOOSES = re.compile(r"\byou (?:decide|decided|choose|chose|opt|opted|pick|picked|resolve|resolved) (?:to|that|on)\b", re.I)
# ...or that asks the reader to choose, which the plans do ("You must decide what to do next: either…")
_OFFERS = re.compile(r"\b(?:decide|choose) (?:what|whether|where|how|between)\b|\bwhat (?:will|do|should) you do\b"
                     r"|\b(?:make|face|have) (?:a|the|your) (?:decision|choice)\b|\beither .{3,80}\bor\b.{3,80}\?"
                     r"|\bwhat (?:happens|comes) next\b", re.I)


def guard_agency(paragraph: str) -> tuple[str, bool]:
    """The narrator must not choose for the reader, nor ask them to: drop a trailing list of options
    and last sentences in which "you decide to…" or "you must decide what to do next". A "you decide
    to…" inside the paragraph (after its first sentence, the reader's deed) ends it, with what the hero
    then did: the reader of a lowtide play chose to run down into Lowtown and read "You decide to stay
    where you are. You take the stairs back up to the top floor of the Alhambra building.", and quit.
    Kept whole when less than MIN_STORY_WORDS would remain. Returns (paragraph, whether anything was
    removed)."""
    text = _LIST_TAIL.sub("", paragraph).rstrip()
    changed = text != paragraph.rstrip()
    parts = sentences(text)
    while len(parts) > 1 and (_CHOOSES.search(parts[-1]) or _OFFERS.search(parts[-1])):
        parts = parts[:-1]
        text = "".join(parts).rstrip()
        changed = True
    chosen = next((i for i, s in enumerate(parts) if i and _CHOOSES.search(s)), None)
    if chosen is not None and word_count("".join(parts[:chosen])) >= MIN_STORY_WORDS:
        text, changed = "".join(parts[:chosen]).rstrip(), True
    return text, changed


# Sentences about the writing task rather than the story: a small model echoes its
# instructions ("Write the next paragraph, about 120 words…", "This is the last action…").
# ("You then tell them about the story's lore": the recalls are headed "World lore"; "You can tell the story
# moves forward from this point, with Moss Dellacroix's actions and reactions shaping the next chapter"; "He
# also mentions that you have a short-term memory problem": the memory is headed "Short-term memory"; the
# prompt's headings inside a line of speech: '"Facts that must stay true: the people around you are wary"')
_META = re.compile(r"\bparagraphs?\b|\b\d+\s*words\b|\bthe (?:reader|narrator)\b|\bnext action\b"
                   r"|\bthe story's lore\b|\bworld lore\b|\bthe story (?:moves|continues) (?:forward|on|with)\b"
                   r"|\bnext chapter\b|\bshort-term memory\b|\bfacts that must stay true\b"
                   r"|\bthings remembered from earlier\b", re.I)
# A plan whose whole object is the story itself ("Read the story", after a dustchoir event; "Continue the
# story"), not a story in the story ("Read the story in the almanac" stays)
_THE_STORY_ITSELF = re.compile(r"^(?:re)?(?:read|continue|finish|write|follow)\s+(?:the\s+|this\s+)?"
                               r"(?:story|tale|text|plot)(?:\s+(?:again|on|so\s+far))?\W*$", re.I)
# ...or a plan that asks the storyteller, not a deed of the hero's ("Show me the route to Ceres Control", "Show me
# the letter": 6 of the 3,863 plans of the 30-turn plays in docs/; `prompts.opening_words` cannot tell it as one)
_ASKS_THE_STORYTELLER = re.compile(r"^(?:show|tell|give|let|help|remind)\s+(?:me|us)\b", re.I)
# ...or the prompt's own section labels ("Premise: …", "Characters: …", "Tone: …"; the recalls' "Turn 6: …").
_PROMPT_LABEL = re.compile(
    r"(?:^|\n)\s*(?:story|premise|setting|characters?(?: list)?|tone|style|never include|short-term memory"
    r"|facts that must stay true|things remembered from earlier|what the reader does now|world lore|turn \d+"
    r"|last paragraph ended)\s*:", re.I)
# ...or a plan that gives, shows or tells nothing: its verb wants a thing or words after the person ("Show Moss
# Dellacroix", offered in two lowtide plays; a reader called it "an unfinished sentence")
_NOTHING_GIVEN = re.compile(
    r"^(?i:show|give|hand|offer|bring|lend|tell|ask)\s+(?:(?i:mrs?|ms|dr|miss|lieutenant|lt|marshal|widow|sister|"
    r"captain|capt|old|young)\.?\s+)?(?:[A-Z][\w'-]*\s*){1,3}$")
# ...or a thing shown or given to no one, the hero's own face or a place among them ("Show the causeway", "Show the
# alley", "Show Augustus Vail's face", "Give a ring": readers of 30-turn plays called them nonsense, about 4 a story);
# a thing given to someone is a plan ("Show the key to Moss", "Give the boy a coin", "Give the children bread")
_SHOWN_TO_NO_ONE = re.compile(
    r"^(?i:show|give|hand|lend)\s+(?:(?i:the|a|an|your|his|her|their)|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?'s)"
    r"(?:\s+(?!(?i:to|for|with|at|the|a|an|your|his|her|their|its|my|our|this|that|some|him|them|me|us|everything|"
    r"back|over|around|up|out|\d+|one|two|three)\b)[\w'-]+){1,3}$")
# ...and one offered to no one: a thing of the hero's or of the scene ("Offer the door", in a harrowmere play; "Offer
# your oxygen", which a blind judge of perihelion's plans called odd); not help, a hand or a deal ("Offer your help")
_OFFERED_TO_NO_ONE = re.compile(r"^(?i:offer)\s+(?i:the|your)\s+(?!(?i:help|hand|arm|services?|assistance|"
                                r"protection|support|condolences|apolog(?:y|ies)|sympath(?:y|ies)|thanks|word|company|"
                                r"seat|silence|trust|friendship|respects)\b)[\w'-]+$")
# the people a thing is shown or given to, first after "the": "Give the children bread"
_PEOPLE = {"man", "men", "woman", "women", "boy", "boys", "girl", "girls", "child", "children", "kid", "kids", "guard",
           "guards", "widow", "captain", "stranger", "driver", "priest", "doctor", "constable", "sergeant", "old",
           "crew", "keeper", "landlord", "landlady", "waiter", "innkeeper", "vicar", "sheriff", "marshal", "officer",
           "clerk", "porter", "servant", "maid", "soldier", "soldiers", "rider", "riders", "king", "queen", "star"}


def shown_to_no_one(plan: str) -> bool:
    """Whether a plan gives, shows or offers a thing to no one (`_SHOWN_TO_NO_ONE`, `_OFFERED_TO_NO_ONE`)."""
    words = plan.split()
    if len(words) > 2 and words[1].lower() in ("the", "a", "an") and words[2].lower() in _PEOPLE:
        return False
    return bool(_SHOWN_TO_NO_ONE.match(plan) or _OFFERED_TO_NO_ONE.match(plan))


_TEMPLATE_JUNK = re.compile(r"\{\{+[^{}\n]{0,40}\}\}+|\[\[+[^\[\]\n]{0,40}\]\]+")
MIN_STORY_WORDS = 25  # what must remain for meta sentences to be cut


def kept_sentences(parts: Sequence[str], keep: Sequence[bool]) -> str:
    """The sentences of `parts` marked in `keep`, joined, with their quotation marks mended: a sentence
    cut from a line of speech can take its opening or closing mark with it (a wending paragraph lost
    'I thought you were going to the church."' after '"Oh, Robin!', and all that followed read as
    speech). Where the kept text would be inside speech and the story was not, the speech is closed
    before the sentence; where the story was inside speech and the kept text is not, it is opened."""
    out: list[str] = []
    story_inside = kept_inside = False
    for part, wanted in zip(parts, keep):
        before, story_inside = story_inside, story_inside ^ (part.count('"') % 2 == 1)
        if not wanted:
            continue
        if kept_inside and not before and out:
            out[-1] = out[-1].rstrip() + '" '
        elif before and not kept_inside:
            part = '"' + part.lstrip()
        out.append(part)
        kept_inside = story_inside
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


def cut_sentences(paragraph: str, drop: Callable[[str], bool], spare_first: bool = True) -> tuple[str, bool]:
    """The paragraph without the sentences `drop` marks (never the first with `spare_first`: it carries
    the reader's deed), joined by `kept_sentences`; left whole when nothing is marked or too little
    story (MIN_STORY_WORDS) would remain. Returns (paragraph, whether anything was cut)."""
    parts = sentences(paragraph)
    return _kept_if_enough(paragraph, parts, [spare_first and i == 0 or not drop(s) for i, s in enumerate(parts)])


def _kept_if_enough(paragraph: str, parts: Sequence[str], keep: Sequence[bool]) -> tuple[str, bool]:
    """The `parts` of `paragraph` marked in `keep`, joined by `kept_sentences`, with True; the paragraph
    whole and False when nothing is dropped or less than MIN_STORY_WORDS would remain."""
    if all(keep):
        return paragraph, False
    story = kept_sentences(parts, keep)
    if word_count(story) < MIN_STORY_WORDS:
        return paragraph, False
    return story, True


def cut_meta(paragraph: str) -> tuple[str, bool]:
    """The paragraph without template junk ({{{2}}}) and sentences that talk about the writing
    task instead of telling the story. Left whole when too little story would remain."""
    text = _TEMPLATE_JUNK.sub("", paragraph)
    parts = sentences(text)
    story = kept_sentences(parts, [not (_META.search(s) or _PROMPT_LABEL.search(s)) for s in parts])
    if len(story.split()) < MIN_STORY_WORDS:
        return paragraph, False
    return story, story != paragraph.strip()


def _unwrapped(text: str) -> str:
    """The paragraph without the quotation marks a model put around the whole of it. Only those: the
    closing mark of a last line of speech stays (stripped, 26 of 143 paragraphs of 13 plays ended
    with a line of speech left open: 'He says, "I found it! I hid it in a safe deposit box.')."""
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        return text[1:-1].strip()
    return text


def close_speech(paragraph: str) -> str:
    """The paragraph with a line of speech still open at its end closed (a cut or the model's own stop
    can end it inside the quotation)."""
    if paragraph.count('"') % 2 == 1 and paragraph.rstrip()[-1:] in ".!?…,":
        return paragraph.rstrip() + '"'
    return paragraph


def kept_paragraph(written: str, sources: Sequence[str] = (), hero: str = "", authored: bool = False,
                   not_in_world: Sequence[str] = (), keep_short: bool = False, plan: str = "",
                   dead: Sequence[str] = (), hidden: Sequence[str] = ()) -> tuple[str, list[str]]:
    """The paragraph as the story keeps it, with the repairs made: no labels or option lists, no
    sentences about the writing task, none in a script the `sources` (the prompt, the last paragraphs)
    never use, no sentences told twice, none copied from the sources, none naming the `hero` ("you")
    as someone else, none naming what the world has not got (`not_in_world`), none in which someone the
    world says is `dead` acts, none that finds a thing still `hidden`, no lines of speech the
    hero says that the reader's `plan` did not give, and no ending in which the narrator chose for the
    reader. An `authored` text (an author's outcome) keeps its every script and word, and may name the
    hero. With `keep_short` the copies are cut even when little is left (for a turn that writes on
    from what is left: `cut_copies`)."""
    from .hidden import cut_found

    repairs: list[str] = []
    paragraph, meta = cut_meta(clean_paragraph(written) if authored else unscripted(clean_paragraph(written)))
    if meta:
        repairs.append(ECHOED_INSTRUCTIONS)
    paragraph, foreign = (paragraph, False) if authored else cut_foreign_script(paragraph, sources)
    if foreign:
        repairs.append(FOREIGN_SCRIPT)
    paragraph, misplaced = (paragraph, False) if authored else cut_not_in_world(paragraph, not_in_world)
    if misplaced:
        repairs.append(NOT_IN_WORLD)
    paragraph, risen = (paragraph, False) if authored else cut_the_dead_acting(paragraph, dead)
    if risen:
        repairs.append(THE_DEAD_ACT)
    paragraph, found = (paragraph, False) if authored else cut_found(paragraph, hidden, plan)
    if found:
        repairs.append(FOUND_TOO_SOON)
    paragraph, named = (paragraph, False) if authored else cut_hero_named(paragraph, hero)
    if named:
        repairs.append(HERO_NAMED)
    paragraph, spoke = (paragraph, False) if authored else cut_hero_lines(paragraph, plan)
    if spoke:
        repairs.append(HERO_SPOKE)
    paragraph, felt = (paragraph, False) if authored else cut_hero_feelings(paragraph)
    if felt:
        repairs.append(HERO_FELT)
    paragraph, looked = (paragraph, False) if authored else cut_stock_looks(paragraph)
    if looked:
        repairs.append(STOCK_LOOK)
    paragraph, repeated = cut_self_repeats(paragraph)
    if repeated:
        repairs.append(REPEATED_ITSELF)
    paragraph, copied = cut_copies(paragraph, sources, keep_short=keep_short)
    if copied:
        repairs.append(copied)
    paragraph, overreached = guard_agency(paragraph)
    if overreached:
        repairs.append(CHOSE_FOR_READER)
    return close_speech(paragraph), repairs


# after a dead person's name, words that do not make them alive ("Sam Carvell lies behind the assay office")
_STILL_DEAD = {"is", "was", "had", "lies", "died", "dies", "rests", "remains", "sang", "used", "owed",
               "owes", "kept", "left", "hid", "knew", "wrote", "lying", "being"}


@functools.lru_cache(maxsize=16)
def _acting(dead: tuple[str, ...]) -> re.Pattern[str]:
    """A dead name, then a present-tense verb or a deed going on (group 3); or "says" before it (group 4)."""
    names = "|".join(re.escape(d) for d in sorted(dead, key=len, reverse=True))
    return re.compile(rf"\b({names})\b(?!['’]s)(?:,?\s+(\w+ly)\b)?\s+(is\s+(?:here|alive|back)|[a-z]+s|[a-z]+ing)\b"
                      rf"|\bsays\s+({names})\b")


# after "<the dead> has", words that keep them dead ("has been dead a day", "has no grave yet")
_HAS_DEAD = {"been", "died", "lain", "gone", "left", "no", "not", "never", "nothing", "long", "owed", "sung"}


def _keeps_dead(verb: str, after: str) -> bool:
    """Whether the `verb` after a dead person's name, with the text `after` it, leaves them dead: "lies", "was",
    "has been", "has no"; not "looks", nor a "has" that holds something now ("Sam Carvell has the sixth room
    unlocked, with the silver chip in his hand", in a dustchoir play at 3cca2a0)."""
    if verb != "has":
        return verb in _STILL_DEAD
    following = after.split()[:1]
    return not following or following[0].lower().strip(",.;:") in _HAS_DEAD


def _begins_in_speech(parts: Sequence[str]) -> list[bool]:
    """For each sentence, whether it begins inside a line of speech that an earlier sentence opened."""
    inside, out = False, []
    for part in parts:
        out.append(inside)
        inside ^= part.count('"') % 2 == 1
    return out


def _opens_sentence(before: Sequence[str]) -> bool:
    """Whether the one word `before` a name is a common word opening the sentence ("Then Sam Carvell looks
    up"), not a title ("Widow Pike") or a rarer word (another name: "Vera Castellane")."""
    from ..quality import zipf

    word = before[-1].lower()
    return len(before) == 1 and word not in TITLES and zipf(word) >= 4.5


def cut_the_dead_acting(paragraph: str, dead: Sequence[str]) -> tuple[str, bool]:
    """The paragraph without the sentences (after the first, which carries the reader's deed) in which
    someone the world's author listed as dead before the story begins (`[content] dead`, each as the story
    names them) does something now, outside speech: their name, not after another name ("Vera Castellane"
    is not the dead "Castellane"), then a present-tense verb or a deed going on ("Sam Carvell looks at you",
    the murdered lead singer of a dustchoir play, which its fresh reader quit on; "you see Sam Carvell
    standing outside"), or "says" before it. Left whole when too little story would remain."""
    if not dead:
        return paragraph, False
    from ..quality import narration

    acts = _acting(tuple(dead))

    def risen(sentence: str) -> bool:
        told = narration(sentence)
        for m in acts.finditer(told):
            before = told[:m.start()].split()
            if m.group(1) and before and before[-1][:1].isupper() and before[-1][-1].isalpha() \
                    and not _opens_sentence(before):
                continue  # another name's end ("Vera Castellane"; "Suddenly, Sam…" is not one)
            if m.group(4) or not _keeps_dead(m.group(3), told[m.end():]):
                return True
        return False

    parts = sentences(paragraph)
    quoted = _begins_in_speech(parts)
    return _kept_if_enough(paragraph, parts, [i == 0 or quoted[i] or not risen(p) for i, p in enumerate(parts)])


def cut_foreign_script(paragraph: str, sources: Sequence[str]) -> tuple[str, bool]:
    """The paragraph without the sentences that hold a letter of a script other than Latin which
    none of the `sources` holds: the 1.5B model, trained on Chinese as much as English, wrote "you
    search for线索" in a lanternfall play (about once in 200 turns). A world that writes in another
    script (its names, its lore) keeps it. Left whole when too little story would remain."""
    letters = {ch for ch in paragraph if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")}
    strange = {ch for ch in letters if not any(ch in source for source in sources)}
    if not strange:
        return paragraph, False
    return cut_sentences(paragraph, lambda s: any(ch in strange for ch in s), spare_first=False)


def cut_not_in_world(paragraph: str, words: Sequence[str]) -> tuple[str, bool]:
    """The paragraph without the sentences (after the first, which carries the reader's deed) that name
    one of the `words` the world's author listed as things the world has not got (`[content]
    not_in_world`), as a whole word, in any case, or with a plural's "s" or "es": the 1.5B model gave a
    private eye of 1949 "his computer monitor" and found Moss Dellacroix "watching the television" in a
    white T-shirt and jeans. Left whole when too little story would remain."""
    if not words:
        return paragraph, False
    return cut_sentences(paragraph, lambda s: names_absent(s, words))


def names_absent(text: str, words: Sequence[str]) -> bool:
    """Whether `text` names one of the `words` a world has not got (`cut_not_in_world` says how)."""
    return bool(words) and bool(_absent(tuple(words)).search(text))


@functools.lru_cache(maxsize=16)
def _absent(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?:e?s)?\b", re.I)


def cut_hero_named(paragraph: str, hero: str) -> tuple[str, bool]:
    """The paragraph without the sentences (after the first, which carries the reader's deed) whose
    narration names the hero, who is "you": the 1.5B model wrote "Nadia looks at you, her face serious" to
    the hero Nadia, and "You hear Miss Eliza Crane's voice calling your name" to Eliza; a fresh reader
    quoted both ("the player is split in two"). Speech may name the hero ("Hey, Jack"). Left whole when too
    little story would remain."""
    from ..quality import names_hero

    given = given_name(hero)
    if not given:
        return paragraph, False
    return cut_sentences(paragraph, lambda s: names_hero(s, given))


def _after_verb(plan: str) -> str:
    """The plan without its first word, the verb, unless that is a name's possessive ("Eliza's…"): the verb of
    "Mark the door" is not the hero Mark."""
    verb, _, rest = plan.partition(" ")
    return plan if verb.endswith(("'s", "’s", ",")) else rest


def given_name(hero: str) -> str:
    """The hero's given name, the word of their name that the narration must not use for "you" (the family
    name is also their family's: "your father, Thomas Crane"); "" when the name has none."""
    first = next((w for w in NAME_WORD.findall(hero) if w.lower().rstrip(".") not in TITLES), "")
    return first if len(first) > 2 else ""  # not the family name of "Jo March" ("March to the gate")


# verbs that tag a line of speech, as the hero's ("you say") and, in the third person, another's ("she says")
_SPEECH_VERB_WORDS = ("say", "ask", "reply", "explain", "whisper", "tell", "call", "shout", "answer", "murmur", "add",
                      "insist", "admit", "continue", "repeat", "mutter", "respond", "exclaim", "greet", "suggest", "cry",
                      "plead", "protest", "blurt", "interrupt", "agree", "confess", "demand", "inquire", "yell",
                      "announce", "snap", "growl", "laugh")


def _third_person(verb: str) -> str:
    """'says', 'replies', 'blurts', 'finishes': the verb as another speaker's tag has it."""
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + ("es" if verb.endswith(("sh", "ch", "s", "x")) else "s")


_SPEECH_VERBS = "(?:" + "|".join(_SPEECH_VERB_WORDS) + ")"
# the narration's tag that gives a line of speech to the hero: right after the line ('"Yes?" you say to her') or
# right before it ('You whisper, "Go."', 'you say to Moss: "…"'); never "you say" inside speech ('"Whatever you
# say," she mutters') nor a deed that runs on to another speaker ('You answer the door, and a boy cries, "Fire!"')
_TAG_AFTER = re.compile(r"^\s*,?\s*you\s+(?:\w+ly\s+)?" + _SPEECH_VERBS + r"\b", re.I)
_TAG_BEFORE = re.compile(r"\byou\s+(?:\w+ly\s+)?" + _SPEECH_VERBS + r"(?:\s+[\w'-]+){0,3}\s*[,:]\s*$", re.I)
# a tag that is a sentence of its own ("You ask, hesitating.", "You ask tentatively.")
_TAG_ALONE = re.compile(r"^\s*you\s+(?:\w+ly\s+)?" + _SPEECH_VERBS + r"(?:\s+\w+ly)?\s*(?:,[^.!?\"]*)?[.!?]\s*$", re.I)
# another speaker's tag: a line in which someone else speaks too is not the hero's alone
_OTHER_TAG = re.compile(r"\b(?!you\b)[\w'-]+\s+(?:\w+ly\s+)?(?:" + "|".join(map(_third_person, _SPEECH_VERB_WORDS))
                        + r")\b", re.I)


def _hero_speaks(unit: str) -> bool:
    """Whether a unit of `speech_units` (it begins outside speech) holds lines the narration gives the hero,
    and nobody else's."""
    narration = unit.split('"')[0::2]
    if len(narration) < 2:
        return False
    tagged = any(i and _TAG_AFTER.match(n) or i < len(narration) - 1 and _TAG_BEFORE.search(n)
                 for i, n in enumerate(narration))
    return tagged and not any(_OTHER_TAG.search(n) for n in narration)


def cut_hero_lines(paragraph: str, plan: str = "") -> tuple[str, bool]:
    """The paragraph without the lines of speech (after its first sentence, the reader's deed) that the
    narration gives the hero, and a line of speech with no speaker that goes on from one (not after a
    question: that line is the answer): the reader says what the hero says. The 1.5B model wrote them in
    about one model turn in seven of 30-turn plays, and readers quoted them among the worst faults: the hero
    greeting Mrs. Ashdown with '"Yes, Mrs. Ashdown?" you say to her', asking Moss '"You're looking for Moss
    Dellacroix?"' (in a turn whose plan was "I go looking for Moss Dellacroix": the reader's deed is told
    by the paragraph's first words, and a line echoing it is cut too). A `plan` with speech in it keeps
    every line. Straight quotation marks only, as `speech_units` (the model writes no others). Left whole
    when too little story would remain."""
    if '"' in plan or "“" in plan:
        return paragraph, False
    units = speech_units(paragraph)
    drop = [False] * len(units)
    for i, unit in enumerate(units):
        if not i:
            continue
        before = units[i - 1].split('"')[1::2]
        all_speech = unit.strip().startswith('"') and unit.strip().endswith('"') and unit.count('"') == 2
        goes_on = (drop[i - 1] and not units[i - 1].endswith("\n") and bool(before)
                   and not before[-1].rstrip().endswith("?") and all_speech)
        drop[i] = drop[i] or _hero_speaks(unit) or goes_on
        # '"Moss?" You ask, hesitating.': a tag after a question or a cry is a sentence of its own
        if all_speech and unit.rstrip()[-2:] in ('?"', '!"') and i + 1 < len(units) and _TAG_ALONE.match(units[i + 1]):
            drop[i] = drop[i + 1] = True
    return _kept_if_enough(paragraph, units, [not d for d in drop])


# The 1.5B model names the hero's feelings in stock words ("You feel a sense of dread", "feeling a mix of fear
# and curiosity", "a chill runs down your spine": 27 times in seven 30-turn plays), and fresh readers counted
# them among the faults ("the hero is given feelings"): the reader feels what they feel.
_FEELING = (r"(?:uneasy|uncomfortable|alone|safe|small|nervous|afraid|scared|frightened|anxious|excited|relieved|sad"
            r"|hopeful|curious|lost|helpless|watched|overwhelmed|uneasiness|dread|fear)")
_FELT_SENTENCE = re.compile(
    r"^\s*(?:You\s+(?:suddenly\s+|now\s+|still\s+|can\s+|can't\s+help\s+but\s+)?(?:feel|felt|sense|sensed)\s+(?:a\s+(?:sense|mix|wave|surge|"
    r"chill|pang|shiver|knot|rush|twinge)\b|like\b|(?:so\s+|very\s+|strangely\s+|a\s+(?:bit|little)\s+)?" + _FEELING + r"\b)"
    r"|You(?:'re|\s+are)\s+(?:starting|beginning)\s+to\s+(?:feel|sense)\b|You\s+(?:can't|cannot)\s+shake\s+(?:off\s+)?the\s+feeling\b"
    r"|(?:A|An\s+icy|A\s+cold)\s+(?:chill|shiver)\s+(?:runs?|ran|creeps?|crept|goes|went)\s+(?:down|up)\s+your\s+spine"
    r"|Your\s+heart\s+(?:races|raced|pounds|pounded|beats|beat|sinks|sank|skips|skipped|hammers|hammered|thumps|thumped"
    r"|(?:is|was)\s+(?:racing|pounding)))", re.I)
_FELT_CLAUSE = re.compile(
    r",\s*(?:feeling|filled\s+with|with)\s+a\s+(?:sense|mix|wave|surge|pang)\s+of\b[^.!?\";,]*"
    r"|,\s*(?:your\s+heart\s+(?:racing|pounding|beating|hammering|thumping|sinking)|feeling\s+(?:your\s+heart\b|"
    r"(?:very\s+|a\s+(?:bit|little)\s+)?" + _FEELING + r"\b))[^.!?\";,]*"
    # "…still wet with seawater and you feel a sense of unease" (a lowtide play at 6c5a379)
    r"|,?\s+and\s+you\s+(?:feel|felt)\s+(?:a\s+(?:sense|mix|wave|surge|pang|chill|shiver)\s+of\b|(?:very\s+|a\s+(?:bit|"
    r"little)\s+)?" + _FEELING + r"\b)[^.!?\";,]*", re.I)


def cut_hero_feelings(paragraph: str) -> tuple[str, bool]:
    """The paragraph without the sentences (after its first, the reader's deed) that only name the hero's
    feeling ("You feel a sense of unease.", "A chill runs down your spine."), and without the clause that
    names it at the end of a sentence of the hero's deed ("You go to the twenty-fourth room, feeling a sense
    of dread building inside you." -> "You go to the twenty-fourth room."). Speech is left as it is, and
    so are other people's feelings and the hero's senses ("You feel the cold brass of the key"). Left whole
    when too little story would remain."""
    parts = sentences(paragraph)
    keep, told = [], []
    for i, (part, quoted) in enumerate(zip(parts, _begins_in_speech(parts))):
        if quoted or '"' in part or "“" in part:
            keep.append(True)
            told.append(part)
            continue
        keep.append(i == 0 or not _FELT_SENTENCE.match(part))
        trimmed = _FELT_CLAUSE.sub("", part) if part.lstrip().startswith("You") else part
        told.append(trimmed if word_count(trimmed) >= 2 else part)  # "You nod."
    if told == parts:
        return _kept_if_enough(paragraph, parts, keep)
    story = kept_sentences(told, keep)
    return (story, True) if word_count(story) >= MIN_STORY_WORDS else (paragraph, False)


# ...and other people's looks in the same stock words, a sentence that tells nothing else ("Augustus Vail looks at
# you with a mix of curiosity and concern.", "Moss Dellacroix looks puzzled but excited, clearly trying to make
# sense of his discovery."): 80 in the 12,039 sentences of the stories in docs/ since 2026-11-20
_EMOTION = (r"(?:curiosity|concern|surprise|confusion|interest|suspicion|fear|sadness|disbelief|amusement|worry|"
            r"s[ck]epticism|uncertainty|sympathy|pity|doubt|wonder|shock|alarm|relief|recognition|understanding|"
            r"a\s+(?:puzzled|confused|concerned|curious|serious|worried|surprised|quizzical|knowing|blank|stern|grave|"
            r"frightened|solemn|pained)\s+(?:expression|look|face|frown)(?:\s+on\s+(?:his|her|their)\s+face)?|a\s+frown)")
_LOOKER = r"^\s*(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}|He|She|They|The\s+\w+(?:\s+\w+)?)"
_AFTERTHOUGHT = r"(?:,\s+(?!and\b|then\b|but\b)[^.!?\"“”]*)?[.!?]\s*$"  # ", his eyes widening": not ", then he nods"
_STOCK_LOOK = re.compile(
    _LOOKER + r"\s+(?:looks|stares|glances|gazes|peers|looked|stared|glanced|gazed)(?:\s+(?:up|back|over|down))?\s+"
    r"at\s+you\s+(?:with|in)\s+(?:a\s+(?:mix(?:ture)?|look)\s+of\s+)?" + _EMOTION
    + r"(?:(?:,?\s+(?:and|but)\s+|,\s*)" + _EMOTION + r")*" + _AFTERTHOUGHT
    + "|" + _LOOKER + r"\s+looks\s+(?:puzzled|confused|surprised|concerned|worried|curious)(?:\s+(?:but|and)\s+\w+)?"
    + _AFTERTHOUGHT)


def cut_stock_looks(paragraph: str) -> tuple[str, bool]:
    """The paragraph without the sentences (after its first) that only tell someone looking at the hero with a
    stock feeling (`_STOCK_LOOK`). Speech is left as it is. Left whole when too little story would remain."""
    from ..quality import narration

    parts = sentences(paragraph)
    quoted = _begins_in_speech(parts)

    def tells_who_speaks(i: int) -> bool:
        """Whether the look is what names the speaker of the line after it: a blind judge, given 30 paragraphs
        with and without such looks, preferred them cut in 26, and the 4 others were a look before a line
        with no tag ('Quillon looks up at you with a curious expression. "I hear about it…"') or tagged only
        "he says", the look's name said nowhere else."""
        after = parts[i + 1].lstrip() if i + 1 < len(parts) else ""
        if not after.startswith(('"', "“")):
            return False
        tag = _OTHER_TAG.search(narration(after))
        return tag is None or (tag.group(0).split()[0].lower() in ("he", "she", "they")
                               and parts[i].split()[0] not in ("He", "She", "They"))

    return _kept_if_enough(paragraph, parts, [i == 0 or quoted[i] or not _STOCK_LOOK.match(p) or tells_who_speaks(i)
                                              for i, p in enumerate(parts)])


def cut_self_repeats(paragraph: str, similar: float = 0.8, min_words: int = 6, n: int = 8) -> tuple[str, bool]:
    """The paragraph up to the first sentence that tells again one of its own earlier sentences
    (word overlap `similar` or more, sentences of `min_words` or more) or writes out again `n` words
    in a row of them: the 1.5B model, without a copy penalty, can go round in one paragraph ("You tell
    her to look again, and she looks up at you…" three times; "…says he's been following your movements
    for some time and thinks you might be connected to him" twice, the second time after "You ask if he
    knows anything about the ledger, but"). Left whole when too little story would remain."""
    from ..quality import spans

    kept: list[str] = []
    seen: set[tuple[str, ...]] = set()
    pos = 0
    for sentence in sentences(paragraph):
        start = paragraph.find(sentence, pos)
        pos = start + len(sentence) if start >= 0 else pos
        own = set(spans(sentence, n))
        if word_count(sentence) >= min_words and (own & seen or any(overlap(sentence, k) >= similar for k in kept)):
            story = paragraph[:start].rstrip()
            return (story, True) if word_count(story) >= MIN_STORY_WORDS else (paragraph, False)
        kept.append(sentence)
        seen |= own
    return paragraph, False


def cut_copies(paragraph: str, sources: Sequence[str], n: int = 8, keep_short: bool = False) -> tuple[str, str]:
    """The paragraph without the sentences (after the first, which carries the reader's deed) that
    copy the sources: `n` words in a row already there. The 1.5B model, without a copy penalty,
    retold a character's line or a lore sentence word for word turn after turn ("I don't know where
    it is, but I can help," she says), or wove it into a new sentence ("Moss smiles and says the band
    plays on a stage still wet with seawater every night"): blind readers of the same turns written
    three ways ranked the versions with such lines last, whatever else they did. Cutting a sentence at
    one copied run rather than at half of its runs cut in 22 of 50 turns of five plays instead of 16,
    and left too little in 10 instead of 8 (then written again). Returns (paragraph, repair): TOLD_AGAIN when
    sentences were cut, COPIED_MOSTLY when they were half of its words or more (it is then better
    written again: the turn does that once), "" when nothing was copied. Left whole when too little
    story would remain, unless `keep_short`: a paragraph written again that copied again was kept whole
    (four perihelion turns kept 56-97 % copied text), and the turn now writes on from what is its own.
    Shorter copies are cut too: a sentence of SHORT_COPY words or more, or a line of speech of
    SPOKEN_COPY words or more, that a source holds word for word (`_said_before`)."""
    from ..quality import lower_words, spans

    seen = {s for src in sources for s in spans(src, n)}
    parts = sentences(paragraph)
    if not any(src.strip() for src in sources) or len(parts) < 2:
        return paragraph, ""
    told = " " + " | ".join(" ".join(lower_words(src)) for src in sources) + " "  # "|": no run across two sources
    keep = [True] + [not (any(s in seen for s in spans(sentence, n)) or _said_before(sentence, told, n))
                     for sentence in parts[1:]]
    if all(keep):
        return paragraph, ""
    story = kept_sentences(parts, keep)
    mostly = word_count(story) < word_count(paragraph) / 2
    if word_count(story) < MIN_STORY_WORDS:
        return (story if keep_short else paragraph), COPIED_MOSTLY
    return story, COPIED_MOSTLY if mostly else TOLD_AGAIN


# Copies shorter than cut_copies' n words: the 1.5B model said a line of an earlier turn again word for
# word ("It's worth a trip to Lowtown.", three times in ten turns of a lowtide play, by two people) and
# told the short-term memory's sentences again as its own ("You show the door to Moss Dellacroix. You
# hide under the table. You sneak into the office."); a fresh reader quoted both. A sentence of four
# words ("You open the door.") may well happen again.
SHORT_COPY = 5
SPOKEN_COPY = 4
_SPOKEN = re.compile(r'"([^"]+)"|“([^”]+)”')


def _said_before(sentence: str, told: str, n: int) -> bool:
    """The sentence (SHORT_COPY to n - 1 words), or a line of speech in it (SPOKEN_COPY words or more),
    is in `told` word for word (`told`: the sources' words in lower case, " " on both ends)."""
    from ..quality import lower_words

    own = lower_words(sentence)
    if SHORT_COPY <= len(own) < n and f" {' '.join(own)} " in told:
        return True
    for m in _SPOKEN.finditer(sentence):
        said = lower_words(m.group(1) or m.group(2))
        if len(said) >= SPOKEN_COPY and f" {' '.join(said)} " in told:
            return True
    return False


def _end_at_sentence(text: str) -> str:
    """Drop a trailing half sentence (a reply cut by the token limit), when a full one ends late
    enough. A title's full stop ends none: cut after "hearing Mrs.", a sentence lost its name."""
    parts = sentences(text)
    if not parts or ends_sentence(parts[-1]):
        return text
    kept = text[:text.rindex(parts[-1])].rstrip()  # a slice: the pieces skip a stop after a space (". . .")
    return kept if kept and len(kept) >= len(text) // 2 else text


def _strip_item(line: str) -> str:
    m = _ITEM.match(line)
    item = m.group(1) if m else line
    item = re.sub(r"^[*_\s]+|[*_\s]+$", "", item)
    return item.strip().strip('"').strip()


def _close_json(text: str) -> str:
    """Close what a JSON answer cut by the token limit left open: the string, then the brackets."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    if escaped:
        text = text[:-1]
    if in_string:
        text += '"'
    text = re.sub(r"[,:]\s*$", "", text.rstrip())
    return text + "".join(reversed(stack))


def _from_json(text: str) -> dict | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        return None
    candidates = [text[start : end + 1]] if end > start else []
    candidates.append(_close_json(text[start:]))
    for candidate in candidates:
        try:
            data = json.loads(candidate, strict=False)  # raw newlines inside strings are common
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(data, dict):
            return data
    return None


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [_strip_item(v) for v in value.splitlines() if v.strip()]
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, dict):  # {"plan": "..."} or {"text": "..."}
                v = next((x for x in v.values() if isinstance(x, str)), "")
            if isinstance(v, str):
                out.append(_strip_item(v))
        return out
    return []


def _from_labels(text: str) -> dict:
    """Sections introduced by labels in any case, with or without Markdown bold."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = _LABEL_LINE.match(line)
        key = None
        if m:
            label = m.group(1).strip().lower()
            label = re.sub(r"\s*\d+$", "", label)
            key = next((k for k, names in _LABELS.items() if label in names), None)
        if m and key:
            current = key
            sections.setdefault(key, [])
            rest = (m.group(2) or "").strip()
            if rest:
                sections[key].append(rest)
        elif current and line.strip():
            sections[current].append(line)
        elif m is None and _ITEM.match(line) and "plans" not in sections and current is None:
            sections.setdefault("plans", []).append(line)
    out: dict = {}
    for key in ("memory", "happened"):
        if key in sections:
            out[key] = " ".join(s.strip() for s in sections[key])
    for key in ("facts", "plans"):
        if key in sections:
            out[key] = [_strip_item(s) for s in sections[key] if _strip_item(s)]
    return out


def parse_update(text: str) -> Update:
    """Read memory, facts and plans from a model answer in JSON or labelled text."""
    text = clean(text or "")
    data = _from_json(text)
    if data is None:
        data = _from_labels(text)
    up = Update()
    memory = data.get("memory") or data.get("short_term_memory") or data.get("summary") or ""
    up.memory = memory.strip() if isinstance(memory, str) else ""
    if len(re.findall(r"[^\W\d_]{2,}", up.memory)) < 5:  # punctuation and stray syntax are not a memory
        up.memory = ""
    happened = data.get("happened")
    up.happened = " ".join(happened.split()) if isinstance(happened, str) else ""
    if len(re.findall(r"[^\W\d_]{2,}", up.happened)) < 4:
        up.happened = ""
    up.facts = [f for f in _as_list(data.get("facts", [])) if f]
    up.plans = _as_list(data.get("plans") or data.get("options") or data.get("choices") or [])
    if not (up.memory or up.happened):
        up.problems.append("missing memory")
    if not up.plans:
        up.problems.append("missing plans")
    return up


_NOISE_WORD = re.compile(r"\S*[a-z]\S*[A-Z]\S*[A-Z]\S*|\S{25,}")
_DANGLING = re.compile(r"[\s,;:-]+(?:(?:on|in|at|to|of|for|from|into|onto|under|over|near|behind|before|after|about|until|while|when|then|the|a|an|and|or|but|with|by|your|his|her|their|my)\b[\s,;:-]*)*$", re.I)


def cut_noise(plan: str) -> str:
    """A plan up to its first noise word (random letters such as 'lvIjTJlHt', or a 25+ character
    run), without the dangling words before it: a small model under a grammar sometimes derails."""
    m = _NOISE_WORD.search(plan)
    if not m:
        return plan
    head = _DANGLING.sub("", plan[: m.start()]).rstrip()
    return head + "…" if head else ""


_TURN_LABEL = re.compile(r"^\s*turn \d+\s*:\s*", re.I)


def _unlabelled(plan: str) -> str:
    """The plan without a recall's "Turn 9: " before it, when what follows is a deed ("Turn 9: Go to the river":
    the 1.5B model labelled all five plans of a lanternfall turn so, twice, and the game filled three); a recall
    copied whole ("Turn 6: The Low Tide Club asks you…") keeps its label, and is dropped for it."""
    from .prompts import opening_words

    rest = _TURN_LABEL.sub("", plan, count=1)
    return rest if rest != plan and opening_words(rest) else plan


# the words a plan cut short ends on: none ends a whole plan
_CUT_MID_PHRASE = {"a", "an", "the", "to", "of", "and", "or", "but", "if", "is", "are", "was", "there", "his", "her",
                   "their", "your", "my", "its", "in", "on", "at", "for", "with", "that", "which", "who", "from",
                   "by", "as", "into", "about", "whether"}


def usable_plans(plans: list[str], paragraph: str, n: int, words: int = 24, taken: str = "",
                 played: Sequence[str] = (), hero: str = "") -> tuple[list[str], list[str]]:
    """Keep at most n plans that are non-empty, not duplicates of each other, not copies of the
    paragraph or of the prompt's headings, not the plan the reader has just played (`taken`) and not
    word for word a plan played before on this path (`played`: the similarity check looks only at the
    last few, and at turn 10 of a lowtide play the model offered turn 2's "Warn the person who stopped
    Moss Dellacroix" again, and it was played again), and none naming the `hero` (the reader is "you": the
    1.5B model offered "Tell Eliza Crane to open the door" to the hero Eliza). Returns (kept, problems)."""
    from ..quality import names_hero

    given = given_name(hero)
    kept: list[str] = []
    problems: list[str] = []
    para_norm = normalize(paragraph)
    taken_norm = normalize(taken) if taken else ""
    played_norm = {normalize(p) for p in played if p}
    for plan in plans:
        # without the comma the model leaves after a plan ("Offer to help,": the verbs are shown "such as A, B or C")
        plan = _unlabelled(cut_noise(clean(plan).replace("\n", " ").strip()).rstrip(",;: "))
        norm = normalize(plan)
        if len(norm.split()) < 2:
            problems.append("empty plan")
            continue
        if len(plan.split()) > words:  # a list of deeds run together ("Check the weather, Follow Mr. Donnelly's
            problems.append("plan too long")  # radio, Ask the Harbour Syndicate…", a lowtide play's turn 29), not a plan
            continue
        if plan.endswith(("…", "...")):  # a trailing ellipsis is not the plan's ("Wait for the tide…")...
            plan = plan.rstrip(".… ")
            if not plan or plan.split()[-1].lower() in _CUT_MID_PHRASE:  # ...unless it was cut mid-phrase: a harrowmere
                problems.append("plan cut short")  # play offered "Go to the old man's bedroom and ask him if there
                continue  # is a…", copied from the update's note, and played it
            norm = normalize(plan)
        if any(norm == normalize(k) or overlap(plan, k) > 0.8 for k in kept):
            problems.append("duplicate plan")
            continue
        if _PROMPT_LABEL.search(plan):  # "Turn 6: The Low Tide Club asks you…", a recall's heading copied
            problems.append("plan copies a prompt label")
            continue
        if _META.search(plan) or _THE_STORY_ITSELF.match(plan) or _ASKS_THE_STORYTELLER.match(plan):
            problems.append("plan about the writing, not the story")  # "Read the story", "Show me the letter"
            continue
        # ...before a comma too: "Show Moss, explain where he's from" (a lowtide play; not "Ask Moss, the owner, about…")
        first = plan.split(",")[0].strip()
        if _NOTHING_GIVEN.match(plan) or shown_to_no_one(plan) or (
                first != plan and _NOTHING_GIVEN.match(first) and first.split()[0].lower() not in ("ask", "tell")):
            problems.append("plan names nothing to give, show or tell")
            continue
        if norm in para_norm and len(norm) > 20 or overlap(plan, paragraph) > 0.7:
            problems.append("plan copies the paragraph")
            continue
        if taken_norm and (norm == taken_norm or overlap(plan, taken) > 0.8):
            problems.append("plan repeats the plan just played")
            continue
        if norm in played_norm:
            problems.append("plan was played before")
            continue
        if given and names_hero(_after_verb(plan), given):
            problems.append("plan names the hero")
            continue
        kept.append(plan)
        if len(kept) == n:
            break
    return kept, problems
