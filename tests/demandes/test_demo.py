"""Demo data of the messaging module, created by `seed_demo`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demandes import routage
from demandes.models import Absence, Categorie, Demande, Equipe, PieceJointe, RegleRoutage
from portail.identifiants import nir_valider
from portail.models import Courriel

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())


def test_equipes_regles_absence_et_soixante_demandes_idempotents(demo):
    assert Equipe.objects.count() == 3
    departements = set(
        RegleRoutage.objects.exclude(departement="").values_list("departement", flat=True)
    )
    assert departements == {"37", "41", "28"}
    assert RegleRoutage.objects.filter(departement="", partenaire=None).count() == 1
    absence = Absence.objects.get()
    assert absence.debut <= timezone.now() < absence.fin
    assert absence.suppleant is not None
    assert Demande.objects.count() == 60
    assert set(Demande.objects.values_list("statut", flat=True)) == set(Demande.Statut.values)
    assert set(Demande.objects.values_list("partenaire__departement", flat=True)) == {
        "37",
        "41",
        "28",
    }
    assert PieceJointe.objects.filter(message__isnull=False).exists()
    plus_ancienne = Demande.objects.order_by("cree_le").first().cree_le
    assert (timezone.now() - plus_ancienne).days <= 92


def test_donnees_coherentes_sans_courriel_et_absence_appliquee(demo):
    from conventions.models import Partenaire

    for demande in Demande.objects.all():
        if demande.nir:
            assert nir_valider(demande.nir) == demande.nir
        else:
            assert demande.nom and demande.prenom and demande.date_naissance
        assert demande.routages.exists()
        assert demande.messages.exists()
        if demande.statut in (Demande.Statut.RESOLUE, Demande.Statut.CLOTUREE):
            assert demande.issue and demande.repondue_le and demande.resolue_le
    # Demo history does not mail anybody.
    assert not Courriel.objects.filter(sujet__startswith="[D-").exists()
    # Today's absence in Indre-et-Loire: new demandes go to the substitute named for it...
    absence = Absence.objects.select_related("expert", "suppleant").get()
    amboise = Partenaire.objects.get(nom="France Services d'Amboise")
    affiliation = Categorie.objects.get(slug="affiliation")
    decision = routage.decider(categorie=affiliation, partenaire=amboise)
    assert "titulaire absent → suppléant désigné pour l'absence" in decision.motif
    assert decision.expert == absence.suppleant
    # ... and her open demandes were handed over, the partner told in the thread.
    assert not Demande.objects.filter(expert=absence.expert, statut__in=Demande.OUVERTES).exists()
    remises = Demande.objects.filter(remise_pour=absence, expert=absence.suppleant)
    assert remises.filter(partenaire=amboise).exists()
    for demande in remises:
        assert demande.messages.filter(
            type="evenement", corps__startswith=f"Pendant l'absence de {absence.expert}"
        ).exists()
