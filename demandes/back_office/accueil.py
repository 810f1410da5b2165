"""The back-office home (/admin/): each role's own summary, as Wagtail homepage panels
(registered in `demandes.wagtail_hooks` through `construct_homepage_panels`)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from portail import roles

from .. import selectors
from ..models import Demande


def _boite(**parametres) -> str:
    return f"{reverse('demandes_admin:boite')}?{urlencode(parametres)}"


class PanneauExpert(Component):
    """The expert's day: what to answer today, what is late, what awaits the partner, new
    partner messages; each count links to the matching inbox view."""

    name = "demandes_expert"
    order = 50
    template_name = "demandes/admin/accueil/expert.html"

    def __init__(self, resume: dict[str, int]):
        self.resume = resume

    def get_context_data(self, parent_context):
        return {
            "lignes": [
                (_("À traiter aujourd'hui"), self.resume["aujourdhui"], _boite(onglet="miennes")),
                (
                    _("En retard"),
                    self.resume["en_retard"],
                    _boite(onglet="miennes", en_retard="on"),
                ),
                (
                    _("En attente du partenaire"),
                    self.resume["en_attente"],
                    _boite(onglet="miennes", statut=Demande.Statut.EN_ATTENTE),
                ),
                (
                    _("Nouveaux messages du partenaire"),
                    self.resume["nouveaux_messages"],
                    _boite(onglet="miennes"),
                ),
            ]
        }


class PanneauSuperviseur(Component):
    """The superviseur's view of the service: team queues, unassigned, late, absences today."""

    name = "demandes_superviseur"
    order = 60
    template_name = "demandes/admin/accueil/superviseur.html"

    def __init__(self, utilisateur):
        self.utilisateur = utilisateur

    def get_context_data(self, parent_context):
        compteurs = selectors.compteurs_cpam(self.utilisateur)
        return {
            "lignes": [
                (
                    _("Non attribuées"),
                    compteurs["non_attribuees"],
                    _boite(onglet="non_attribuees"),
                ),
                (_("En retard"), compteurs["en_retard"], _boite(onglet="en_retard")),
            ],
            "equipes": selectors.files_par_equipe(self.utilisateur),
            "absences": selectors.absences_du_jour(),
            "url_absences": reverse("messagerie_absences:index"),
            "url_tableau": reverse("tableaux_admin:tableau"),
        }


def panneaux_accueil(request, panneaux: list) -> None:
    utilisateur = request.user
    if roles.a_un_role(utilisateur, [roles.EXPERT_CPAM]):
        resume = selectors.resume_expert(utilisateur)
        if resume is not None:
            panneaux.append(PanneauExpert(resume))
    if selectors.voit_toutes_les_demandes(utilisateur):
        panneaux.append(PanneauSuperviseur(utilisateur))
