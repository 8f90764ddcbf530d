"""Every module under hotline/flows/ is pure: importing all of them loads no I/O library.

ruff's TID251 (pyproject.toml) refuses the import lines; this proves the same at run time, so a
flow cannot reach the database, Redis, a queue, Twilio or the web through another hotline module.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import hotline.flows

IO_LIBRARIES = {"sqlalchemy", "redis", "rq", "twilio", "starlette", "httpx", "requests"}

PROBE = """
import importlib, json, sys
names = json.loads(sys.argv[1])
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def flow_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(hotline.flows.__path__, "hotline.flows."))


def test_every_flow_module_is_covered() -> None:
    names = flow_modules()
    assert len(names) >= 19
    assert "hotline.flows.schedule" in names


def test_importing_every_flow_loads_no_io_library_and_no_other_hotline_module() -> None:
    names = flow_modules()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    io = sorted(name for name in loaded if name.split(".")[0] in IO_LIBRARIES)
    assert io == [], f"a flow loads {io}"
    outside = sorted(
        name
        for name in loaded
        if name.startswith("hotline.") and not name.startswith("hotline.flows")
    )
    assert outside == [], f"a flow loads {outside}"
