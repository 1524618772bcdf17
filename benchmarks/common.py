"""Shared helpers: machine facts, statistics, synthetic text, prefilled slots, a timed turn driver."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD_FILE = ROOT / "worlds" / "harrowmere.toml"
DIM = 384  # all-MiniLM-L6-v2


# --- machine and statistics ---------------------------------------------------------
def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import torch

        torch_threads = torch.get_num_threads() if "torch" in sys.modules else None
    except ImportError:
        torch_threads = None
    return {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": loadavg(),
        "torch_threads": torch_threads,
    }


def median(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 2) if xs else None


def p95(xs) -> float | None:
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    # nearest-rank 95th percentile (with few samples it is the maximum or close to it)
    k = max(0, min(len(xs) - 1, -(-95 * len(xs) // 100) - 1))
    return round(xs[k], 2)


def ratio(a, b) -> float | None:
    if a is None or b in (None, 0):
        return None
    return round(a / b, 3)


class Timer:
    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self.t) * 1000


def budget(name: str, limit: str, measured, met, how: str) -> dict:
    return {"name": name, "budget": limit, "measured": measured, "met": met, "how": how}


# --- synthetic text -------------------------------------------------------------------
_PEOPLE = ["the ferryman", "the abbess", "a tinker", "the old warden", "a child with a kite", "the miller",
           "two soldiers", "the herbalist", "a blind fiddler", "the reeve", "a drowned man's widow", "the smith"]
_PLACES = ["the causeway", "the flooded chapel", "the salt market", "the mill race", "the reed beds",
           "the watchtower", "the lower docks", "the bell yard", "the orchard wall", "the tithe barn"]
_WEATHER = ["Rain drums on the slates", "Fog rolls in from the marsh", "A cold wind worries the shutters",
            "The light goes copper and thin", "Gulls wheel and scream overhead", "Frost silvers the cobbles"]
_ACTIONS = ["watches you without a word", "mutters a warning about the tide", "offers you bread and a hard look",
            "points toward the water", "laughs at something you cannot see", "asks where you slept last night",
            "hurries away with a covered basket", "lights a lamp though it is not yet dark"]
_DETAILS = ["Somewhere a bell tolls twice and stops.", "Mud sucks at your boots with every step.",
            "The smell of smoke and brine hangs over everything.", "A door bangs open and shut in the wind.",
            "Your coin purse feels lighter than it should.", "Every window along the lane is shuttered.",
            "Far off, a dog barks at the rising water.", "The stones here are slick with green weed."]


def paragraph(rng: random.Random, words: int = 110) -> str:
    """A plausible story paragraph of about `words` words."""
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        kind = rng.random()
        if kind < 0.25:
            out.append(f"{rng.choice(_WEATHER)} as you reach {rng.choice(_PLACES)}.")
        elif kind < 0.6:
            out.append(f"{rng.choice(_PEOPLE).capitalize()} {rng.choice(_ACTIONS)}.")
        elif kind < 0.8:
            out.append(rng.choice(_DETAILS))
        else:
            out.append(f"You think of {rng.choice(_PLACES)} and of {rng.choice(_PEOPLE)}, and you walk on.")
    return " ".join(out)


def memory_text(rng: random.Random, words: int = 140) -> str:
    return "So far: " + paragraph(rng, words - 2)


def plan_text(rng: random.Random) -> str:
    verbs = ["Follow", "Question", "Search", "Hide from", "Confront", "Bargain with", "Slip past"]
    return f"{rng.choice(verbs)} {rng.choice(_PEOPLE)} at {rng.choice(_PLACES)}"


def unit_vectors(rng_np, n: int, dim: int = DIM):
    import numpy as np

    v = rng_np.standard_normal((n, dim)).astype("float32")
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


# --- the engine's parts -------------------------------------------------------------------
_EMBEDDER = None


def embedder():
    """The real bundled embedder, loaded once per process."""
    global _EMBEDDER
    if _EMBEDDER is None:
        from rgpt_fiction.memory.embedder import Embedder

        _EMBEDDER = Embedder()
        _EMBEDDER.load()
    return _EMBEDDER


def world():
    from rgpt_fiction.world import load_world

    return load_world(WORLD_FILE)


class TimedModel:
    """Wraps a ChatModel and records, per call, its own time to first chunk and its duration."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.prefill = inner.prefill
        self.calls: list[dict] = []

    async def stream(self, messages, **kw):
        rec = {"start": time.perf_counter(), "first": None, "end": None, "chars": sum(len(m["content"]) for m in messages)}
        self.calls.append(rec)
        try:
            async for item in self.inner.stream(messages, **kw):
                if rec["first"] is None and isinstance(item, str):
                    rec["first"] = time.perf_counter()
                yield item
        finally:
            rec["end"] = time.perf_counter()


@dataclass
class TurnResult:
    overhead_ms: float
    timings_ms: dict
    prompt_tokens: int
    first_word_ms: float | None  # play() called -> first Delta, minus the model's own first-chunk time
    wall_ms: float
    retrieved: list = field(default_factory=list)
    repairs: list = field(default_factory=list)


async def play_turn(story, model: TimedModel, plan: str) -> TurnResult:
    from rgpt_fiction.engine.events import Delta, TurnDone

    n_calls = len(model.calls)
    t0 = time.perf_counter()
    first = None
    done = None
    async for ev in story.play(plan):
        if first is None and isinstance(ev, Delta):
            first = time.perf_counter()
        if isinstance(ev, TurnDone):
            done = ev
    wall = (time.perf_counter() - t0) * 1000
    st = done.stats
    fw = None
    calls = model.calls[n_calls:]
    if first is not None and calls and calls[0]["first"] is not None:
        fw = ((first - t0) - (calls[0]["first"] - calls[0]["start"])) * 1000
    return TurnResult(
        overhead_ms=st.overhead_ms, timings_ms=dict(getattr(st, "timings_ms", {}) or {}),
        prompt_tokens=st.prompt_tokens, first_word_ms=fw, wall_ms=wall, retrieved=list(st.retrieved),
        repairs=list(st.repairs),
    )


async def start_story(saves_dir: Path, model, name: str = "bench", options=None):
    """A new game of the benchmark world in a real slot, its opening played."""
    from rgpt_fiction.engine.state import Persona
    from rgpt_fiction.engine.story import TurnOptions
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.session import open_story

    w = world()
    slot = Slot(saves_dir, name)
    story, _ = open_story(slot, model, embedder(), options or TurnOptions(), world=w, persona=Persona(w.player.name))
    async for _ev in story.start():
        pass
    return story, slot


def filler_node(i: int, rng: random.Random, text: str, parent_text: str = ""):
    """A node shaped like the ones the engine writes (memory, plans, facts, retrieved recalls)."""
    from rgpt_fiction.engine.state import Node
    from rgpt_fiction.memory.rows import Recall

    return Node(
        id=i, parent=i - 1, plan=plan_text(rng), paragraph=text, memory=memory_text(rng),
        plans=[plan_text(rng) for _ in range(3)], facts=[f"Fact {i}-{j}: {rng.choice(_PEOPLE)} is at {rng.choice(_PLACES)}" for j in range(3)],
        model="scripted", settings={"temperature": 0.8, "paragraph_words": 120, "n_plans": 3},
        retrieved=[Recall(parent_text or text, max(0, i - 1 - j), 0.5, node=max(0, i - 1 - j)) for j in range(3)],
        depth=i,
    )


def slot_bytes(slot) -> int:
    """Bytes of the saved game (header, and the turn journal where the save format has one)."""
    total = 0
    for p in (slot.state_path, getattr(slot, "journal_path", None)):
        if p is not None and Path(p).exists():
            total += Path(p).stat().st_size
    return total


def prefill(story, slot, n: int, seed: int = 7, batch: int = 10_000) -> dict:
    """Grow the story to `n` stored paragraphs: a linear path of engine-shaped nodes and one
    LanceDB row per node with a random unit vector (embedding 100k texts would take hours here)."""
    import numpy as np

    from rgpt_fiction.memory.rows import MemoryRow

    rng = random.Random(seed)
    rng_np = np.random.default_rng(seed)
    game = story.game
    have = len(game.nodes)
    t = time.perf_counter()
    texts = [paragraph(rng) for _ in range(min(512, max(1, n)))]  # a pool of texts, reused
    rows, start = [], have
    prev = game.nodes[have - 1].paragraph
    for i in range(have, n):
        text = texts[i % len(texts)] + f" (turn {i})"
        node = filler_node(i, rng, text, prev)
        game.nodes[i] = node
        game.redo_child[i - 1] = i
        if isinstance(getattr(game, "dirty", None), set):
            game.dirty.add(i)  # not yet saved
        prev = text
        rows.append(MemoryRow.paragraph(i, i, text))
        if len(rows) >= batch or i == n - 1:
            story.memory.add(rows, unit_vectors(rng_np, len(rows)))
            rows = []
    if n > have:
        game.current = n - 1
    build_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    story.memory.compact()
    compact_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    slot.save(game)
    save_ms = (time.perf_counter() - t) * 1000
    return {
        "nodes": len(game.nodes), "rows": story.memory.count(), "build_ms": round(build_ms, 1),
        "compact_ms": round(compact_ms, 1), "first_save_ms": round(save_ms, 1),
        "state_bytes": slot_bytes(slot), "added": max(0, n - start),
    }
