"""Helpers of the rencontre tests: an agenda and rencontres under the home page."""

from datetime import timedelta

from django.utils import timezone

from cms.models import AgendaPage, HomePage, RencontrePage


def agenda() -> AgendaPage:
    existante = AgendaPage.objects.first()
    if existante is not None:
        return existante
    page = AgendaPage(title="Agenda", slug="agenda")
    HomePage.objects.get().add_child(instance=page)
    return page


def creer_rencontre(**champs) -> RencontrePage:
    """A rencontre in 10 days in Tours, with 3 places, for every structure unless told."""
    numero = RencontrePage.objects.count() + 1
    valeurs = {
        "title": f"Rencontre des partenaires {numero}",
        "slug": f"rencontre-{numero}",
        "debut": timezone.now() + timedelta(days=10),
        "lieu": "CPAM, 36 rue Édouard Vaillant, 37000 Tours",
        "public": "Agents des structures partenaires",
        "description": "<p>Ordre du jour</p>",
        "capacite": 3,
        **champs,
    }
    rencontre = RencontrePage(**valeurs)
    agenda().add_child(instance=rencontre)
    return rencontre
