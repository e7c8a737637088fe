from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_OK: _ClassVar[Outcome]
    OUTCOME_DUPLICATE: _ClassVar[Outcome]
    OUTCOME_SKIPPED: _ClassVar[Outcome]
    OUTCOME_FAILED: _ClassVar[Outcome]
    OUTCOME_PARTIAL: _ClassVar[Outcome]
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_OK: Outcome
OUTCOME_DUPLICATE: Outcome
OUTCOME_SKIPPED: Outcome
OUTCOME_FAILED: Outcome
OUTCOME_PARTIAL: Outcome

class StageMeta(_message.Message):
    __slots__ = ("stage", "version", "outcome", "reason", "finished_at")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    stage: str
    version: str
    outcome: Outcome
    reason: str
    finished_at: float
    def __init__(self, stage: _Optional[str] = ..., version: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., reason: _Optional[str] = ..., finished_at: _Optional[float] = ...) -> None: ...

class Term(_message.Message):
    __slots__ = ("key", "value", "source", "weight", "face")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    source: str
    weight: float
    face: int
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ..., source: _Optional[str] = ..., weight: _Optional[float] = ..., face: _Optional[int] = ...) -> None: ...

class FileFacts(_message.Message):
    __slots__ = ("root", "path", "size", "mtime", "format", "mime", "width", "height", "has_thumbs")
    ROOT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MTIME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MIME_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HAS_THUMBS_FIELD_NUMBER: _ClassVar[int]
    root: str
    path: str
    size: int
    mtime: float
    format: str
    mime: str
    width: int
    height: int
    has_thumbs: bool
    def __init__(self, root: _Optional[str] = ..., path: _Optional[str] = ..., size: _Optional[int] = ..., mtime: _Optional[float] = ..., format: _Optional[str] = ..., mime: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., has_thumbs: bool = ...) -> None: ...

class Place(_message.Message):
    __slots__ = ("lat", "lon", "altitude", "has_altitude", "city", "region", "country", "country_code", "continent", "near", "near_km")
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    HAS_ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    CONTINENT_FIELD_NUMBER: _ClassVar[int]
    NEAR_FIELD_NUMBER: _ClassVar[int]
    NEAR_KM_FIELD_NUMBER: _ClassVar[int]
    lat: float
    lon: float
    altitude: float
    has_altitude: bool
    city: str
    region: str
    country: str
    country_code: str
    continent: str
    near: str
    near_km: float
    def __init__(self, lat: _Optional[float] = ..., lon: _Optional[float] = ..., altitude: _Optional[float] = ..., has_altitude: bool = ..., city: _Optional[str] = ..., region: _Optional[str] = ..., country: _Optional[str] = ..., country_code: _Optional[str] = ..., continent: _Optional[str] = ..., near: _Optional[str] = ..., near_km: _Optional[float] = ...) -> None: ...

class ExifResult(_message.Message):
    __slots__ = ("meta", "make", "model", "lens", "focal_length", "focal_length_35", "aperture", "exposure_s", "iso", "flash", "taken_at", "tz_offset", "taken_at_trusted", "software", "orientation", "title", "description", "keywords", "rating", "has_place", "place", "terms", "warnings", "raw")
    class RawEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    META_FIELD_NUMBER: _ClassVar[int]
    MAKE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    LENS_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_35_FIELD_NUMBER: _ClassVar[int]
    APERTURE_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_S_FIELD_NUMBER: _ClassVar[int]
    ISO_FIELD_NUMBER: _ClassVar[int]
    FLASH_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_FIELD_NUMBER: _ClassVar[int]
    TZ_OFFSET_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_TRUSTED_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    ORIENTATION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    HAS_PLACE_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    meta: StageMeta
    make: str
    model: str
    lens: str
    focal_length: float
    focal_length_35: float
    aperture: float
    exposure_s: float
    iso: int
    flash: bool
    taken_at: str
    tz_offset: str
    taken_at_trusted: bool
    software: str
    orientation: int
    title: str
    description: str
    keywords: _containers.RepeatedScalarFieldContainer[str]
    rating: int
    has_place: bool
    place: Place
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    raw: _containers.ScalarMap[str, str]
    def __init__(self, meta: _Optional[_Union[StageMeta, _Mapping]] = ..., make: _Optional[str] = ..., model: _Optional[str] = ..., lens: _Optional[str] = ..., focal_length: _Optional[float] = ..., focal_length_35: _Optional[float] = ..., aperture: _Optional[float] = ..., exposure_s: _Optional[float] = ..., iso: _Optional[int] = ..., flash: bool = ..., taken_at: _Optional[str] = ..., tz_offset: _Optional[str] = ..., taken_at_trusted: bool = ..., software: _Optional[str] = ..., orientation: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., keywords: _Optional[_Iterable[str]] = ..., rating: _Optional[int] = ..., has_place: bool = ..., place: _Optional[_Union[Place, _Mapping]] = ..., terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., raw: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Box(_message.Message):
    __slots__ = ("x1", "y1", "x2", "y2")
    X1_FIELD_NUMBER: _ClassVar[int]
    Y1_FIELD_NUMBER: _ClassVar[int]
    X2_FIELD_NUMBER: _ClassVar[int]
    Y2_FIELD_NUMBER: _ClassVar[int]
    x1: float
    y1: float
    x2: float
    y2: float
    def __init__(self, x1: _Optional[float] = ..., y1: _Optional[float] = ..., x2: _Optional[float] = ..., y2: _Optional[float] = ...) -> None: ...

class Label(_message.Message):
    __slots__ = ("label", "wnid", "score", "model")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    WNID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    label: str
    wnid: str
    score: float
    model: str
    def __init__(self, label: _Optional[str] = ..., wnid: _Optional[str] = ..., score: _Optional[float] = ..., model: _Optional[str] = ...) -> None: ...

class Detection(_message.Message):
    __slots__ = ("label", "score", "box", "model")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    label: str
    score: float
    box: Box
    model: str
    def __init__(self, label: _Optional[str] = ..., score: _Optional[float] = ..., box: _Optional[_Union[Box, _Mapping]] = ..., model: _Optional[str] = ...) -> None: ...

class Face(_message.Message):
    __slots__ = ("box", "score", "age", "gender", "gender_score", "emotion", "emotion_score", "descriptor", "embedding")
    BOX_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    GENDER_SCORE_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    EMOTION_SCORE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    box: Box
    score: float
    age: float
    gender: str
    gender_score: float
    emotion: str
    emotion_score: float
    descriptor: _containers.RepeatedScalarFieldContainer[float]
    embedding: bytes
    def __init__(self, box: _Optional[_Union[Box, _Mapping]] = ..., score: _Optional[float] = ..., age: _Optional[float] = ..., gender: _Optional[str] = ..., gender_score: _Optional[float] = ..., emotion: _Optional[str] = ..., emotion_score: _Optional[float] = ..., descriptor: _Optional[_Iterable[float]] = ..., embedding: _Optional[bytes] = ...) -> None: ...

class VisionResult(_message.Message):
    __slots__ = ("meta", "classes", "objects", "faces", "models", "embedding")
    class ModelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    META_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    FACES_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    meta: StageMeta
    classes: _containers.RepeatedCompositeFieldContainer[Label]
    objects: _containers.RepeatedCompositeFieldContainer[Detection]
    faces: _containers.RepeatedCompositeFieldContainer[Face]
    models: _containers.ScalarMap[str, str]
    embedding: bytes
    def __init__(self, meta: _Optional[_Union[StageMeta, _Mapping]] = ..., classes: _Optional[_Iterable[_Union[Label, _Mapping]]] = ..., objects: _Optional[_Iterable[_Union[Detection, _Mapping]]] = ..., faces: _Optional[_Iterable[_Union[Face, _Mapping]]] = ..., models: _Optional[_Mapping[str, str]] = ..., embedding: _Optional[bytes] = ...) -> None: ...

class SemanticResult(_message.Message):
    __slots__ = ("meta", "terms")
    META_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    meta: StageMeta
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    def __init__(self, meta: _Optional[_Union[StageMeta, _Mapping]] = ..., terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ...) -> None: ...

class HashesResult(_message.Message):
    __slots__ = ("meta", "phash", "dhash", "sharpness", "quality")
    META_FIELD_NUMBER: _ClassVar[int]
    PHASH_FIELD_NUMBER: _ClassVar[int]
    DHASH_FIELD_NUMBER: _ClassVar[int]
    SHARPNESS_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    meta: StageMeta
    phash: int
    dhash: int
    sharpness: float
    quality: int
    def __init__(self, meta: _Optional[_Union[StageMeta, _Mapping]] = ..., phash: _Optional[int] = ..., dhash: _Optional[int] = ..., sharpness: _Optional[float] = ..., quality: _Optional[int] = ...) -> None: ...

class TextLine(_message.Message):
    __slots__ = ("text", "score", "box")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    text: str
    score: float
    box: Box
    def __init__(self, text: _Optional[str] = ..., score: _Optional[float] = ..., box: _Optional[_Union[Box, _Mapping]] = ...) -> None: ...

class TextResult(_message.Message):
    __slots__ = ("meta", "detected", "lines", "terms")
    META_FIELD_NUMBER: _ClassVar[int]
    DETECTED_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    meta: StageMeta
    detected: bool
    lines: _containers.RepeatedCompositeFieldContainer[TextLine]
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    def __init__(self, meta: _Optional[_Union[StageMeta, _Mapping]] = ..., detected: bool = ..., lines: _Optional[_Iterable[_Union[TextLine, _Mapping]]] = ..., terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ...) -> None: ...

class Record(_message.Message):
    __slots__ = ("id", "paths", "file", "ingest", "exif", "vision", "semantic", "terms", "schema", "stack", "hashes", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATHS_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    INGEST_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    VISION_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    STACK_FIELD_NUMBER: _ClassVar[int]
    HASHES_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    paths: _containers.RepeatedScalarFieldContainer[str]
    file: FileFacts
    ingest: StageMeta
    exif: ExifResult
    vision: VisionResult
    semantic: SemanticResult
    terms: _containers.RepeatedCompositeFieldContainer[Term]
    schema: int
    stack: _containers.RepeatedScalarFieldContainer[str]
    hashes: HashesResult
    text: TextResult
    def __init__(self, id: _Optional[str] = ..., paths: _Optional[_Iterable[str]] = ..., file: _Optional[_Union[FileFacts, _Mapping]] = ..., ingest: _Optional[_Union[StageMeta, _Mapping]] = ..., exif: _Optional[_Union[ExifResult, _Mapping]] = ..., vision: _Optional[_Union[VisionResult, _Mapping]] = ..., semantic: _Optional[_Union[SemanticResult, _Mapping]] = ..., terms: _Optional[_Iterable[_Union[Term, _Mapping]]] = ..., schema: _Optional[int] = ..., stack: _Optional[_Iterable[str]] = ..., hashes: _Optional[_Union[HashesResult, _Mapping]] = ..., text: _Optional[_Union[TextResult, _Mapping]] = ...) -> None: ...

class FileEvent(_message.Message):
    __slots__ = ("path", "root", "outcome", "reason", "id", "at")
    PATH_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    path: str
    root: str
    outcome: Outcome
    reason: str
    id: str
    at: float
    def __init__(self, path: _Optional[str] = ..., root: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., reason: _Optional[str] = ..., id: _Optional[str] = ..., at: _Optional[float] = ...) -> None: ...
