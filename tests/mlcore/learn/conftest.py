"""Fixtures shared by the mlcore.learn tests: small, seeded, trained once per module."""

import pytest
import torch

from mlcore.learn import generate_doodles


@pytest.fixture(autouse=True)
def _two_threads():
    """The test machine has two shared cores; never let torch take more."""
    before = torch.get_num_threads()
    torch.set_num_threads(min(2, before))
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def doodles_small():
    return generate_doodles(per_class=100, seed=0)
