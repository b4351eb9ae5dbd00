"""core.management.commands.serve: the uvicorn command line a web process runs."""

import pytest

from core.management.commands.serve import uvicorn_command

pytestmark = pytest.mark.embedded


def test_the_access_log_is_off_only_where_its_lines_would_not_be_written():
    quiet = uvicorn_command("127.0.0.1", 8000, {"LOG_LEVEL": "WARNING"})
    chatty = uvicorn_command("127.0.0.1", 8000, {"LOG_LEVEL": "info"})
    default = uvicorn_command("127.0.0.1", 8000, {})
    assert "--no-access-log" in quiet
    assert "--no-access-log" not in chatty
    assert "--no-access-log" not in default
    assert quiet[quiet.index("--log-level") + 1] == "warning"
    assert quiet[quiet.index("--ws") + 1] == "core.ws_server:LaneProtocol"  # uvicorn's sans-I/O one, with the lane
