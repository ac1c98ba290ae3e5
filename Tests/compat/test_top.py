"""`redis-lens top` in a real terminal (tmux): it draws what a running instance's admin
endpoint shows, `q` and Ctrl-C quit with the terminal restored, an unreachable endpoint is
one line on the status line while it retries, and bad flags are one-line errors (exit 2)."""

import os
import signal
import subprocess

import pytest

from conftest import LOOPBACK, free_port, lens_env, wait_until

TITLE = "redis-lens top  http://"  # top's title bar (the command line typed has no double space)


class Tmux:
    """A tmux server of the test's own (its own socket) with one 120x40 window running sh."""

    def __init__(self, workdir):
        self.socket = os.path.join(str(workdir), "tmux.sock")
        env = lens_env({"PS1": "shell$ ", "HOME": str(workdir), "ENV": ""})
        self.run("new-session", "-d", "-x", "120", "-y", "40", "-s", "top", "sh", env=env)

    def run(self, *args, env=None):
        return subprocess.run(["tmux", "-S", self.socket, *args], check=True, capture_output=True, text=True,
                              env=env, timeout=30).stdout

    def type(self, line):
        self.run("send-keys", "-t", "top", "-l", line)
        self.run("send-keys", "-t", "top", "Enter")

    def keys(self, *keys):
        self.run("send-keys", "-t", "top", *keys)

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "top")

    def command(self):
        """What runs in the pane now (`sh` when at the prompt)."""
        return self.run("display-message", "-p", "-t", "top", "#{pane_current_command}").strip()

    def alternate(self):
        return self.run("display-message", "-p", "-t", "top", "#{alternate_on}").strip() == "1"

    def kill(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def tmux(tmp_path):
    session = Tmux(tmp_path)
    yield session
    session.kill()


def assert_restored(tmux, tmp_path, name):
    """top has exited, the shell's screen is back, and the keyboard settings are sane."""
    wait_until(lambda: tmux.command() == "sh" and not tmux.alternate(), 30, "top to exit and leave the alternate screen")
    stty = tmp_path / f"stty-{name}.txt"
    tmux.type(f"stty -a > {stty}")
    wait_until(lambda: stty.exists() and "icanon" in stty.read_text(), 30, "stty output")
    flags = stty.read_text().split()
    assert "icanon" in flags and "-icanon" not in flags
    assert "echo" in flags and "-echo" not in flags
    assert TITLE not in tmux.screen()


def test_top_shows_commands_and_quits(lens_bin, server, lens_factory, tmux, tmp_path):
    lens = lens_factory(server)
    client = lens.client(client_name="checkout")  # CLIENT SETNAME: a row in the clients section
    tmux.type(f"{lens_bin} top --admin {LOOPBACK}:{lens.admin_port}")
    wait_until(lambda: TITLE in tmux.screen(), 30, "top's title bar")
    assert tmux.alternate()

    def hset_shown():
        client.hset("top-test", "field", "value")
        return "hset" in tmux.screen()

    wait_until(hset_shown, 30, "HSET on top's screen")
    screen = tmux.screen()
    assert "COMMAND" in screen and "OPS/S" in screen
    assert "upstream up" in screen
    assert "q quits" in screen
    wait_until(lambda: "checkout" in tmux.screen(), 30, "the named client in the clients section")
    lines = screen.splitlines()
    assert len(lines) <= 40 and all(len(line) <= 120 for line in lines)

    tmux.keys("q")
    assert_restored(tmux, tmp_path, "q")

    # Ctrl-C (SIGINT) quits too, and restores the terminal as well.
    tmux.type(f"REDIS_LENS_ADMIN=http://{LOOPBACK}:{lens.admin_port}/ {lens_bin} top")
    wait_until(lambda: "hset" in tmux.screen(), 30, "top started from REDIS_LENS_ADMIN")
    tmux.keys("C-c")
    assert_restored(tmux, tmp_path, "ctrl-c")


def test_top_redraws_at_the_new_size(lens_bin, proxy, tmux, tmp_path):
    tmux.type(f"{lens_bin} top --admin {LOOPBACK}:{proxy.admin_port}")
    wait_until(lambda: "q quits" in tmux.screen(), 30, "top's status line")
    tmux.run("resize-window", "-t", "top", "-x", "60", "-y", "20")
    wait_until(lambda: len(tmux.screen().splitlines()) <= 20 and "q quits" in tmux.screen(), 30,
               "the status line on the 20th row")
    assert all(len(line) <= 60 for line in tmux.screen().splitlines())
    tmux.keys("q")
    assert_restored(tmux, tmp_path, "resized")


def test_top_sigterm_restores_the_terminal(lens_bin, proxy, tmux, tmp_path):
    tmux.type(f"{lens_bin} top --admin {LOOPBACK}:{proxy.admin_port}")
    wait_until(lambda: "q quits" in tmux.screen(), 30, "top's status line")
    shell = int(tmux.run("display-message", "-p", "-t", "top", "#{pane_pid}").strip())
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(shell)], capture_output=True, text=True).stdout.split()
    assert len(children) == 1, children
    os.kill(int(children[0]), signal.SIGTERM)
    assert_restored(tmux, tmp_path, "sigterm")


def test_top_unreachable_admin_keeps_retrying(lens_bin, tmux, tmp_path):
    port = free_port()  # nothing listens there
    tmux.type(f"{lens_bin} top --admin {LOOPBACK}:{port}")
    message = f"cannot reach http://{LOOPBACK}:{port}/: Connection refused; retrying every second"
    wait_until(lambda: message in tmux.screen(), 30, "the unreachable message on the status line")
    assert tmux.command() != "sh"  # still running, retrying
    tmux.keys("q")
    assert_restored(tmux, tmp_path, "unreachable")


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--admin", "nonsense"], {}, "invalid --admin: 'nonsense' is not HOST:PORT"),
        (["--admin", "127.0.0.1:99999"], {}, "invalid --admin: '127.0.0.1:99999' has no valid port"),
        (["--admin", "https://127.0.0.1:9122"], {}, "plain HTTP"),
        (["--admin", "http://127.0.0.1:9122/stats"], {}, "without a path"),
        ([], {"REDIS_LENS_ADMIN": "nope"}, "invalid REDIS_LENS_ADMIN: 'nope' is not HOST:PORT"),
        (["--bogus"], {}, "Unknown option '--bogus'"),
        (["extra"], {}, "Unexpected argument 'extra'"),
    ],
)
def test_top_bad_flags(lens_bin, args, env, message):
    result = subprocess.run([lens_bin, "top", *args], capture_output=True, text=True, env=lens_env(env),
                            stdin=subprocess.DEVNULL, timeout=30)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("redis-lens: error: ") and message in lines[0]


def test_help_mentions_top(lens_bin):
    result = subprocess.run([lens_bin, "--help"], capture_output=True, text=True, env=lens_env(), timeout=30)
    assert result.returncode == 0
    assert "redis-lens top" in result.stdout
    top_help = subprocess.run([lens_bin, "top", "--help"], capture_output=True, text=True, env=lens_env(), timeout=30)
    assert top_help.returncode == 0
    assert "--admin" in top_help.stdout and "REDIS_LENS_ADMIN" in top_help.stdout
