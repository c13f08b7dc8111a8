"""An auditor's view of the network: run a command under `strace -f` and list every connection or
datagram it (or any thread or child, native code included) sent anywhere but loopback, and every DNS
query — whatever Python-level patches say. Shared by test_native_privacy.py and bench/bench_faults.py."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRACED = "connect,sendto,sendmsg,sendmmsg"
_FAMILY = re.compile(r"sa_family=(AF_\w+)")
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
_ADDR = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"')
_UNIX = re.compile(r'sun_path=@?"([^"]*)"')
# Name lookups that go through a local daemon instead of port 53 are DNS all the same.
_RESOLVER_SOCKETS = ("resolve", "nscd", "dnsmasq")
CI_MARKERS = ("CI", "GITHUB_ACTIONS", "TF_BUILD", "BUILD_ID", "JENKINS_URL", "GITLAB_CI", "BUILDKITE",
              "TEAMCITY_VERSION", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "CIRCLECI", "TRAVIS")


def strace_prefix(log: Path) -> tuple[str, ...]:
    return (shutil.which("strace") or "strace", "-f", *_seccomp(), "-qq", "-e", f"trace={TRACED}", "-o", str(log))


@cache
def _seccomp() -> tuple[str, ...]:
    """`--seccomp-bpf` where this strace and kernel take it: the kernel stops the traced threads only at
    the TRACED calls instead of at every system call, so a command runs ~30% faster under audit and
    the log is the same (test_a_real_lookup_under_strace_is_caught checks the prefix still sees DNS)."""
    strace = shutil.which("strace")
    if strace is None:
        return ()
    try:
        probe = subprocess.run([strace, "-f", "--seccomp-bpf", "-qq", "-e", f"trace={TRACED}", "-o", os.devnull,
                                "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return ("--seccomp-bpf",) if probe.returncode == 0 and not probe.stderr.strip() else ()


def violations(trace: str) -> list[str]:
    """Every non-loopback destination and every DNS query in an strace log of TRACED calls."""
    found = []
    for line in trace.splitlines():
        family = _FAMILY.search(line)
        if family is None:
            continue  # a send on an already connected socket: its connect() was checked
        kind = family.group(1)
        if kind == "AF_UNIX":
            path = _UNIX.search(line)
            if path and any(word in path.group(1) for word in _RESOLVER_SOCKETS):
                found.append(f"name lookup through {path.group(1)}")
        elif kind in ("AF_INET", "AF_INET6"):
            found.extend(_inet_problem(line))
        elif kind != "AF_NETLINK" and kind != "AF_UNSPEC":
            found.append(f"unexpected socket family {kind}: {line[:160]}")
    return found


def _inet_problem(line: str) -> list[str]:
    port_match, addr_match = _PORT.search(line), _ADDR.search(line)
    if not port_match or not addr_match:
        return [f"unparsed destination: {line[:160]}"]
    port = int(port_match.group(1))
    address = ipaddress.ip_address(addr_match.group(1) or addr_match.group(2))
    mapped = getattr(address, "ipv4_mapped", None)
    loopback = address.is_loopback or (mapped is not None and mapped.is_loopback)
    if port == 53:
        return [f"DNS query to {address}"]
    if not loopback and not address.is_unspecified:
        return [f"connection to {address}:{port}"]
    return []


def clean_env(home: Path, **extra: str) -> dict:
    """A user's environment with nothing that would hide telemetry: no CI markers, no opt-outs of our
    own (coach must set them itself), HOME and the XDG folders pointed at a fresh folder to diff."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(home),
           "TERM": os.environ.get("TERM", "xterm-256color"), "PYTHONPATH": str(REPO),
           "PYTHONDONTWRITEBYTECODE": "1"}
    for name, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state")):
        env[name] = str(home / sub)
    env["TMPDIR"] = str(home.parent / "tmp")
    env.update(extra)
    for marker in CI_MARKERS:
        env.pop(marker, None)
    return env


def python() -> str:
    return sys.executable


def files_under(*folders: Path) -> list[str]:
    """Every file (not folder) under the given folders: what a command left behind."""
    found = []
    for folder in folders:
        if folder.exists():
            found.extend(str(p) for p in sorted(folder.rglob("*")) if not p.is_dir())
    return found
