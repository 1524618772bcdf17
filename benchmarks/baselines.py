"""Suite 4: the obvious alternatives, run on the same data as the engine (see overhead.py).

- Rolling context: what a naive chat loop does. The prompt carries the whole story so far,
  trimmed from the front to the model's window (8,192 tokens). Its per-turn overhead is
  building that prompt and appending the new paragraph to a transcript (JSONL, fsync).
- RecurrentGPT's reference approach (github.com/aiwaves-cn/RecurrentGPT, recurrentgpt.py):
  long-term memory is a Python list of paragraphs held in RAM; each step re-encodes the
  whole list with sentence-transformers (`memory_index = embedder.encode(long_memory)`)
  and ranks it by cosine similarity to the plan alone (`util.cos_sim(instruction, index)`).
  Two variants: as published (re-embed everything every turn) and the generous one
  (vectors kept in a numpy array in RAM, only the new paragraph embedded, a full scan).

Tokens are counted as characters / 4, like the scripted model does for the engine.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

WINDOW = 8192


def tokens(text: str) -> int:
    return len(text) // 4


class RollingContext:
    """The whole story in the prompt, trimmed to the window; a transcript appended on disk."""

    def __init__(self, brief: str, paragraphs: list[str], transcript: Path, window: int = WINDOW):
        self.brief = brief
        self.paragraphs = list(paragraphs)
        self.window = window
        self.transcript = transcript
        self.recalled_from = 0  # index of the oldest paragraph still in the prompt

    def prompt(self, plan: str) -> str:
        fixed = f"{self.brief}\n\nWhat the reader does now: {plan}\n\nWrite the next paragraph, then 3 plans.\n\n"
        budget = self.window * 4 - len(fixed)
        parts, used, i = [], 0, len(self.paragraphs)
        while i > 0 and used + len(self.paragraphs[i - 1]) + 2 <= budget:
            i -= 1
            parts.append(self.paragraphs[i])
            used += len(self.paragraphs[i]) + 2
        self.recalled_from = i
        parts.reverse()
        return fixed + "Story so far:\n" + "\n\n".join(parts)

    def commit(self, paragraph: str) -> None:
        self.paragraphs.append(paragraph)
        with open(self.transcript, "a", encoding="utf-8") as f:
            f.write(json.dumps({"paragraph": paragraph}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def turn(self, plan: str, paragraph: str) -> dict:
        t = time.perf_counter()
        p = self.prompt(plan)
        self.commit(paragraph)
        return {"overhead_ms": (time.perf_counter() - t) * 1000, "prompt_tokens": tokens(p)}


class ReferenceRecurrentGPT:
    """RecurrentGPT's long-term memory: paragraphs in RAM, cosine against the plan, top-k.

    `reembed=True` re-encodes every stored paragraph each turn, as the published code does;
    otherwise vectors are kept in a numpy array and only the new paragraph is embedded."""

    def __init__(self, embedder, texts: list[str], vectors: np.ndarray, k: int = 3, reembed: bool = False):
        self.embedder = embedder
        self.texts = list(texts)
        self.k = k
        self.reembed = reembed
        cap = max(16, len(texts) * 2)
        self._v = np.zeros((cap, vectors.shape[1]), dtype="float32")
        self._v[: len(texts)] = vectors
        self.n = len(texts)

    def _append(self, text: str, vec: np.ndarray) -> None:
        if self.n == len(self._v):
            self._v = np.concatenate([self._v, np.zeros_like(self._v)])
        self._v[self.n] = vec
        self.n += 1
        self.texts.append(text)

    def search(self, plan: str) -> list[int]:
        q = self.embedder.embed([plan])[0]
        if self.reembed:
            self._v[: self.n] = self.embedder.embed(self.texts[: self.n])
        sims = self._v[: self.n - 1] @ q  # the last paragraph is in the prompt already
        k = min(self.k, len(sims))
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        return [int(i) for i in top[np.argsort(-sims[top])]]

    def turn(self, plan: str, paragraph: str, prompt_of=None) -> dict:
        t = time.perf_counter()
        hits = self.search(plan)
        t_search = (time.perf_counter() - t) * 1000
        prompt_tokens = prompt_of([self.texts[i] for i in hits]) if prompt_of else None
        t2 = time.perf_counter()
        self._append(paragraph, self.embedder.embed([paragraph])[0])
        t_add = (time.perf_counter() - t2) * 1000
        return {"overhead_ms": t_search + t_add, "search_ms": t_search, "add_ms": t_add,
                "prompt_tokens": prompt_tokens, "hits": hits}


def engine_prompt_tokens(brief: str, memory: str, facts, recalled: list[str], last: str, plan: str,
                         paragraph: str, opts) -> int:
    """Prompt tokens of a turn (paragraph call + update call) built with the engine's own templates,
    for recalled texts chosen by someone else's retrieval."""
    from rgpt_fiction.engine.prompts import Recall, paragraph_messages, update_messages

    recalls = [Recall(t, 0, 0.0) for t in recalled]
    msgs = paragraph_messages(brief, memory, facts, recalls, last, plan, opts.paragraph_words)
    msgs2 = update_messages(msgs, paragraph, opts.n_plans, opts.memory_words)
    return sum(len(m["content"]) for m in msgs) // 4 + sum(len(m["content"]) for m in msgs2) // 4


def report(overhead: dict) -> dict:
    """The ratios ours / baseline at each story length, from the overhead suite's measurements."""
    rows = []
    for r in overhead.get("rows", []):
        ours_ms = r.get("ours_interactive_median_ms")
        ours_b2b = r.get("ours_back_to_back_median_ms")
        ours_tok = r.get("ours_prompt_tokens_median")
        roll, ref, refe = r.get("rolling", {}), r.get("reference_ram", {}), r.get("reference_reembed", {})
        rows.append({
            "memories": r["memories"],
            "ours_ms": ours_ms, "ours_b2b_ms": ours_b2b,
            "rolling_ms": roll.get("median_ms"), "reference_ram_ms": ref.get("median_ms"),
            "reference_reembed_ms": refe.get("median_ms"), "reference_reembed_estimated": refe.get("estimated"),
            "ratio_ms_vs_rolling": _ratio(ours_ms, roll.get("median_ms")),
            "ratio_ms_vs_reference_ram": _ratio(ours_ms, ref.get("median_ms")),
            "ratio_ms_vs_reference_reembed": _ratio(ours_ms, refe.get("median_ms")),
            "ours_tokens": ours_tok, "rolling_tokens": roll.get("prompt_tokens_median"),
            "reference_tokens": ref.get("prompt_tokens_median"),
            "ratio_tokens_vs_rolling": _ratio(ours_tok, roll.get("prompt_tokens_median")),
            "ratio_tokens_vs_reference": _ratio(ours_tok, ref.get("prompt_tokens_median")),
        })
    return {
        "suite": "baselines", "config": {"window_tokens": WINDOW, "data": "the overhead suite's slots"},
        "rows": rows, "budgets": [], "notes": [
            "ours_ms is the engine's overhead with reading time (the prefetch done); ours_b2b_ms back to back.",
            "Rolling context tokens are one call per turn; ours count both calls (paragraph + update).",
            "reference_reembed figures marked estimated are throughput x stored paragraphs, not run.",
        ],
    }


def _ratio(a, b):
    if a is None or not b:
        return None
    return round(a / b, 3)
