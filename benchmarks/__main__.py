"""python -m benchmarks [--quick] [--json FILE] [--write-docs [PATH]] [--only SUITES] [--from-json FILE]"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import SUITES, common
from .report import print_report, write_docs


def _run_suite(name: str, quick: bool, log) -> dict:
    if name == "startup":
        from . import startup

        return startup.run(repeats=1 if quick else 3, log=log)
    if name == "overhead":
        from . import overhead

        if quick:
            return overhead.run(sizes=overhead.QUICK_SIZES, turns=overhead.QUICK_TURNS, log=log)
        return overhead.run(sizes=overhead.FULL_SIZES, turns=overhead.FULL_TURNS, log=log)
    if name == "prompt":
        from . import prompt

        return prompt.run(turns=300 if quick else 1000, log=log)
    if name == "recall":
        from . import recall

        return recall.run(n_paragraphs=200 if quick else 1000, n_facts=20 if quick else 50, log=log)
    if name == "tree":
        from . import tree

        return tree.run(nodes=1000, ops=10 if quick else 30, log=log)
    if name == "embedded":
        from . import embedded_model

        if quick:
            return embedded_model.run(turns=1, models=("embedded/smollm2",), log=log)
        return embedded_model.run(turns=20, log=log)
    raise ValueError(name)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="smaller story lengths and fewer turns (< 3 min idle)")
    p.add_argument("--json", metavar="FILE", help="write every measurement as JSON")
    p.add_argument("--write-docs", nargs="?", const="docs/benchmarks.md", metavar="PATH",
                   help="write the Markdown report (default docs/benchmarks.md)")
    p.add_argument("--only", metavar="SUITES", help=f"comma-separated subset of {','.join(SUITES)}")
    p.add_argument("--from-json", metavar="FILE", help="do not run: report (and --write-docs) from a JSON file")
    args = p.parse_args(argv)

    if args.from_json:
        data = json.loads(Path(args.from_json).read_text())
    else:
        wanted = [s.strip() for s in args.only.split(",")] if args.only else list(SUITES)
        bad = [s for s in wanted if s not in SUITES]
        if bad:
            p.error(f"unknown suite(s): {', '.join(bad)}; choose from {', '.join(SUITES)}")
        data = {"machine": common.machine(), "quick": args.quick, "command": "python -m benchmarks " + " ".join(
            sys.argv[1:] if argv is None else argv), "suites": {}}
        t_all = time.perf_counter()

        def log(msg):
            print(msg, file=sys.stderr, flush=True)

        for name in wanted:
            if name == "baselines":
                continue  # computed from the overhead suite's data
            log(f"[{name}]")
            t = time.perf_counter()
            try:
                res = _run_suite(name, args.quick, log)
            except Exception as exc:  # noqa: BLE001 - one broken suite must not hide the others
                import traceback

                traceback.print_exc()
                res = {"suite": name, "rows": [], "budgets": [], "notes": [f"failed: {type(exc).__name__}: {exc}"]}
            res["seconds"] = round(time.perf_counter() - t, 1)
            res["loadavg_after"] = common.loadavg()
            data["suites"][name] = res
            if name == "overhead" and "baselines" in res:
                data["suites"]["baselines"] = res.pop("baselines")
            log(f"[{name}] {res['seconds']} s")
        data["seconds"] = round(time.perf_counter() - t_all, 1)
        data["machine"]["loadavg_at_end"] = common.loadavg()
        data["machine"]["torch_threads"] = common.machine()["torch_threads"]
    print_report(data)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=1, default=str))
    if args.write_docs:
        write_docs(data, Path(args.write_docs))
        print(f"wrote {args.write_docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
