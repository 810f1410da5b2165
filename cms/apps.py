import logging
from importlib import import_module

from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def flash_info_publiee(sender, instance, **kwargs):
    """Once the publication is committed, a task notifies the people it aims at."""
    flash_info_id = instance.pk
    # Robust: with tasks run eagerly, a failure is logged and does not fail the publication
    # (nor skip the other callbacks); the daily digest catches up.
    transaction.on_commit(lambda: _notification_mettre_en_file(flash_info_id), robust=True)


def _notification_mettre_en_file(flash_info_id: int) -> None:
    from kombu.exceptions import OperationalError as BrokerIndisponible

    from . import tasks

    try:
        tasks.flash_info_notifier.delay(flash_info_id)
    except BrokerIndisponible:
        # The daily digest catches up on recent publications (notifying is idempotent).
        logger.warning("Broker unavailable: flash info %s notified later.", flash_info_id)


def accueil_assurer(sender, **kwargs):
    """The home page and the default site come from migration 0002; a database flush (tests on
    a live server) removes the whole page tree, so it is rebuilt here when missing."""
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    from .models import HomePage

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
    )
    racine = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    accueil = racine.add_child(
        instance=HomePage(
            title="Solidaires et partenaires",
            slug="accueil",
            locale=locale,
            intro=import_module("cms.migrations.0002_accueil").INTRO,
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": accueil,
            "site_name": "Solidaires et partenaires",
        },
    )


def editeurs_assurer(sender, apps=None, **kwargs):
    """The Éditeur permissions and the moderation workflow come from a data migration; a
    database flush empties them, so they are ensured again, idempotently, after every migrate."""
    from importlib import import_module

    from django.apps import apps as global_apps

    import_module("cms.migrations.0004_editeurs").assurer_editeurs(apps or global_apps)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Contenus")

    def ready(self):
        from wagtail.signals import page_published

        from .models import FlashInfoPage

        page_published.connect(
            flash_info_publiee, sender=FlashInfoPage, dispatch_uid="cms_flash_info_publiee"
        )
        from django.db.models.signals import post_migrate

        post_migrate.connect(accueil_assurer, sender=self, dispatch_uid="cms_accueil_assurer")
        post_migrate.connect(editeurs_assurer, sender=self, dispatch_uid="cms_editeurs_assurer")
