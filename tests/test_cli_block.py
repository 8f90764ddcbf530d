"""`hotline block`: an admin blocks and unblocks numbers and prefixes from a terminal."""

from __future__ import annotations

from sqlalchemy import Engine, select

from hotline.db import session_scope
from hotline.models import BlockedNumber
from tests.test_cli import hotline

NUMBER = "+15551239876"


def test_block_add_list_remove(database: Engine) -> None:
    added = hotline("block", "add", NUMBER, "--note", "billing abuse")
    assert added.returncode == 0, added.stderr
    assert hotline("block", "add", "+1900", "--prefix").returncode == 0
    listing = hotline("block", "list")
    assert listing.returncode == 0, listing.stderr
    assert "+1900" in listing.stdout and "billing abuse" in listing.stdout
    assert "5551239876" not in listing.stdout + added.stdout  # numbers are never shown
    with session_scope() as session:
        assert NUMBER not in list(session.scalars(select(BlockedNumber.value)))
    assert hotline("block", "remove", NUMBER).returncode == 0
    assert hotline("block", "remove", "+1900", "--prefix").returncode == 0
    assert hotline("block", "remove", "+1900", "--prefix").returncode == 1
    assert hotline("block", "list").stdout == ""


def test_block_refuses_what_is_not_a_number_or_prefix(database: Engine) -> None:
    result = hotline("block", "add", "not-a-number")
    assert result.returncode == 2 and "prefix" in result.stderr
    assert hotline("block", "add", "+19005550100", "--prefix").returncode == 2
