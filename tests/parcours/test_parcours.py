"""Browser journeys of issue 8, end to end in a real Chromium against the live test server.

Each journey asserts what the person sees and what the database holds, and saves screenshots
of its key pages (see `conftest.capturer`).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.models import FlashInfoIndexPage, FlashInfoPage, HomePage
from conventions.models import Adhesion, Convention, Invitation
from demandes import services as demandes_services
from demandes.models import Demande, Message
from formations.models import Inscription
from portail import roles
from tests.demandes.conftest import PDF, creer_demande
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de, inscrire
from tests.parcours.conftest import capturer, code_depuis_secret

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

# The live server needs committed data (transaction=True).
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


# 1. The agent answers a request for information ------------------------------------------------


def test_agent_repond_a_une_demande_d_information(
    connecter, agent_a, structure_a, titulaire, regle_generale
):
    demande = creer_demande(agent_a, structure_a, objet="Affiliation d'un nouvel arrivant")
    demandes_services.message_cpam_envoyer(
        demande=demande,
        auteur=titulaire.utilisateur,
        corps="Pouvez-vous transmettre le justificatif de domicile ?",
        type=Message.Type.INFORMATION,
    )
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_ATTENTE

    # The home page says a demande waits for the agent.
    agent = connecter(agent_a)
    agent.goto("/")
    demandes = agent.get_by_role("region", name="Vos demandes")
    expect(demandes).to_contain_text("1 attend votre réponse")
    lien = demandes.get_by_role("link", name=f"{demande.reference} — {demande.objet}")
    expect(lien).to_be_visible()
    capturer(agent, "1-accueil-attend-votre-reponse")

    # The demande page shows the question and the waiting state.
    lien.click()
    expect(agent).to_have_url(re.compile(rf"/demandes/{demande.reference}/$"))
    expect(agent.locator(".etat-demande__statut")).to_contain_text("En attente de votre réponse")
    question = agent.get_by_role("article").last
    expect(question).to_contain_text("Demande d'information")
    expect(question).to_contain_text("Pouvez-vous transmettre le justificatif de domicile ?")
    capturer(agent, "1-demande-en-attente")

    # The agent answers with a PDF.
    agent.get_by_label("Votre message").fill("Voici le justificatif de domicile demandé.")
    agent.get_by_label("Pièces jointes").set_input_files(
        [{"name": "domicile.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    agent.get_by_role("button", name="Envoyer le message").click()
    expect(agent.get_by_role("status")).to_contain_text("Votre message est envoyé à la CPAM.")
    expect(agent.locator(".etat-demande__statut")).to_contain_text("En cours")
    reponse = agent.get_by_role("article").last
    expect(reponse).to_contain_text("Voici le justificatif de domicile demandé.")
    expect(reponse.get_by_role("link", name="Télécharger « domicile.pdf »")).to_be_visible()
    capturer(agent, "1-reponse-envoyee")

    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_COURS
    assert demande.en_attente_depuis is None and demande.nouveau_pour_cpam
    dernier = demande.messages.order_by("cree_le", "pk").last()
    assert dernier.cote == Message.Cote.PARTENAIRE and dernier.auteur == agent_a
    assert [p.nom for p in dernier.pieces.all()] == ["domicile.pdf"]

    # The expert's screen shows the answer and its attachment.
    expert = connecter(titulaire.utilisateur)
    expert.goto(f"/admin/demandes/{demande.reference}/")
    fil = expert.locator(".demandes-fil")
    expect(fil).to_contain_text("Voici le justificatif de domicile demandé.")
    expect(fil.get_by_role("link", name="domicile.pdf")).to_be_visible()
    expect(expert.locator(".demandes-fiche").first).to_contain_text("En cours")
    capturer(expert, "1-ecran-expert")
    assert agent.erreurs == []


# 2. The expert works the inbox ------------------------------------------------------------------


def test_expert_traite_sa_boite_et_resout(
    connecter, agent_a, structure_a, titulaire, regle_generale
):
    urgente = creer_demande(agent_a, structure_a, objet="Carte Vitale perdue", urgence="urgente")
    normale = creer_demande(agent_a, structure_a, objet="Changement d'adresse")

    expert = connecter(titulaire.utilisateur)
    expert.goto("/admin/demandes/")
    onglets = expert.get_by_role("navigation", name="Onglets de la boîte des demandes")
    onglets.get_by_role("link", name=re.compile(r"^Mon équipe")).click()
    expect(expert).to_have_url(re.compile(r"onglet=equipe"))
    expect(onglets.get_by_role("link", name=re.compile(r"^Mon équipe"))).to_have_attribute(
        "aria-current", "page"
    )
    boite = expert.locator("table.demandes-boite")
    expect(boite.get_by_role("link", name=urgente.reference, exact=True)).to_be_visible()
    expect(boite.get_by_role("link", name=normale.reference, exact=True)).to_be_visible()

    # Filter by urgency: only the urgent demande stays.
    expert.locator("details.demandes-filtres > summary").click()
    expert.get_by_label("Urgence").select_option("urgente")
    expert.get_by_role("button", name="Filtrer").click()
    expect(expert).to_have_url(re.compile(r"urgence=urgente"))
    expect(boite.get_by_role("link", name=urgente.reference, exact=True)).to_be_visible()
    expect(boite.get_by_role("link", name=normale.reference, exact=True)).to_have_count(0)
    capturer(expert, "2-boite-filtree")

    # Open it, answer.
    boite.get_by_role("link", name=urgente.reference, exact=True).click()
    expect(expert).to_have_url(re.compile(rf"/admin/demandes/{urgente.reference}/$"))
    reponse = expert.locator("#action-repondre")
    reponse.locator("textarea").fill("Nous vérifions les droits de l'assuré.")
    reponse.get_by_role("button", name="Envoyer la réponse").click()
    expect(
        expert.get_by_text("Votre réponse est envoyée ; le partenaire en est prévenu.")
    ).to_be_visible()
    expect(expert.locator(".demandes-fil")).to_contain_text(
        "Nous vérifions les droits de l'assuré."
    )
    urgente.refresh_from_db()
    assert urgente.statut == Demande.Statut.EN_COURS and urgente.repondue_le is not None

    # Resolve with an outcome, the last answer and the resolution in one step.
    resolution = expert.locator("#action-repondre")
    resolution.get_by_role("radio", name="Droits ouverts").check()
    resolution.locator("textarea").fill("Les droits sont ouverts depuis ce matin.")
    capturer(expert, "2-resolution")
    resolution.get_by_role("button", name="Envoyer et résoudre").click()
    expect(
        expert.get_by_text(
            "Votre réponse est envoyée et la demande résolue ; le partenaire en est prévenu."
        )
    ).to_be_visible()
    expect(expert.locator(".demandes-fiche").first).to_contain_text(
        "Résolue — issue : Droits ouverts"
    )
    capturer(expert, "2-demande-resolue")

    urgente.refresh_from_db()
    assert urgente.statut == Demande.Statut.RESOLUE
    assert urgente.issue == Demande.Issue.DROITS_OUVERTS and urgente.resolue_le is not None
    normale.refresh_from_db()
    assert normale.statut == Demande.Statut.NOUVELLE

    # The partner sees it resolved.
    agent = connecter(agent_a)
    agent.goto(f"/demandes/{urgente.reference}/")
    expect(agent.locator(".etat-demande__statut")).to_have_text("Statut : Résolue — Droits ouverts")
    expect(agent.get_by_role("article").last).to_contain_text("Réponse finale")
    expect(agent.get_by_role("article").last).to_contain_text(
        "Les droits sont ouverts depuis ce matin."
    )
    capturer(agent, "2-partenaire-voit-resolue")


# 3. Invitation and enrolment of the second factor ---------------------------------------------


def test_referent_invite_un_agent_qui_active_la_double_authentification(
    connecter, horloge_en_debut_de_pas, referent_a, structure_a
):
    invite = "camille.nouvelle@structure.example"
    referent = connecter(referent_a)
    referent.goto(f"/structure/{structure_a.pk}/")
    invitation = referent.get_by_role("region", name="Inviter une personne")
    invitation.get_by_label("Adresse e-mail professionnelle").fill(invite)
    invitation.get_by_role("button", name="Envoyer l'invitation").click()
    expect(referent.get_by_role("status")).to_contain_text(
        f"Invitation envoyée à {invite}. Le lien est valable 72 heures."
    )
    expect(referent.get_by_role("region", name="Inviter une personne")).to_contain_text(
        f"{invite} (agent)"
    )
    capturer(referent, "3-invitation-envoyee")

    # The link is in the e-mail, and only there (a hash of the token is stored).
    courriels = [m for m in mail.outbox if invite in m.to]
    assert len(courriels) == 1
    chemin = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", courriels[0].body).group(1)

    # The invited person, in a fresh browser: the account first.
    nouvelle = connecter()
    nouvelle.goto(chemin)
    expect(nouvelle.get_by_role("heading", level=1)).to_have_text("Créer votre accès")
    expect(nouvelle.locator("main")).to_contain_text(structure_a.nom)
    nouvelle.get_by_label("Prénom").fill("Camille")
    nouvelle.get_by_label(re.compile(r"^Nom ")).fill("Nouvelle")
    nouvelle.get_by_label(re.compile(r"^Mot de passe ")).fill("Girafe-Orange-Tulipe-2026")
    nouvelle.get_by_label("Confirmation du mot de passe").fill("Girafe-Orange-Tulipe-2026")
    capturer(nouvelle, "3-creer-son-acces")
    nouvelle.get_by_role("button", name="Créer mon accès").click()

    # Then the second factor: the key shown on the page, a code from it.
    expect(nouvelle).to_have_url(re.compile(r"/connexion/activation/$"))
    expect(nouvelle.get_by_role("heading", level=1)).to_have_text(
        "Activer la double authentification"
    )
    nouvelle.get_by_text("Saisir la clé à la main").click()
    secret = "".join(nouvelle.locator("code.secret").inner_text().split())
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    capturer(nouvelle, "3-activation-2fa")
    nouvelle.get_by_label("Code à 6 chiffres").fill(code_depuis_secret(secret))
    nouvelle.get_by_role("button", name="Confirmer").click()

    # The backup codes, then the home page.
    expect(nouvelle).to_have_url(re.compile(r"/compte/securite/codes/$"))
    codes = nouvelle.get_by_role("list", name="Codes de secours").get_by_role("listitem")
    expect(codes).to_have_count(10)
    affiches = {c.strip() for c in codes.all_inner_texts()}
    capturer(nouvelle, "3-codes-de-secours")
    nouvelle.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(nouvelle).to_have_url(re.compile(r"/$"))
    expect(nouvelle.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(nouvelle.get_by_role("region", name="Votre structure")).to_contain_text(structure_a.nom)
    capturer(nouvelle, "3-accueil-nouvel-agent")

    utilisateur = get_user_model().objects.get(email=invite)
    assert (utilisateur.first_name, utilisateur.last_name) == ("Camille", "Nouvelle")
    adhesion = Adhesion.objects.get(utilisateur=utilisateur)
    assert adhesion.partenaire == structure_a and adhesion.active
    assert adhesion.role == Adhesion.Role.AGENT
    assert Invitation.objects.get(email=invite).utilisee_le is not None
    assert TOTPDevice.objects.filter(user=utilisateur, confirmed=True).count() == 1
    assert affiches == set(
        StaticToken.objects.filter(device__user=utilisateur).values_list("token", flat=True)
    )
    assert nouvelle.erreurs == []


# 4. An important flash info, from the editor to the partner ------------------------------------


def test_editeur_publie_une_flash_info_importante_vue_par_l_agent(connecter, agent_a):
    index = FlashInfoIndexPage(title="Actualité en continu", slug="actualites")
    HomePage.objects.get().add_child(instance=index)
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    titre = "Fermeture exceptionnelle de l'accueil de Tours"

    cms = connecter(editeur)
    cms.goto(f"/admin/pages/{index.pk}/")
    cms.get_by_role("link", name="Ajouter une sous-page").first.click()
    expect(cms).to_have_url(re.compile(rf"/admin/pages/add/cms/flashinfopage/{index.pk}/$"))
    cms.locator("#id_title").fill(titre)
    cms.locator("#id_resume").fill("L'accueil de Tours est fermé le 2 décembre.")
    cms.locator("#id_importance").select_option("importante")
    # The body: one "Texte" block of the StreamField.
    cms.get_by_role("button", name=re.compile("Insérer un bloc")).first.click()
    cms.get_by_role("option", name="Texte").click()
    editeur_texte = cms.locator(".Draftail-Editor [contenteditable=true]")
    expect(editeur_texte).to_be_focused()
    editeur_texte.press_sequentially("Orientez les assurés vers l'accueil de Joué-lès-Tours.")
    expect(editeur_texte).to_have_text("Orientez les assurés vers l'accueil de Joué-lès-Tours.")
    # Draftail saves into the block's hidden input a moment after the last key.
    expect(cms.locator("input[name=corps-0-value]")).to_have_value(re.compile("Joué-lès-Tours"))
    # Every department: the field is left empty as the editor found it.
    expect(cms.get_by_label("Départements visés")).to_have_value("")
    capturer(cms, "4-flash-info-saisie")
    cms.locator(".w-dropdown--dropdown-button [data-w-dropdown-target=toggle]").click()
    cms.locator("button[name=action-publish]").click()
    expect(cms.get_by_text(re.compile(rf"{re.escape(titre)}.*publiée"))).to_be_visible()
    capturer(cms, "4-flash-info-publiee")

    flash = FlashInfoPage.objects.get(title=titre)
    assert flash.live and flash.importance == FlashInfoPage.Importance.IMPORTANTE
    assert flash.get_parent().specific == index
    assert flash.departements == [] and flash.types_partenaires == []
    assert "Joué-lès-Tours" in str(flash.corps)

    # The agent's home pins it under "Important : à lire".
    agent = connecter(agent_a)
    agent.goto("/")
    epinglees = agent.get_by_role("region", name="Important : à lire")
    expect(epinglees.get_by_role("link", name=titre)).to_be_visible()
    expect(epinglees).to_contain_text("L'accueil de Tours est fermé le 2 décembre.")
    capturer(agent, "4-accueil-agent")


# 5. Waiting list --------------------------------------------------------------------------------


def test_agent_s_inscrit_a_une_session_complete_et_passe_en_liste_d_attente(
    connecter, agent_a, structure_a
):
    session = SessionFactory(titre="Carte Vitale — Tours", capacite=1)
    premiere = inscrire(session, agents_de(structure_a, 1)[0])
    assert premiere.etat == Inscription.Etat.INSCRIT

    agent = connecter(agent_a)
    agent.goto("/formations/")
    ligne = agent.get_by_role("row", name=re.compile(session.titre))
    expect(ligne).to_contain_text("Complète : liste d'attente")
    capturer(agent, "5-sessions")
    ligne.get_by_role("link", name=session.titre).click()

    expect(agent).to_have_url(re.compile(rf"/formations/sessions/{session.pk}/$"))
    expect(agent.get_by_role("heading", level=1)).to_have_text(session.titre)
    expect(agent.get_by_text("0 places restantes sur 1")).to_be_visible()
    agent.get_by_role("button", name="Rejoindre la liste d'attente").click()

    expect(agent.get_by_role("status")).to_contain_text(
        "La session est complète : vous êtes en liste d'attente."
    )
    inscription = agent.get_by_role("region", name="Votre inscription")
    expect(inscription).to_contain_text("Vous êtes en liste d'attente (rang 1).")
    expect(inscription.get_by_role("button", name="Quitter la liste d'attente")).to_be_visible()
    expect(agent.get_by_text("1 personne en liste d'attente")).to_be_visible()
    capturer(agent, "5-liste-d-attente")

    inscription_db = Inscription.objects.get(session=session, agent=agent_a)
    assert inscription_db.etat == Inscription.Etat.LISTE_ATTENTE
    assert Inscription.objects.filter(session=session, etat=Inscription.Etat.INSCRIT).count() == 1
    assert agent.erreurs == []


# 6. Suspension of the convention ----------------------------------------------------------------


def test_superviseur_suspend_la_convention_et_l_agent_est_exclu(
    connecter, agent_a, structure_a, superviseur
):
    convention = Convention.objects.get(partenaire=structure_a)
    agent = connecter(agent_a)
    agent.goto("/")
    expect(agent.get_by_role("heading", level=1)).to_have_text(f"Bonjour {agent_a.first_name}")
    capturer(agent, "6-accueil-avant")

    cpam = connecter(superviseur)
    cpam.goto(f"/admin/partenaires/conventions/edit/{convention.pk}/")
    cpam.get_by_role("link", name="Changer le statut").first.click()
    expect(cpam).to_have_url(
        re.compile(rf"/admin/partenaires/conventions/statut/{convention.pk}/$")
    )

    # The reason is required to suspend.
    cpam.get_by_role("radio", name="Suspendue").check()
    cpam.get_by_role("button", name="Enregistrer le changement de statut").click()
    expect(
        cpam.get_by_text("Indiquez le motif : il sera communiqué au référent").first
    ).to_be_visible()
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.EN_VIGUEUR

    cpam.get_by_role("radio", name="Suspendue").check()
    cpam.get_by_label("Motif").fill("Bilan annuel non transmis malgré deux relances.")
    capturer(cpam, "6-suspension")
    cpam.get_by_role("button", name="Enregistrer le changement de statut").click()
    expect(
        cpam.get_by_text(f"La convention {convention.numero} est maintenant « Suspendue ».")
    ).to_be_visible()
    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SUSPENDUE

    # The agent's next click is refused with the explanation page.
    with agent.expect_navigation() as navigation:
        agent.get_by_role("link", name="Toutes les demandes").click()
    assert navigation.value.status == 403
    expect(agent.get_by_role("heading", level=1)).to_have_text(
        "La convention de votre structure est suspendue"
    )
    capturer(agent, "6-agent-exclu")
