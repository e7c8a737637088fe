"""The gateway's request and response shapes: validated at the edge and the source of the OpenAPI document."""
from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from services.pipeline.layout import THUMB_SIZES

MAX_QUERY = 1000  # characters of a search query
MAX_CURSOR = 200  # characters of a cursor
MAX_PAGE = 200
SHARE_MAX_PHOTOS = 1000

PhotoId = Annotated[str, Field(min_length=1, max_length=128)]
Cursor = Annotated[str, Field(default="", max_length=MAX_CURSOR)]


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


# -- request bodies ---------------------------------------------------------------------------------

class LoginBody(Model):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class PasswordBody(Model):
    current: str = Field(max_length=1000)
    new: str = Field(max_length=1000)


class KeyBody(Model):
    label: str = Field("script", max_length=100)
    read_only: StrictBool = False
    days: float | None = Field(None, ge=1, le=3650, description="the key stops working after these days")


class ShareBody(Model):
    ids: list[PhotoId] | None = Field(None, min_length=1, max_length=SHARE_MAX_PHOTOS)
    query: str = Field("", max_length=MAX_QUERY)
    hours: float = Field(72, gt=0, le=24 * 365)
    hide_meta: StrictBool = Field(False, description="recipients see neither place nor date")


class AddUserBody(Model):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(max_length=1000)
    roots: list[Annotated[str, Field(max_length=4096)]] = Field(min_length=1, max_length=100,
                                                                 description="absolute folders")
    admin: StrictBool = False


# -- query strings ----------------------------------------------------------------------------------

class PageQuery(Model):
    cursor: Cursor
    limit: int = Field(60, ge=1, le=MAX_PAGE)


class SearchQuery(PageQuery):
    q: str = Field("", max_length=MAX_QUERY)
    explain: bool = False


class OnThisDayQuery(Model):
    date: datetime.date | None = Field(None, description="your today (YYYY-MM-DD); the server's if not given")
    limit: int = Field(30, ge=1, le=MAX_PAGE)


class UploadQuery(Model):
    folder: str = Field("uploads", max_length=1000, description="the folder inside your media folder to put them in")
    root: int = Field(0, ge=0, le=1000, description="which of your media folders (0: the first)")


class SuggestQuery(Model):
    q: str = Field("", max_length=100)


class OriginalQuery(Model):
    download: bool = Field(False, description="save it under its own file name instead of showing it")


class ThumbQuery(Model):
    size: int = Field(THUMB_SIZES[0], json_schema_extra={"enum": list(THUMB_SIZES)})

    @field_validator("size")
    @classmethod
    def _known_size(cls, size: int) -> int:
        if size not in THUMB_SIZES:
            raise ValueError(f"size must be one of {list(THUMB_SIZES)}")
        return size


# -- responses --------------------------------------------------------------------------------------

class Open(BaseModel):
    """A response shape whose named fields are promised; more may come (fields are added, never dropped)."""

    model_config = ConfigDict(extra="allow")


class Error(BaseModel):
    error: str


class Ok(BaseModel):
    ok: bool


class UserOut(BaseModel):
    name: str
    roots: list[str]
    admin: bool


class UserList(BaseModel):
    items: list[UserOut]


class Me(BaseModel):
    user: UserOut
    csrf: str


class Csrf(BaseModel):
    csrf: str


class KeyOut(BaseModel):
    id: str
    label: str
    created: float
    expires: float | None
    read_only: bool


class KeyCreated(KeyOut):
    key: str


class KeyList(BaseModel):
    items: list[KeyOut]


class SessionOut(BaseModel):
    id: str
    created: float
    expires: float
    current: bool


class SessionList(BaseModel):
    items: list[SessionOut]


class PhotoItem(BaseModel):
    id: str
    path: str
    taken: str | None
    width: int
    height: int
    thumb: str
    place: str | None
    month: str | None = Field(None, description="YYYY-MM of its date (taken, else the file's), in photo lists")
    favorite: bool | None = Field(None, description="one of your favourites (in photo lists)")
    rating: int | None = Field(None, description="0-5 stars: yours, else the file's XMP rating (in photo lists)")
    rated_by: str | None = Field(None, description="'you' or 'file': whose rating it is")


class OnThisDayItem(PhotoItem):
    year: int
    years_ago: int


class OnThisDay(BaseModel):
    date: str
    total: int = Field(description="your photos taken on this day in earlier years (items: the newest of them)")
    items: list[OnThisDayItem]


class Indexing(BaseModel):
    outcome: str = Field(description="what ingest made of it (new, duplicate, failed…), or queued for the watcher")
    id: str
    reason: str


class UploadedFile(BaseModel):
    name: str
    path: str
    bytes: int
    indexing: Indexing


class UploadSettings(BaseModel):
    roots: list[str] = Field(description="your media folders (root=0 is the first)")
    folder: str = Field(description="the folder uploads go to unless you name one")
    max_mb: int = Field(description="the largest upload, in MB")
    extensions: list[str] = Field(description="the kinds of file picsift reads")


class Uploaded(BaseModel):
    folder: str
    files: list[UploadedFile]


class PhotoPage(BaseModel):
    items: list[PhotoItem]
    next_cursor: str | None


class PhotoDetail(Open):
    id: str
    path: str
    paths: list[str]
    status: dict[str, str]
    terms: list[dict[str, Any]]


class Hit(Open):
    id: str
    path: str
    score: float
    matched: list[Any]
    thumb: str


class SearchOut(BaseModel):
    total: int
    partial: bool
    hits: list[Hit]
    facets: dict[str, Any]
    next_cursor: str | None


class Suggestions(BaseModel):
    items: list[dict[str, Any]]


class ShareCreated(BaseModel):
    id: str
    token: str
    url: str
    photos: int


class ShareOut(Open):
    id: str
    query: str
    expires: float


class ShareList(BaseModel):
    items: list[ShareOut]


class Shared(BaseModel):
    query: str
    expires: float
    items: list[PhotoItem]


class Status(BaseModel):
    photos: int
    stages: dict[str, dict[str, Any]]
    failed_files: int


class FailedFiles(BaseModel):
    files: list[dict[str, Any]]
    photos: list[dict[str, Any]] = Field(description="photos one of whose analysis stages failed, with the reason")


class RetryBody(Model):
    paths: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(min_length=1, max_length=1000)


class Retried(BaseModel):
    items: list[dict[str, Any]] = Field(description="per path: what ingest made of it now (outcome, id, reason)")


class OpsView(BaseModel):
    indexed: dict[str, Any] = Field(description="photos that came in per hour or day: {bucket, points: [{at, count}]}")
    stages: dict[str, dict[str, Any]] = Field(description="per stage: done, waiting, failed, rate, queued")
    messages: dict[str, dict[str, float]] = Field(description="this process's stage metrics: messages by outcome, "
                                                              "mean seconds")
    failures: list[dict[str, Any]] = Field(description="failed files and stages by reason, most first")
    facets: dict[str, list[dict[str, Any]]] = Field(description="photos by camera, country and year (the index's)")


class NameBody(Model):
    name: str = Field(max_length=200, description="the person's name; one already in use merges the two")


class MergeBody(Model):
    into: int = Field(gt=0, lt=2**62, description="the person this one becomes part of")


class PersonName(BaseModel):
    id: int
    name: str | None


class PersonOut(PersonName):
    faces: int
    photos: int


class People(BaseModel):
    people: list[PersonOut]


class PersonPhotos(Open):
    id: int
    name: str | None
    photos: list[dict[str, Any]]


class DuplicatePhoto(BaseModel):
    id: str
    path: str
    width: int
    height: int
    quality: int = Field(description="the JPEG quality it was saved at (estimated); 100 for lossless formats")
    sharpness: float
    best: bool


class DuplicateGroup(BaseModel):
    id: str = Field(description="the best copy's id")
    best: str
    photos: list[DuplicatePhoto]


class DuplicateGroups(BaseModel):
    groups: list[DuplicateGroup]


class Started(BaseModel):
    started: bool


class DeadLetters(BaseModel):
    items: list[dict[str, Any]]


class Replayed(BaseModel):
    replayed: int


# -- timeline and map ---------------------------------------------------------------------------------

class MapQuery(Model):
    bbox: str = Field("-180,-85,180,85", max_length=100, pattern=r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$",
                      description="west,south,east,north in degrees (longitudes may run past ±180 as a map pans)")
    zoom: int = Field(2, ge=0, le=22, description="the map's zoom: a cluster per ~64 screen pixels")

    def box(self) -> tuple[float, float, float, float]:
        """The box, latitudes clamped to the map, longitudes to three turns."""
        west, south, east, north = (float(v) for v in self.bbox.split(","))
        south, north = sorted((max(-90.0, min(90.0, south)), max(-90.0, min(90.0, north))))
        west, east = max(-540.0, min(540.0, west)), max(-540.0, min(540.0, east))
        return (west, south, east, north) if west <= east else (east, south, west, north)


class MonthOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    count: int
    cursor: str = Field(description="GET /api/photos?cursor= starts at this month's newest photo")


class Timeline(BaseModel):
    total: int
    months: list[MonthOut]


class ClusterOut(BaseModel):
    lat: float
    lon: float
    count: int
    id: str = Field(description="its newest photo")
    thumb: str


class MapClusters(BaseModel):
    total: int
    clusters: list[ClusterOut]


class MapSettings(BaseModel):
    tiles: str = Field(description="the tile URL template ({z}/{x}/{y}); empty: no base map")
    attribution: str
    max_zoom: int


# -- favourites and albums ----------------------------------------------------------------------------

MAX_ALBUM_NAME = 200


class AlbumBody(Model):
    name: str = Field(min_length=1, max_length=MAX_ALBUM_NAME)
    query: str | None = Field(None, min_length=1, max_length=MAX_QUERY,
                              description="a search to save: a smart album, which shows what it finds now")


class AlbumChange(Model):
    name: str | None = Field(None, min_length=1, max_length=MAX_ALBUM_NAME, description="its new name")
    query: str | None = Field(None, min_length=1, max_length=MAX_QUERY, description="a smart album's new search")


class AlbumPhotosBody(Model):
    ids: list[PhotoId] = Field(min_length=1, max_length=SHARE_MAX_PHOTOS)


class FavoritesBody(Model):
    ids: list[PhotoId] = Field(min_length=1, max_length=SHARE_MAX_PHOTOS)
    favorite: StrictBool = Field(description="make them favourites (true) or favourites no more (false)")


Stars = Annotated[int, Field(ge=0, le=5, strict=True)]


class RatingBody(Model):
    rating: Stars = Field(description="0-5 stars; yours win over the file's XMP rating")


class RatingsBody(Model):
    ids: list[PhotoId] = Field(min_length=1, max_length=SHARE_MAX_PHOTOS)
    rating: Stars | None = Field(description="0-5 stars for them, or null: yours taken away (the files' show again)")


class RatingOut(BaseModel):
    id: str
    rating: int = Field(description="the stars it now has: yours, else the file's")
    rated_by: str = Field(description="'you' or 'file'")


class RatingsOut(BaseModel):
    ids: list[str]
    rating: int | None
    items: list[RatingOut] = Field(description="each photo's stars now: yours, else the file's")


class FavoritesOut(BaseModel):
    ids: list[str]
    favorite: bool


class DownloadBody(Model):
    ids: list[PhotoId] = Field(min_length=1, max_length=SHARE_MAX_PHOTOS)


class DownloadCreated(BaseModel):
    url: str = Field(description="GET it (signed in as you) for the zip, streamed; it works for ten minutes")
    photos: int
    expires: float


class FavoriteOut(BaseModel):
    id: str
    favorite: bool


class AlbumOut(BaseModel):
    id: int
    name: str
    count: int = Field(description="its photos under your folders (a smart album's: what its search finds now)")
    cover: str | None = Field(description="the id of the photo added last (a smart album's: its first hit)")
    smart: bool = Field(description="a saved search: `album:NAME` runs its query")
    query: str | None = Field(description="a smart album's saved search")


class AlbumList(BaseModel):
    items: list[AlbumOut]
