"""app.preflight: a desktop without one of the xcb plugin's libraries gets one line and exit 2, not an abort."""
import shutil
import subprocess
import sys

import pytest

from app import gui, preflight

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f6e)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => /lib/x86_64-linux-gnu/libxcb-icccm.so.4 (0x00007f6e)
\tlibxcb-cursor.so.0 => not found
\tlibxkbcommon-x11.so.0 => not found
"""


@pytest.fixture
def no_cursor_library(monkeypatch, tmp_path):
    """This machine as one without libxcb-cursor0 and libxkbcommon-x11-0: the loader refuses the plugin,
    and ldd (a stand-in on PATH) says what is not found."""
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"\x7fELF")
    ldd = tmp_path / "bin" / "ldd"
    ldd.parent.mkdir()
    ldd.write_text("#!/bin/sh\ncat <<'EOF'\n" + LDD_OUTPUT + "EOF\n")
    ldd.chmod(0o755)
    monkeypatch.setenv("PATH", f"{ldd.parent}:{__import__('os').environ['PATH']}")
    monkeypatch.setattr(preflight, "xcb_plugin", lambda: plugin)

    def refuse(path, *args, **kwargs):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")
    monkeypatch.setattr(preflight.ctypes, "CDLL", refuse)
    monkeypatch.setattr(preflight, "distro_family", lambda: "apt")
    return plugin


def test_a_missing_library_is_one_line_naming_it_and_the_command(no_cursor_library, capsys):
    assert preflight.check({"QT_QPA_PLATFORM": "xcb"}) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n")  # one line
    assert "libxcb-cursor.so.0, libxkbcommon-x11.so.0" in err
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in err


def test_run_gui_stops_before_the_window_is_made(no_cursor_library, monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr("ui.main_window.MainWindow", lambda *a: pytest.fail("a window was made"))
    assert gui.run_gui(["--preset", "xor"]) == 2
    assert "libxcb-cursor.so.0" in capsys.readouterr().err


def test_every_distribution_gets_its_command_when_it_is_unknown():
    line = preflight.message(["libxcb-cursor.so.0", "libxcb-shape.so.0"], None)
    assert "sudo apt-get install libxcb-cursor0 libxcb-shape0" in line
    assert "sudo dnf install xcb-util-cursor libxcb" in line and "sudo pacman -S xcb-util-cursor libxcb" in line
    assert "dnf" not in preflight.message(["libxcb-cursor.so.0"], "apt")


@pytest.mark.parametrize("env,checked", [
    ({"QT_QPA_PLATFORM": "offscreen"}, False), ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, False), ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
    ({}, True), ({"WAYLAND_DISPLAY": "wayland-0"}, False), ({"XDG_SESSION_TYPE": "wayland"}, False),
])
def test_only_the_xcb_platform_is_checked(env, checked, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert preflight.uses_xcb(env) is checked


def test_offscreen_skips_the_check_entirely(monkeypatch):
    monkeypatch.setattr(preflight, "xcb_plugin", lambda: pytest.fail("looked for the plugin"))
    assert preflight.check({"QT_QPA_PLATFORM": "offscreen"}) is None


# it links a real shared object and asks the real ldd: a machine without a C compiler cannot (CI has one)
@pytest.mark.skipif(shutil.which("cc") is None or shutil.which("ldd") is None, reason="needs cc and ldd")
def test_a_library_really_missing_is_found_by_the_loader_and_ldd(tmp_path):
    """A real shared object whose dependency is deleted after linking: the loader and ldd both see it."""
    (tmp_path / "dep.c").write_text("int dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int dep(void);\nint plugin(void) { return dep(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "libxcb-gone.so.0", tmp_path / "dep.c",
                    "-Wl,-soname,libxcb-gone.so.0"], check=True)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", tmp_path / "libqxcb.so", tmp_path / "plugin.c",
                    tmp_path / "libxcb-gone.so.0"], check=True)
    (tmp_path / "libxcb-gone.so.0").unlink()
    assert preflight.missing_libraries(tmp_path / "libqxcb.so") == ["libxcb-gone.so.0"]
    assert "sudo apt-get install libxcb-gone0" in preflight.message(["libxcb-gone.so.0"], "apt")
