"""The one place that names the channel-layer groups of mlcore (job watchers)."""

#: The kinds of job a socket can watch; ``mlcore.services.jobs.KINDS`` maps them to their models.
JOB_KINDS = ("training", "classification", "learning_curve")


def job_group(kind: str, job_id: int) -> str:
    """The watchers of one job: ``mlcore.training.12``, ``mlcore.classification.3``, ``mlcore.learning_curve.5``."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    return f"mlcore.{kind}.{int(job_id)}"
