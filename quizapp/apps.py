from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizappConfig(AppConfig):
    name = "quizapp"
    verbose_name = _("Live quiz rooms")
