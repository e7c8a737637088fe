"""HTTPS served by the gateway itself (a self-signed certificate made here), and behind a trusted proxy."""
from __future__ import annotations

import dataclasses
import ssl
import subprocess

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from services.app.wiring import serve_gateway
from services.gateway.app import create_app


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def gateway_with(world, **settings):
    changed = world.gateway.settings.model_copy(update=settings)
    return dataclasses.replace(world.gateway, settings=changed, throttle=None)


async def test_the_gateway_serves_https_with_hsts_and_secure_cookies(world, certificate, password, unused_tcp_port):
    cert, key = certificate
    runner = await serve_gateway(gateway_with(world, tls_cert=cert, tls_key=key), "127.0.0.1", unused_tcp_port)
    trust = ssl.create_default_context(cafile=str(cert))
    base = f"https://127.0.0.1:{unused_tcp_port}"
    try:
        async with aiohttp.ClientSession() as client:
            page = await client.get(base + "/login", ssl=trust)
            assert page.status == 200 and page.headers["Strict-Transport-Security"].startswith("max-age=")
            login = await client.post(base + "/api/auth/login", json={"username": "alice", "password": password},
                                      ssl=trust)
            assert login.status == 200 and "Secure" in login.headers["Set-Cookie"]
            with pytest.raises(aiohttp.ClientError):  # plain HTTP on the HTTPS port gets no answer
                await client.get(f"http://127.0.0.1:{unused_tcp_port}/login")
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("trusted,secure", [([], False), (["127.0.0.1"], True)])
async def test_forwarded_headers_count_only_from_a_trusted_proxy(world, password, trusted, secure):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    async with TestClient(TestServer(create_app(gateway_with(world, trusted_proxies=trusted)))) as client:
        login = await client.post("/api/auth/login", json={"username": "alice", "password": password}, headers=headers)
        assert login.status == 200
        assert ("Secure" in login.headers["Set-Cookie"]) is secure
        assert ("Strict-Transport-Security" in login.headers) is secure
