"""One markdown table row per health run: `python -m benchmarks.health_table RUN.jsonl...`.

Reads the per-turn JSON lines `rgpt-fiction autoplay --stats-json` writes (turn 0 is the
world's opening) and prints the figures issue 8 asks for, the way docs/health-runs/README.md
shows them. `--turns N` (default 50) is what was asked for: turns missing are turns lost.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
from pathlib import Path

HEADER = (
    "| world | turns | turns with 3 distinct plans | worst plan cosine (max over run) | mean plan cosine "
    "| loop regenerations | turns with repairs | repairs by cause | turns lost | prompt tokens t5 / t30 / t50 "
    "| median overhead ms | median llm s |\n" + "|---" * 12 + "|"
)


def _cause(repair: str) -> str:
    return repair.split(" (attempt")[0]


def row(path: Path, asked: int) -> str:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    turns = [r for r in rows if r["turn"] > 0]
    distinct = sum(len({p.casefold() for p in r["plans"]}) == 3 for r in turns)
    worst = max(r["plan_similarity_max"] for r in turns)
    mean = statistics.fmean(r["plan_similarity_mean"] for r in turns)
    loops = sum(r["loop_regenerations"] for r in turns)
    causes = Counter(_cause(c) for r in turns for c in r["repairs"])
    by_turn = {r["turn"]: r["prompt_tokens"] for r in turns}
    tokens = " / ".join(str(by_turn.get(t, "-")) for t in (5, 30, 50))
    return (
        f"| {path.stem} | {len(turns)} | {distinct} | {worst:.3f} | {mean:.3f} | {loops} ({100 * loops / len(turns):.0f} %) "
        f"| {sum(bool(r['repairs']) for r in turns)} | {', '.join(f'{c}: {n}' for c, n in causes.most_common()) or '-'} "
        f"| {max(0, asked - len(turns))} | {tokens} | {statistics.median(r['overhead_ms'] for r in turns):.0f} "
        f"| {statistics.median(r['llm_seconds'] for r in turns):.1f} |"
    )


QUALITY_HEADER = (
    "| world | turns | lowest english_rate (paragraph / plans) | turns with prose or a plan < 0.97 "
    "| plans not English | second_person | copied_rate median (max) | retold mean | glued words "
    "| turns with 3 model plans | turns lost | plans_ok | plan_followed (typed) | plan taken (all) "
    "| median words | median turn s |\n" + "|---" * 16 + "|"
)


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _num(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def quality_row(path: Path, asked: int) -> str:
    from rgpt_fiction.report import quality_summary

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    turns = [r for r in rows if r["turn"] > 0]
    s = quality_summary(turns)
    if not s:
        return f"| {path.stem} | {len(turns)} | (no turns with quality measures) |" + " |" * 13
    followed = f"{s['plan_followed']:.2f} ({s['typed']})" if s["typed"] else "-"
    return (
        f"| {path.stem} | {len(turns)} | {s['english_min']:.3f} ({s['english_paragraph_min']:.3f} / "
        f"{s['english_plans_min']:.3f}) | {s['prose_or_plans_below_097']} | {s['plans_not_english']} "
        f"| {100 * s['second_person']:.0f} % | {100 * s['copied_median']:.1f} % ({100 * s['copied_max']:.1f} %) "
        f"| {_pct(s['retold_mean'])} | {len(s['glued'])} | {100 * s['model_plans']:.0f} % "
        f"| {max(0, asked - len(turns))} | {100 * s['plans_ok']:.0f} % | {followed} | {_num(s['plan_taken'])} "
        f"| {s['words_median']:.0f} | {statistics.median(r['total_seconds'] for r in turns):.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.health_table", description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--turns", type=int, default=50)
    ap.add_argument("--quality", action="store_true", help="the quality table (english_rate, second_person, ...)")
    args = ap.parse_args(argv)
    print(QUALITY_HEADER if args.quality else HEADER)
    for path in args.runs:
        print(quality_row(path, args.turns) if args.quality else row(path, args.turns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
