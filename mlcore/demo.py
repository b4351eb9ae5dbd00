"""Demo data of mlcore: the built-in data sets for the demo instructor (idempotent)."""

from django.contrib.auth.models import User

from mlcore.models import Dataset
from mlcore.services.datasets import dataset_create_builtin

#: Small and quick (other apps' tests load the demo too): the house table and 300 doodles, which
#: train in seconds on two cores. Digits and more doodles are one button away on the data sets page.
DEMO_BUILTINS = (("house", None), ("doodles", 30))


def load(*, instructor: User) -> list[str]:
    created = []
    for which, per_class in DEMO_BUILTINS:
        if Dataset.objects.filter(owner=instructor, builtin_key=which).exists():
            continue
        dataset = dataset_create_builtin(owner=instructor, which=which, per_class=per_class)
        created.append(f"data set {dataset.name}")
    return created
