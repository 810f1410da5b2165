"""The client address used by throttling, with and without a reverse proxy."""

from django.test import RequestFactory

from portail.reseau import adresse_client


def _requete(**meta):
    return RequestFactory().get("/", **meta)


def test_sans_mandataire_x_forwarded_for_est_ignore(settings):
    settings.PROXY_COUNT = 0
    requete = _requete(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert adresse_client(requete) == "192.0.2.1"


def test_derriere_un_mandataire_l_adresse_vue_par_lui(settings):
    settings.PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real one.
    requete = _requete(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert adresse_client(requete) == "203.0.113.9"


def test_en_tete_incomplet_retombe_sur_remote_addr(settings):
    settings.PROXY_COUNT = 2
    requete = _requete(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert adresse_client(requete) == "10.0.0.5"
