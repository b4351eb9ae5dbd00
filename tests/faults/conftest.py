"""The fault suite's cluster: started once for the package, healed between scenarios, a table at the end."""

from __future__ import annotations

import pytest

from tests.faults.cluster import Cluster, FaultSetupError
from tests.support import OUTPUT_DIR, unavailable

ROWS: list[str] = []
HEADER = "| fault | students | sent | acked | stored | double | lost | next question for all (s) |"


@pytest.fixture(scope="package")
def cluster():
    try:
        running = Cluster()
    except FaultSetupError as exc:
        unavailable(str(exc))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def healthy(cluster):
    cluster.heal()
    yield cluster
    cluster.heal()


def pytest_terminal_summary(terminalreporter):
    if not ROWS:
        return
    lines = [HEADER, "|---|---|---|---|---|---|---|---|", *ROWS]
    terminalreporter.write_sep("=", "fault suite")
    for line in lines:
        terminalreporter.write_line(line)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / "faults-table.md").write_text("\n".join(lines) + "\n")
