"""Gateway settings (env prefix PICSIFT_GATEWAY_; the data dir is the pipeline's PICSIFT_DATA_DIR)."""
from pathlib import Path

from pydantic import Field
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

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None
