"""factory_boy factories of the mlcore tests: users, and data sets, jobs and models made through the
services (as a person would make them), so their files and derived fields are real."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import User
from django.test import Client

from mlcore.models import Dataset, TrainedModel, TrainingJob
from mlcore.services import datasets
from mlcore.services.training import training_job_create, training_job_run


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can sign in with ``password`` (``a-long-password-1`` unless given)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = "a-long-password-1"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class BuiltinDatasetFactory(factory.Factory):
    """A built-in data set (``which``: house, doodles or digits), as ``dataset_create_builtin`` adds it."""

    class Meta:
        model = Dataset

    owner = factory.SubFactory(UserFactory)
    which = "house"

    @classmethod
    def _create(cls, model_class: type[Dataset], **kwargs: Any) -> Dataset:
        return datasets.dataset_create_builtin(**kwargs)


class DoodlesFactory(BuiltinDatasetFactory):
    """The built-in doodles, ``per_class`` images of each class."""

    which = "doodles"
    per_class = 4


class CsvDatasetFactory(factory.Factory):
    """A table data set from CSV bytes, as ``dataset_create_from_csv`` stores it."""

    class Meta:
        model = Dataset

    owner = factory.SubFactory(UserFactory)
    name = "Houses"
    data = b""

    @classmethod
    def _create(cls, model_class: type[Dataset], **kwargs: Any) -> Dataset:
        return datasets.dataset_create_from_csv(**kwargs)


class TrainingJobFactory(factory.Factory):
    """A queued training job on ``dataset`` (the built-in house table unless given)."""

    class Meta:
        model = TrainingJob

    dataset = factory.SubFactory(BuiltinDatasetFactory)
    owner = factory.LazyAttribute(lambda job: job.dataset.owner)

    @classmethod
    def _create(cls, model_class: type[TrainingJob], **kwargs: Any) -> TrainingJob:
        return training_job_create(**kwargs)


class TrainedModelFactory(factory.Factory):
    """A model trained in-process (no worker) on ``dataset``: a tiny doodle classifier unless given."""

    class Meta:
        model = TrainedModel

    dataset = factory.SubFactory(DoodlesFactory)
    owner = factory.LazyAttribute(lambda model: model.dataset.owner)
    params = factory.LazyFunction(lambda: {"epochs": 2, "batch_size": 16})

    @classmethod
    def _create(cls, model_class: type[TrainedModel], **kwargs: Any) -> TrainedModel:
        job = training_job_create(**kwargs)
        assert training_job_run(job_id=job.id) == "succeeded"
        return model_class.objects.get(job=job)


def session_cookie(user: User) -> str:
    """The session cookie of ``user`` signed in (for sockets, which take no ``force_login``)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
