"""The runners never see the web: hotline/web/events.py reads Twilio's forms into typed events.

Every module under hotline/sms/, hotline/voice/, hotline/warm/ and hotline/crisis/ is parsed and
no import line may name Starlette (the web layer's library) or hotline.web; the webhook modules
of the lines, the staff legs and Twilio's status callbacks (web/sms.py, web/voice.py, web/warm.py,
web/bridge.py, web/conference.py, web/status.py) read no form field themselves. The one
exception is `hotline sms` (sms/terminal.py), a terminal client that signs its requests to the
app the way Twilio does, with the web layer's signer.
"""

from __future__ import annotations

import ast
from pathlib import Path

HOTLINE = Path(__file__).resolve().parents[1] / "hotline"
RUNNER_PACKAGES = ("sms", "voice", "warm", "crisis")
WEB = ("starlette", "hotline.web")
# Terminal clients of the app (they play Twilio's part), and what each may name of the web layer.
CLIENTS = {"sms/terminal.py": {"hotline.web.twilio_auth", "hotline.web.twilio_auth.sign"}}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def runner_modules() -> list[Path]:
    return sorted(path for package in RUNNER_PACKAGES for path in (HOTLINE / package).rglob("*.py"))


def _is_web(name: str) -> bool:
    return any(name == web or name.startswith(web + ".") for web in WEB)


def test_every_runner_package_is_covered() -> None:
    found = {path.relative_to(HOTLINE).as_posix() for path in runner_modules()}
    assert {"sms/runner.py", "voice/runner.py", "warm/calls.py", "crisis/cases.py"} <= found


def test_no_runner_imports_starlette_or_the_web_layer() -> None:
    offenders = {
        name: sorted(n for n in imported(path) if _is_web(n) and n not in CLIENTS.get(name, ()))
        for path in runner_modules()
        for name in [path.relative_to(HOTLINE).as_posix()]
    }
    assert {path: names for path, names in offenders.items() if names} == {}


# The Twilio webhooks of the lines and the staff legs: each hands its form to web/events.py.
WEBHOOKS = (
    "web/sms.py",
    "web/voice.py",
    "web/warm.py",
    "web/bridge.py",
    "web/conference.py",
    "web/status.py",
)


def reads_form_fields(path: Path) -> list[str]:
    """The `form.get("X")` / `form["X"]` reads in a module."""
    reads = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target, name = node.func.value, node.func.attr
            if isinstance(target, ast.Name) and target.id == "form" and name == "get":
                reads.append(ast.unparse(node))
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "form":
            reads.append(ast.unparse(node))
    return reads


def test_the_webhooks_read_their_forms_through_events() -> None:
    assert {name: reads_form_fields(HOTLINE / name) for name in WEBHOOKS} == {
        name: [] for name in WEBHOOKS
    }
    assert reads_form_fields(HOTLINE / "web" / "events.py") != []


def test_the_check_sees_an_import_of_starlette(tmp_path: Path) -> None:
    module = tmp_path / "runner.py"
    module.write_text(
        "from starlette.datastructures import FormData\nimport hotline.web.app\n", encoding="utf-8"
    )
    assert sorted(n for n in imported(module) if _is_web(n)) == [
        "hotline.web.app",
        "starlette.datastructures",
        "starlette.datastructures.FormData",
    ]
