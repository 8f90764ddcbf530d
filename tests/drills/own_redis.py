"""A redis-server of the drill's own, on a free port, that the drill may stop, freeze or restart.

Never the shared Redis: stopping it would break every other run on the machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from redis import Redis

from hotline import queues
from hotline.settings import get_settings
from tests.conftest import free_port


class OwnRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        self._process = subprocess.Popen(
            [server, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(Exception):
                if client.ping():
                    break
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        """Gone: the process killed, its port refusing connections, its data lost."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def freeze(self) -> None:
        """Hung: connections are accepted by the kernel, but nothing answers."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)


@contextlib.contextmanager
def own_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnRedis]:
    """Point this process's Redis (and its settings) at a server of its own for the block."""
    server = OwnRedis()
    server.start()
    try:
        with monkeypatch.context() as patch:
            patch.setenv("HOTLINE_REDIS_URL", server.url)
            _forget_clients()
            yield server
    finally:
        with contextlib.suppress(ProcessLookupError, AssertionError):
            server.thaw()
        server.stop()
        _forget_clients()


def _forget_clients() -> None:
    get_settings.cache_clear()  # the cached original, even while a test has swapped it
    queues.get_redis.cache_clear()
