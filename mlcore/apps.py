from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlcoreConfig(AppConfig):
    name = "mlcore"
    verbose_name = _("Data sets and training")
