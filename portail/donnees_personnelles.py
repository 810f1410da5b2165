"""Data protection (RGPD): the processing register, the search of the access journal and the
export of the data the portal holds about one person.

A person's export holds what is about them and nothing else: no demande content, no insured
person's data, no name of the colleague who acted on their account.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import REGISTRE_PAR_DEFAUT, EntreeJournal, EvenementSecurite, RegistreTraitement


def _utc(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).isoformat() if instant else None


def _jour(jour: date | None) -> str | None:
    return jour.isoformat() if jour else None


# Processing register -----------------------------------------------------------------------------


def registre_traitement() -> RegistreTraitement:
    """The register, created with its default texts the first time (a flushed database still
    shows a complete page)."""
    return RegistreTraitement.objects.get_or_create(pk=1, defaults=REGISTRE_PAR_DEFAUT)[0]


@transaction.atomic
def registre_traitement_enregistrer(*, registre: RegistreTraitement, auteur) -> RegistreTraitement:
    """Saves the edited register with who changed it and when."""
    registre.modifie_le = timezone.now()
    registre.modifie_par = auteur
    registre.save()
    return registre


# Access journal ----------------------------------------------------------------------------------


def bornes_utc(debut: date | None, fin: date | None) -> tuple[datetime | None, datetime | None]:
    """Days in Paris as instants: from midnight of `debut` to midnight after `fin` (excluded)."""
    fuseau = timezone.get_default_timezone()
    return (
        datetime.combine(debut, time.min, tzinfo=fuseau) if debut else None,
        datetime.combine(fin + timedelta(days=1), time.min, tzinfo=fuseau) if fin else None,
    )


def journal_rechercher(
    *,
    personne: str = "",
    reference: str = "",
    action: str = "",
    debut: date | None = None,
    fin: date | None = None,
) -> QuerySet[EntreeJournal]:
    """Journal rows matching every given criterion, newest first, with their person.

    A full e-mail address matches that account only; a part of one matches every address that
    contains it.
    """
    entrees = EntreeJournal.objects.select_related("utilisateur")
    personne = personne.strip()
    if personne:
        exacte = "@" in personne and "." in personne.rsplit("@", 1)[1]
        critere = "utilisateur__email__iexact" if exacte else "utilisateur__email__icontains"
        entrees = entrees.filter(**{critere: personne})
    if reference.strip():
        entrees = entrees.filter(reference=reference.strip().upper())
    if action:
        entrees = entrees.filter(action=action)
    depuis, avant = bornes_utc(debut, fin)
    if depuis:
        entrees = entrees.filter(horodatage__gte=depuis)
    if avant:
        entrees = entrees.filter(horodatage__lt=avant)
    return entrees.order_by("-horodatage", "-pk")


# A person's own data -----------------------------------------------------------------------------


def _inscriptions_formation(utilisateur) -> list[dict]:
    try:
        Inscription = apps.get_model("formations", "Inscription")
    except LookupError:  # trainings not installed
        return []
    inscriptions = Inscription.objects.filter(agent=utilisateur).select_related("session")
    return [
        {
            "session": inscription.session.titre,
            "debut": _utc(inscription.session.debut),
            "fin": _utc(inscription.session.fin),
            "etat": inscription.get_etat_display(),
            "demandee_le": _utc(inscription.demandee_le),
        }
        for inscription in inscriptions.order_by("demandee_le", "pk")
    ]


def _rattachements(utilisateur) -> list[dict]:
    try:
        Adhesion = apps.get_model("conventions", "Adhesion")
    except LookupError:
        return []
    adhesions = Adhesion.objects.filter(utilisateur=utilisateur).select_related("partenaire")
    return [
        {
            "structure": adhesion.partenaire.nom,
            "role": adhesion.get_role_display(),
            "debut": _jour(adhesion.date_debut),
            "fin": _jour(adhesion.date_fin),
            "active": adhesion.active,
        }
        for adhesion in adhesions.order_by("date_debut", "pk")
    ]


def donnees_de(*, utilisateur) -> dict:
    """Everything the portal holds about this person, as JSON-ready values (instants in UTC).

    A fixed number of queries, whatever the volume.
    """
    evenements = EvenementSecurite.objects.filter(utilisateur=utilisateur).order_by("date", "pk")
    journal = (
        EntreeJournal.objects.filter(utilisateur=utilisateur)
        .order_by("horodatage", "pk")
        .values_list("horodatage", "action", "vue", "reference", "adresse_ip")
    )
    actions = dict(EntreeJournal.Action.choices)
    return {
        "genere_le": _utc(timezone.now()),
        "compte": {
            "email": utilisateur.email,
            "prenom": utilisateur.first_name,
            "nom": utilisateur.last_name,
            "telephone": utilisateur.phone,
            "actif": utilisateur.is_active,
            "inscrit_le": _utc(utilisateur.date_joined),
            "derniere_connexion": _utc(utilisateur.last_login),
            "roles": sorted(utilisateur.groups.values_list("name", flat=True)),
        },
        "evenements_securite": [
            {
                "type": evenement.type,
                "libelle": evenement.get_type_display(),
                "date": _utc(evenement.date),
            }
            for evenement in evenements
        ],
        "rattachements": _rattachements(utilisateur),
        "inscriptions_formation": _inscriptions_formation(utilisateur),
        "journal_de_mes_actions": [
            {
                "horodatage": _utc(horodatage),
                "action": action,
                "libelle": str(actions.get(action, action)),
                "vue": vue,
                "reference": reference,
                # A failed login on the account may be someone else's attempt: not their IP.
                "adresse_ip": None
                if action == EntreeJournal.Action.CONNEXION_ECHOUEE
                else adresse_ip,
            }
            for horodatage, action, vue, reference, adresse_ip in journal
        ],
    }
