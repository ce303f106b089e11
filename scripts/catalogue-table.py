#!/usr/bin/python3
"""Prints the indicator catalogue (data/indicators/catalogue.toml) as the Markdown tables of
docs/indicators.md ("## The catalogue"): indicators, derived quantities, parameters and peer
groups.

Usage: scripts/catalogue-table.py [catalogue.toml]
"""

import pathlib
import sys
import tomllib

UNITS = {"fraction": "%", "count": "#", "usd": "USD", "multiple": "x", "number": "number"}


def cell(text) -> str:
    """A table cell: pipes escaped, no line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    return "`" + cell(text) + "`"


def number(value) -> str:
    """2e6, 15e6, 1e-9, 0.2, 5: as a person would write the thresholds."""
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value / 1e6:g}e6"
    if isinstance(value, float) and 0 < abs(value) < 1e-3:
        return f"{value:g}".replace("e-0", "e-")
    return f"{value:g}" if isinstance(value, float) else str(value)


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data/indicators/catalogue.toml"
    with open(path, "rb") as handle:
        catalogue = tomllib.load(handle)

    out = []
    out.append("| id | name | formula | unit | aggregate | source [evidence] |")
    out.append("|---|---|---|---|---|---|")
    for ind in catalogue.get("indicator", []):
        aggregate = ", ".join(ind.get("aggregate", []))
        if "bwm" in ind.get("aggregate", []):
            aggregate += f" (weight `{ind.get('weight', 'active_borrowers')}`)"
        out.append(
            f"| {ind['id']} | {cell(ind['name']['en'])} | {code(ind['formula'])} "
            f"| {UNITS.get(ind['unit'], ind['unit'])} | {aggregate} "
            f"| {cell(ind.get('source', ''))} [{ind.get('evidence', '')}] |")

    out.append("")
    out.append("Derived quantities (the adjustments of FIN-02, FIN-04, FIN-06, FIN-07):")
    out.append("")
    out.append("| name | formula | description |")
    out.append("|---|---|---|")
    for derived in catalogue.get("derived", []):
        out.append(f"| `{derived['name']}` | {code(derived['formula'])} "
                   f"| {cell(derived.get('description', ''))} |")

    out.append("")
    out.append("Parameters (a report's `[parameters]` overrides them):")
    out.append("")
    out.append("| parameter | value |")
    out.append("|---|---|")
    for name, value in catalogue.get("parameters", {}).items():
        out.append(f"| `{name}` | {number(value)} |")

    out.append("")
    out.append("Peer groups (groupings `peer:<name>`):")
    out.append("")
    out.append("| name | label | value | bands |")
    out.append("|---|---|---|---|")
    for group in catalogue.get("peer_group", []):
        bands = []
        lower = None
        for band in group["bands"]:
            below = band.get("below")
            if below is None:
                bands.append(f"{band['label']} (>= {number(lower)})" if lower is not None
                             else band["label"])
            else:
                bands.append(f"{band['label']} (< {number(below)})")
                lower = below
        text = "; ".join(bands)
        if group.get("by"):
            overrides = "; ".join(
                f"{key}: " + " / ".join(number(v) for v in values)
                for key, values in group.get("thresholds", {}).items())
            text += f". Thresholds by `{group['by']}`" + (f": {overrides}" if overrides else "")
        out.append(f"| `{group['name']}` | {cell(group['label']['en'])} "
                   f"| {code(group['value'])} | {cell(text)} |")

    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
