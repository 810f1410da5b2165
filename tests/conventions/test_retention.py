"""Retention of conventions' personal data: invitations deleted after use or expiry, contact
details of "Devenir partenaire" requests erased after the answer (structure and outcome kept)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conventions import services, tasks
from conventions.models import DemandeAdhesion, Invitation
from tests.factories import siret_valide

pytestmark = pytest.mark.django_db


def _il_y_a(jours: float):
    return timezone.now() - timedelta(days=jours)


def _invitation(partenaire, auteur, email, expiree_il_y_a, utilisee=False):
    invitation = services.invitation_creer(
        partenaire=partenaire, email=email, role="agent", auteur=auteur
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expire_le=_il_y_a(expiree_il_y_a),
        utilisee_le=_il_y_a(expiree_il_y_a + 1) if utilisee else None,
    )
    return invitation


def test_invitations_supprimees_apres_leur_duree(structure_a, referent_a, settings):
    settings.INVITATIONS_CONSERVATION_JOURS = 90
    _invitation(structure_a, referent_a, "expiree@exemple.fr", 91)
    _invitation(structure_a, referent_a, "utilisee@exemple.fr", 91, utilisee=True)
    gardees = {
        _invitation(structure_a, referent_a, "recente@exemple.fr", 89).pk,
        _invitation(structure_a, referent_a, "valide@exemple.fr", -2).pk,
    }

    assert tasks.retention_appliquer()["invitations"] == 2
    assert set(Invitation.objects.values_list("pk", flat=True)) == gardees
    settings.INVITATIONS_CONSERVATION_JOURS = 30
    assert services.invitations_purger() == 1


def _demande(rang, *, recue_il_y_a, traitee_il_y_a=None, statut="en_attente"):
    demande = DemandeAdhesion.objects.create(
        nom_structure=f"France Services {rang}",
        type="france_services",
        siret=siret_valide(5000 + rang),
        code_postal="37140",
        commune="Bourgueil",
        contact_nom=f"Contact Numéro{rang}",
        contact_fonction="Animatrice",
        contact_email=f"contact{rang}@fs.fr",
        contact_telephone="02 61 91 20 40",
        message="Trois agents à former.",
        statut=statut,
        empreinte_origine="a" * 64,
    )
    DemandeAdhesion.objects.filter(pk=demande.pk).update(
        cree_le=_il_y_a(recue_il_y_a),
        traitee_le=_il_y_a(traitee_il_y_a) if traitee_il_y_a is not None else None,
    )
    return demande


def _contact(demande) -> tuple:
    demande.refresh_from_db()
    return (
        demande.contact_nom,
        demande.contact_fonction,
        demande.contact_email,
        demande.contact_telephone,
        demande.message,
        demande.empreinte_origine,
    )


def test_contact_des_demandes_devenir_partenaire_efface_apres_la_reponse(settings):
    settings.DEMANDES_ADHESION_CONSERVATION_MOIS = 12
    traitee_vieille = _demande(1, recue_il_y_a=500, traitee_il_y_a=370, statut="acceptee")
    jamais_traitee = _demande(2, recue_il_y_a=370)
    # Received long ago but answered recently: the period runs from the answer.
    traitee_recente = _demande(3, recue_il_y_a=500, traitee_il_y_a=300, statut="refusee")
    recue_recente = _demande(4, recue_il_y_a=10)

    assert tasks.retention_appliquer()["demandes_adhesion"] == 2
    for demande in (traitee_vieille, jamais_traitee):
        assert _contact(demande) == ("", "", "", "", "", "")
    for demande in (traitee_recente, recue_recente):
        assert _contact(demande)[0].startswith("Contact Numéro")
    # What the yearly figures need stays.
    traitee_vieille.refresh_from_db()
    assert (traitee_vieille.nom_structure, traitee_vieille.statut, traitee_vieille.commune) == (
        "France Services 1",
        "acceptee",
        "Bourgueil",
    )
    assert DemandeAdhesion.objects.count() == 4
    assert services.demandes_adhesion_anonymiser() == 0  # done once
