#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and type a password at its prompt.

    cli_pty.py PASSWORD CMD [ARG ...]

The command gets a new session whose controlling terminal is the pty (so
it opens /dev/tty), the password line is typed once "Enter password: " has
appeared (the prompt is written after echo was turned off, so no timing
guess is involved), and everything the terminal showed is copied to
stdout. Exits with the command's status, or 124 if it ran longer than 30 s.
"""
import os
import pty
import select
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    password = sys.argv[1].encode() + b"\n"
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(sys.argv[2], sys.argv[2:])
        finally:
            os._exit(127)
    seen = b""
    typed = False
    deadline = time.monotonic() + 30
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(seen)
            return 124
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:         # EIO: the command closed the terminal
            break
        if not data:
            break
        seen += data
        if not typed and b"Enter password: " in seen:
            os.write(fd, password)
            typed = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(seen)
    sys.stdout.flush()
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
        else (status >> 8)


if __name__ == "__main__":
    sys.exit(main())
