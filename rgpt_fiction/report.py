"""The story health report of an autoplay run: Markdown with text sparklines and an SVG chart."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    return "".join(BARS[min(len(BARS) - 1, int((v - lo) / span * (len(BARS) - 1)))] for v in values)


def svg_chart(series: dict[str, list[float]], width: int = 640, height: int = 160) -> str:
    """A small line chart, one normalised line per series, with its min/max in the legend."""
    colors = ["#3b6ea5", "#c0504d", "#4f9a5b", "#8a5fb0"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height + 40}" fill="white"/>']
    for i, (name, values) in enumerate(series.items()):
        if not values:
            continue
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1.0
        step = (width - 20) / max(1, len(values) - 1)
        points = " ".join(f"{10 + j * step:.1f},{10 + (height - 20) * (1 - (v - lo) / span):.1f}" for j, v in enumerate(values))
        color = colors[i % len(colors)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>')
        parts.append(f'<text x="{10 + i * 320}" y="{height + 25}" fill="{color}">{name}: {lo:g} to {hi:g}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _mentions(texts: list[str], names: list[str]) -> Counter:
    counts: Counter = Counter()
    for name in names:
        pattern = re.compile(r"(?<!\w)" + re.escape(name.split()[0]) + r"(?!\w)", re.I)
        counts[name] = sum(1 for t in texts if pattern.search(t))
    return counts


def build_report(rows: list[dict], story) -> tuple[str, str]:
    """(markdown, svg) for the per-turn stats rows of a run and the story it played."""
    game = story.game
    played = [r for r in rows if r["turn"] > 0]
    paragraphs = [n.paragraph for n in game.path()]
    causes: Counter = Counter()
    for r in played:
        for cause in r.get("repairs", []):
            causes[re.sub(r" \(attempt \d\)", "", cause)] += 1
    words = [r["paragraph_words"] for r in played] or [0]
    tokens = [r["prompt_tokens"] for r in played]
    seconds = [round(r["total_seconds"], 2) for r in played]
    worst = [r["plan_similarity_max"] for r in played]
    mean = [r["plan_similarity_mean"] for r in played]
    loops = sum(r.get("loop_regenerations", 0) for r in played)
    chars = [c.name for c in game.world.characters]
    lore_reasons: Counter = Counter()
    for r in played:
        for reason in r.get("lore", []):
            lore_reasons[reason.split(":")[0]] += 1
    lore_hits: Counter = Counter()
    for node in game.path():
        for rec in node.retrieved:
            if rec.kind == "lore":
                lore_hits[rec.text[:60]] += 1

    def pct(n):
        return f"{100 * n / max(1, len(played)):.1f} %"

    flat = ""
    if len(tokens) >= 10:
        early, late = statistics.mean(tokens[2:7]), statistics.mean(tokens[-5:])
        flat = f"turns 3-7 average {early:.0f}, last five average {late:.0f} ({(late - early) / early * 100:+.1f} %)"
    lines = [
        f"# Story health report: {game.world.title}",
        "",
        f"- Reader: {game.persona.name}; model: {played[-1]['model'] if played else '?'}",
        f"- Turns played: {len(played)} (plus the opening)",
        f"- Loop regenerations: {loops} ({pct(loops)} of turns)",
        f"- Turns with any repair or retry: {sum(1 for r in played if r.get('repairs'))} ({pct(sum(1 for r in played if r.get('repairs')))})",
        "",
        "## Repairs and retries by cause",
        "",
        "| cause | count |",
        "|---|---|",
        *[f"| {c} | {n} |" for c, n in causes.most_common()],
        *(["| (none) | 0 |"] if not causes else []),
        "",
        "## Plan distinctness (cosine similarity between the plans of a turn; lower is more distinct)",
        "",
        f"- mean of turn means: {statistics.mean(mean) if mean else 0:.3f}",
        f"- worst pair of the run: {max(worst) if worst else 0:.3f}; median worst pair: {statistics.median(worst) if worst else 0:.3f}",
        f"- per turn (worst pair): `{sparkline(worst)}`",
        "",
        "## Paragraph length (words)",
        "",
        f"- min {min(words)}, median {statistics.median(words):.0f}, max {max(words)}",
        f"- per turn: `{sparkline(words)}`",
        "",
        "## Characters and lore",
        "",
        "| character | paragraphs mentioning them |",
        "|---|---|",
        *[f"| {name} | {n} |" for name, n in _mentions(paragraphs, chars).most_common()],
        "",
        f"Lore brought into prompts: {dict(lore_reasons) or 'none'}",
        "",
        *[f"- {n}× {text}…" for text, n in lore_hits.most_common(10)],
        "",
        "## Prompt tokens per turn (flat?)",
        "",
        f"`{sparkline(tokens)}`",
        "",
        f"- min {min(tokens) if tokens else 0}, max {max(tokens) if tokens else 0}; {flat}",
        "",
        "## Time per turn (seconds)",
        "",
        f"`{sparkline(seconds)}`",
        "",
        f"- median {statistics.median(seconds) if seconds else 0:.2f} s, max {max(seconds) if seconds else 0:.2f} s; "
        f"median engine overhead {statistics.median([r['overhead_ms'] for r in played]) if played else 0:.0f} ms",
        "",
        "![prompt tokens and turn time](report.svg)",
        "",
    ]
    lines[-2:-2] = quality_section(played)
    svg = svg_chart({"prompt tokens": [float(t) for t in tokens], "seconds per turn": seconds})
    return "\n".join(lines), svg


def quality_summary(played: list[dict]) -> dict:
    """The run's quality figures from the per-turn `quality` measures (turns without them are skipped)."""
    q = [r["quality"] for r in played if r.get("quality")]
    if not q:
        return {}
    typed = [x["plan_followed"] for x in q if x.get("plan_followed") is not None]
    filled = sum(1 for r in played if any(c.startswith("filled") for c in r.get("repairs", [])))
    return {
        "turns": len(q),
        "english_min": min(x["english_rate"] for x in q),
        "english_paragraph_min": min(x["english"]["paragraph"] for x in q),
        "english_plans_min": min(x["english"]["plans"] for x in q),
        "turns_english_below_097": sum(x["english_rate"] < 0.97 for x in q),
        "plans_not_english": sum(p.endswith("not English") for x in q for p in x["plan_problems"]),
        "second_person": round(sum(x["second_person"] for x in q) / len(q), 3),
        "copied_median": statistics.median(x["copied_rate"] for x in q),
        "copied_max": max(x["copied_rate"] for x in q),
        "glued": [w for x in q for w in x["glued_words"]],
        "plans_ok": round(sum(x["plans_ok"] for x in q) / len(q), 3),
        "plan_problems": Counter(re.sub(r"^plan \d+: ", "", p) for x in q for p in x["plan_problems"]),
        "model_plans": round(1 - filled / len(played), 3),
        "event_turns": sum(1 for r in played if r.get("world_event") is not None),
        "authored_openings": sum(1 for r in played if r.get("authored_opening")),
        "plan_followed": _mean(typed),
        "typed": len(typed),
        "prose_or_plans_below_097": sum(min(x["english"]["paragraph"], x["english"]["plans"]) < 0.97 for x in q),
        "retold_mean": _mean([x.get("retold_rate") for x in q]),
        "retold_half": sum((x.get("retold_rate") or 0) >= 0.5 for x in q),
        "plan_taken": _mean([x.get("plan_taken") for x in q]),
        "words_median": statistics.median(r["paragraph_words"] for r in played),
        "worn_turns": sum(bool(x.get("worn_phrases")) for x in q),
        "worn": Counter(w for x in q for w in x.get("worn_phrases") or []),
        "plans_again": sum(x.get("plans_again") or 0 for x in q),
        "plans_offered": sum(len(r.get("plans") or []) for r in played if r.get("quality")),
    }


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.mean(values), 3) if values else None


def quality_section(played: list[dict]) -> list[str]:
    s = quality_summary(played)
    if not s:
        return []
    return [
        "## Quality (per-turn measures; necessary, not sufficient)",
        "",
        f"- English (wordfreq): lowest turn {s['english_min']:.3f} (paragraph {s['english_paragraph_min']:.3f}, "
        f"plans {s['english_plans_min']:.3f}); turns below 0.97: {s['turns_english_below_097']}; "
        f"plans not in English: {s['plans_not_english']}",
        f"- Hero as 'you' and not named in the third person: {100 * s['second_person']:.0f} % of paragraphs",
        f"- Copied 8-word spans (from the prompt or earlier paragraphs): median {100 * s['copied_median']:.1f} %, "
        f"max {100 * s['copied_max']:.1f} %",
        f"- Glued words: {len(s['glued'])}" + (f" ({', '.join(s['glued'][:10])})" if s["glued"] else ""),
        f"- Turns whose plans are all usable actions: {100 * s['plans_ok']:.0f} %; problems: "
        f"{dict(s['plan_problems']) or 'none'}",
        f"- Turns with all plans from the model (none filled by the game): {100 * s['model_plans']:.0f} %; "
        f"turns ending with a world event, whose own choices (by the world's author) are offered first: "
        f"{s['event_turns']}; paragraphs opening with the author's outcome of the choice taken: "
        f"{s['authored_openings']}",
        "- Typed plans taken up (share of their content words in the next paragraph): "
        + (f"{s['plan_followed']:.2f} over {s['typed']} typed plans" if s["typed"] else "no typed plans"),
        "- Retold (sentences that tell again what the last three paragraphs told, by meaning): "
        + (f"mean {100 * s['retold_mean']:.0f} %, turns with half or more retold: {s['retold_half']}"
           if s["retold_mean"] is not None else "not measured"),
        "- Plans taken up (share of the plan's content words in its paragraph, every plan): "
        + (f"{s['plan_taken']:.2f}" if s["plan_taken"] is not None else "not measured"),
        f"- Paragraph words: median {s['words_median']:.0f}",
        f"- Worn phrases (4 words the story told in two earlier paragraphs or more): in {s['worn_turns']} of "
        f"{s['turns']} paragraphs" + (f"; most told: {', '.join(repr(w) for w, _ in s['worn'].most_common(5))}"
                                      if s["worn"] else ""),
        f"- Plans doing again what a plan of the last two turns did (same verb, same things): {s['plans_again']} "
        f"of {s['plans_offered']}",
        "",
    ]


def write_report(rows: list[dict], story, path: Path) -> None:
    markdown, svg = build_report(rows, story)
    path.parent.mkdir(parents=True, exist_ok=True)
    svg_path = path.with_suffix(".svg")
    markdown = markdown.replace("](report.svg)", f"]({svg_path.name})")
    path.write_text(markdown, encoding="utf-8")
    svg_path.write_text(svg, encoding="utf-8")
