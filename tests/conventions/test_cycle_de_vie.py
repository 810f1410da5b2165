"""The convention lifecycle: numbering, guarded transitions with their trace, expiry, reminders."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions import services
from conventions.models import Convention, TransitionConvention
from tests.factories import ConventionFactory, PartenaireFactory

pytestmark = pytest.mark.django_db

S = Convention.Statut
TOUS = [s.value for s in S]
AUTORISEES = {
    (S.BROUILLON, S.EN_SIGNATURE),
    (S.EN_SIGNATURE, S.EN_VIGUEUR),
    (S.EN_SIGNATURE, S.BROUILLON),
    (S.EN_VIGUEUR, S.SUSPENDUE),
    (S.EN_VIGUEUR, S.RESILIEE),
    (S.EN_VIGUEUR, S.EXPIREE),
    (S.SUSPENDUE, S.EN_VIGUEUR),
    (S.SUSPENDUE, S.RESILIEE),
    (S.SUSPENDUE, S.EXPIREE),
}


def test_france_services_sans_numero_de_label_refusee():
    partenaire = PartenaireFactory.build(numero_label_france_services="")
    with pytest.raises(ValidationError) as erreur:
        partenaire.full_clean()
    assert "numero_label_france_services" in erreur.value.message_dict


# Numbering -------------------------------------------------------------------------------------


def test_numero_par_annee(superviseur):
    partenaire = PartenaireFactory()
    with time_machine.travel(date(2026, 3, 1)):
        premiere = services.convention_creer(
            partenaire=partenaire,
            date_effet=date(2026, 4, 1),
            date_fin=date(2029, 4, 1),
            auteur=superviseur,
        )
        seconde = services.convention_creer(
            partenaire=partenaire,
            date_effet=date(2026, 4, 1),
            date_fin=date(2029, 4, 1),
            auteur=superviseur,
        )
    with time_machine.travel(date(2027, 1, 2)):
        suivante = services.convention_creer(
            partenaire=partenaire,
            date_effet=date(2027, 2, 1),
            date_fin=date(2030, 2, 1),
            auteur=superviseur,
        )
    assert [premiere.numero, seconde.numero, suivante.numero] == [
        "CONV-2026-0001",
        "CONV-2026-0002",
        "CONV-2027-0001",
    ]
    assert premiere.statut == S.BROUILLON
    assert premiere.transitions.get().vers == S.BROUILLON


def test_dates_incoherentes_refusees(superviseur):
    with pytest.raises(ValidationError, match="date de fin"):
        services.convention_creer(
            partenaire=PartenaireFactory(),
            date_effet=date(2026, 4, 1),
            date_fin=date(2026, 4, 1),
            auteur=superviseur,
        )
    assert not Convention.objects.exists()


# Transitions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("de", TOUS)
@pytest.mark.parametrize("vers", TOUS)
def test_chaque_transition_autorisee_ou_refusee(de, vers, superviseur):
    convention = ConventionFactory(statut=de)

    if (de, vers) in AUTORISEES:
        services.convention_changer_statut(
            convention=convention, vers=vers, auteur=superviseur, motif="Motif du test"
        )
        convention.refresh_from_db()
        assert convention.statut == vers
        trace = convention.transitions.get()
        assert (trace.de, trace.vers, trace.auteur, trace.motif) == (
            de,
            vers,
            superviseur,
            "Motif du test",
        )
    else:
        with pytest.raises(services.TransitionInterdite, match="ne peut pas passer"):
            services.convention_changer_statut(
                convention=convention, vers=vers, auteur=superviseur, motif="Motif"
            )
        convention.refresh_from_db()
        assert convention.statut == de
        assert not convention.transitions.exists()


@pytest.mark.parametrize("vers", [S.SUSPENDUE, S.RESILIEE])
def test_suspendre_ou_resilier_exige_un_motif(vers, superviseur):
    convention = ConventionFactory()
    with pytest.raises(services.TransitionInterdite, match="Indiquez le motif"):
        services.convention_changer_statut(
            convention=convention, vers=vers, auteur=superviseur, motif="  "
        )
    convention.refresh_from_db()
    assert convention.statut == S.EN_VIGUEUR


def test_mise_en_vigueur_exige_le_pdf_et_les_signataires(superviseur):
    convention = ConventionFactory(statut=S.EN_SIGNATURE, document_signe="", signataire_cpam="")
    with pytest.raises(services.TransitionInterdite) as erreur:
        services.convention_changer_statut(
            convention=convention, vers=S.EN_VIGUEUR, auteur=superviseur
        )
    assert "la convention signée (PDF)" in erreur.value.message
    assert "le signataire de la CPAM" in erreur.value.message
    convention.refresh_from_db()
    assert convention.statut == S.EN_SIGNATURE


def test_une_seule_convention_en_vigueur_par_structure(superviseur):
    en_vigueur = ConventionFactory()
    nouvelle = ConventionFactory(partenaire=en_vigueur.partenaire, statut=S.EN_SIGNATURE)

    with pytest.raises(services.TransitionInterdite, match=en_vigueur.numero):
        services.convention_changer_statut(
            convention=nouvelle, vers=S.EN_VIGUEUR, auteur=superviseur
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=nouvelle.pk).update(statut=S.EN_VIGUEUR)


def test_mise_en_vigueur_d_une_convention_echue_refusee(superviseur):
    convention = ConventionFactory(
        statut=S.EN_SIGNATURE,
        date_effet=timezone.localdate() - timedelta(days=400),
        date_fin=timezone.localdate(),
    )
    with pytest.raises(services.TransitionInterdite, match="date de fin est passée"):
        services.convention_changer_statut(
            convention=convention, vers=S.EN_VIGUEUR, auteur=superviseur
        )


# Expiry and reminders --------------------------------------------------------------------------


def test_expiration_automatique_a_la_date_de_fin():
    fin = timezone.localdate() + timedelta(days=10)
    convention = ConventionFactory(date_fin=fin)
    suspendue = ConventionFactory(date_fin=fin, statut=S.SUSPENDUE)

    with time_machine.travel(fin - timedelta(days=1)):
        assert services.conventions_echues_expirer() == 0
    with time_machine.travel(fin):
        assert services.conventions_echues_expirer() == 2
        assert services.conventions_echues_expirer() == 0  # idempotent

    convention.refresh_from_db()
    assert convention.statut == S.EXPIREE
    trace = convention.transitions.get()
    assert trace.auteur is None and trace.de == S.EN_VIGUEUR
    assert TransitionConvention.objects.get(convention=suspendue).de == S.SUSPENDUE


def test_la_tache_planifiee_appelle_l_expiration():
    from conventions.tasks import conventions_echues_expirer
    from portail.celery import app

    ConventionFactory(date_fin=timezone.localdate() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert conventions_echues_expirer.delay().get() == 1
    taches = {e["task"] for e in app.conf.beat_schedule.values()}
    assert {
        "conventions.tasks.conventions_echues_expirer",
        "conventions.tasks.conventions_rappels_envoyer",
    } <= taches


def test_rappels_a_60_et_30_jours_une_seule_fois(superviseur, django_capture_on_commit_callbacks):
    aujourdhui = timezone.localdate()
    convention = ConventionFactory(date_fin=aujourdhui + timedelta(days=75))

    def rappeler(jours_passes):
        with django_capture_on_commit_callbacks(execute=True):
            return services.conventions_rappels_envoyer(
                aujourdhui=aujourdhui + timedelta(days=jours_passes)
            )

    assert rappeler(0) == 0
    assert rappeler(15) == 1  # 60 days left
    assert rappeler(16) == 0
    assert rappeler(45) == 1  # 30 days left
    assert rappeler(46) == 0
    assert len(mail.outbox) == 2
    assert all(m.to == [superviseur.email] for m in mail.outbox)
    assert convention.numero in mail.outbox[0].subject
    assert "60 jours" in mail.outbox[0].body and "30 jours" in mail.outbox[1].body


def test_rappel_a_30_jours_seul_si_la_convention_est_deja_proche(superviseur):
    ConventionFactory(date_fin=timezone.localdate() + timedelta(days=20))
    assert services.conventions_rappels_envoyer() == 1
    assert services.conventions_rappels_envoyer() == 0


def test_statut_inconnu_refuse_proprement(superviseur):
    convention = ConventionFactory()
    with pytest.raises(services.TransitionInterdite, match="ne peut pas passer"):
        services.convention_changer_statut(
            convention=convention, vers="n_importe_quoi", auteur=superviseur
        )


def test_une_demande_ne_se_traite_qu_une_fois_et_par_une_vraie_decision(superviseur):
    from conventions.models import DemandeAdhesion

    demande = DemandeAdhesion.objects.create(
        nom_structure="CCAS de Blois",
        type="ccas_cias",
        siret="73282932000074",
        code_postal="41000",
        commune="Blois",
        contact_nom="A. B.",
        contact_email="contact@ccas.example",
        contact_telephone="0254000000",
        empreinte_origine="x",
    )
    with pytest.raises(ValidationError, match="Décision inconnue"):
        services.demande_adhesion_traiter(demande=demande, statut="en_attente", auteur=superviseur)
    services.demande_adhesion_traiter(demande=demande, statut="acceptee", auteur=superviseur)
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.demande_adhesion_traiter(demande=demande, statut="refusee", auteur=superviseur)
    demande.refresh_from_db()
    assert (demande.statut, demande.traitee_par) == ("acceptee", superviseur)
