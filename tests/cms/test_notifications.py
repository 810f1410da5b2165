"""Flash info e-mails: at once for important ones, a daily digest for the others, or never;
sent once whatever the republications, only to the people the flash info aims at."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import services
from cms.models import (
    EnvoiFlashInfo,
    FlashInfoIndexPage,
    FlashInfoPage,
    HomePage,
    PreferencesNotification,
)
from conventions.models import Convention
from tests.conftest import rattacher
from tests.factories import ConventionFactory, PartenaireFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    page = FlashInfoIndexPage(title="Actualités", slug="actualites")
    HomePage.objects.get().add_child(instance=page)
    return page


@pytest.fixture
def publier(index, django_capture_on_commit_callbacks):
    """Publish a flash info as an editor does; on_commit callbacks (task, outbox) run."""
    compteur = iter(range(1, 1000))

    def _publier(page=None, **champs):
        if page is None:
            n = next(compteur)
            page = FlashInfoPage(
                title=f"Flash info {n:03d}",
                slug=f"flash-{n:03d}",
                resume=f"Résumé de la flash info {n:03d}",
                corps=[],
                date=timezone.localdate() - timedelta(days=n),
                **champs,
            )
            index.add_child(instance=page)
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        return page

    return _publier


@pytest.fixture
def resume(django_capture_on_commit_callbacks):
    def _resume():
        with django_capture_on_commit_callbacks(execute=True):
            return services.resume_quotidien_envoyer()

    return _resume


def _preferer(utilisateur, choix):
    PreferencesNotification.objects.update_or_create(
        utilisateur=utilisateur, defaults={"flash_infos": choix}
    )


def _destinataires():
    return sorted(adresse for courriel in mail.outbox for adresse in courriel.to)


def test_importante_envoyee_aussitot_une_seule_fois(publier, resume, agent_a, referent_a):
    flash = publier(importance="importante")

    assert _destinataires() == sorted([agent_a.email, referent_a.email])
    courriel = next(c for c in mail.outbox if c.to == [agent_a.email])
    assert courriel.subject == f"Flash info importante : {flash.title}"
    assert flash.title in courriel.body and flash.resume in courriel.body
    assert (
        EnvoiFlashInfo.objects.filter(
            flash_info=flash, mode=EnvoiFlashInfo.Mode.IMMEDIAT, envoye_le__isnull=False
        ).count()
        == 2
    )

    publier(flash)  # republished after a correction
    assert len(mail.outbox) == 2
    assert resume() == 0
    assert len(mail.outbox) == 2


def test_lien_absolu_vers_le_portail(publier, agent_a, settings):
    flash = publier(importance="importante")
    assert f"{settings.PORTAIL_URL}{flash.url}" in mail.outbox[0].body


def test_normale_dans_le_resume_quotidien_une_fois(publier, resume, agent_a, agent_b):
    premiere = publier()
    seconde = publier()
    publier(seconde)

    assert mail.outbox == []
    assert (
        EnvoiFlashInfo.objects.filter(
            mode=EnvoiFlashInfo.Mode.RESUME, envoye_le__isnull=True
        ).count()
        == 4
    )

    assert resume() == 2
    assert _destinataires() == sorted([agent_a.email, agent_b.email])
    for courriel in mail.outbox:
        assert premiere.title in courriel.body and seconde.title in courriel.body
        assert premiere.resume in courriel.body
        assert courriel.subject == "Les 2 flash infos du jour"
    assert not EnvoiFlashInfo.objects.filter(envoye_le__isnull=True).exists()

    assert resume() == 0
    publier(premiere)
    assert resume() == 0
    assert len(mail.outbox) == 2


def test_preference_aucune(publier, resume, agent_a):
    _preferer(agent_a, PreferencesNotification.FlashInfos.AUCUNE)
    publier(importance="importante")
    publier()
    resume()
    assert mail.outbox == []
    assert not EnvoiFlashInfo.objects.exists()


def test_preference_importantes_seulement(publier, resume, agent_a):
    _preferer(agent_a, PreferencesNotification.FlashInfos.IMPORTANTES)
    importante = publier(importance="importante")
    publier()
    resume()
    assert len(mail.outbox) == 1
    assert importante.title in mail.outbox[0].subject


def test_changement_de_preference_avant_le_resume(publier, resume, agent_a):
    publier()
    _preferer(agent_a, PreferencesNotification.FlashInfos.AUCUNE)
    assert resume() == 0
    assert mail.outbox == []


def test_normale_devenue_importante_part_aussitot(publier, resume, agent_a):
    flash = publier()
    assert mail.outbox == []
    flash.importance = FlashInfoPage.Importance.IMPORTANTE
    publier(flash)
    assert len(mail.outbox) == 1
    assert resume() == 0
    assert len(mail.outbox) == 1


def test_ciblage_par_type_de_structure(publier, agent_a, structure_a):
    association = ConventionFactory(partenaire=PartenaireFactory(type="association")).partenaire
    benevole = UtilisateurFactory()
    rattacher(benevole, association)

    publier(importance="importante", types_partenaires=["association"])

    assert _destinataires() == [benevole.email]


def test_ciblage_par_departement(publier, agent_a):
    loir_et_cher = ConventionFactory(
        partenaire=PartenaireFactory(departement="41", code_postal="41000", commune="Blois")
    ).partenaire
    agent_41 = UtilisateurFactory()
    rattacher(agent_41, loir_et_cher)

    publier(importance="importante", departements=["41"])

    assert _destinataires() == [agent_41.email]


def test_une_personne_de_plusieurs_structures_recoit_un_seul_courriel(
    publier, agent_a, structure_b
):
    rattacher(agent_a, structure_b)
    publier(importance="importante")
    assert _destinataires() == [agent_a.email]


def test_convention_suspendue_ou_sans_contenus_rien(publier, resume, agent_a, agent_b):
    Convention.objects.filter(partenaire__adhesions__utilisateur=agent_a).update(
        statut=Convention.Statut.SUSPENDUE
    )
    Convention.objects.filter(partenaire__adhesions__utilisateur=agent_b).update(
        ouvre_contenus=False
    )
    publier(importance="importante")
    publier()
    resume()
    assert mail.outbox == []


def test_acces_coupe_avant_le_resume_rien(publier, resume, agent_a, agent_b):
    publier()
    Convention.objects.filter(partenaire__adhesions__utilisateur=agent_a).update(
        statut=Convention.Statut.SUSPENDUE
    )
    assert resume() == 1
    assert _destinataires() == [agent_b.email]


def test_compte_ou_rattachement_desactive_rien(publier, agent_a, agent_b):
    agent_a.is_active = False
    agent_a.save()
    agent_b.adhesions.update(active=False)
    publier(importance="importante")
    assert mail.outbox == []


def test_courriel_sans_donnee_personnelle_autre_que_le_prenom(
    publier, resume, agent_a, structure_a
):
    publier(importance="importante")
    publier()
    resume()
    assert len(mail.outbox) == 2
    for courriel in mail.outbox:
        assert f"Bonjour {agent_a.first_name}," in courriel.body
        assert agent_a.last_name not in courriel.body
        assert agent_a.email not in courriel.body
        assert structure_a.nom not in courriel.body


def test_destinataires_et_preferences_en_une_requete(index, structure_a):
    for n in range(5):
        personne = UtilisateurFactory()
        rattacher(personne, structure_a)
        if n % 2:
            _preferer(personne, PreferencesNotification.FlashInfos.IMPORTANTES)
    flash = FlashInfoPage(title="Flash", slug="flash", resume="Résumé", corps=[])
    index.add_child(instance=flash)

    with CaptureQueriesContext(connection) as requetes:
        personnes = services.destinataires_flash_info(flash)
        preferences = [services.preference_flash_infos(p) for p in personnes]

    assert len(requetes) == 1
    assert sorted(preferences).count("importantes") == 2


def test_notifier_sans_requete_par_personne_pour_le_resume(index, structure_a):
    def compter(nombre_de_personnes, slug):
        for _ in range(nombre_de_personnes):
            rattacher(UtilisateurFactory(), structure_a)
        flash = FlashInfoPage(title=slug, slug=slug, resume="Résumé", corps=[])
        index.add_child(instance=flash)
        with CaptureQueriesContext(connection) as requetes:
            services.flash_info_notifier(flash_info_id=flash.pk)
        return len(requetes)

    compter(1, "amorce")  # Wagtail caches the site's root paths at the first call
    assert compter(2, "avec-deux") == compter(20, "avec-vingt-deux")
    assert EnvoiFlashInfo.objects.filter(mode=EnvoiFlashInfo.Mode.RESUME).count() == 1 + 3 + 23
