"""Turn 24 of the lowtide 30-turn play (h15): the update's second call resampled with its note as it is
(naming the plans to avoid) and with a note that names none and shows other example verbs. Counts the plans
not played before on the path and not among those named."""
import asyncio
import copy
import json
import re
import subprocess
import sys
from rgpt_fiction.config import Settings
from rgpt_fiction.factory import make_model
from rgpt_fiction.engine.prompts import update_schema, plan_verbs
from rgpt_fiction.engine.text import normalize
saves, slot, turn, n = "/work/exp/h15/saves", "qwen-lowtide", 24, int(sys.argv[1])
rec = json.loads(subprocess.run(["rgpt-fiction", "--saves-dir", saves, "inspect", slot, "--turn", str(turn), "--json"],
                                capture_output=True, text=True, check=True).stdout)["record"]
s = json.loads(subprocess.run(["rgpt-fiction", "--saves-dir", saves, "export", slot, "--format", "json"],
                              capture_output=True, text=True, check=True).stdout)
by = {x["id"]: x for x in s["nodes"]}
path = [by[i] for i in s["path"]]
played = {normalize(x["plan"]) for x in path[:turn + 1] if x.get("plan")}
model = make_model(Settings(model="embedded/qwen-1.5b"))
second = rec["calls"][2]["messages"]
note_at = second[-1]["content"].index("Your last answer was not usable")
named = {normalize(p) for p in re.findall(r'"([^"]+)"', second[-1]["content"][note_at:])}
def variant(kind):
    m = copy.deepcopy(second)
    c = m[-1]["content"]
    if kind == "nolist":
        c = c[:note_at] + ("Your last answer was not usable (too few new plans). Give what happened and exactly 5 different "
                           "plans, each a thing the reader has not done yet in this story.")
        c = c.replace(f"(such as {plan_verbs(turn)})", f"(such as {plan_verbs(turn + 1)})")
    m[-1]["content"] = c
    return m
async def one(m):
    text = ""
    async for item in model.stream(m, max_tokens=400, temperature=0.8, json_schema=update_schema(5)):
        if isinstance(item, str):
            text += item
    return json.loads(text)["plans"]
async def main():
    for kind in ("named", "nolist"):
        m = variant(kind)
        tot = 0
        for i in range(n):
            plans = await one(m)
            new = [p for p in plans if normalize(p) not in played and normalize(p) not in named]
            tot += len(new)
            print(kind, i, len(new), plans, flush=True)
        print(kind, "mean new plans", tot / n, flush=True)
asyncio.run(main())
