"""Read queries of the reference content."""

from conventions.selectors import acces_requete, partenaires_geres


def accueil(request) -> dict:
    """What the home shows a verified person: their structures, shortcuts, latest news."""
    utilisateur = request.user
    if not (utilisateur.is_authenticated and utilisateur.is_verified()):
        return {}
    return {
        "acces": acces_requete(request),
        "gere_des_structures": partenaires_geres(utilisateur).exists(),
    }


def formulaires_par_theme():
    return []


def flash_infos_index(request, index_page) -> dict:
    return {}
