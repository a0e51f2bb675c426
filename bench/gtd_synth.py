"""A deterministic synthetic GTD-format CSV, for benchmarks at the size of the real database.

Usage: python bench/gtd_synth.py [--rows 200000] [--seed 7] [-o synth.csv]

The real GTD cannot be downloaded here, so this writes a file with its exact 134 columns
and its shape: group sizes skewed like a Zipf law over a few thousand names (a few groups
have thousands of incidents, most have a handful), about 40% "Unknown" perpetrators, a
few real group names (so linking to curated entities is exercised), unknown days and
months, suspected perpetrators, multi-group incidents, claims with their mode, unknown
tolls. The same seed gives the same bytes. The rows are synthetic, not GTD data.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.gtd.columns import COLUMNS  # noqa: E402

REAL_GROUPS = ["Taliban", "Khorasan Chapter of the Islamic State", "Islamic State of Iraq and the Levant (ISIL)",
               "Tehrik-i-Taliban Pakistan (TTP)", "Al-Qaida in the Arabian Peninsula (AQAP)", "Al-Nusrah Front",
               "Al-Qaida", "Khorasan jihadi group"]
COUNTRIES = ["Afghanistan", "Pakistan", "Iraq", "Syria", "Iran", "Yemen", "Somalia", "Nigeria", "India", "Russia",
             "Turkey", "Egypt", "Libya", "Mali", "Philippines", "Colombia", "Thailand", "Lebanon", "Israel",
             "Algeria", "Sudan", "Kenya", "Cameroon", "Niger", "Burkina Faso", "Ukraine", "United Kingdom",
             "France", "United States", "Bangladesh"]
ATTACKS = ["Bombing/Explosion", "Armed Assault", "Assassination", "Hostage Taking (Kidnapping)",
           "Facility/Infrastructure Attack", "Unknown", "Unarmed Assault", "Hijacking"]
TARGETS = ["Private Citizens & Property", "Military", "Police", "Government (General)", "Business",
           "Religious Figures/Institutions", "Educational Institution", "Transportation"]
MODES = ["Posted to website, blog, etc.", "Personal claim", "Video", "Note left at scene", "Letter",
         "Call (pre-incident)", "Unknown"]


def _groups(rng: random.Random, count: int) -> tuple[list[str], list[float]]:
    syllables = ["al", "ja", "mu", "ha", "din", "ra", "sha", "ba", "ka", "tan", "ist", "ur", "ne", "zo", "qi"]
    names = list(REAL_GROUPS)
    while len(names) < count:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
        kind = rng.choice(["Front", "Brigade", "Movement", "Army", "Militia", "Liberation Front", "Group"])
        name = f"{word} {kind}"
        if name not in names:
            names.append(name)
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(names))]  # Zipf-like: a few large, a long tail
    return names, weights


def rows(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` synthetic rows as dicts keyed by GTD column."""
    rng = random.Random(seed)
    names, weights = _groups(rng, 3000)
    provinces = {c: [f"{c} Province {i}" for i in range(1, rng.randint(4, 12))] for c in COUNTRIES}
    out = []
    serial: dict[str, int] = {}
    for _ in range(count):
        year = rng.randint(1970, 2021)
        month = 0 if rng.random() < 0.01 else rng.randint(1, 12)
        day = 0 if month == 0 or rng.random() < 0.05 else rng.randint(1, 28)
        key = f"{year:04d}{month:02d}{day:02d}"
        serial[key] = serial.get(key, 0) + 1
        country = rng.choice(COUNTRIES)
        province = rng.choice(provinces[country])
        unknown = rng.random() < 0.4
        group = "Unknown" if unknown else rng.choices(names, weights)[0]
        row: dict[str, object] = {
            "eventid": f"{key}{serial[key]:04d}", "iyear": year, "imonth": month, "iday": day,
            "approxdate": f"circa {year}" if month == 0 else "", "country_txt": country, "provstate": province,
            "city": "Unknown" if rng.random() < 0.1 else f"{province} City {rng.randint(1, 20)}",
            "specificity": rng.randint(1, 5), "success": int(rng.random() < 0.9),
            "attacktype1_txt": rng.choice(ATTACKS), "targtype1_txt": rng.choice(TARGETS),
            "target1": f"Target {rng.randint(1, 9999)}", "gname": group, "dbsource": "SYNTHETIC",
            "nkill": "" if rng.random() < 0.05 else int(rng.expovariate(0.4)),
            "nwound": "" if rng.random() < 0.08 else int(rng.expovariate(0.3)),
        }
        if rng.random() < 0.7:
            row["latitude"] = round(rng.uniform(-40, 60), 6)
            row["longitude"] = round(rng.uniform(-100, 120), 6)
        if not unknown:
            row["guncertain1"] = int(rng.random() < 0.1)
            claimed = rng.random()
            row["claimed"] = 1 if claimed < 0.15 else (-9 if claimed > 0.9 else 0)
            if row["claimed"] == 1:
                row["claimmode_txt"] = rng.choice(MODES)
            if rng.random() < 0.03:  # two groups, sometimes three (gname2/gname3 in the codebook)
                for n in (2, 3) if rng.random() < 0.2 else (2,):
                    other = rng.choices(names, weights)[0]
                    if other in (row["gname"], row.get("gname2")):
                        break
                    row[f"gname{n}"] = other
                    row[f"guncertain{n}"] = int(rng.random() < 0.3)
                    row[f"claim{n}"] = int(rng.random() < 0.1)
                    if row[f"claim{n}"]:
                        row[f"claimmode{n}_txt"] = rng.choice(MODES)
                row["compclaim"] = int(rng.random() < 0.2)
        out.append(row)
    return out


def write(count: int, seed: int) -> bytes:
    """The CSV's bytes."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(count, seed))
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, default=Path("synth.csv"))
    args = parser.parse_args()
    args.output.write_bytes(write(args.rows, args.seed))
    print(f"wrote {args.output}: {args.rows} rows, seed {args.seed}")


if __name__ == "__main__":
    main()
