"""Small text helpers shared by the engine: word budgets, cleaning, similarity of wording."""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_SENTENCES = re.compile(r"[^.!?…]+[.!?…]+[\"'”’)]*\s*|[^.!?…]+$")
_SPEECH_ASKED = re.compile(r"[?!][\"”’]\s*$")  # a line of speech that ends in a question or a cry
# a title's full stop ends no sentence ("You ask Mrs." was a sentence, a cut kept it, and "Mrs." stood alone in
# a harrowmere paragraph; a stream was stopped at "... at night. Mrs.")
_TITLE = re.compile(r"(?:^|[\s\"“(])(?:Mr|Mrs|Ms|Dr|St|Rev|Capt|Lt|Sgt|Col|Prof|Mt)\.\s*$")
_DECIMAL_POINT = re.compile(r"\d\.$")  # "2." of "2.1 kilometres per second", whose "1" follows at once


def clean(text: str) -> str:
    """Strip ANSI escapes and control characters (keeping newlines and tabs); keep every script and emoji."""
    text = _ANSI.sub("", text)
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    )


def sentences(text: str) -> list[str]:
    """The sentences of a text, each with its closing punctuation and trailing space, each a piece of
    the text as it stands. A line of speech ending in '?"' or '!"' and the tag after it that starts in
    lower case are one sentence: '"Who is John?" he asks.' (split, a cut took the question and left
    "he asks." standing alone in a lowtide play); so is a title's full stop and the name after it, and a
    number's decimal point and its decimals (split, a cut of a perihelion paragraph left "4 minutes, as
    expected." standing alone)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCES.finditer(text):
        if out and (_TITLE.search(out[-1]) or m.group()[:1].islower() and _SPEECH_ASKED.search(out[-1])
                    or m.group()[:1].isdigit() and _DECIMAL_POINT.search(out[-1])):
            out[-1] = text[start:m.end()]
        else:
            start = m.start()
            out.append(m.group())
    return out


def speech_units(text: str) -> list[str]:
    """The sentences of a text, those of one line of speech joined into one: a unit never begins or
    ends inside a quotation. Taken one sentence at a time, a paragraph's ending put '"It's the St.
    Ethelburga's flower rota," you explain' (its opening words of speech left behind) in a wending
    play's short-term memory, and the memory dropped sentences until the quotation marks of what
    was left no longer paired."""
    out: list[str] = []
    inside = False
    for part in sentences(text):
        if inside and out:
            out[-1] += part
        else:
            out.append(part)
        inside = out[-1].count('"') % 2 == 1
    return out


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def clip_words(text: str, budget: int) -> str:
    """At most `budget` words; cut at the last sentence end inside the budget when there is one."""
    words = text.split()
    if len(words) <= budget:
        return " ".join(words)
    cut = words[:budget]
    for i in range(len(cut) - 1, max(len(cut) // 2, 0) - 1, -1):
        if ends_sentence(cut[i]):
            return " ".join(cut[: i + 1])
    return " ".join(cut).rstrip(",;:") + "…"


def normalize(text: str) -> str:
    """Lowercase letters and digits only, for comparing wording."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def overlap(a: str, b: str) -> float:
    """Jaccard overlap of the word sets of two texts (0..1)."""
    wa, wb = set(normalize(a).split()), set(normalize(b).split())
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def estimate_tokens(text: str) -> int:
    """A provider-independent token estimate (about 4 characters a token)."""
    return max(1, (len(text) + 3) // 4)


def ends_sentence(text: str) -> bool:
    """Whether the text ends with a finished sentence (its closing marks and spaces after it), not
    with a title such as "Mrs."."""
    return bool(_SENTENCE_END.search(text)) and not _TITLE.search(text)


def long_enough(text: str, words: int) -> bool:
    """The paragraph has its length (at least `words` words) and has just finished a sentence
    outside quoted speech: the moment to stop writing, so the reader gets the length asked for and
    no tokens are wasted (a stop inside an open quote left a character's speech unclosed)."""
    if not ends_sentence(text) or word_count(text) < words:
        return False
    return text.count('"') % 2 == 0 and text.count("“") <= text.count("”")
