#!/usr/bin/python3
"""Runs a command and checks its exit code, its stderr, and that it left no output files.

usage: expect.py --exit N [--stderr REGEX]... [--stdout REGEX]... [--empty DIR] -- COMMAND [ARGS...]
"""
import argparse
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True)
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--empty", help="folder that must hold no file afterwards")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.empty and os.path.isdir(args.empty):
        for name in os.listdir(args.empty):
            os.remove(os.path.join(args.empty, name))
    run = subprocess.run(command, capture_output=True, text=True)
    failures = []
    if run.returncode != args.exit:
        failures.append(f"exit code {run.returncode}, expected {args.exit}")
    for pattern in args.stderr:
        if not re.search(pattern, run.stderr, re.MULTILINE):
            failures.append(f"stderr does not match {pattern!r}")
    for pattern in args.stdout:
        if not re.search(pattern, run.stdout, re.MULTILINE):
            failures.append(f"stdout does not match {pattern!r}")
    if args.empty and os.path.isdir(args.empty) and os.listdir(args.empty):
        failures.append(f"files left in {args.empty}: {os.listdir(args.empty)}")
    if failures:
        print("command:", " ".join(command))
        print("stderr:\n" + run.stderr)
        print("stdout:\n" + run.stdout[:4000])
        for failure in failures:
            print("FAIL:", failure)
        sys.exit(1)
    print("ok:", " ".join(command))


if __name__ == "__main__":
    main()
