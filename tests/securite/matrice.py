"""The machinery of the permission matrix: every URL pattern, tried by one role.

The URL patterns come from the resolver (as in tests/portail/test_acces.py), so a view added
tomorrow is tried too, and fails the matrix until its row is declared.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The roles, in the order of the table; partners first, then CPAM staff.
PARTENAIRES = ("agent_a", "referent_a", "agent_b", "agent_sans_service")
CPAM = ("expert", "expert_autre", "superviseur", "editeur", "formateur")
ROLES = ("anonyme", *PARTENAIRES, *CPAM)

# Outcomes other than a bare status code.
CONNEXION = "connexion"  # 302 to /connexion/ (with ?next= when a page was asked)
REFUS = "403p"  # 403 with the partner page that explains why (conventions/acces_refuse.html)

# Sample values for Wagtail's own routes (ids are numbers there, even behind <str:pk>).
EXEMPLES = {"int": "1", "str": "1", "slug": "x", "path": "x/y", "uuid": "0" * 32}

# Wagtail screens a partner may load: static assets of the admin, no data.
WAGTAIL_SANS_DONNEES = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}
# Wagtail's own 500s, reachable by CPAM staff only, upstream behaviour kept on purpose:
WAGTAIL_ERREURS_CONNUES = {
    # Wagtail's deliberate error page, to test error reporting.
    "wagtailadmin_error_test": "/admin/failwhale/ lève une exception exprès",
    # GET on the root page's "set position" (a POST endpoint): the root has no parent.
    "wagtailadmin_pages:set_page_position": "GET sur la page racine (Wagtail)",
}
PAQUETS_DU_PROJET = ("portail.", "cms.", "conventions.", "demandes.", "formations.")


@dataclass(frozen=True)
class Motif:
    """One URL pattern: its full name (or None), route, argument names and whether it belongs
    to the Wagtail group (Wagtail's own screens, judged by a rule, not row by row)."""

    nom: str | None
    route: str
    arguments: tuple[str, ...]
    wagtail: bool

    @property
    def cle(self) -> str:
        return self.nom or f"<sans nom> {self.route}"


@dataclass
class Vue:
    """A row of the matrix: method, which objects fill the URL arguments, expected outcomes.

    An expected outcome is one value (same on side A and B, or the URL names no object) or a
    pair (outcome on A's object, outcome on B's object).
    """

    methode: str = "GET"
    objets: dict[str, str] = field(default_factory=dict)
    attendus: dict[str, object] = field(default_factory=dict)
    chemin: str | None = None  # for a regex route without named argument


def vue(
    methode="GET", objets=None, *, chemin=None, tous=None, partenaires=None, cpam=None, **roles
):
    """A row; `tous`, `partenaires` and `cpam` set a group, named roles override it."""
    inconnus = set(roles) - set(ROLES)
    assert not inconnus, f"rôles inconnus : {inconnus}"
    attendus = {}
    for role in ROLES:
        groupe = partenaires if role in PARTENAIRES else cpam if role in CPAM else None
        attendus[role] = roles.get(role, groupe if groupe is not None else tous)
    manquants = [role for role, valeur in attendus.items() if valeur is None]
    assert not manquants, f"rôles sans résultat attendu : {manquants}"
    return Vue(methode=methode, objets=objets or {}, attendus=attendus, chemin=chemin)


def _nom_complet(espace: str, motif) -> str | None:
    if not motif.name:
        return None
    return f"{espace}:{motif.name}" if espace else motif.name


def _du_projet(callback) -> bool:
    vue_ = getattr(callback, "view_class", callback)
    modules = {getattr(callback, "__module__", ""), getattr(vue_, "__module__", "")}
    return any(module.startswith(PAQUETS_DU_PROJET) for module in modules)


def _parcourir(motifs, prefixe="", espace=""):
    for motif in motifs:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            sous_espace = espace
            if motif.namespace:
                sous_espace = f"{espace}:{motif.namespace}" if espace else motif.namespace
            yield from _parcourir(motif.url_patterns, route, sous_espace)
        elif isinstance(motif, URLPattern):
            nom = _nom_complet(espace, motif)
            arguments = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            arguments = tuple(a or b for a, b in arguments)
            # Wagtail's own screens: named by Wagtail (or unnamed) and not served by this
            # project's code. This project's admin screens must have their own row.
            wagtail = (nom is None or nom.startswith("wagtail")) and not _du_projet(motif.callback)
            yield Motif(nom=nom, route=route, arguments=arguments, wagtail=wagtail)


def motifs() -> list[Motif]:
    return list(_parcourir(get_resolver().url_patterns))


def chemin_exemple(route: str) -> str:
    """A concrete path for a route or a simple regex, with sample values for its arguments."""
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: EXEMPLES.get(m.group(1) or "str", "x"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"\((?!\?P)[^)]*\)", "1", route)  # unnamed groups: (\d+), (live|\d+)...
    route = route.replace(".*", "x")
    return "/" + route.replace("^", "").replace("$", "").replace("\\", "")


def chemin(motif: Motif, ligne: Vue, objets: dict[str, object]) -> str:
    """The path of a declared URL with the objects of one side."""
    if ligne.chemin:
        return ligne.chemin
    kwargs = {}
    for argument in motif.arguments:
        cle = ligne.objets.get(argument, argument)
        kwargs[argument] = cle[1:] if cle.startswith("=") else objets[cle]
    return reverse(motif.nom, kwargs=kwargs)


def issue(response) -> object:
    """What a person gets, in the vocabulary of the table."""
    statut = response.status_code
    if statut in (301, 302) and response["Location"].startswith("/connexion/"):
        return CONNEXION
    if statut == 403 and any(
        gabarit.name == "conventions/acces_refuse.html" for gabarit in response.templates
    ):
        return REFUS
    return statut


def demander(client, methode: str, chemin_: str):
    """One request whose writes are rolled back, so that each cell starts from the same world;
    the session cookie is put back (a view may cycle or end the session)."""
    nom_cookie = settings.SESSION_COOKIE_NAME
    avant = client.cookies.get(nom_cookie)
    valeur = avant.value if avant is not None else None
    try:
        with transaction.atomic():
            requete = client.post if methode == "POST" else client.get
            response = requete(chemin_)
            # Read the templates before the rollback closes nothing they need.
            resultat = issue(response)
            transaction.set_rollback(True)
        return resultat, response
    except Exception as erreur:  # noqa: BLE001 - any exception is the 500 we look for
        return f"500 ({type(erreur).__name__}: {erreur})"[:200], None
    finally:
        if valeur is not None:
            client.cookies[nom_cookie] = valeur
        elif nom_cookie in client.cookies:
            del client.cookies[nom_cookie]


#: Views after which the person is no longer logged in.
VUES_DE_DECONNEXION = {"portail:deconnexion"}


def cache_prive_manquant(role: str, motif: Motif, response) -> str | None:
    """A response to a logged-in person, whatever the view and the status, is never stored by
    a browser or a shared cache."""
    if role == "anonyme" or response is None or motif.cle in VUES_DE_DECONNEXION:
        return None
    valeur = response.get("Cache-Control")
    return None if valeur == "private, no-store" else f"Cache-Control {valeur!r}"


def regle_wagtail(role: str, motif: Motif, chemin_: str, resultat) -> str | None:
    """Wagtail's own screens: nobody gets a 500; partners and anonymous visitors never get a
    200 under /admin/ (anonymous visitors go to the login page); CPAM staff may."""
    erreur = (isinstance(resultat, str) and resultat.startswith("500")) or (
        isinstance(resultat, int) and resultat >= 500
    )
    if erreur:
        return None if motif.cle in WAGTAIL_ERREURS_CONNUES else str(resultat)
    if chemin_.startswith("/admin/"):
        if role == "anonyme" and resultat != CONNEXION:
            return f"{resultat} (attendu : redirection vers /connexion/)"
        if motif.cle in WAGTAIL_SANS_DONNEES:
            return None
        if role in PARTENAIRES and resultat == 200:
            return "200 (un partenaire n'entre pas dans l'administration)"
    return None


def ecarts(client, role: str, monde, matrice: dict[str, Vue]) -> tuple[list[str], int]:
    """Every URL tried by `role`; returns the differences with the table and the count tried."""
    differences = []
    essais = 0
    for motif in motifs():
        if motif.wagtail:
            chemin_ = chemin_exemple(motif.route)
            if re.search(r"[\[\](){}*+?|]", chemin_):
                continue  # a regex Wagtail route without sample value (catch-alls)
            resultat, response = demander(client, "GET", chemin_)
            essais += 1
            ecart = regle_wagtail(role, motif, chemin_, resultat) or cache_prive_manquant(
                role, motif, response
            )
            if ecart:
                differences.append(f"GET {chemin_} [{motif.cle}] : {ecart}")
            continue
        ligne = matrice.get(motif.cle)
        if ligne is None:
            differences.append(f"{motif.cle} ({motif.route}) : vue non déclarée dans la matrice")
            continue
        attendu = ligne.attendus[role]
        cotes = (("A", monde.a), ("B", monde.b)) if motif.arguments else (("", monde.a),)
        for rang, (cote, objets) in enumerate(cotes):
            voulu = attendu[rang] if isinstance(attendu, tuple) else attendu
            chemin_ = chemin(motif, ligne, objets)
            resultat, response = demander(client, ligne.methode, chemin_)
            essais += 1
            if resultat != voulu:
                differences.append(
                    f"{ligne.methode} {chemin_} [{motif.cle}{' ' + cote if cote else ''}] : "
                    f"obtenu {resultat}, attendu {voulu}"
                )
            if ecart := cache_prive_manquant(role, motif, response):
                differences.append(f"{ligne.methode} {chemin_} [{motif.cle}] : {ecart}")
    return differences, essais
