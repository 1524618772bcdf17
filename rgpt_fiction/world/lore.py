"""Which lore entries enter this turn's prompt, within a fixed budget.

Three ways in, in this order of priority:
1. entries marked `always = true`;
2. entries with a key that appears in the turn's texts (the plan, the reader's words,
   the last paragraph), those of the plan first: whole words, case-insensitive, any
   language or script;
3. entries the engine's vector search found similar enough.

The result never exceeds `budget_words` words or `max_entries` entries, however much
lore a world has. That bound is what keeps the prompt size flat.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Lore

__all__ = ["LoreHit", "keyed_lore", "select_lore", "key_in_text", "word_count", "clip"]


@dataclass(frozen=True)
class LoreHit:
    index: int   # index into world.lore
    text: str
    reason: str  # "always", "key: <the key that matched>", or "similar: 0.62"


_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.casefold()).strip()


def _is_wordish(ch: str) -> bool:
    """A letter, a digit or a combining mark, in any script: what glues a word together."""
    return unicodedata.category(ch)[0] in "LNM"


def key_in_text(key: str, text: str) -> bool:
    """True when `key` occurs in `text` as whole words (casefolded, whitespace-insensitive).

    "ash" matches "Ash," and "the ash tree" but not "ashes" or "cash". A key matches
    when the characters beside it are not letters, digits or marks of any script; so in
    languages written without spaces (Japanese, Chinese, Thai) a key matches only where
    it stands apart (by spaces or punctuation).
    """
    k, t = _norm(key), _norm(text)
    if not k:
        return False
    start = t.find(k)
    while start >= 0:
        end = start + len(k)
        before = t[start - 1] if start > 0 else ""
        after = t[end] if end < len(t) else ""
        if not (before and _is_wordish(before)) and not (after and _is_wordish(after)):
            return True
        start = t.find(k, start + 1)
    return False


def keyed_lore(lore: list[Lore], *texts: str) -> list[tuple[int, str]]:
    """(index, matched key) for every entry with a key found in any of the texts, in lore order."""
    joined = "\n".join(t for t in texts if t)
    if not joined.strip():
        return []
    hits: list[tuple[int, str]] = []
    for i, entry in enumerate(lore):
        for key in entry.keys:
            if key_in_text(key, joined):
                hits.append((i, key))
                break
    return hits


def word_count(text: str) -> int:
    return len(text.split())


def clip(text: str, words: int) -> str:
    """The first `words` words of `text` (an ellipsis marks the cut; the word count is kept)."""
    parts = text.split()
    if len(parts) <= words:
        return text
    if words <= 0:
        return ""
    return " ".join(parts[:words]).rstrip(",;:") + "…"


def select_lore(
    lore: list[Lore],
    texts: list[str],
    similar: list[tuple[int, float]],
    budget_words: int = 120,
    max_entries: int = 4,
    min_similarity: float = 0.35,
) -> list[LoreHit]:
    """The lore entries for this turn, by priority, never more than the budget allows.

    Priority: `always` entries (in lore order), then key matches (those of the first of the `texts`
    first, each text's in lore order: the plan's before the last paragraph's), then
    `similar` entries at or above `min_similarity`, best first. No entry twice. Selection
    stops at the first entry that would overflow `budget_words` or `max_entries`, except
    that an `always` entry is clipped to the words left rather than dropped.
    """
    candidates: list[tuple[int, str]] = [(i, "always") for i, e in enumerate(lore) if e.always]
    for text in texts or []:  # the first text's keys first (the plan's, before the last paragraph's)
        candidates += [(i, f"key: {key}") for i, key in keyed_lore(lore, text)]
    ranked = sorted(
        ((i, s) for i, s in (similar or []) if isinstance(i, int) and 0 <= i < len(lore) and s >= min_similarity),
        key=lambda pair: -pair[1],
    )
    candidates += [(i, f"similar: {s:.2f}") for i, s in ranked]

    hits: list[LoreHit] = []
    used: set[int] = set()
    spent = 0
    for index, reason in candidates:
        if index in used:
            continue
        if len(hits) >= max_entries or spent >= budget_words:
            break
        text = lore[index].text
        words = word_count(text)
        if spent + words > budget_words:
            if reason != "always":
                break
            text = clip(text, budget_words - spent)
            words = word_count(text)
        used.add(index)
        hits.append(LoreHit(index, text, reason))
        spent += words
    return hits
