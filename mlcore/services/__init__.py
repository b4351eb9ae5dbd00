"""Writes of mlcore, one module per subject: data sets, training jobs, the model registry,
classification jobs, and the job machinery they share (``jobs``)."""
