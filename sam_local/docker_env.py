"""Docker facts the ``sam local`` runs need, and cleaning up the containers they start.

Containers reach this machine only through Docker's own bridge: a server they must call listens on
the bridge's gateway address (``bridge_gateway()``, 172.17.0.1 by default), which exists only on
this host, never on ``0.0.0.0``. SAM publishes each container's runtime port on 127.0.0.1.
"""

from __future__ import annotations

import fcntl
import json
import socket
import struct
import subprocess
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "SAM_CONTAINER_LABEL",
    "ContainerJanitor",
    "DockerUnavailable",
    "bridge_gateway",
    "docker_problem",
    "sam_containers",
]

SAM_CONTAINER_LABEL = "sam.cli.container.type=lambda"  # SAM CLI labels every function container


class DockerUnavailable(RuntimeError):
    """Docker is missing or not running; the message says how to fix it."""


def _docker(*args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["docker", *args],  # noqa: S607 - the docker CLI on PATH, fixed arguments
            check=False,
            text=True,
            capture_output=True,
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        raise DockerUnavailable(
            "docker is not installed: run scripts/container-runtime.sh (as root)"
        ) from exc


def docker_problem() -> str | None:
    """None when the daemon answers, else a one-line reason."""
    try:
        out = _docker("info", "--format", "{{.ServerVersion}}", timeout=15.0)
    except (DockerUnavailable, subprocess.TimeoutExpired) as exc:
        return str(exc) or "docker info timed out"
    if out.returncode != 0:
        return "the Docker daemon is not running: run scripts/container-runtime.sh (as root)"
    return None


def bridge_gateway() -> str:
    """The host's address on Docker's default bridge, as the containers see it."""
    out = _docker("network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}")
    if out.returncode != 0:
        raise DockerUnavailable(f"cannot inspect Docker's bridge network: {out.stderr.strip()}")
    for entry in json.loads(out.stdout or "[]") or []:
        gateway = entry.get("Gateway")
        if gateway:
            return str(gateway)
    # Docker 20.10 does not report the default bridge's gateway: read its interface's address.
    out = _docker("network", "inspect", "bridge", "--format", "{{json .Options}}")
    options = json.loads(out.stdout or "{}") or {} if out.returncode == 0 else {}
    name = str(options.get("com.docker.network.bridge.name") or "docker0")
    address = _interface_ipv4(name)
    if address is None:
        raise DockerUnavailable(f"Docker's bridge {name} has no IPv4 address")
    return address


def _interface_ipv4(name: str) -> str | None:
    """The IPv4 address of a network interface (Linux ``SIOCGIFADDR``)."""
    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            packed = fcntl.ioctl(
                sock.fileno(), siocgifaddr, struct.pack("256s", name.encode()[:15])
            )
        except OSError:
            return None
    return socket.inet_ntoa(packed[20:24])


REPO_ROOT = Path(__file__).resolve().parents[1]


def sam_containers(code_root: Path = REPO_ROOT) -> set[str]:
    """Ids of the SAM function containers (running or not) that mount code from ``code_root``.

    SAM mounts the function's code folder into the container; containers of another checkout
    (another developer's worktree on the same Docker daemon) are left alone.
    """
    out = _docker("ps", "-aq", "--no-trunc", "--filter", f"label={SAM_CONTAINER_LABEL}")
    ids = out.stdout.split() if out.returncode == 0 else []
    if not ids:
        return set()
    mounts = _docker("inspect", "-f", "{{.Id}} {{range .Mounts}}{{.Source}} {{end}}", *ids)
    root = str(code_root)
    mine = set()
    for line in mounts.stdout.splitlines():  # a container removed meanwhile prints nothing
        fields = line.split()
        if not fields:
            continue
        cid, sources = fields[0], fields[1:]
        if any(src == root or src.startswith(root + "/") for src in sources):
            mine.add(cid)
    return mine


def remove_containers(ids: Iterable[str]) -> None:
    ids = sorted(ids)
    if ids:
        _docker("rm", "-f", *ids, timeout=60.0)


class ContainerJanitor:
    """Remembers this checkout's SAM containers that existed before; ``clean()`` removes every
    newer one.

    SAM removes a container after each cold invocation and its warm containers when it stops
    cleanly, but not when it is killed: this makes sure a run leaves none behind.
    """

    def __init__(self) -> None:
        self._before = sam_containers()

    def clean(self) -> set[str]:
        new = sam_containers() - self._before
        remove_containers(new)
        return new
