"""Demo data of the partner side, created by `seed_demo`."""

import io
from io import StringIO

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from conventions.models import Adhesion, Convention, DemandeAdhesion, Partenaire
from conventions.selectors import acces_portail
from portail import roles
from portail.identifiants import siren_valider
from portail.management.commands.seed_demo import COMPTES_DEMO
from portail.models import Utilisateur
from portail.pdf import pdf_simple

pytestmark = pytest.mark.django_db


def _comptes():
    return {
        "partenaires": Partenaire.objects.count(),
        "conventions": Convention.objects.count(),
        "adhesions": Adhesion.objects.count(),
        "demandes": DemandeAdhesion.objects.count(),
        "utilisateurs": Utilisateur.objects.count(),
    }


@pytest.fixture
def semer(settings):
    settings.DEBUG = True

    def semer():
        call_command("seed_demo", stdout=StringIO())

    return semer


def test_deux_passages_ne_creent_rien_de_plus(semer):
    semer()
    apres_premier = _comptes()
    semer()

    assert _comptes() == apres_premier
    assert apres_premier["partenaires"] >= 38
    assert apres_premier["demandes"] == 3


def test_structures_des_trois_departements(semer):
    semer()

    fs_37 = Partenaire.objects.filter(departement="37", type=Partenaire.Type.FRANCE_SERVICES)
    assert fs_37.count() == 24
    assert fs_37.filter(itinerant=True).count() == 1
    assert Partenaire.objects.filter(itinerant=True).count() == 1
    assert set(Partenaire.objects.values_list("departement", flat=True)) == {"37", "41", "28"}
    assert set(Partenaire.objects.values_list("type", flat=True)) >= {
        "france_services",
        "ccas_cias",
        "association",
        "ssd",
        "ssh",
        "mission_locale",
    }
    for partenaire in Partenaire.objects.all():
        partenaire.full_clean()  # valid SIRET, postcode, département, France Services label
        assert partenaire.code_postal.startswith(partenaire.departement)
        assert siren_valider(partenaire.siret[:9])  # the SIREN has its own key too


def test_conventions_dans_tous_les_statuts(semer):
    semer()

    statuts = list(Convention.objects.values_list("statut", flat=True))
    assert set(statuts) == set(Convention.Statut.values)
    assert statuts.count(Convention.Statut.EN_VIGUEUR) > len(statuts) / 2

    aujourdhui = timezone.localdate()
    for convention in Convention.objects.exclude(
        statut__in=[Convention.Statut.BROUILLON, Convention.Statut.EN_SIGNATURE]
    ):
        assert convention.signataire_partenaire and convention.signataire_cpam
        with convention.document_signe.open("rb") as fichier:
            assert fichier.read().startswith(b"%PDF-1.4")
        if convention.statut == Convention.Statut.EN_VIGUEUR:
            assert convention.date_effet <= aujourdhui < convention.date_fin
        if convention.statut == Convention.Statut.EXPIREE:
            assert convention.date_fin <= aujourdhui
        # Each status was reached through the lifecycle, with its trace.
        assert convention.transitions.filter(vers=convention.statut).exists()
    for statut in (Convention.Statut.SUSPENDUE, Convention.Statut.RESILIEE):
        convention = Convention.objects.get(statut=statut)
        assert convention.transitions.get(vers=statut).motif


def test_comptes_de_demo_dans_une_france_services_en_vigueur(semer):
    semer()

    par_role = {role: email for email, _, _, role in COMPTES_DEMO}
    agent = Utilisateur.objects.get(email=par_role[roles.AGENT_PARTENAIRE])
    referent = Utilisateur.objects.get(email=par_role[roles.REFERENT_PARTENAIRE])
    adhesion_agent = Adhesion.objects.get(utilisateur=agent, active=True)
    adhesion_referent = Adhesion.objects.get(utilisateur=referent, active=True)
    assert adhesion_agent.role == Adhesion.Role.AGENT
    assert adhesion_referent.role == Adhesion.Role.REFERENT
    partenaire = adhesion_agent.partenaire
    assert adhesion_referent.partenaire == partenaire
    assert partenaire.type == Partenaire.Type.FRANCE_SERVICES
    assert partenaire.departement == "37"
    assert acces_portail(agent).autorise
    assert acces_portail(referent).autorise
    assert referent.has_perm("conventions.gerer_agents", partenaire)
    assert not agent.has_perm("conventions.gerer_agents", partenaire)


def test_agents_supplementaires_et_demandes_en_attente(semer):
    semer()

    agents_loches = Adhesion.objects.filter(partenaire__commune="Loches", active=True)
    assert 2 <= agents_loches.count() <= 4
    assert (
        agents_loches.filter(utilisateur__email__endswith="@fs-loches.demo.solidaires.fr").count()
        == agents_loches.count()
    )
    assert not any(a.utilisateur.has_usable_password() for a in agents_loches)
    # An agent of the suspended structure is kept but cannot get in.
    suspendu = Adhesion.objects.filter(
        partenaire__conventions__statut=Convention.Statut.SUSPENDUE
    ).first()
    assert suspendu is not None
    assert not acces_portail(suspendu.utilisateur).autorise

    demandes = DemandeAdhesion.objects.all()
    assert {d.statut for d in demandes} == {DemandeAdhesion.Statut.EN_ATTENTE}
    for demande in demandes:
        assert len(demande.empreinte_origine) == 64
        demande.full_clean()


def test_pdf_simple_bien_forme():
    pdf = pdf_simple(["Ligne (avec parenthèses) et accents : é à ç", "Łukasz <b>&"], titre="Essai")

    lecteur = pypdf.PdfReader(io.BytesIO(pdf))
    texte = lecteur.pages[0].extract_text()
    assert "Ligne (avec parenthèses) et accents : é à ç" in texte
    # Plain text: what looks like markup prints as typed.
    assert "Łukasz <b>&" in texte
    assert lecteur.metadata.title == "Essai"
