"""Celery application.

With no broker configured, settings make every task run eagerly in the web process, so the
embedded default (SQLite, no service) still sends its e-mails.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: The transport of eager tasks when no broker is configured: nothing leaves the process.
BROKER_EN_MEMOIRE = "memory://localhost/"


@app.on_after_configure.connect
def _broker_en_memoire_sans_broker(sender, **kwargs):
    """An eager task still builds a (never opened) broker connection to serialise its message;
    with no broker URL, kombu then warns "No hostname was supplied. Reverting to default
    'localhost'", right after the newcomer was told that no service is needed. Eager without a
    broker, that connection is the in-memory transport, which names its host and stays silent;
    `settings.CELERY_BROKER_URL` keeps saying that no broker is configured."""
    if sender.conf.task_always_eager and not sender.conf.broker_url:
        sender.conf.broker_url = BROKER_EN_MEMOIRE
