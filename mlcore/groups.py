"""The one place that names the channel-layer groups of mlcore (job watchers)."""


def training_job_group(job_id: int) -> str:
    return f"mlcore.training.{job_id}"


def classification_job_group(job_id: int) -> str:
    return f"mlcore.classification.{job_id}"


def job_group(kind: str, job_id: int) -> str:
    """``kind`` is ``"training"`` or ``"classification"``."""
    return training_job_group(job_id) if kind == "training" else classification_job_group(job_id)
