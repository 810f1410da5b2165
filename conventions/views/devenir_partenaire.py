"""Public page where a structure asks to sign a usage convention with the CPAM."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portail.middleware import vue_publique
from portail.reseau import adresse_client

from .. import services
from ..forms_public import DemandeAdhesionForm

GABARIT = "conventions/devenir_partenaire/demande.html"


@vue_publique
def demande(request):
    if request.method != "POST":
        return render(request, GABARIT, {"form": DemandeAdhesionForm()})

    form = DemandeAdhesionForm(request.POST)
    if form.est_un_robot():
        # Same answer as a real request, so that a robot learns nothing; nothing is kept.
        return redirect("conventions:devenir_partenaire_merci")

    adresse_ip = adresse_client(request)
    if services.demande_adhesion_limite_atteinte(adresse_ip=adresse_ip):
        form.add_error(
            None,
            _(
                "Plusieurs demandes ont déjà été envoyées depuis cette connexion au cours de la "
                "dernière heure. Votre saisie est conservée ci-dessous : réessayez dans une heure, "
                "ou contactez le service partenariats de votre CPAM."
            ),
        )
        return render(request, GABARIT, {"form": form}, status=429)

    if form.is_valid():
        try:
            services.demande_adhesion_enregistrer(adresse_ip=adresse_ip, **form.donnees_demande())
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            return redirect("conventions:devenir_partenaire_merci")
    return render(request, GABARIT, {"form": form})


@vue_publique
def merci(request):
    return render(request, "conventions/devenir_partenaire/merci.html")
