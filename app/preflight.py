"""Before the window: can Qt's xcb platform plugin load on this desktop?

Qt 6.5+ needs ``libxcb-cursor0`` (and a dozen other X libraries) for its xcb plugin. Without one, Qt
prints a plugin message and aborts the process (exit 134) when the application object is made. Here the
plugin's shared libraries are resolved first (loading ``libqxcb.so`` with ctypes, then ``ldd`` to name
every one that is missing), and a missing one gives one line naming it and the command that installs it,
and exit status 2.

Only the xcb plugin is checked, and only where Qt would use it: ``QT_QPA_PLATFORM`` unset (outside a
Wayland session) or ``xcb``. Offscreen, Wayland, VNC and the rest are left to Qt.
"""
from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# soname -> (Debian/Ubuntu, Fedora, Arch) package: the libraries libqxcb.so and libQt6XcbQpa.so link to
PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
}
# libxcb itself and its core extensions (libxcb-shm.so.0, libxcb-randr.so.0 ...): one package on Fedora
# and Arch, libxcb-NAME0 on Debian
XCB_CORE = re.compile(r"^libxcb(?:-([a-z]+))?\.so\.(\d+)$")
INSTALLERS = (("apt", "sudo apt-get install"), ("dnf", "sudo dnf install"), ("pacman", "sudo pacman -S"))
FAMILIES = {"debian": "apt", "ubuntu": "apt", "fedora": "dnf", "rhel": "dnf", "centos": "dnf", "arch": "pacman"}
NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def packages_for(soname: str) -> tuple[str, str, str]:
    """(apt, dnf, pacman) package that ships ``soname``; Debian's naming rule for one not in the table."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    core = XCB_CORE.match(soname)
    if core:
        name = f"libxcb-{core.group(1)}{core.group(2)}" if core.group(1) else f"libxcb{core.group(2)}"
        return name, "libxcb", "libxcb"
    stem, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    debian = f"{stem}{'-' if stem[-1:].isdigit() else ''}{version}".lower() if version else stem.lower()
    return debian, stem, stem.lower().removeprefix("lib")


def uses_xcb(env=os.environ) -> bool:
    """Whether Qt will load the xcb plugin under ``env``."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    return not (env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland")


def xcb_plugin() -> Path | None:
    """PySide6's ``plugins/platforms/libqxcb.so``, None where this PySide6 has none."""
    from PySide6.QtCore import QLibraryInfo  # QtCore alone: no application object, no platform yet
    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames ``plugin`` needs that do not resolve here. Loading it is the quick test (the libraries it
    pulls in are the ones the window loads next anyway); only if that fails does ``ldd`` list every
    missing one, where the loader's own error names just the first."""
    try:
        ctypes.CDLL(str(plugin))
        return []
    except OSError as err:
        found = re.match(r"(\S+?\.so[.\d]*): cannot open shared object file", str(err))
        first = [found.group(1)] if found else []
    ldd = shutil.which("ldd")
    if ldd is None:
        return first
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return first
    return list(dict.fromkeys(NOT_FOUND.findall(out))) or first


def distro_family(os_release: Path = Path("/etc/os-release")) -> str | None:
    """"apt", "dnf" or "pacman" for this distribution (ID, then ID_LIKE), None if unknown."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = dict(re.findall(r'^([A-Z_]+)="?([^"\n]*)"?$', text, re.MULTILINE))
    for name in [fields.get("ID", "")] + fields.get("ID_LIKE", "").split():
        if name.lower() in FAMILIES:
            return FAMILIES[name.lower()]
    return None


def message(missing: list[str], family: str | None) -> str:
    """One line: what is missing and the command(s) that install it (this distribution's, else all three)."""
    installs = []
    for index, (tool, command) in enumerate(INSTALLERS):
        if family in (None, tool):
            names = " ".join(dict.fromkeys(packages_for(soname)[index] for soname in missing))
            installs.append(f"{command} {names}")
    return (f"backprop-lab: the window cannot open: Qt's xcb platform plugin needs {', '.join(missing)}, "
            f"which {'is' if len(missing) == 1 else 'are'} not installed; install with: " + " or ".join(installs)
            + " (or run headless: backprop-lab train --help)")


def check(env=os.environ, stream=None) -> int | None:
    """Exit status 2 after printing the line, if the window cannot open for a missing library; else None."""
    if not uses_xcb(env):
        return None
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if not missing:
        return None
    print(message(missing, distro_family()), file=stream or sys.stderr)
    return 2
