"""Named points where the crash tests kill the process (like a database's failpoints).

With RGPT_FAILPOINT="name:n" in the environment, the n-th time the code passes the
point `name` the process dies at once with SIGKILL. Without it, `hit` does nothing
but one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_spec = os.environ.get("RGPT_FAILPOINT", "")
_target, _, _count = _spec.partition(":")
_remaining = int(_count or 1) if _target else 0


def hit(name: str) -> None:
    global _remaining
    if not _target or name != _target:
        return
    _remaining -= 1
    if _remaining <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
