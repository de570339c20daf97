"""The machine's listening TCP sockets and the processes that hold them, read from
/proc (Linux): what the tests check the real servers' addresses against.

The project pins no psutil; /proc/net/tcp and /proc/net/tcp6 list every socket with its
local address (hex, each 32-bit word in the kernel's little-endian order), its state
(0A is LISTEN) and its inode, and /proc/<pid>/fd links name the inodes a process holds.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"
PROC = Path("/proc")


@dataclass(frozen=True)
class Listener:
    """One listening socket."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int
    inode: int

    @property
    def loopback(self) -> bool:
        """127.0.0.0/8 or ::1 (an IPv4 address mapped into IPv6 counts as itself)."""
        address = self.address
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return address.is_loopback

    def __str__(self) -> str:
        return f"{self.address}:{self.port}"


def kernel_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as /proc/net/tcp* prints it: 0100007F is 127.0.0.1."""
    raw = bytes.fromhex(text)
    return ipaddress.ip_address(b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4)))


def listeners(proc: Path = PROC) -> list[Listener]:
    """Every listening TCP socket of the machine (IPv4 and IPv6)."""
    found = []
    for table in ("tcp", "tcp6"):
        path = proc / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != LISTEN:
                continue
            address, port = fields[1].split(":")
            found.append(Listener(kernel_address(address), int(port, 16), int(fields[9])))
    return found


def socket_inodes(pid: int, proc: Path = PROC) -> set[int]:
    """The socket inodes a process holds open (empty if it is gone)."""
    inodes = set()
    try:
        descriptors = list((proc / str(pid) / "fd").iterdir())
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def holders(inodes: set[int], proc: Path = PROC) -> set[int]:
    """The processes holding any of these sockets."""
    pids = {int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()}
    return {pid for pid in pids if socket_inodes(pid, proc) & inodes}
