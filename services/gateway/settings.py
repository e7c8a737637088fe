"""Gateway settings (env prefix PICSIFT_GATEWAY_; the data dir is the pipeline's PICSIFT_DATA_DIR)."""
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    session_hours: float = Field(24 * 14, gt=0)
    secure_cookies: bool = Field(False, description="set behind an HTTPS proxy so the session cookie is Secure")
    tls_cert: Path | None = Field(None, description="serve HTTPS with this certificate (PEM, with its chain)")
    tls_key: Path | None = Field(None, description="the certificate's private key (PEM)")
    trusted_proxies: list[str] = Field(default_factory=list, description="addresses of reverse proxies whose "
                                       "X-Forwarded-Proto and X-Forwarded-For are believed")
    login_attempts: int = Field(5, ge=1, description="failed logins per user and address before a pause")
    login_window_seconds: float = Field(300, gt=0)
    allowed_origins: list[str] = Field(default_factory=list, description="extra origins allowed for CORS")
    search_processes: int = Field(0, ge=0, le=64, description="reader processes that answer searches (0: the "
                                  "gateway's own); each holds the embedded index, ~0.5 GB at a million photos")
    map_tiles: str = Field("https://tile.openstreetmap.org/{z}/{x}/{y}.png", max_length=500,
                           description="the map's tile URL ({z}, {x}, {y}, optionally {s}); its host joins the CSP's "
                           "img-src; empty: the map has no base layer")
    map_attribution: str = Field("© OpenStreetMap contributors", max_length=300)
    map_max_zoom: int = Field(19, ge=1, le=22)
    upload_max_mb: int = Field(200, ge=1, le=1_000_000, description="the largest upload from the browser (a request, "
                               "so each file in it), in MB")
    preview_seconds: float = Field(30, gt=0, description="the longest a photo's preview may take to make on first "
                                   "view; a file that takes longer gets none")
    assets_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "picsift" / "web",
                             description="the gallery's npm libraries (Leaflet), built by `picsift models build`")

    @field_validator("map_tiles")
    @classmethod
    def _tile_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if url and (parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc or not all(
                f"{{{p}}}" in url for p in "zxy") or any(c in url for c in " ;,'\"\n")):
            raise ValueError("an http(s) URL with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        return url

    @property
    def tile_origin(self) -> str | None:
        """The tiles' origin for the CSP ({s} subdomains as a wildcard), or None."""
        if not self.map_tiles:
            return None
        parts = urlsplit(self.map_tiles)
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None
