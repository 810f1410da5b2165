from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def permissions_roles_assurer(sender, apps=None, **kwargs):
    """The trainers' permissions come from a data migration; ensured again after a flush."""
    import_module("formations.migrations.0002_permissions_formateur").accorder(
        apps or global_apps, None
    )


class FormationsConfig(AppConfig):
    name = "formations"
    verbose_name = _("Formations")

    def ready(self):
        post_migrate.connect(
            permissions_roles_assurer, sender=self, dispatch_uid="formations_permissions"
        )
