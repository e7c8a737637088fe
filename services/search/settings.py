"""Search settings (env prefix PICSIFT_): which index the indexer writes and the gateway reads."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SearchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    index: str = Field("bitmap", pattern=r"^(bitmap|https?://.+)$",
                       description="'bitmap' (embedded, beside the record store) or an Elasticsearch URL "
                                   "http(s)://[user:password@]host:9200")
    index_name: str = Field("picsift-photos", description="the Elasticsearch index")
    store_timeout_seconds: float = Field(30.0, gt=0, description="how long a write waits for the locked record "
                                                                 "store before it fails and is retried")

    @property
    def is_elastic(self) -> bool:
        return self.index.startswith(("http://", "https://"))
