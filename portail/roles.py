"""Role groups, created by migration `0002_groupes_roles`, and where each role works."""

from django.urls import reverse

AGENT_PARTENAIRE = "Agent partenaire"
REFERENT_PARTENAIRE = "Référent partenaire"
EXPERT_CPAM = "Expert CPAM"
SUPERVISEUR_CPAM = "Superviseur CPAM"
EDITEUR = "Éditeur"
FORMATEUR = "Formateur"

TOUS = [AGENT_PARTENAIRE, REFERENT_PARTENAIRE, EXPERT_CPAM, SUPERVISEUR_CPAM, EDITEUR, FORMATEUR]
# Roles that work in the back-office (Wagtail admin), in the order that decides the workspace
# of a person holding several of them (see `espace_cpam`).
PERSONNEL_CPAM = [EXPERT_CPAM, SUPERVISEUR_CPAM, EDITEUR, FORMATEUR]
PARTENAIRES = [AGENT_PARTENAIRE, REFERENT_PARTENAIRE]

# The workspace of each CPAM role: a URL name of the back-office.
ESPACES_CPAM = {
    EXPERT_CPAM: "demandes_admin:boite",
    SUPERVISEUR_CPAM: "tableaux_admin:tableau",
    EDITEUR: "wagtailadmin_explore_root",
    FORMATEUR: "formations_sessions:index",
}


def groupes_de(utilisateur):
    # Cached on the user object, which lives for one request only.
    if not hasattr(utilisateur, "_groupes_cache"):
        utilisateur._groupes_cache = list(utilisateur.groups.all())
    return utilisateur._groupes_cache


def a_un_role(utilisateur, noms) -> bool:
    """Whether an authenticated, active person holds one of the roles `noms`."""
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    return any(groupe.name in noms for groupe in groupes_de(utilisateur))


def est_personnel_cpam(utilisateur) -> bool:
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    return utilisateur.is_superuser or a_un_role(utilisateur, PERSONNEL_CPAM)


def espace_cpam(utilisateur) -> str | None:
    """The back-office page a CPAM person starts from, None for anyone else.

    Several CPAM roles: the first in `PERSONNEL_CPAM` order (expert, superviseur, éditeur,
    formateur) wins. A superuser without a role starts from the back-office home.
    """
    if not est_personnel_cpam(utilisateur):
        return None
    noms = {groupe.name for groupe in groupes_de(utilisateur)}
    for role in PERSONNEL_CPAM:
        if role in noms:
            return reverse(ESPACES_CPAM[role])
    return reverse("wagtailadmin_home")


def espace_de(utilisateur) -> str:
    """Where a person lands after login: their back-office workspace, or the portal home."""
    return espace_cpam(utilisateur) or reverse("portail:accueil")
