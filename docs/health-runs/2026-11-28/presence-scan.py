"""Sentences of the model's turns in which one of the world's people acts who is named in none of: the plan,
the last turn's text (the event told included). Prints them with their context."""
import re
import sys
import tomllib
from pathlib import Path
from rgpt_fiction.engine.parsing import _acting, _begins_in_speech, _STILL_DEAD, _opens_sentence
from rgpt_fiction.engine.text import sentences
from rgpt_fiction.quality import narration
from rgpt_fiction.world.names import name_words

def people(w):
    names = [c["name"] for c in w.get("characters", [])] + [e["arrives"] for e in w.get("events", []) if e.get("arrives")]
    out = {}
    for n in names:
        for word in name_words(n):
            out.setdefault(word, n)
    return out

def turns(md):
    parts = re.split(r"^> \*\*(?:Choice|You):\*\* (.*)$", md, flags=re.M)
    # parts: [opening, plan1, text1, plan2, text2, ...]
    return parts[0], list(zip(parts[1::2], parts[2::2]))

def scan(story, world_file):
    w = tomllib.loads(Path(world_file).read_text())
    authored = [o for e in w.get("events", []) for o in e.get("outcomes", [])] + w.get("first_outcomes", [])
    events = [e["text"] for e in w.get("events", [])]
    who = people(w)
    opening, ts = turns(Path(story).read_text())
    texts = [opening] + [t for _, t in ts]
    hits, model_turns = [], 0
    for k, (plan, text) in enumerate(ts, 1):
        body = text
        for e in events:
            body = body.replace(e, "")
        if any(o.strip() in body for o in authored):
            continue
        model_turns += 1
        context = plan + "\n" + "\n".join(texts[max(0, k - 1):k])
        persons = set(who.values())
        here = {n for n in persons if any(re.search(rf"\b{re.escape(wd)}\b", context) for wd in name_words(n))}
        absent = [f for n in persons - here for f in [n, *name_words(n)]]
        if not absent:
            continue
        acts = _acting(tuple(absent))
        parts = sentences(body.strip())
        quoted = _begins_in_speech(parts)
        for i, s in enumerate(parts):
            if i == 0 or quoted[i]:
                continue
            told = narration(s)
            for m in acts.finditer(told):
                before = told[:m.start()].split()
                if m.group(1) and before and before[-1][:1].isupper() and before[-1][-1].isalpha() and not _opens_sentence(before):
                    continue
                if m.group(4) or m.group(3) not in _STILL_DEAD:
                    hits.append((k, plan, s.strip()))
                    break
    return model_turns, hits

if __name__ == "__main__":
    tot_t = tot_h = 0
    for story, world in zip(sys.argv[1::2], sys.argv[2::2]):
        n, hits = scan(story, world)
        tot_t += n
        tot_h += len({h[0] for h in hits})
        print(f"== {story}: {len({h[0] for h in hits})} of {n} model turns")
        for k, plan, s in hits:
            print(f"  t{k} [{plan[:50]}] {s[:160]}")
    print("TOTAL", tot_h, "of", tot_t)
