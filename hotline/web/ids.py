"""Ids in URLs: ASCII digits that fit the tables' integer keys, so a huge id is a 404, not a 500."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

# The name routes write in a path: "/cases/{case_id:id}".
ID = "id"
# Primary keys are INTEGER: 32 bits on PostgreSQL.
MAX_ID = 2**31 - 1
# No row has id 0 (keys start at 1), so an id too large for the column finds nothing.
NO_ROW = 0


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else NO_ROW

    def to_string(self, value: int) -> str:
        if not 0 <= value <= MAX_ID:
            raise ValueError("id out of range")
        return str(value)


register_url_convertor(ID, IdConvertor())
