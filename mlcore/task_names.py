"""The registered names of mlcore's Celery tasks, in one place.

Services send a task by its name (``celery.current_app.send_task``), so they never import
``mlcore.tasks`` (which imports the services): the circle is gone, and a web process that only
queues jobs does not load the task module at all. ``mlcore.tasks`` registers each task under
the same constant.
"""

TRAIN_MODEL = "mlcore.train_model"
CLASSIFY_IMAGES = "mlcore.classify_images"
LEARNING_CURVE = "mlcore.learning_curve"
SWEEP_JOBS = "mlcore.sweep_jobs"

#: The task of each kind of job (``mlcore.services.jobs.KINDS``).
JOB_TASK_NAMES: dict[str, str] = {
    "training": TRAIN_MODEL,
    "classification": CLASSIFY_IMAGES,
    "learning_curve": LEARNING_CURVE,
}
