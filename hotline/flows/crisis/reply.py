"""The words a person in danger reads first: warm, short, and the right help for the danger.

The help depends on the kind of danger (``Danger``) and on where the member is: the numbers for
each country live in ``config/crisis.toml``, the words in the catalogs (``crisis.<danger>.<n>``).
Each kind has numbered wordings, the fullest first; the reply is the first wording whose numbers
the member's country has, so a country with only an emergency number still reads a sentence
that makes sense. The last wording of every kind needs no number at all. ``first_wording`` does
the same for any numbered set of wordings (``crisis.call_asked.<n>``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from hotline.flows.catalog import Catalog
from hotline.flows.crisis.cues import Danger

# country (ISO code, or "default") -> name -> value; a name may end in "_<language>" to
# override it in one language ("text_keyword_es").
Numbers = Mapping[str, Mapping[str, str]]
DEFAULT = "default"
MAX_WORDINGS = 9
_FORMATTER = string.Formatter()


def crisis_reply(
    *, danger: Danger, language: str, country: str, oncall: bool, texts: Catalog, numbers: Numbers
) -> str:
    """Return the reply for a kind of danger, in the catalog's language, for a country."""
    text = first_wording(
        f"crisis.{danger.value}", texts, country_values(numbers, country, language)
    )
    return text + (promise(danger, texts) if oncall else "")


def first_wording(prefix: str, texts: Catalog, values: Mapping[str, str]) -> str:
    """The first of the wordings ``<prefix>.1``, ``.2``... whose names `values` all has, filled."""
    for n in range(1, MAX_WORDINGS + 1):
        key = f"{prefix}.{n}"
        if not texts.has(key):
            break
        template = texts.t(key)
        if fields(template) <= values.keys():
            return template.format(**values)
    raise KeyError(f"no usable {prefix} wording in catalog {texts.language!r}")


def promise(danger: Danger, texts: Catalog) -> str:
    """What the reply promises when someone can be paged: a danger's own words if it has them.

    Violence from someone else never gets "we are alerting someone": on a shared phone an
    unexpected call can put the person in danger, so they are asked to reply CALL when a call
    is safe (``hotline.crisis.cases.member_asks_call`` does what that promises).
    """
    own = f"crisis.oncall_{danger.value}"
    return texts.t(own) if texts.has(own) else texts.t("crisis.oncall")


def country_values(numbers: Numbers, country: str, language: str) -> dict[str, str]:
    """The numbers of a country (the default's when it has none), language overrides applied."""
    entry = numbers.get(country.upper()) or numbers.get(DEFAULT, {})
    suffix = f"_{language}"
    values = {name: value for name, value in entry.items() if not _is_override(name)}
    values.update({n.removesuffix(suffix): v for n, v in entry.items() if n.endswith(suffix)})
    return values


def dial_number(numbers: Numbers, country: str, danger: Danger) -> str | None:
    """The line a caller in this danger is connected to, when the country names one."""
    entry = numbers.get(country.upper()) or {}
    return entry.get(f"dial_{danger.value}")


def fields(template: str) -> set[str]:
    """The names a wording needs: "Call {emergency} now" -> {"emergency"}."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _is_override(name: str) -> bool:
    head, _, tail = name.rpartition("_")
    return bool(head) and len(tail) == 2 and tail.isalpha()
