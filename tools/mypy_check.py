"""mypy against a written baseline that may only shrink (issue 12; docs/architecture.md, "Types").

    python tools/mypy_check.py            # `make typecheck`: fails on any error not in the baseline,
                                          # and on any baseline entry that no longer occurs
    python tools/mypy_check.py --update   # `make typecheck-baseline`: rewrites mypy-baseline.txt

mypy runs with the configuration in pyproject.toml (`[tool.mypy]`). Each error is kept as
`path: [code] message`, without its line number, so moving code inside a file does not disturb the
baseline; the same text twice in one file is two entries (it is a count, not a set).

The check fails both ways on purpose. A new error fails because it is new. A fixed error fails too,
until the baseline is rewritten without it: otherwise the same mistake could come back unnoticed in
the slot it freed. So the file only ever shrinks; rewrite it in the same commit as the fix. A rewrite
that makes it grow (files moved, a stub package updated) shows in the diff: say why in the commit.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "mypy-baseline.txt"
HEADER = (
    "# mypy errors accepted for now: `path: [code] message`, one line per occurrence, sorted.\n"
    "# It may only shrink. `make typecheck` checks against it; `make typecheck-baseline` rewrites it\n"
    "# (see tools/mypy_check.py).\n"
)

# path:line[:column]: error: message  [code]
ERROR_LINE = re.compile(
    r"^(?P<path>[^:\s][^:]*):(?P<line>\d+)(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
LINE_REFERENCE = re.compile(r"\bline \d+\b")


def normalise(path: str, message: str, code: str | None) -> str:
    """The baseline form of one error: no line numbers, also not those quoted inside the message."""
    return f"{path.replace(chr(92), '/')}: [{code or 'misc'}] {LINE_REFERENCE.sub('line N', message.strip())}"


def parse(output: str) -> tuple[Counter[str], dict[str, list[str]]]:
    """The errors in mypy's output, counted in baseline form, and where each occurs (`path:line`)."""
    found: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for raw in output.splitlines():
        match = ERROR_LINE.match(raw)
        if not match:
            continue
        entry = normalise(match["path"], match["message"], match["code"])
        found[entry] += 1
        where.setdefault(entry, []).append(f"{match['path']}:{match['line']}")
    return found, where


def read_baseline(path: Path = BASELINE) -> Counter[str]:
    if not path.exists():
        return Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line.strip() and not line.startswith("#"))


def render_baseline(found: Counter[str]) -> str:
    return HEADER + "".join(f"{entry}\n" for entry in sorted(found.elements()))


def compare(found: Counter[str], baseline: Counter[str]) -> tuple[Counter[str], Counter[str]]:
    """(new errors, baseline entries that no longer occur)."""
    return found - baseline, baseline - found


def run_mypy(extra: Iterable[str] = ()) -> tuple[int, str]:
    command = [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--show-error-codes", *extra]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    return result.returncode, result.stdout + result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline with today's errors")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    args = parser.parse_args(argv)

    returncode, output = run_mypy()
    found, where = parse(output)
    if returncode not in (0, 1) or (returncode == 1 and not found):
        print(output, end="")
        print(f"mypy did not run to the end (exit {returncode}).", file=sys.stderr)
        return 2

    baseline = read_baseline(args.baseline)
    new, gone = compare(found, baseline)
    total, files = sum(found.values()), len({entry.split(": [", 1)[0] for entry in found})

    if args.update:
        args.baseline.write_text(render_baseline(found), encoding="utf-8")
        print(f"{args.baseline.name}: {total} errors in {files} files ({sum(baseline.values())} before).")
        if new:
            print(f"It grew by {sum(new.values())}: say why in the commit.")
        return 0

    if new:
        print(f"mypy: {sum(new.values())} error(s) not in {args.baseline.name}:")
        for entry in sorted(new):
            places = where[entry][-new[entry] :]
            print(f"  {entry}\n      at {', '.join(places)}")
    if gone:
        print(f"mypy: {sum(gone.values())} baseline entr(ies) no longer occur. Good: now shrink the baseline")
        print("      (`make typecheck-baseline`) in the same commit, so they cannot come back:")
        for entry in sorted(gone.elements()):
            print(f"  {entry}")
    if new or gone:
        return 1
    print(f"mypy: {total} errors in {files} files, all in the baseline (which may only shrink).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
