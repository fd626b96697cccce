"""The served dashboard answers only requests addressed to this machine (a forged Host header is refused).

A page on another site can point its own name at 127.0.0.1 (DNS rebinding) and then talk to the
dashboard; its requests carry that name in the Host header, which the server must refuse.
"""

import http.client
import re
import socket
import subprocess
import time

import pytest
from conftest import ROOT
from browser_support import voila_command, voila_env

CONFIG_FLAG = "--Voila.config_file_paths=" + str(ROOT / "cpanalysis" / "resources" / "voila")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(port: int, path: str, host: str, headers: dict | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_make_run_serves_with_the_host_check():
    recipe = (ROOT / "Makefile").read_text()
    assert "--Voila.config_file_paths=$(VOILA_CONFIG)" in recipe
    assert "VOILA_CONFIG := $(CURDIR)/cpanalysis/resources/voila" in recipe


@pytest.mark.slow
def test_forged_host_header_is_refused(tmp_path):
    port = _free_port()
    log = open(tmp_path / "voila.log", "w+")
    proc = subprocess.Popen(voila_command(port) + [CONFIG_FLAG], cwd=tmp_path, env=voila_env(tmp_path),
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            assert proc.poll() is None, "voila exited"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("voila did not open its port")
        websocket = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
        channels = "/api/kernels/00000000-0000-0000-0000-000000000000/channels"
        for host in ("evil.example", f"evil.example:{port}", f"attacker.localhost.evil.example:{port}"):
            assert _status(port, "/", host) in (400, 403), host
            assert _status(port, "/api/kernels", host) in (400, 403), host
            assert _status(port, channels, host, websocket) in (400, 403), host
        assert _status(port, "/", f"127.0.0.1:{port}") == 200
        assert _status(port, "/", f"localhost:{port}") == 200
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.seek(0)
        text = log.read()
        log.close()
    assert re.search(r"Blocking request with non-local 'Host' evil\.example", text)
