"""Suite 1: from launch to a title screen that takes input, and what each heavy import costs.

- terminal: the real `rgpt-fiction` console script in a pseudo-terminal (80x24); the clock
  runs from spawning it to the title's menu text appearing on the terminal, then from
  pressing `n` to the world picker being drawn (input is taken).
- pilot: the app under Textual's pilot in a fresh interpreter; from spawning the
  interpreter to `RgptApp.title_shown_at` (recorded by the title screen after its first
  paint), with the heavy modules already imported at that moment (`heavy_at_title`).
- imports: each heavy module imported alone in a fresh interpreter (litellm with
  LITELLM_LOCAL_MODEL_COST_MAP=True), and `python -X importtime -c "import rgpt_fiction.cli"`.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from . import common

HEAVY = ("litellm", "torch", "sentence_transformers", "lancedb", "llama_cpp", "pyarrow", "textual",
         "rgpt_fiction.ui.app", "rgpt_fiction.cli")
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update({"RGPT_CONFIG": str(tmp / "settings.toml"), "RGPT_SAVES_DIR": str(tmp / "saves"),
                "LITELLM_LOCAL_MODEL_COST_MAP": "True", "HF_HUB_OFFLINE": "1", "TERM": "xterm-256color",
                "COLUMNS": "100", "LINES": "30"})
    env.pop("RGPT_MODEL", None)
    return env


def _script() -> str:
    exe = Path(sys.executable).parent / "rgpt-fiction"
    return str(exe) if exe.exists() else ""


def terminal(timeout: float = 30.0) -> dict:
    """Launch the console script in a pty; time to the title menu, then to the world picker after `n`."""
    import pty
    import signal
    import struct
    import fcntl
    import termios

    exe = _script()
    if not exe:
        return {"available": False, "why": "no rgpt-fiction console script next to this Python"}
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-start-") as tmp:
        tmp = Path(tmp)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        t0 = time.perf_counter()
        proc = subprocess.Popen([exe], stdin=slave, stdout=slave, stderr=slave, env=_env(tmp), cwd=tmp,
                                start_new_session=True, close_fds=True)
        os.close(slave)
        buf = b""
        out: dict = {"available": True}

        def wait_for(needle: bytes, limit: float) -> float | None:
            nonlocal buf
            end = time.perf_counter() + limit
            while time.perf_counter() < end:
                r, _, _ = select.select([master], [], [], 0.02)
                if r:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        return None
                    if not chunk:
                        return None
                    buf += chunk
                    if needle in ANSI.sub(b"", buf):
                        return time.perf_counter()
                if proc.poll() is not None:
                    return None
            return None

        try:
            seen = wait_for(b"ew game", timeout)
            if seen is None:
                out.update(available=False, why="the title menu did not appear",
                           tail=ANSI.sub(b"", buf)[-400:].decode("utf-8", "replace"))
                return out
            out["launch_to_title_ms"] = round((seen - t0) * 1000, 1)
            buf = b""
            t1 = time.perf_counter()
            os.write(master, b"n")
            picked = wait_for(b"Choose a world", 10.0)
            out["key_to_screen_ms"] = round((picked - t1) * 1000, 1) if picked else None
        finally:
            try:
                os.write(master, b"\x11")  # ctrl+q
                proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(5)
            os.close(master)
        return out


PILOT = textwrap.dedent("""
    import asyncio, json, sys, time
    t_python = time.time()
    from rgpt_fiction.config import Settings
    from rgpt_fiction.ui.app import RgptApp
    t_import = time.time()

    async def main():
        app = RgptApp(Settings(model="scripted"), saves_dir=sys.argv[1])
        async with app.run_test(size=(100, 30)) as pilot:
            while app.title_shown_at is None:
                await pilot.pause(0.005)
            t_title = time.time()
            heavy = list(app.heavy_at_title or [])
            t = time.perf_counter()
            await pilot.press("n")
            while type(app.screen).__name__ != "WorldsScreen":
                await pilot.pause(0.005)
            key_ms = (time.perf_counter() - t) * 1000
            await app.action_quit()
        print(json.dumps({"t_python": t_python, "t_import": t_import, "t_title": t_title,
                          "heavy_at_title": heavy, "key_to_screen_ms": key_ms}))

    asyncio.run(main())
""")


def pilot(timeout: float = 60.0) -> dict:
    try:
        import importlib.util

        if importlib.util.find_spec("rgpt_fiction.ui.app") is None:
            return {"available": False, "why": "rgpt_fiction.ui.app is not importable"}
    except ImportError as exc:
        return {"available": False, "why": str(exc)}
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-pilot-") as tmp:
        t0 = time.time()
        p = subprocess.run([sys.executable, "-c", PILOT, str(Path(tmp) / "saves")], capture_output=True, text=True,
                           env=_env(Path(tmp)), timeout=timeout, cwd=tmp)
    if p.returncode != 0:
        return {"available": False, "why": (p.stderr or p.stdout)[-600:]}
    d = json.loads(p.stdout.strip().splitlines()[-1])
    return {
        "available": True,
        "launch_to_title_ms": round((d["t_title"] - t0) * 1000, 1),
        "interpreter_ms": round((d["t_python"] - t0) * 1000, 1),
        "import_app_ms": round((d["t_import"] - d["t_python"]) * 1000, 1),
        "mount_to_title_ms": round((d["t_title"] - d["t_import"]) * 1000, 1),
        "heavy_at_title": d["heavy_at_title"],
        "key_to_screen_ms": round(d["key_to_screen_ms"], 1),
    }


def import_cost(module: str, repeats: int = 1) -> dict:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times, err = [], ""
    for _ in range(repeats):
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "HF_HUB_OFFLINE": "1"})
        if p.returncode != 0:
            err = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
            break
        times.append(float(p.stdout.strip().splitlines()[-1]) * 1000)
    if not times:
        return {"module": module, "ms": None, "error": err}
    return {"module": module, "ms": common.median(times), "runs": len(times)}


def importtime_cli() -> dict:
    p = subprocess.run([sys.executable, "-X", "importtime", "-c", "import rgpt_fiction.cli"], capture_output=True,
                       text=True, timeout=120, env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"})
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(.+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4).strip()))
    total = next((c for s, c, d, name in rows if name == "rgpt_fiction.cli"), None)
    top_level = sorted(((c, name) for s, c, d, name in rows if d == 0), reverse=True)[:8]
    names = {name.split(".")[0] for *_x, name in rows}
    return {
        "cli_cumulative_ms": round(total / 1000, 1) if total else None,
        "top_level_ms": [{"module": n, "ms": round(c / 1000, 1)} for c, n in top_level],
        "heavy_imported": sorted(names & {"litellm", "torch", "sentence_transformers", "lancedb", "llama_cpp",
                                          "pyarrow", "textual"}),
        "modules": len(rows),
    }


def run(repeats: int = 1, modules=HEAVY, log=print) -> dict:
    out = {"suite": "startup", "config": {"repeats": repeats}, "notes": []}
    log("  startup: terminal launch ...")
    term = [terminal() for _ in range(repeats)]
    log("  startup: pilot ...")
    pil = [pilot() for _ in range(repeats)]
    out["terminal"] = term[-1] if not all(t.get("available") for t in term) else {
        "available": True,
        "launch_to_title_ms": common.median([t["launch_to_title_ms"] for t in term]),
        "key_to_screen_ms": common.median([t.get("key_to_screen_ms") for t in term]),
        "runs_ms": [t["launch_to_title_ms"] for t in term],
    }
    out["pilot"] = pil[-1] if not all(p.get("available") for p in pil) else {
        **pil[-1], "launch_to_title_ms": common.median([p["launch_to_title_ms"] for p in pil]),
        "runs_ms": [p["launch_to_title_ms"] for p in pil],
    }
    log("  startup: imports ...")
    out["python_bare_ms"] = _bare(repeats)
    out["imports"] = [import_cost(m, repeats) for m in modules]
    out["importtime_cli"] = importtime_cli()
    rows = [{"measure": "terminal: launch -> title menu drawn", "ms": out["terminal"].get("launch_to_title_ms")},
            {"measure": "terminal: key 'n' -> world picker drawn", "ms": out["terminal"].get("key_to_screen_ms")},
            {"measure": "pilot: launch -> title_shown_at", "ms": out["pilot"].get("launch_to_title_ms")},
            {"measure": "python -c pass", "ms": out["python_bare_ms"]}]
    rows += [{"measure": f"import {i['module']}", "ms": i["ms"]} for i in out["imports"]]
    out["rows"] = rows
    t = out["terminal"].get("launch_to_title_ms") or out["pilot"].get("launch_to_title_ms")
    heavy = out["pilot"].get("heavy_at_title")
    out["budgets"] = [common.budget(
        "title screen interactive after launch", "< 1000 ms",
        "not available" if t is None else
        f"{t} ms in a terminal (pilot: {out['pilot'].get('launch_to_title_ms')} ms); heavy modules loaded at the title: "
        f"{heavy if heavy is not None else '?'}; key -> next screen {out['terminal'].get('key_to_screen_ms')} ms",
        None if t is None else t < 1000,
        f"median of {repeats} launch(es) of the rgpt-fiction script in a pty, to the menu text on the terminal",
    )]
    return out


def _bare(repeats: int) -> float | None:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        times.append((time.perf_counter() - t) * 1000)
    return common.median(times)
