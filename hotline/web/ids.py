"""Ids in URLs: ASCII digits that fit a 64-bit column, so a 20-digit id is a 404, not a 500."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

# The name routes write in a path: "/cases/{case_id:id}".
ID = "id"
MAX_ID = 2**63 - 1


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 0 <= value <= MAX_ID:
            raise ValueError("id out of range")
        return str(value)


register_url_convertor(ID, IdConvertor())
