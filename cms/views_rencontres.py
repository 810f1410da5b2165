"""The partner's actions on a rencontre: register, unregister, download the .ics file.

Every view needs the access rule with the "contenus" service (the rencontre pages are reference
content); a rencontre not aimed at one of the person's structures is 404, as on its page.
Writes happen on POST only; a refused rule comes back as a message in French, nothing written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from conventions.acces import acces_partenaire_requis
from conventions.models import Service
from formations.calendrier import calendrier_evenements, evenement
from portail.formulaires import message_d_erreur

from . import selectors, services
from .models import InscriptionRencontre, RencontrePage
from .services import lien_absolu

contenus_requis = acces_partenaire_requis(Service.CONTENUS)


def _rencontre_visible(request, pk: int) -> RencontrePage:
    rencontre = RencontrePage.objects.live().filter(pk=pk).first()
    if rencontre is None or not selectors.rencontre_visible(rencontre, request.acces):
        raise Http404(_("Rencontre introuvable."))
    return rencontre


@contenus_requis
def s_inscrire(request, pk: int):
    rencontre = _rencontre_visible(request, pk)
    if request.method != "POST":
        return redirect(rencontre.url)
    try:
        services.rencontre_inscrire(rencontre=rencontre, agent=request.user)
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
    else:
        messages.success(
            request,
            _(
                "Votre inscription à la rencontre est enregistrée. "
                "Une confirmation vous est envoyée par e-mail."
            ),
        )
    return redirect(rencontre.url)


@contenus_requis
def se_desinscrire(request, pk: int):
    """A person may always free their own place, even when the editors have since aimed the
    rencontre at other structures (its page is then 404 for them: back to the agenda)."""
    inscription = (
        InscriptionRencontre.objects.filter(
            rencontre__pk=pk,
            rencontre__live=True,
            agent=request.user,
            etat=InscriptionRencontre.Etat.INSCRIT,
        )
        .select_related("rencontre")
        .first()
    )
    if inscription is None:
        rencontre = _rencontre_visible(request, pk)
        if request.method == "POST":
            messages.error(request, _("Aucune inscription à votre nom pour cette rencontre."))
        return redirect(rencontre.url)
    rencontre = inscription.rencontre
    visible = selectors.rencontre_visible(rencontre, request.acces)
    retour = rencontre.url if visible else rencontre.get_parent().url
    if request.method != "POST":
        return redirect(retour)
    try:
        services.rencontre_desinscrire(inscription=inscription, auteur=request.user)
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
    else:
        messages.success(request, _("Votre inscription est annulée : la place est libérée."))
    return redirect(retour)


@contenus_requis
def calendrier(request, pk: int):
    """The .ics file of the rencontre; the connection link only for a registered person."""
    rencontre = _rencontre_visible(request, pk)
    inscrit = InscriptionRencontre.objects.filter(
        rencontre=rencontre, agent=request.user, etat=InscriptionRencontre.Etat.INSCRIT
    ).exists()
    # Without registration on the portal, the link is on the page itself: show it as well.
    avec_lien = inscrit or rencontre.capacite is None
    description = [f"{services.quand_rencontre(rencontre)} (heure de Paris)", rencontre.public]
    if rencontre.lien:
        description.append(
            f"Lien de connexion : {rencontre.lien}"
            if avec_lien
            else "Le lien de connexion est donné aux personnes inscrites."
        )
    url = lien_absolu(rencontre)
    description.append(url)
    contenu = calendrier_evenements(
        [
            evenement(
                uid=f"rencontre-{rencontre.pk}",
                debut=rencontre.debut,
                fin=rencontre.fin_ou_debut,
                titre=rencontre.title,
                description="\n".join(description),
                lieu=rencontre.lieu or "En ligne (webinaire)",
                url=url,
                modifie_le=rencontre.last_published_at or rencontre.debut,
                conference=rencontre.lien if avec_lien else "",
            )
        ],
        nom=rencontre.title,
    )
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="rencontre-{rencontre.pk}.ics"'
    return reponse
