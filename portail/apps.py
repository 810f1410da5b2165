from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def groupes_roles_assurer(sender, apps=None, **kwargs):
    """Role groups and their permissions come from data migrations; a database flush (tests on
    a live server) empties them, so they are ensured again, idempotently, after every migrate or
    flush."""
    apps = apps or global_apps
    import_module("portail.migrations.0002_groupes_roles").creer_groupes(apps, None)
    import_module("portail.migrations.0004_protection_donnees").accorder(apps, None)


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = _("Portail")

    def ready(self):
        post_migrate.connect(groupes_roles_assurer, sender=self)
        import_module("portail.journal")  # connects the access journal's signal receivers
        import_module("portail.menu_admin").installer()
