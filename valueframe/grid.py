"""The 3x3 grid of performance variables (Rummler and Brache's nine variables, 九变量).

Columns are the three levels (organisation, process, job), rows the three dimensions
(goals, design, management). The cells - their names, definitions and examples in both
languages - are data in ``valueframe/data/grid.json``; this module loads and checks them.

A good frame "goes upward": job-level fixes contribute least, organisation-level ones most
(:func:`level_rank`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from valueframe.model import DIMENSIONS, LEVELS, LOCALES

# Higher rank contributes more value: job 1 < process 2 < organisation 3.
_LEVEL_RANK = {"job": 1, "process": 2, "organisation": 3}


@dataclass(frozen=True)
class Cell:
    """One cell of the grid. ``name`` and ``definition`` map locale -> text, ``examples``
    maps locale -> list of texts."""

    code: str
    level: str
    dimension: str
    name: dict
    definition: dict
    examples: dict


def code_of(level: str, dimension: str) -> str:
    return f"{level}.{dimension}"


def grid_codes() -> tuple[str, ...]:
    """The nine codes in grid order: rows goals/design/management, columns
    organisation/process/job."""
    return tuple(code_of(level, dimension) for dimension in DIMENSIONS for level in LEVELS)


@cache
def _cells() -> dict[str, Cell]:
    text = (resources.files("valueframe") / "data" / "grid.json").read_text(encoding="utf-8")
    loaded: dict[str, Cell] = {}
    for entry in json.loads(text)["cells"]:
        code = entry["code"]
        level, _, dimension = code.partition(".")
        if level not in LEVELS or dimension not in DIMENSIONS:
            raise ValueError(f"grid.json: {code!r} is not <level>.<dimension>")
        if code in loaded:
            raise ValueError(f"grid.json: cell {code!r} defined twice")
        for key in ("name", "definition", "examples"):
            missing = [locale for locale in LOCALES if not entry[key].get(locale)]
            if missing:
                raise ValueError(f"grid.json: cell {code!r} {key} lacks {missing}")
        loaded[code] = Cell(
            code=code,
            level=level,
            dimension=dimension,
            name=entry["name"],
            definition=entry["definition"],
            examples=entry["examples"],
        )
    missing_cells = set(grid_codes()) - set(loaded)
    if missing_cells:
        raise ValueError(f"grid.json lacks cells {sorted(missing_cells)}")
    return {code: loaded[code] for code in grid_codes()}


def cells() -> tuple[Cell, ...]:
    """The nine cells in grid order (row by row: goals, design, management; within a row
    organisation, process, job)."""
    return tuple(_cells().values())


def cell(code: str) -> Cell:
    """The cell ``"<level>.<dimension>"``; KeyError if there is no such cell."""
    try:
        return _cells()[code]
    except KeyError:
        raise KeyError(f"no grid cell {code!r}") from None


def level_rank(level: str) -> int:
    """How much a level contributes: job 1 < process 2 < organisation 3. KeyError if unknown."""
    try:
        return _LEVEL_RANK[level]
    except KeyError:
        raise KeyError(f"no level {level!r}") from None
