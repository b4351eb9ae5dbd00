"""mypy against its baseline, which may only shrink (tools/mypy_check.py; `make typecheck`)."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from tools import mypy_check

ROOT = Path(__file__).resolve().parents[1]

OUTPUT = """\
quizapp/apis.py:122: error: Argument "user" has incompatible type "User | AnonymousUser"; expected "User"  [arg-type]
quizapp/apis.py:140:9: error: Argument "user" has incompatible type "User | AnonymousUser"; expected "User"  [arg-type]
mlcore/learn/tabular.py:86: error: Name "names" already defined on line 59  [no-redef]
mlcore/learn/tabular.py:86: note: this note is not an error
Found 3 errors in 2 files (checked 144 source files)
"""


def test_errors_are_kept_without_line_numbers_and_counted():
    found, where = mypy_check.parse(OUTPUT)
    user = 'quizapp/apis.py: [arg-type] Argument "user" has incompatible type "User | AnonymousUser"; expected "User"'
    assert found == Counter({user: 2, 'mlcore/learn/tabular.py: [no-redef] Name "names" already defined on line N': 1})
    assert where[user] == ["quizapp/apis.py:122", "quizapp/apis.py:140"]


def test_the_baseline_round_trips(tmp_path):
    found, _ = mypy_check.parse(OUTPUT)
    path = tmp_path / "baseline.txt"
    path.write_text(mypy_check.render_baseline(found), encoding="utf-8")
    assert mypy_check.read_baseline(path) == found


def test_new_errors_and_fixed_ones_are_both_reported():
    found, _ = mypy_check.parse(OUTPUT)
    baseline = Counter(found)
    assert mypy_check.compare(found, baseline) == (Counter(), Counter())
    fixed = found.copy()
    user = next(e for e in found if "AnonymousUser" in e)
    fixed[user] -= 1
    assert mypy_check.compare(+fixed, baseline) == (Counter(), Counter({user: 1}))
    worse = found + Counter({"core/x.py: [misc] new": 1})
    assert mypy_check.compare(worse, baseline) == (Counter({"core/x.py: [misc] new": 1}), Counter())


def test_mypy_matches_its_baseline():
    """The real run: no error outside mypy-baseline.txt, and no stale entry in it."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "mypy_check.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
