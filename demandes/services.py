"""Every write on a demande with business rules: sending, routing, thread, status, service level.

Each service locks the demande row, checks the transition, writes, records the trace and
schedules the notifications, all in one transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portail import journal

from . import notifications, routage
from .calendrier import ajouter_minutes_ouvrees, minutes_ouvrees_entre
from .models import (
    LONGUEUR_MAX_MESSAGE,
    BrouillonReponse,
    CompteurDemande,
    DecisionRoutage,
    Demande,
    Expert,
    FiltreEnregistre,
    Message,
    PieceJointe,
    TransitionDemande,
)
from .validators import fichier_valider

Statut = Demande.Statut

TRANSITIONS: dict[str, set[str]] = {
    Statut.NOUVELLE: {Statut.EN_COURS, Statut.EN_ATTENTE, Statut.RESOLUE},
    Statut.EN_COURS: {Statut.EN_ATTENTE, Statut.RESOLUE},
    Statut.EN_ATTENTE: {Statut.EN_COURS, Statut.RESOLUE},
    Statut.RESOLUE: {Statut.CLOTUREE, Statut.EN_COURS},
    Statut.CLOTUREE: set(),
}
#: Only the nightly retention job closes an open demande, "sans suite", once it has stayed
#: without activity past its period (see demande_cloturer_sans_suite).
TRANSITIONS_AUTOMATIQUES: dict[str, set[str]] = {
    statut: {Statut.CLOTUREE} for statut in Demande.OUVERTES
}


class TransitionInterdite(ValidationError):
    pass


def _transition(
    demande: Demande, vers: str, auteur, *, motif: str = "", automatique: bool = False
) -> None:
    permises = TRANSITIONS[demande.statut]
    if automatique:
        permises = permises | TRANSITIONS_AUTOMATIQUES.get(demande.statut, set())
    if vers not in permises:
        raise TransitionInterdite(
            _("Une demande « %(de)s » ne peut pas passer à « %(vers)s ».")
            % {"de": demande.get_statut_display(), "vers": Statut(vers).label},
            code="transition",
        )
    TransitionDemande.objects.create(
        demande=demande, de=demande.statut, vers=vers, auteur=auteur, motif=motif
    )
    demande.statut = vers


def _verrouiller(demande: Demande) -> Demande:
    """The demande re-read under a row lock: concurrent actions apply one after the other."""
    return (
        Demande.objects.select_for_update(of=("self",))
        .select_related("categorie", "equipe", "expert__utilisateur", "auteur", "partenaire")
        .get(pk=demande.pk)
    )


def _reference_suivante(instant) -> str:
    annee = timezone.localtime(instant).year
    compteur, _cree = CompteurDemande.objects.select_for_update().get_or_create(annee=annee)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return f"D-{annee}-{compteur.dernier:06d}"


# Files -----------------------------------------------------------------------------------------


@transaction.atomic
def piece_deposer(*, fichier, utilisateur) -> PieceJointe:
    """Store an uploaded file under a server-generated name, not yet attached to a message.

    Checked by size and by content (a PDF, JPEG or PNG that its parser opens, with no active
    content: `portail.fichiers`); raises ValidationError otherwise. Kept for the
    person who uploaded it, so that a form refused for another reason does not lose it.
    """
    type_mime, extension = fichier_valider(fichier)
    nom = (fichier.name or "").replace("/", "_").replace("\\", "_")[-120:]
    if not nom.lower().endswith(f".{extension}") and not (
        extension == "jpg" and nom.lower().endswith(".jpeg")
    ):
        nom = f"{nom or 'piece'}.{extension}"
    piece = PieceJointe(deposee_par=utilisateur, nom=nom, type_mime=type_mime, taille=fichier.size)
    piece.fichier.save(piece.uuid.hex, fichier, save=False)
    piece.save()
    return piece


def pieces_en_attente(*, utilisateur, uuids) -> list[PieceJointe]:
    """Files this person uploaded and did not attach yet, among `uuids` (others are ignored)."""
    if not uuids:
        return []
    return list(
        PieceJointe.objects.filter(
            uuid__in=uuids, deposee_par=utilisateur, message__isnull=True
        ).order_by("cree_le", "pk")
    )


def _attacher(message: Message, pieces) -> None:
    pieces = list(pieces)
    if len(pieces) > settings.DEMANDES_PIECES_PAR_MESSAGE:
        raise ValidationError(
            _("Joignez au plus %(n)s fichiers par message.")
            % {"n": settings.DEMANDES_PIECES_PAR_MESSAGE},
            code="trop_de_fichiers",
        )
    if pieces:
        PieceJointe.objects.filter(pk__in=[p.pk for p in pieces], message__isnull=True).update(
            message=message
        )


def pieces_orphelines_purger(*, avant) -> int:
    """Delete uploads never attached to a message (a form abandoned), older than `avant`."""
    nombre = 0
    for piece in PieceJointe.objects.filter(message__isnull=True, cree_le__lt=avant).iterator():
        piece.fichier.delete(save=False)
        piece.delete()
        nombre += 1
    return nombre


# Sending ---------------------------------------------------------------------------------------


@transaction.atomic
def demande_creer(
    *,
    auteur,
    partenaire,
    categorie,
    urgence: str,
    objet: str,
    description: str,
    nir: str = "",
    nom: str = "",
    prenom: str = "",
    date_naissance=None,
    complements: dict | None = None,
    partagee: bool = True,
    pieces=(),
    instant=None,
) -> Demande:
    """Send a demande: reference, service level, routing to a named expert, first message.

    The caller has checked the access rule and the form; the insured person's consent is given
    by sending (the form requires it) and recorded with its date and the agent.
    """
    instant = instant or timezone.now()
    decision = routage.decider(categorie=categorie, partenaire=partenaire, instant=instant)
    delai = categorie.delai(urgence)
    territoire = decision.equipe.territoire  # deadlines on the team's own calendar
    demande = Demande.objects.create(
        reference=_reference_suivante(instant),
        partenaire=partenaire,
        auteur=auteur,
        partagee=partagee,
        categorie=categorie,
        urgence=urgence,
        complements=complements or {},
        objet=objet,
        nir=nir,
        nom=nom if not nir else "",
        prenom=prenom if not nir else "",
        date_naissance=date_naissance if not nir else None,
        consentement_le=instant,
        consentement_par=auteur,
        equipe=decision.equipe,
        expert=decision.expert,
        attribuee_le=instant,
        cree_le=instant,
        modifiee_le=instant,
        delai_accorde=delai,
        echeance=ajouter_minutes_ouvrees(instant, delai, territoire=territoire),
        seuil_alerte=ajouter_minutes_ouvrees(instant, delai * 3 // 4, territoire=territoire),
    )
    message = Message.objects.create(
        demande=demande,
        auteur=auteur,
        cote=Message.Cote.PARTENAIRE,
        corps=description,
        cree_le=instant,
    )
    _attacher(message, pieces)
    DecisionRoutage.objects.create(
        demande=demande,
        regle=decision.regle,
        equipe=decision.equipe,
        expert=decision.expert,
        motif=decision.motif,
        cree_le=instant,
    )
    notifications.nouvelle_demande(demande)
    return demande


# The thread ------------------------------------------------------------------------------------


def _reprendre_le_delai(demande: Demande, instant) -> None:
    """Leaving "en attente du partenaire": the first-answer clock resumes where it paused."""
    if demande.repondue_le is None and demande.en_attente_depuis:
        debut = demande.en_attente_depuis
        territoire = demande.equipe.territoire
        reste = minutes_ouvrees_entre(debut, demande.echeance, territoire=territoire)
        if reste > 0:
            demande.echeance = ajouter_minutes_ouvrees(instant, reste, territoire=territoire)
        reste_alerte = minutes_ouvrees_entre(debut, demande.seuil_alerte, territoire=territoire)
        if reste_alerte > 0:
            demande.seuil_alerte = ajouter_minutes_ouvrees(
                instant, reste_alerte, territoire=territoire
            )
    demande.en_attente_depuis = None
    demande.relance_partenaire_a = None
    demande.relance_envoyee_le = None


def _premiere_reponse(demande: Demande, instant) -> None:
    if demande.repondue_le is None:
        demande.repondue_le = instant
        restant = minutes_ouvrees_entre(
            instant, demande.echeance, territoire=demande.equipe.territoire
        )
        demande.delai_reponse = max(demande.delai_accorde - restant, 0)


@transaction.atomic
def message_partenaire_envoyer(*, demande: Demande, auteur, corps: str, pieces=()) -> Message:
    """A partner agent writes in the thread; an answer to a request for information puts the
    demande back "en cours" and resumes the clock."""
    demande = _verrouiller(demande)
    if demande.statut in (Statut.RESOLUE, Statut.CLOTUREE):
        raise TransitionInterdite(
            _("Cette demande est close : rouvrez-la ou envoyez une nouvelle demande."),
            code="close",
        )
    instant = timezone.now()
    message = Message.objects.create(
        demande=demande, auteur=auteur, cote=Message.Cote.PARTENAIRE, corps=corps, cree_le=instant
    )
    _attacher(message, pieces)
    if demande.statut == Statut.EN_ATTENTE:
        _reprendre_le_delai(demande, instant)
        _transition(demande, Statut.EN_COURS, auteur)
    demande.nouveau_pour_cpam = True
    demande.modifiee_le = instant
    demande.save()
    notifications.message_partenaire(demande)
    return message


@transaction.atomic
def message_cpam_envoyer(
    *, demande: Demande, auteur, corps: str, type: str = Message.Type.MESSAGE, pieces=()
) -> Message:
    """An expert writes: an answer, an internal note (never shown to the partner), or a request
    for information (the demande waits for the partner and the first-answer clock pauses)."""
    if type not in (Message.Type.MESSAGE, Message.Type.NOTE, Message.Type.INFORMATION):
        raise ValidationError(_("Type de message inconnu."), code="type")
    demande = _verrouiller(demande)
    if demande.statut == Statut.CLOTUREE or (
        demande.statut == Statut.RESOLUE and type != Message.Type.NOTE
    ):
        raise TransitionInterdite(
            _("Cette demande est close : seule une note interne peut y être ajoutée."),
            code="close",
        )
    instant = timezone.now()
    message = Message.objects.create(
        demande=demande,
        auteur=auteur,
        cote=Message.Cote.CPAM,
        type=type,
        corps=corps,
        cree_le=instant,
    )
    _attacher(message, pieces)
    if type == Message.Type.NOTE:
        return message
    if type == Message.Type.MESSAGE:
        _brouillon_supprimer(demande, auteur)
    if type == Message.Type.INFORMATION:
        if demande.statut != Statut.EN_ATTENTE:
            _transition(demande, Statut.EN_ATTENTE, auteur)
            demande.en_attente_depuis = instant
            demande.relance_partenaire_a = ajouter_minutes_ouvrees(
                instant,
                settings.DEMANDES_RELANCE_PARTENAIRE,
                territoire=demande.equipe.territoire,
            )
            demande.relance_envoyee_le = None
    else:
        _premiere_reponse(demande, instant)
        if demande.statut == Statut.NOUVELLE:
            _transition(demande, Statut.EN_COURS, auteur)
    demande.nouveau_pour_partenaire = True
    demande.modifiee_le = instant
    demande.save()
    notifications.message_cpam(demande, information=type == Message.Type.INFORMATION)
    return message


@transaction.atomic
def demande_ouvrir(*, demande: Demande, utilisateur) -> Demande:
    """The CPAM side opens a demande: read for the CPAM; the assigned expert opening a new
    demande takes it "en cours"."""
    demande = _verrouiller(demande)
    champs = []
    if demande.nouveau_pour_cpam:
        demande.nouveau_pour_cpam = False
        demande.lue_cpam_le = timezone.now()
        champs += ["nouveau_pour_cpam", "lue_cpam_le"]
    if (
        demande.statut == Statut.NOUVELLE
        and demande.expert
        and demande.expert.utilisateur_id == (utilisateur.pk)
    ):
        _transition(demande, Statut.EN_COURS, utilisateur)
        champs.append("statut")
    if champs:
        demande.save(update_fields=champs)
    demande.avis.filter(destinataire=utilisateur, lu_le__isnull=True).update(lu_le=timezone.now())
    return demande


def demande_lue_par_partenaire(*, demande: Demande, utilisateur) -> None:
    """The partner side opened the thread: nothing new for them any more."""
    Demande.objects.filter(pk=demande.pk, nouveau_pour_partenaire=True).update(
        nouveau_pour_partenaire=False
    )
    demande.nouveau_pour_partenaire = False
    demande.avis.filter(destinataire=utilisateur, lu_le__isnull=True).update(lu_le=timezone.now())


@transaction.atomic
def demande_resoudre(*, demande: Demande, auteur, issue: str, corps: str, pieces=()) -> Demande:
    """The expert closes the case with an outcome and a last message to the partner."""
    if issue not in Demande.Issue.values:
        raise ValidationError({"issue": _("Choisissez l'issue de la demande.")})
    demande = _verrouiller(demande)
    instant = timezone.now()
    _transition(demande, Statut.RESOLUE, auteur)
    message = Message.objects.create(
        demande=demande,
        auteur=auteur,
        cote=Message.Cote.CPAM,
        type=Message.Type.RESOLUTION,
        corps=corps,
        cree_le=instant,
    )
    _attacher(message, pieces)
    _brouillon_supprimer(demande, auteur)
    _premiere_reponse(demande, instant)
    demande.issue = issue
    demande.resolue_le = instant
    demande.en_attente_depuis = None
    demande.relance_partenaire_a = None
    demande.nouveau_pour_partenaire = True
    demande.modifiee_le = instant
    demande.save()
    notifications.statut_change(demande, pour_partenaire=True, texte="Demande résolue")
    return demande


def reouverture_possible(demande: Demande, instant=None) -> bool:
    instant = instant or timezone.now()
    return (
        demande.statut == Statut.RESOLUE
        and demande.resolue_le is not None
        and instant < demande.resolue_le + timedelta(days=settings.DEMANDES_JOURS_AVANT_CLOTURE)
    )


@transaction.atomic
def demande_rouvrir(*, demande: Demande, auteur, corps: str) -> Demande:
    """The partner reopens a résolue demande within 15 days, saying why."""
    demande = _verrouiller(demande)
    if not reouverture_possible(demande):
        raise TransitionInterdite(
            _(
                "Cette demande ne peut plus être rouverte : envoyez une nouvelle demande en "
                "rappelant la référence %(ref)s."
            )
            % {"ref": demande.reference},
            code="reouverture",
        )
    instant = timezone.now()
    _transition(demande, Statut.EN_COURS, auteur)
    Message.objects.create(
        demande=demande, auteur=auteur, cote=Message.Cote.PARTENAIRE, corps=corps, cree_le=instant
    )
    demande.issue = ""
    demande.resolue_le = None
    demande.reouvertures += 1
    demande.nouveau_pour_cpam = True
    demande.modifiee_le = instant
    demande.save()
    notifications.statut_change(demande, pour_partenaire=False, texte="Demande rouverte")
    return demande


@transaction.atomic
def demande_cloturer(*, demande: Demande, auteur=None) -> Demande:
    """Close a résolue demande: confirmed by the partner, or automatically after 15 days."""
    demande = _verrouiller(demande)
    _transition(demande, Statut.CLOTUREE, auteur)
    demande.cloturee_le = timezone.now()
    demande.save(update_fields=["statut", "cloturee_le"])
    return demande


@transaction.atomic
def demande_reattribuer(
    *, demande: Demande, auteur, motif: str, expert: Expert | None = None, equipe=None
) -> Demande:
    """Give a demande to another expert (or back to a team's unassigned queue), with a reason."""
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": _("Indiquez le motif de la réattribution.")})
    if expert is None and equipe is None:
        raise ValidationError({"expert": _("Choisissez un expert ou une équipe.")})
    demande = _verrouiller(demande)
    if demande.statut == Statut.CLOTUREE:
        raise TransitionInterdite(_("Une demande clôturée ne se réattribue pas."))
    if expert is not None and not expert.actif:
        raise ValidationError({"expert": _("Cet expert n'est pas actif.")})
    demande_attribuer(
        demande=demande,
        expert=expert,
        equipe=expert.equipe if expert else equipe,
        auteur=auteur,
        motif=_("réattribuée par %(qui)s : %(motif)s")
        % {"qui": auteur.get_full_name() or auteur.email, "motif": motif[:200]},
    )
    return demande


def _changer_de_calendrier(demande: Demande, ancien: str, nouveau: str, instant) -> list[str]:
    """A demande moving to a team of another territory keeps the business time it had left,
    counted from then on with the new territory's holidays and hours (an overdue deadline
    stays where it was). From the start of the pause when the clock is paused. Returns the
    fields changed."""
    if ancien == nouveau:
        return []
    depuis = demande.en_attente_depuis or instant
    champs = []
    for champ, origine in (
        ("echeance", depuis),
        ("seuil_alerte", depuis),
        ("relance_partenaire_a", instant),
    ):
        moment = getattr(demande, champ)
        if moment is None or (champ != "relance_partenaire_a" and demande.repondue_le):
            continue
        reste = minutes_ouvrees_entre(origine, moment, territoire=ancien)
        if reste > 0:
            setattr(demande, champ, ajouter_minutes_ouvrees(origine, reste, territoire=nouveau))
            champs.append(champ)
    return champs


def annonce_suivi(demande: Demande) -> str:
    """What the partner reads in the thread when someone else takes their demande."""
    if demande.expert_id:
        return _("Votre demande est désormais suivie par %(qui)s.") % {"qui": demande.expert}
    return _(
        "Votre demande est confiée à l'équipe %(equipe)s de la CPAM, qui l'attribuera à un expert."
    ) % {"equipe": demande.equipe.nom}


def demande_attribuer(
    *,
    demande: Demande,
    expert: Expert | None,
    equipe,
    motif: str,
    auteur=None,
    annonce: str = "",
    remise_pour=None,
    instant=None,
) -> Demande:
    """Every change of holder after the routing of a new demande (a reassignment, an absence,
    a return): the holder and since when, the routing decision, a line in the partner's thread
    and a notice to the new holder. The demande is locked by the caller (inside its
    transaction); `remise_pour` marks a hand-over during an absence, anything else clears it.
    The partner reads it in the thread; when one named expert hands over to another, they also
    get a notice and an e-mail."""
    instant = instant or timezone.now()
    ancien_expert_id = demande.expert_id
    ancien_territoire = demande.equipe.territoire
    demande.expert = expert
    demande.equipe = equipe
    demande.attribuee_le = instant
    delais = _changer_de_calendrier(demande, ancien_territoire, equipe.territoire, instant)
    demande.remise_pour = remise_pour
    demande.nouveau_pour_cpam = True
    demande.nouveau_pour_partenaire = True
    demande.save(
        update_fields=[
            "expert",
            "equipe",
            "attribuee_le",
            "remise_pour",
            "nouveau_pour_cpam",
            "nouveau_pour_partenaire",
            *delais,
        ]
    )
    DecisionRoutage.objects.create(
        demande=demande, equipe=equipe, expert=expert, auteur=auteur, motif=motif, cree_le=instant
    )
    annonce = annonce or annonce_suivi(demande)
    Message.objects.create(
        demande=demande,
        cote=Message.Cote.CPAM,
        type=Message.Type.EVENEMENT,
        corps=annonce,
        cree_le=instant,
    )
    if ancien_expert_id is not None and expert is not None and expert.pk != ancien_expert_id:
        # A named expert hands over to another: the partner is told by notice and e-mail
        # (taking a queued demande, or sending it back to a team's queue, says it in the
        # thread only).
        notifications.suivi_change(demande, annonce=annonce)
    if expert is None or auteur is None or expert.utilisateur_id != auteur.pk:
        notifications.reattribuee(demande)  # not to the expert who took it themself
    journal.noter_ecriture(demande.reference)
    return demande


# Answer drafts ---------------------------------------------------------------------------------


def _brouillon_supprimer(demande: Demande, auteur) -> None:
    BrouillonReponse.objects.filter(demande=demande, auteur=auteur).delete()


@transaction.atomic
def brouillon_enregistrer(
    *, demande: Demande, auteur, corps: str, vu_jusqu_a: int | None = None
) -> BrouillonReponse | None:
    """Keep the answer an expert is writing, for them alone, until they send it; an empty text
    deletes the draft. Only an open demande takes a draft (no answer can be sent otherwise).
    `vu_jusqu_a`: the last message of the screen the draft was typed on; a draft that arrives
    after this person's answer left from that screen (a save still on its way when they
    clicked « Envoyer ») is dropped, not kept to be sent twice."""
    if len(corps) > LONGUEUR_MAX_MESSAGE:
        raise ValidationError(
            _(
                "Le brouillon dépasse %(max)s caractères (%(n)s saisis) : raccourcissez-le ; "
                "le texte reste dans le formulaire."
            )
            % {"max": LONGUEUR_MAX_MESSAGE, "n": len(corps)},
            code="trop_long",
        )
    if demande.statut not in Demande.OUVERTES:
        raise TransitionInterdite(
            _("Cette demande est close : aucune réponse ne peut plus y être écrite."),
            code="close",
        )
    deja_repondu = (
        vu_jusqu_a is not None
        and demande.messages.filter(
            auteur=auteur, cote=Message.Cote.CPAM, type__in=Message.TYPES_REPONSE, pk__gt=vu_jusqu_a
        ).exists()
    )
    if deja_repondu or not corps.strip():
        _brouillon_supprimer(demande, auteur)
        return None
    brouillon, _cree = BrouillonReponse.objects.update_or_create(
        demande=demande, auteur=auteur, defaults={"corps": corps, "modifie_le": timezone.now()}
    )
    return brouillon


def brouillons_des_demandes_closes_supprimer() -> int:
    """Drafts of closed demandes: nobody can send them any more (the nightly purge)."""
    return BrouillonReponse.objects.filter(demande__statut=Statut.CLOTUREE).delete()[0]


@transaction.atomic
def demandes_reattribuer(
    *, demandes: list[Demande], auteur, motif: str, expert: Expert | None = None, equipe=None
) -> list[Demande]:
    """Give several demandes to one expert (or queue) at once: each one exactly as
    `demande_reattribuer` does (routing decision, notice), and all or none — one refusal
    (a closed demande, an inactive expert) writes nothing."""
    faites = []
    for demande in sorted(demandes, key=lambda d: d.pk):  # locks always taken in one order
        try:
            faites.append(
                demande_reattribuer(
                    demande=demande, auteur=auteur, motif=motif, expert=expert, equipe=equipe
                )
            )
        except TransitionInterdite as refus:
            raise TransitionInterdite(
                _("%(reference)s : %(refus)s")
                % {"reference": demande.reference, "refus": refus.messages[0]}
            ) from refus
    return faites


@transaction.atomic
def demande_prendre(*, demande: Demande, utilisateur) -> Demande:
    """An expert takes an unassigned demande of their own team's queue (from the inbox)."""
    expert = Expert.objects.filter(utilisateur=utilisateur, actif=True).first()
    demande = _verrouiller(demande)
    if expert is None or demande.equipe_id != expert.equipe_id:
        raise ValidationError(_("Seule une demande de la file de votre équipe peut être prise."))
    if demande.expert_id is not None:
        raise ValidationError(
            _("Cette demande est déjà attribuée à %(qui)s.") % {"qui": demande.expert}
        )
    return demande_reattribuer(
        demande=demande,
        auteur=utilisateur,
        motif=_("prise en charge depuis la boîte des demandes"),
        expert=expert,
    )


# Service level sweep ---------------------------------------------------------------------------
# Each reminder is claimed by an UPDATE ... WHERE stamp IS NULL: only the worker whose update
# touched the row sends it, so retries and concurrent sweeps send it once.


def _reclamer(pk: int, champ: str, instant, **conditions) -> bool:
    return bool(
        Demande.objects.filter(pk=pk, **{f"{champ}__isnull": True}, **conditions).update(
            **{champ: instant}
        )
    )


def _sans_reponse():
    return {"repondue_le__isnull": True, "statut__in": [Statut.NOUVELLE, Statut.EN_COURS]}


def _balayer(*, tampon: str, echeance: dict, conditions: dict, prevenir, instant) -> int:
    """Send one kind of reminder for every demande due: claim its stamp, then notify."""
    envoyees = 0
    ids = Demande.objects.filter(**{f"{tampon}__isnull": True}, **echeance, **conditions)
    for pk in ids.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            if _reclamer(pk, tampon, instant, **conditions):
                prevenir(
                    Demande.objects.select_related(
                        "categorie", "equipe", "expert__utilisateur", "auteur", "partenaire"
                    ).get(pk=pk)
                )
                envoyees += 1
    return envoyees


def alertes_delai_envoyer(*, instant=None) -> int:
    """Tell the assigned expert when 75 % of the first-answer delay is used."""
    instant = instant or timezone.now()
    return _balayer(
        tampon="alerte_envoyee_le",
        echeance={"seuil_alerte__lte": instant},
        conditions=_sans_reponse(),
        prevenir=notifications.alerte_delai,
        instant=instant,
    )


def escalades_envoyer(*, instant=None) -> int:
    """Tell the team's superviseurs when the first-answer delay is exceeded."""
    instant = instant or timezone.now()
    return _balayer(
        tampon="escalade_le",
        echeance={"echeance__lte": instant},
        conditions=_sans_reponse(),
        prevenir=notifications.escalade,
        instant=instant,
    )


def relances_partenaires_envoyer(*, instant=None) -> int:
    """Remind the partner of a demande "en attente" for 5 business days."""
    instant = instant or timezone.now()
    return _balayer(
        tampon="relance_envoyee_le",
        echeance={"relance_partenaire_a__lte": instant},
        conditions={"statut": Statut.EN_ATTENTE},
        prevenir=notifications.relance_partenaire,
        instant=instant,
    )


def demandes_resolues_cloturer(*, instant=None) -> int:
    """Résolue for 15 days without reopening: clôturée."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.DEMANDES_JOURS_AVANT_CLOTURE)
    nombre = 0
    for demande in Demande.objects.filter(statut=Statut.RESOLUE, resolue_le__lte=limite).only("pk"):
        try:
            demande_cloturer(demande=demande)
        except TransitionInterdite:
            continue  # reopened meanwhile
        nombre += 1
    return nombre


# Open demandes left without activity -----------------------------------------------------------


def periode_sans_activite(statut: str) -> timedelta:
    """How long an open demande may stay without a message before it is closed "sans suite":
    waiting for the partner's information, or waiting for the CPAM."""
    if statut == Statut.EN_ATTENTE:
        return timedelta(days=settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS)
    return timedelta(days=settings.DEMANDES_CLOTURE_INACTIVITE_JOURS)


def preavis_cloture() -> timedelta:
    return timedelta(days=settings.DEMANDES_PREAVIS_CLOTURE_JOURS)


def _preavis_valable(demande: Demande) -> bool:
    return demande.preavis_cloture_le is not None and (
        demande.preavis_cloture_le >= demande.modifiee_le
    )


def cloture_sans_suite_prevue_le(demande: Demande):
    """When an open demande will be closed if nothing is written: its period after the last
    message, and never sooner than the notice period after the notice."""
    date = demande.modifiee_le + periode_sans_activite(demande.statut)
    if _preavis_valable(demande):
        date = max(date, demande.preavis_cloture_le + preavis_cloture())
    return date


def cloture_sans_suite_due(demande: Demande, instant) -> bool:
    """Open, silent past its period, and its people were told at least the notice period ago
    (a notice older than the last message no longer counts)."""
    return (
        demande.statut in Demande.OUVERTES
        and _preavis_valable(demande)
        and cloture_sans_suite_prevue_le(demande) <= instant
    )


@transaction.atomic
def demande_cloturer_sans_suite(*, demande: Demande, instant=None) -> bool:
    """Close an open demande left without activity past its period, after notice: the trace,
    a message in the thread saying why, and a notice to both sides. Its retention period then
    starts, as for any closed demande. Returns False when it is no longer due (the thread
    moved meanwhile)."""
    instant = instant or timezone.now()
    demande = _verrouiller(demande)
    if not cloture_sans_suite_due(demande, instant):
        return False
    jours = periode_sans_activite(demande.statut).days
    if demande.statut == Statut.EN_ATTENTE:
        motif = _(
            "Clôturée automatiquement : les informations complémentaires demandées par la CPAM "
            "n'ont pas été reçues dans les %(jours)s jours prévus."
        ) % {"jours": jours}
    else:
        motif = _(
            "Clôturée automatiquement : aucun message n'a été échangé sur cette demande "
            "depuis %(jours)s jours."
        ) % {"jours": jours}
    _transition(demande, Statut.CLOTUREE, None, motif=motif, automatique=True)
    Message.objects.create(
        demande=demande,
        cote=Message.Cote.CPAM,
        type=Message.Type.EVENEMENT,
        corps=_(
            "%(motif)s Si la situation de l'assuré n'est pas réglée, envoyez une nouvelle "
            "demande en rappelant la référence %(ref)s."
        )
        % {"motif": motif, "ref": demande.reference},
        cree_le=instant,
    )
    demande.issue = Demande.Issue.SANS_SUITE
    demande.cloturee_le = instant
    demande.en_attente_depuis = None
    demande.relance_partenaire_a = None
    demande.nouveau_pour_partenaire = True
    demande.save()
    notifications.cloture_sans_suite(demande)
    return True


# Partner views helpers -------------------------------------------------------------------------


def pieces_retirer(*, utilisateur, uuids) -> int:
    """Delete files this person uploaded and took back before sending: only their own, only
    those not attached to a message yet."""
    nombre = 0
    for piece in pieces_en_attente(utilisateur=utilisateur, uuids=uuids):
        piece.fichier.delete(save=False)
        piece.delete()
        nombre += 1
    return nombre


# Saved inbox filters ---------------------------------------------------------------------------

#: What a saved filter may hold: the inbox's tab and filters (query-string names), nothing else.
PARAMETRES_FILTRE = ("onglet", "statut", "categorie", "urgence", "structure", "departement")


@transaction.atomic
def filtre_enregistrer(*, utilisateur, nom: str, parametres: dict) -> FiltreEnregistre:
    """Save the inbox's current tab and filters under a name, for this person only: a name is
    required, unique for the person, at most `NOM_LONGUEUR_MAX` characters, and a person keeps
    at most DEMANDES_FILTRES_ENREGISTRES_MAX filters."""
    from django.contrib.auth import get_user_model

    nom = " ".join((nom or "").split())
    if not nom:
        raise ValidationError({"nom": _("Donnez un nom à ce filtre.")})
    if len(nom) > FiltreEnregistre.NOM_LONGUEUR_MAX:
        raise ValidationError(
            {
                "nom": _("Le nom tient en %(n)s caractères au plus.")
                % {"n": FiltreEnregistre.NOM_LONGUEUR_MAX}
            }
        )
    # The person's row locked: two tabs saving at once cannot pass the maximum together.
    get_user_model().objects.select_for_update().filter(pk=utilisateur.pk).first()
    siens = FiltreEnregistre.objects.filter(utilisateur=utilisateur)
    if siens.filter(nom__iexact=nom).exists():
        raise ValidationError(
            {
                "nom": _("Vous avez déjà un filtre nommé « %(nom)s » : choisissez un autre nom.")
                % {"nom": nom}
            }
        )
    maximum = settings.DEMANDES_FILTRES_ENREGISTRES_MAX
    if siens.count() >= maximum:
        raise ValidationError(
            {
                "nom": _(
                    "Vous avez déjà %(n)s filtres enregistrés : supprimez-en un avant d'en "
                    "enregistrer un autre."
                )
                % {"n": maximum}
            }
        )
    propres = {
        cle: str(valeur)
        for cle, valeur in parametres.items()
        if cle in PARAMETRES_FILTRE and valeur not in (None, "")
    }
    if parametres.get("en_retard"):
        propres["en_retard"] = "on"
    return FiltreEnregistre.objects.create(utilisateur=utilisateur, nom=nom, parametres=propres)


def filtre_supprimer(*, filtre: FiltreEnregistre) -> None:
    filtre.delete()
