"""The back-office sidebar, kept per person instead of being rebuilt on every page.

Wagtail's `{% sidebar_props %}` asks every menu hook, the permission policies of pages, images,
documents and snippets, and the search areas, then packs the menu for its script: 8 to 10 ms
of CPU and several queries on each back-office page. A screen opts in
(`garder_le_menu_en_cache(request)`, the CPAM inbox and demande screen); the other screens
still build it each time.

The kept menu is exactly the one Wagtail builds. Its key holds everything it depends on:

- the person (id, name, e-mail, superuser and active flags, groups) and the language;
- `VersionMenuAdmin`, one number in the database, raised by the signals below on every change
  of groups, permissions, page or collection rights, pages moved or deleted, and profiles
  (avatar, language). Read in one query per page, so that every web process sees a change at
  once: a stale menu is never served after a role change.

The only part that changes with the data, the count of new demandes in the "Demandes" item,
is left out of the kept menu (a placeholder) and written on each page from a live count.
"""

import hashlib
import json

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.safestring import mark_safe

from .models import VersionMenuAdmin
from .roles import groupes_de

DUREE_SECONDES = 3600
#: Written by a menu item whose label holds a live figure, replaced on each page.
JETONS_LIBELLES: dict[str, object] = {}


def jeton_libelle(nom: str) -> str:
    return f"__menu_libelle_{nom}__"


def garder_le_menu_en_cache(request) -> None:
    request.menu_admin_en_cache = True


def en_cache(request) -> bool:
    return getattr(request, "menu_admin_en_cache", False)


def version() -> int:
    return VersionMenuAdmin.objects.filter(pk=1).values_list("valeur", flat=True).first() or 0


def changer_version(**kwargs) -> None:
    """Signal receiver: every kept menu is rebuilt at its next display."""
    if VersionMenuAdmin.objects.filter(pk=1).update(valeur=F("valeur") + 1):
        return
    try:
        with transaction.atomic():
            VersionMenuAdmin.objects.create(pk=1, valeur=1)
    except IntegrityError:  # created meanwhile by another process
        VersionMenuAdmin.objects.filter(pk=1).update(valeur=F("valeur") + 1)


def cle(request) -> str:
    utilisateur = request.user
    personne = [
        utilisateur.pk,
        utilisateur.get_username(),
        utilisateur.first_name,
        utilisateur.last_name,
        utilisateur.is_superuser,
        utilisateur.is_active,
        str(getattr(utilisateur, "date_joined", "")),
        sorted(groupe.pk for groupe in groupes_de(utilisateur)),
        translation.get_language(),
        version(),
    ]
    empreinte = hashlib.sha256(json.dumps(personne, default=str).encode()).hexdigest()
    return f"menu-admin:{empreinte}"


def _json_dans_script(texte: str) -> str:
    """A string as `json_script` writes it inside the sidebar's JSON (quotes left out)."""
    encode = json.dumps(str(texte))[1:-1]
    return encode.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def sidebar_props(context, construire):
    """The cached `{% sidebar_props %}`; `construire` is Wagtail's own tag."""
    request = context["request"]
    if not en_cache(request) or not request.user.is_authenticated:
        return construire(context)
    cle_menu = cle(request)
    html = cache.get(cle_menu)
    if html is None:
        request.menu_admin_jetons = True
        try:
            html = str(construire(context))
        finally:
            request.menu_admin_jetons = False
        cache.set(cle_menu, html, DUREE_SECONDES)
    for nom, libelle in JETONS_LIBELLES.items():
        jeton = jeton_libelle(nom)
        if jeton in html:
            html = html.replace(jeton, _json_dans_script(libelle(request)))
    return mark_safe(html)  # noqa: S308 (Wagtail's own json_script output, live labels escaped)


def installer() -> None:
    """Wrap Wagtail's tag (templates compiled afterwards use the wrapper) and connect the
    signals that raise the version."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from wagtail.admin.templatetags import wagtailadmin_tags
    from wagtail.models import GroupCollectionPermission, GroupPagePermission
    from wagtail.signals import post_page_move
    from wagtail.users.models import UserProfile

    origine = wagtailadmin_tags.sidebar_props

    def sidebar_props_en_cache(context):
        return sidebar_props(context, origine)

    wagtailadmin_tags.register.simple_tag(
        sidebar_props_en_cache, takes_context=True, name="sidebar_props"
    )

    Utilisateur = get_user_model()
    uid = "portail.menu_admin"
    modeles = (
        Group,
        Permission,
        GroupPagePermission,
        GroupCollectionPermission,
        UserProfile,
        # Object permissions (django-guardian) may open or close a menu entry too.
        UserObjectPermission,
        GroupObjectPermission,
    )
    for modele in modeles:
        post_save.connect(changer_version, sender=modele, dispatch_uid=f"{uid}.s.{modele}")
        post_delete.connect(changer_version, sender=modele, dispatch_uid=f"{uid}.d.{modele}")
    # A page moved or deleted can change where a person's page explorer starts.
    post_page_move.connect(changer_version, dispatch_uid=f"{uid}.deplacement")
    post_delete.connect(_page_ou_collection_supprimee, dispatch_uid=f"{uid}.suppression")
    for relation in (
        Utilisateur.groups.through,
        Utilisateur.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(changer_version, sender=relation, dispatch_uid=f"{uid}.m.{relation}")


def _page_ou_collection_supprimee(sender, instance, **kwargs):
    from wagtail.models import Collection, Page

    if isinstance(instance, Page | Collection):
        changer_version()
