"""Who is told what about a demande: an in-portal notice and an e-mail through the outbox.

Messages carry the reference and a link, never the insured person's identity nor the text of a
message. Called inside the services' transactions: e-mails leave after commit.
"""

from django.contrib.auth import get_user_model

from portail import promesses
from portail.dates import date_courte, date_heure_courte
from portail.liens import adresse_absolue
from portail.services import courriel_programmer

from .models import Avis, Demande

SIGNATURE = "\n\n— Solidaires et partenaires, portail des partenaires de la CPAM\n"


def lien_partenaire(demande: Demande) -> str:
    return adresse_absolue("demandes:detail", demande.reference)


def lien_cpam(demande: Demande) -> str:
    return adresse_absolue("demandes_admin:demande", demande.reference)


def _prevenir(destinataires, demande: Demande, *, avis: str, sujet: str, corps: str, lien: str):
    personnes = list({p.pk: p for p in destinataires if p.is_active}.values())
    Avis.objects.bulk_create(
        Avis(destinataire=personne, demande=demande, texte=avis[:200]) for personne in personnes
    )
    for personne in personnes:
        courriel_programmer(
            destinataire=personne.email,
            sujet=f"[{demande.reference}] {sujet}",
            corps=(
                f"Bonjour {personne.first_name},\n\n{corps}\n\n"
                f"Pour la consulter, connectez-vous au portail :\n{lien}{SIGNATURE}"
            ),
        )


def _cote_partenaire(demande: Demande) -> list:
    """The agent who sent the demande; if they left the structure, its active référents."""
    from conventions.models import Adhesion

    auteur_present = Adhesion.objects.filter(
        utilisateur=demande.auteur, partenaire=demande.partenaire, active=True
    ).exists()
    if auteur_present and demande.auteur.is_active:
        return [demande.auteur]
    return list(
        get_user_model().objects.filter(
            adhesions__partenaire=demande.partenaire,
            adhesions__active=True,
            adhesions__role=Adhesion.Role.REFERENT,
            is_active=True,
        )
    )


def _superviseurs(demande: Demande) -> list:
    return list(demande.equipe.superviseurs.filter(is_active=True))


def _cote_cpam(demande: Demande) -> list:
    """Whoever holds the demande now: its expert while present; the team's superviseurs when it
    has none, or when its expert is inactive or away (an absence not handed over yet). Every
    notice for the CPAM side goes through here."""
    from .routage import est_present

    if est_present(demande.expert):
        return [demande.expert.utilisateur]
    return _superviseurs(demande)


# Events ----------------------------------------------------------------------------------------


def nouvelle_demande(demande: Demande) -> None:
    urgente = demande.urgence == Demande.Urgence.URGENTE
    sujet = "Nouvelle demande urgente" if urgente else "Nouvelle demande"
    _prevenir(
        _cote_cpam(demande),
        demande,
        avis=f"{sujet} {demande.reference}",
        sujet=sujet,
        corps=(
            f"Une demande ({demande.categorie.libelle}) vous a été attribuée. "
            "Le délai de première réponse court à partir de maintenant."
            if demande.expert_id
            else f"La demande ({demande.categorie.libelle}) n'a pu être attribuée à aucun "
            "expert présent de l'équipe : elle attend dans la file non attribuée."
        ),
        lien=lien_cpam(demande),
    )
    if not demande.expert_id and demande.equipe.email:
        courriel_programmer(
            destinataire=demande.equipe.email,
            sujet=f"[{demande.reference}] Demande non attribuée",
            corps=(
                "Une demande attend dans la file non attribuée de l'équipe "
                f"{demande.equipe.nom}.\n\n{lien_cpam(demande)}{SIGNATURE}"
            ),
        )


def message_partenaire(demande: Demande) -> None:
    _prevenir(
        _cote_cpam(demande),
        demande,
        avis=f"Nouveau message du partenaire sur {demande.reference}",
        sujet="Nouveau message du partenaire",
        corps="Le partenaire a écrit un nouveau message sur cette demande.",
        lien=lien_cpam(demande),
    )


def message_cpam(demande: Demande, *, information: bool = False) -> None:
    if information:
        avis = f"La CPAM vous demande un complément sur {demande.reference}"
        corps = (
            "L'expert de la CPAM a besoin d'informations complémentaires pour traiter "
            "votre demande. Répondez-lui depuis le portail."
        )
    else:
        avis = f"Nouvelle réponse de la CPAM sur {demande.reference}"
        corps = "L'expert de la CPAM a répondu à votre demande."
    _prevenir(
        _cote_partenaire(demande),
        demande,
        avis=avis,
        sujet="Complément demandé" if information else "Nouvelle réponse de la CPAM",
        corps=corps,
        lien=lien_partenaire(demande),
    )


def statut_change(demande: Demande, *, pour_partenaire: bool, texte: str) -> None:
    destinataires = _cote_partenaire(demande) if pour_partenaire else _cote_cpam(demande)
    lien = lien_partenaire(demande) if pour_partenaire else lien_cpam(demande)
    _prevenir(
        destinataires,
        demande,
        avis=f"{demande.reference} : {texte}",
        sujet=texte,
        corps=f"La demande a changé de statut : {demande.get_statut_display().lower()}.",
        lien=lien,
    )


def reattribuee(demande: Demande) -> None:
    _prevenir(
        _cote_cpam(demande),
        demande,
        avis=f"La demande {demande.reference} vous a été réattribuée",
        sujet="Demande réattribuée",
        corps="Une demande vous a été réattribuée.",
        lien=lien_cpam(demande),
    )


def suivi_change(demande: Demande, *, annonce: str) -> None:
    """The partner is told whenever their demande changes hands (a reassignment, an absence, a
    return): the notice carries the thread's line; the e-mail names no one."""
    _prevenir(
        _cote_partenaire(demande),
        demande,
        avis=f"{demande.reference} : {annonce}",
        sujet="Votre demande change d'interlocuteur",
        corps=(
            "Votre demande est désormais suivie par une autre personne de la CPAM. "
            "Le fil de la demande indique qui et depuis quand ; rien n'est à refaire de "
            "votre côté."
        ),
        lien=lien_partenaire(demande),
    )


def alerte_delai(demande: Demande) -> None:
    _prevenir(
        _cote_cpam(demande),
        demande,
        avis=f"{demande.reference} : 75 % du délai de réponse est écoulé",
        sujet="75 % du délai de réponse est écoulé",
        corps=(
            "Les trois quarts du délai de première réponse de cette demande sont écoulés. "
            f"Réponse attendue avant le {date_heure_courte(demande.echeance)}."
        ),
        lien=lien_cpam(demande),
    )


def escalade(demande: Demande) -> None:
    _prevenir(
        _superviseurs(demande) + _cote_cpam(demande),
        demande,
        avis=f"{demande.reference} : délai de réponse dépassé",
        sujet="Délai de réponse dépassé",
        corps=(
            f"Cette demande de l'équipe {demande.equipe.nom} n'a pas reçu de première réponse "
            "dans le délai prévu : elle était attendue avant le "
            f"{date_heure_courte(demande.echeance)}."
        ),
        lien=lien_cpam(demande),
    )


def relance_partenaire(demande: Demande) -> None:
    _prevenir(
        _cote_partenaire(demande),
        demande,
        avis=f"{demande.reference} : la CPAM attend toujours votre réponse",
        sujet="La CPAM attend votre réponse",
        corps=(
            "L'expert de la CPAM vous a demandé des informations complémentaires il y a "
            f"{promesses.delai_relance_partenaire()}. Sans réponse, la demande ne peut pas "
            "avancer."
        ),
        lien=lien_partenaire(demande),
    )


def preavis_anonymisation(demande: Demande, *, date) -> None:
    """15 days before the insured person's data of a closed demande is anonymised."""
    texte = (
        f"Conformément à la durée de conservation, les données personnelles de l'assuré et les "
        f"messages de cette demande seront effacés le {date_courte(date)}. Si vous en avez encore "
        "besoin, enregistrez-les dans le dossier de votre structure avant cette date."
    )
    for destinataires, lien in _deux_cotes(demande):
        _prevenir(
            destinataires,
            demande,
            avis=f"{demande.reference} sera anonymisée le {date_courte(date)}",
            sujet="Demande bientôt anonymisée",
            corps=texte,
            lien=lien,
        )


def _cote_partenaire_et_cpam(demande: Demande) -> list:
    """Both sides when the CPAM has not moved either (nouvelle, en cours); the partner alone
    when the CPAM waits for them (en attente)."""
    cotes = _deux_cotes(demande)
    return cotes[:1] if demande.statut == Demande.Statut.EN_ATTENTE else cotes


def _deux_cotes(demande: Demande) -> list:
    """(recipients, link) for the partner's side, then for the CPAM's."""
    return [
        (_cote_partenaire(demande), lien_partenaire(demande)),
        (_cote_cpam(demande), lien_cpam(demande)),
    ]


def preavis_cloture(demande: Demande, *, date) -> None:
    """Before an open demande without activity is closed "sans suite" (reference and date only:
    the e-mail carries no personal data)."""
    le = date_courte(date)
    if demande.statut == Demande.Statut.EN_ATTENTE:
        texte = (
            "La CPAM attend toujours les informations complémentaires demandées sur cette "
            f"demande. Sans réponse de votre part, elle sera clôturée le {le}."
        )
    else:
        texte = (
            "Aucun message n'a été échangé depuis longtemps sur cette demande. Sans nouveau "
            f"message, elle sera clôturée le {le}."
        )
    for destinataires, lien in _cote_partenaire_et_cpam(demande):
        _prevenir(
            destinataires,
            demande,
            avis=f"{demande.reference} sera clôturée le {le} sans nouveau message",
            sujet="Demande bientôt clôturée",
            corps=texte,
            lien=lien,
        )


def cloture_sans_suite(demande: Demande) -> None:
    for destinataires, lien in _deux_cotes(demande):
        _prevenir(
            destinataires,
            demande,
            avis=f"{demande.reference} : clôturée sans suite faute d'activité",
            sujet="Demande clôturée sans suite",
            corps=(
                "Cette demande a été clôturée automatiquement faute de nouveau message : le "
                "motif figure dans son fil."
            ),
            lien=lien,
        )
