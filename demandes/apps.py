from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def donnees_de_reference_assurer(sender, apps=None, **kwargs):
    """Categories and role permissions come from a data migration; ensured again after a flush."""
    migration = import_module("demandes.migrations.0002_categories_permissions")
    migration.categories_creer(apps or global_apps, None)
    migration.accorder(apps or global_apps, None)


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = _("Demandes")

    def ready(self):
        post_migrate.connect(donnees_de_reference_assurer, sender=self)
