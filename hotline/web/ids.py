"""Ids in URLs: ASCII digits that fit the id columns, so a 20-digit id is a 404, not a 500."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

# The name routes write in a path: "/cases/{case_id:id}".
ID = "id"
# Ids are PostgreSQL INTEGER (32-bit): nine digits always fit, ten may not.
MAX_ID = 10**9 - 1


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 0 <= value <= MAX_ID:
            raise ValueError("id out of range")
        return str(value)


register_url_convertor(ID, IdConvertor())
