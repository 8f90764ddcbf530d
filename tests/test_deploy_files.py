"""The deployment files: compose checked against the Compose Specification's own JSON schema
(vendored in tests/data/compose-spec), .env.example naming every setting, the Dockerfile's
healthcheck, and the licence."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from hotline.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests/data/compose-spec/compose-spec.json"
APP_SERVICES = ("web", "worker", "scheduler")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)  # the draft its $schema names
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_compose())]
    assert errors == []


def test_a_broken_compose_file_would_be_caught() -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = _compose()
    broken["services"]["web"]["depends_on"]["migrate"]["condition"] = "whenever"
    broken["services"]["web"]["healthcheck"]["retries"] = "three"
    validator = jsonschema.Draft201909Validator(schema)  # the draft its $schema names
    assert len(list(validator.iter_errors(broken))) >= 2


def test_processes_wait_for_migrations_and_healthy_services_and_restart() -> None:
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert service["depends_on"]["redis"] == {"condition": "service_healthy"}
        assert service["restart"] == "unless-stopped"
    assert services["migrate"]["command"] == ["hotline", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for name in ("worker", "scheduler"):  # no web server in them to answer the image's check
        assert services[name]["healthcheck"] == {"disable": True}
    for name in ("migrate", *APP_SERVICES):  # each command is one the CLI knows
        _parser().parse_args(services[name]["command"][1:])


def test_secrets_come_from_env_and_the_public_url_is_required() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    web = _compose()["services"]["web"]
    assert web["env_file"] == ".env"
    assert web["environment"]["HOTLINE_PUBLIC_URL"].startswith("${HOTLINE_PUBLIC_URL:?")
    assert (
        "${POSTGRES_PASSWORD:?"
        in _compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    )
    assert not re.search(r"://hotline:hotline@|POSTGRES_PASSWORD: hotline", text)


def test_env_example_names_every_setting_the_line_reads() -> None:
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    read = set()
    for path in (ROOT / "hotline").rglob("*.py"):
        read |= set(re.findall(r"\"((?:HOTLINE|TWILIO)_[A-Z_]+)\"", path.read_text()))
    assert read, "no settings found in the code"
    assert read - named == set()
    assert "POSTGRES_PASSWORD" in named


def test_dockerfile_checks_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^HEALTHCHECK .*\\\n.*/healthz", dockerfile, re.MULTILINE)


def test_licence_is_mit() -> None:
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in licence
