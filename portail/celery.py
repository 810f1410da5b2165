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
