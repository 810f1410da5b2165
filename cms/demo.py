# ruff: noqa: E501 (editorial content reads better one paragraph per line)
"""Demo data of the reference content: themes, one thematic page per theme with a full
reference sheet, the forms library with generated PDF documents, a dozen flash infos, the
agenda, the search page and the help page.

Called by `seed_demo` after the conventions. Idempotent (themes by slug, pages by slug under
their parent, forms by reference, documents by title in the "Formulaires" collection) and
deterministic: no randomness. Pages are created live directly (`add_child` with `live=True`
and publication dates set) so that no `page_published` signal fires: seeding sends no e-mail.
All texts are written for the demo; they describe the usual rules without quoting any source.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection

from conventions.models import Adhesion
from portail import promesses, roles
from portail.dates import date_courte
from portail.pdf import pdf_simple

from .models import (
    AgendaPage,
    FichePratiquePage,
    FlashInfoIndexPage,
    FlashInfoPage,
    Formulaire,
    FormulairesPage,
    HomePage,
    InscriptionRencontre,
    PageSimple,
    RecherchePage,
    RencontrePage,
    ThematiquePage,
    Theme,
)

NOM_COLLECTION_FORMULAIRES = "Formulaires"

# slug, name, demande category of the sheets' button, introduction of the thematic page
THEMES = [
    (
        "affiliation-puma",
        "Affiliation et PUMa",
        "affiliation",
        "Ouvrir des droits à l'assurance maladie pour une personne qui travaille ou réside en France de façon stable et régulière.",
    ),
    (
        "carte-vitale",
        "Carte Vitale",
        "carte_vitale",
        "Obtenir, remplacer ou mettre à jour la carte Vitale, y compris l'application carte Vitale sur téléphone.",
    ),
    (
        "complementaire-sante-solidaire",
        "Complémentaire santé solidaire",
        "css",
        "La complémentaire santé gratuite ou à moins d'un euro par jour pour les foyers aux ressources modestes.",
    ),
    (
        "ame",
        "Aide médicale de l'État",
        "ame",
        "La prise en charge des soins des personnes étrangères en situation irrégulière résidant en France.",
    ),
    (
        "indemnites-journalieres",
        "Indemnités journalières",
        "indemnites",
        "Les revenus de remplacement pendant un arrêt de travail pour maladie, maternité ou accident du travail.",
    ),
    (
        "frais-de-sante",
        "Frais de santé",
        "frais_sante",
        "Le remboursement des soins, le tiers payant et les restes à charge.",
    ),
    (
        "medecin-traitant",
        "Médecin traitant",
        "medecin_traitant",
        "Déclarer un médecin traitant et trouver une solution quand aucun médecin n'accepte de nouveaux patients.",
    ),
    (
        "acces-aux-soins",
        "Accès aux soins",
        "acces_soins",
        "Les dispositifs pour les personnes qui renoncent à se soigner ou se heurtent à un refus de soins.",
    ),
    (
        "prevention",
        "Prévention",
        "autre",
        "Examens de prévention, dépistages et vaccination : ce que l'assurance maladie propose sans avance de frais.",
    ),
]

# reference, title, theme, version, date, file name, superseded by (reference) — in creation order
FORMULAIRES = [
    (
        "Cerfa n° 12504*07",
        "Demande de Complémentaire santé solidaire",
        "complementaire-sante-solidaire",
        "07",
        date(2025, 4, 1),
        "demande-css-v07.pdf",
        None,
    ),
    (
        "Cerfa n° 12504*06",
        "Demande de Complémentaire santé solidaire",
        "complementaire-sante-solidaire",
        "06",
        date(2022, 1, 1),
        "demande-css-v06.pdf",
        "Cerfa n° 12504*07",
    ),
    (
        "Cerfa n° 15763*03",
        "Demande d'ouverture des droits à l'assurance maladie",
        "affiliation-puma",
        "03",
        date(2024, 9, 1),
        "ouverture-droits-v03.pdf",
        None,
    ),
    (
        "Cerfa n° 11573*07",
        "Demande d'aide médicale de l'État",
        "ame",
        "07",
        date(2024, 2, 1),
        "demande-ame-v07.pdf",
        None,
    ),
    (
        "Cerfa n° 12485*03",
        "Déclaration de choix du médecin traitant",
        "medecin-traitant",
        "03",
        date(2023, 6, 1),
        "medecin-traitant-v03.pdf",
        None,
    ),
    (
        "CPAM-CV-2025",
        "Déclaration de perte ou de vol de la carte Vitale",
        "carte-vitale",
        "2025",
        date(2025, 1, 15),
        "perte-carte-vitale-2025.pdf",
        None,
    ),
]

# theme slug -> reference of the form a sheet links to (themes without their own form link the
# request for opening rights, which is the usual starting point)
FORMULAIRE_PAR_THEME = {
    "complementaire-sante-solidaire": "Cerfa n° 12504*07",
    "affiliation-puma": "Cerfa n° 15763*03",
    "ame": "Cerfa n° 11573*07",
    "medecin-traitant": "Cerfa n° 12485*03",
    "carte-vitale": "CPAM-CV-2025",
}


def _p(*paragraphes):
    return "".join(f"<p>{p}</p>" for p in paragraphes)


def _ul(*elements):
    return "<ul>" + "".join(f"<li>{e}</li>" for e in elements) + "</ul>"


# One full sheet per theme: every block kind. "ancienne": reviewed more than 12 months ago.
FICHES = [
    {
        "theme": "complementaire-sante-solidaire",
        "slug": "demander-la-complementaire-sante-solidaire",
        "titre": "Demander la Complémentaire santé solidaire",
        "resume": "Qui peut en bénéficier, quelles pièces réunir et comment déposer la demande, en ligne ou sur papier, avec l'assuré.",
        "texte": _p(
            "La Complémentaire santé solidaire (CSS) prend en charge la part des dépenses de santé qui reste après le remboursement de l'assurance maladie. Selon les ressources du foyer, elle est gratuite ou coûte une participation mensuelle de quelques euros par personne, fixée selon l'âge.",
            "Avec la CSS, l'assuré n'avance pas les frais chez le médecin, à la pharmacie ou à l'hôpital, et les professionnels n'appliquent pas de dépassement d'honoraires.",
        ),
        "a_retenir": _p(
            "Les bénéficiaires du RSA et de l'ASPA y ont droit sans condition supplémentaire. Pour les autres, ce sont les ressources des douze mois précédant la demande qui comptent, pour tout le foyer."
        ),
        "public": _p(
            "Toute personne couverte par l'assurance maladie dont les ressources du foyer ne dépassent pas le plafond en vigueur."
        )
        + _ul(
            "les salariés, demandeurs d'emploi et retraités aux revenus modestes ;",
            "les étudiants qui déclarent leurs propres revenus ;",
            "les allocataires du RSA, automatiquement éligibles.",
        ),
        "etapes": [
            (
                "Vérifier l'éligibilité",
                _p(
                    "Utilisez le simulateur de droits avec l'assuré, à partir des ressources des douze derniers mois."
                ),
            ),
            (
                "Réunir les justificatifs",
                _p(
                    "Avis d'imposition, attestations de ressources et, le cas échéant, choix de l'organisme gestionnaire."
                ),
            ),
            (
                "Déposer la demande",
                _p(
                    "En ligne depuis le compte de l'assuré, ou par le formulaire papier signé, adressé à la CPAM."
                ),
            ),
            (
                "Suivre la réponse",
                _p(
                    "La caisse répond en deux mois au plus ; sans réponse dans ce délai, la demande est réputée refusée."
                ),
            ),
        ],
        "pieces": [
            "Dernier avis d'imposition du foyer",
            "Justificatifs des ressources des 12 derniers mois",
            "Relevé d'identité bancaire, en cas de participation financière",
            "Titre de séjour en cours de validité pour les personnes étrangères",
        ],
        "faq": [
            (
                "Faut-il renouveler la CSS chaque année ?",
                _p(
                    "Oui : le droit est ouvert pour douze mois. Conseillez à l'assuré de renouveler sa demande deux mois avant l'échéance."
                ),
            ),
            (
                "Que se passe-t-il si la participation n'est pas payée ?",
                _p(
                    "Après une relance, le contrat peut être résilié. Orientez l'assuré vers la caisse dès le premier impayé."
                ),
            ),
        ],
        "libelle_formulaire": "Télécharger le formulaire de demande de CSS",
    },
    {
        "theme": "carte-vitale",
        "slug": "carte-vitale-perdue-ou-volee",
        "titre": "Carte Vitale perdue ou volée",
        "resume": "Déclarer la perte ou le vol, commander une nouvelle carte et continuer à se soigner en attendant.",
        "texte": _p(
            "Une carte Vitale perdue ou volée doit être déclarée sans attendre : la caisse la met en opposition, ce qui empêche toute utilisation frauduleuse.",
            "En attendant la nouvelle carte, l'assuré peut présenter une attestation de droits, téléchargeable sur son compte en ligne ou délivrée à l'accueil.",
        ),
        "a_retenir": _p(
            "La déclaration de vol auprès de la police n'est pas obligatoire pour obtenir une nouvelle carte ; une déclaration sur l'honneur suffit."
        ),
        "public": _p(
            "Toute personne affiliée à l'assurance maladie et titulaire d'une carte Vitale, qui est délivrée à partir de 16 ans (dès 12 ans à la demande des parents)."
        ),
        "etapes": [
            (
                "Déclarer la perte ou le vol",
                _p(
                    "Depuis le compte en ligne de l'assuré, ou à l'aide du formulaire de déclaration."
                ),
            ),
            (
                "Commander la nouvelle carte",
                _p(
                    "Une photo d'identité récente et une copie de la pièce d'identité sont demandées."
                ),
            ),
            (
                "Activer la nouvelle carte",
                _p(
                    "La carte reçue se met à jour chez le pharmacien ou sur une borne, à la première utilisation."
                ),
            ),
        ],
        "pieces": [
            "Pièce d'identité en cours de validité",
            "Photo d'identité récente, conforme aux normes",
            "Déclaration de perte ou de vol signée",
        ],
        "faq": [
            (
                "Combien de temps faut-il pour recevoir la nouvelle carte ?",
                _p("Comptez en général deux à trois semaines après une commande complète."),
            ),
            (
                "L'application carte Vitale peut-elle remplacer la carte ?",
                _p(
                    "Oui, chez les professionnels équipés. Elle s'active avec une pièce d'identité et un téléphone compatible."
                ),
            ),
        ],
        "libelle_formulaire": "Télécharger la déclaration de perte ou de vol",
    },
    {
        "theme": "affiliation-puma",
        "slug": "affiliation-personne-arrivant-en-france",
        "titre": "Affiliation d'une personne qui arrive en France",
        "resume": "Ouvrir les droits à la protection universelle maladie pour une personne qui s'installe en France, avec ou sans activité professionnelle.",
        "texte": _p(
            "La protection universelle maladie (PUMa) garantit la prise en charge des frais de santé à toute personne qui travaille en France ou y réside de façon stable et régulière.",
            "Sans activité professionnelle, une résidence ininterrompue de trois mois est en principe exigée, avec des exceptions pour certains publics.",
        ),
        "a_retenir": _p(
            "Les réfugiés et les bénéficiaires de la protection subsidiaire sont dispensés du délai de trois mois de résidence ; les demandeurs d'asile, eux, ne le sont plus."
        ),
        "public": _ul(
            "les personnes qui commencent à travailler en France ;",
            "les personnes qui résident en France depuis plus de trois mois de façon régulière ;",
            "les membres de la famille qui rejoignent un assuré.",
        ),
        "etapes": [
            (
                "Vérifier la situation",
                _p("Activité professionnelle, durée de résidence et régularité du séjour."),
            ),
            (
                "Compléter la demande d'ouverture des droits",
                _p("Le formulaire est signé par la personne et accompagné des justificatifs."),
            ),
            (
                "Envoyer le dossier à la CPAM du lieu de résidence",
                _p(
                    "La caisse attribue un numéro provisoire puis définitif une fois l'état civil vérifié."
                ),
            ),
            (
                "Déclarer un médecin traitant",
                _p("Dès l'ouverture des droits, pour être mieux remboursé."),
            ),
        ],
        "pieces": [
            "Pièce d'identité ou titre de séjour",
            "Acte de naissance (avec filiation)",
            "Justificatif de domicile ou attestation d'hébergement",
            "Justificatif de résidence depuis plus de trois mois",
            "Relevé d'identité bancaire",
        ],
        "faq": [
            (
                "L'acte de naissance doit-il être traduit ?",
                _p("Oui, par un traducteur assermenté lorsqu'il n'est pas rédigé en français."),
            ),
            (
                "La personne n'a pas de domicile stable : que faire ?",
                _p(
                    "Une domiciliation auprès d'un CCAS ou d'un organisme agréé permet de déposer la demande."
                ),
            ),
        ],
        "libelle_formulaire": "Télécharger la demande d'ouverture des droits",
    },
    {
        "theme": "ame",
        "slug": "demander-l-aide-medicale-de-l-etat",
        "titre": "Demander l'aide médicale de l'État",
        "resume": "Conditions de résidence et de ressources, dépôt en personne et retrait de la carte : les points à vérifier avant d'orienter.",
        "texte": _p(
            "L'aide médicale de l'État (AME) couvre les soins des personnes étrangères qui résident en France en situation irrégulière depuis plus de trois mois, sous condition de ressources.",
            "La première demande se dépose en personne à l'accueil de la CPAM ; la carte AME est ensuite remise en main propre.",
        ),
        "a_retenir": _p(
            "Le dépôt en personne est obligatoire pour une première demande : prenez rendez-vous avec l'assuré et vérifiez que le dossier est complet."
        ),
        "public": _p(
            "Les personnes étrangères sans titre de séjour, présentes en France depuis plus de trois mois, dont les ressources ne dépassent pas le plafond de la CSS gratuite."
        ),
        "etapes": [
            (
                "Vérifier la durée de présence",
                _p("Tout document daté prouvant la présence en France depuis plus de trois mois."),
            ),
            (
                "Compléter le formulaire",
                _p("Un formulaire par foyer, avec les personnes à charge."),
            ),
            ("Déposer le dossier en personne", _p("À l'accueil de la CPAM, sur rendez-vous.")),
            (
                "Retirer la carte",
                _p("La carte est remise à l'accueil, sur présentation d'une pièce d'identité."),
            ),
        ],
        "pieces": [
            "Pièce d'identité (passeport, carte consulaire…)",
            "Justificatif de présence de plus de trois mois",
            "Justificatif de domicile ou de domiciliation",
            "Justificatifs des ressources des 12 derniers mois",
        ],
        "faq": [
            (
                "Les enfants sont-ils concernés par le délai de trois mois ?",
                _p("Non : les mineurs ont droit à l'AME dès leur arrivée."),
            ),
            (
                "Pour combien de temps l'AME est-elle accordée ?",
                _p("Pour un an ; le renouvellement se demande deux mois avant la fin des droits."),
            ),
        ],
        "libelle_formulaire": "Télécharger la demande d'AME",
        "ancienne": True,
    },
    {
        "theme": "indemnites-journalieres",
        "slug": "indemnites-journalieres-arret-maladie",
        "titre": "Indemnités journalières pendant un arrêt maladie",
        "resume": "Conditions d'ouverture, délai de carence, calcul et versement des indemnités pendant un arrêt de travail.",
        "texte": _p(
            "Pendant un arrêt de travail prescrit par un médecin, le salarié peut percevoir des indemnités journalières qui compensent en partie la perte de salaire.",
            "Elles sont versées après un délai de carence de trois jours, sauf exceptions, et calculées à partir des salaires des trois derniers mois.",
        ),
        "a_retenir": _p(
            "L'arrêt de travail doit parvenir à la caisse dans les 48 heures. Un envoi tardif peut entraîner une réduction des indemnités."
        ),
        "public": _p(
            "Les salariés et demandeurs d'emploi indemnisés qui remplissent les conditions de durée de travail ou de cotisations."
        ),
        "etapes": [
            (
                "Transmettre l'arrêt",
                _p(
                    "Le médecin le transmet en ligne dans la plupart des cas ; sinon, l'assuré envoie les volets papier."
                ),
            ),
            (
                "L'employeur envoie l'attestation de salaire",
                _p("Sans elle, la caisse ne peut pas calculer les indemnités."),
            ),
            (
                "Suivre les paiements",
                _p(
                    "Les versements apparaissent sur le compte en ligne, en général tous les quatorze jours."
                ),
            ),
        ],
        "pieces": [
            "Avis d'arrêt de travail",
            "Attestation de salaire établie par l'employeur",
            "Relevé d'identité bancaire à jour",
        ],
        "faq": [
            (
                "L'assuré peut-il sortir pendant son arrêt ?",
                _p("Seulement aux heures autorisées par le médecin, indiquées sur l'arrêt."),
            ),
            (
                "Les indemnités sont-elles imposables ?",
                _p("Oui pour un arrêt maladie ordinaire ; elles figurent sur les relevés fiscaux."),
            ),
        ],
        "ancienne": True,
    },
    {
        "theme": "frais-de-sante",
        "slug": "comprendre-le-reste-a-charge",
        "titre": "Comprendre le reste à charge",
        "resume": "Ticket modérateur, participation forfaitaire, franchises : expliquer à l'assuré ce qui reste à payer après un soin.",
        "texte": _p(
            "Après le remboursement de l'assurance maladie, une partie de la dépense peut rester à la charge de l'assuré : c'est le reste à charge.",
            "Il comprend le ticket modérateur, éventuellement pris en charge par la complémentaire, et des montants forfaitaires qui restent dus dans tous les cas.",
        ),
        "a_retenir": _p(
            "Les bénéficiaires de la CSS et de l'AME, les femmes enceintes à partir du sixième mois et les mineurs ne paient pas les franchises médicales."
        ),
        "public": _p(
            "Tous les assurés, avec des exonérations pour certaines situations : affection de longue durée, maternité, CSS."
        ),
        "etapes": [
            (
                "Lire le décompte",
                _p(
                    "Le relevé de remboursements détaille la base, le taux et les montants retenus."
                ),
            ),
            (
                "Vérifier la complémentaire",
                _p("Les remboursements de la complémentaire apparaissent sur son propre relevé."),
            ),
            (
                "Contester si besoin",
                _p("En cas d'erreur, l'assuré peut demander un réexamen à la caisse."),
            ),
        ],
        "pieces": [
            "Relevé de remboursements concerné",
            "Facture ou feuille de soins",
            "Attestation de complémentaire santé",
        ],
        "faq": [
            (
                "Qu'est-ce que le tiers payant ?",
                _p(
                    "La dispense d'avance des frais : le professionnel est payé directement par la caisse."
                ),
            ),
            (
                "Y a-t-il un plafond annuel des franchises ?",
                _p("Oui, un plafond annuel limite leur total par personne."),
            ),
        ],
    },
    {
        "theme": "medecin-traitant",
        "slug": "declarer-un-medecin-traitant",
        "titre": "Déclarer un médecin traitant",
        "resume": "Pourquoi déclarer un médecin traitant, comment faire la déclaration et que faire quand aucun médecin n'accepte l'assuré.",
        "texte": _p(
            "Le médecin traitant coordonne le parcours de soins. Sans médecin traitant déclaré, l'assuré de plus de 16 ans est moins bien remboursé.",
            "La déclaration se fait le plus souvent en ligne par le médecin lui-même, lors d'une consultation.",
        ),
        "a_retenir": _p(
            "Un assuré sans médecin traitant peut le signaler à sa caisse : une démarche d'accompagnement l'aide à en trouver un, en priorité s'il est en affection de longue durée."
        ),
        "public": _p(
            "Tous les assurés à partir de 16 ans ; pour les enfants, la déclaration est possible mais sans effet sur les remboursements."
        ),
        "etapes": [
            ("Choisir un médecin", _p("Généraliste ou spécialiste, qui accepte d'être déclaré.")),
            (
                "Faire la déclaration",
                _p("Par le médecin en ligne, ou avec le formulaire signé par les deux parties."),
            ),
            (
                "Vérifier l'enregistrement",
                _p("Le nom du médecin traitant apparaît sur le compte en ligne de l'assuré."),
            ),
        ],
        "pieces": [
            "Carte Vitale ou attestation de droits",
            "Formulaire de déclaration signé, si la déclaration n'est pas faite en ligne",
        ],
        "faq": [
            (
                "Peut-on changer de médecin traitant ?",
                _p("Oui, à tout moment, par une nouvelle déclaration."),
            ),
            (
                "Que faire si aucun médecin n'accepte ?",
                _p(
                    "Signaler la situation à la caisse via le service dédié aux patients sans médecin traitant."
                ),
            ),
        ],
        "libelle_formulaire": "Télécharger la déclaration de choix du médecin traitant",
    },
    {
        "theme": "acces-aux-soins",
        "slug": "accompagner-une-personne-qui-renonce-aux-soins",
        "titre": "Accompagner une personne qui renonce aux soins",
        "resume": "Repérer le renoncement aux soins et orienter l'assuré vers la mission d'accompagnement santé de la CPAM.",
        "texte": _p(
            "Le renoncement aux soins a des causes variées : coût, éloignement, délais, difficultés administratives. Les partenaires sont souvent les premiers à le repérer.",
            "Avec l'accord de la personne, le partenaire la signale à la CPAM, qui propose un accompagnement personnalisé jusqu'à la réalisation des soins.",
        ),
        "a_retenir": _p(
            "Le signalement se fait toujours avec l'accord explicite de la personne. Ne transmettez que les informations nécessaires."
        ),
        "public": _p(
            "Toute personne qui reporte ou abandonne un soin, quelle qu'en soit la raison."
        ),
        "etapes": [
            (
                "Repérer la situation",
                _p(
                    "Au détour d'une démarche : soins dentaires reportés, lunettes non renouvelées, examen non fait."
                ),
            ),
            (
                "Recueillir l'accord de la personne",
                _p("Expliquez ce que la caisse propose et ce qui sera transmis."),
            ),
            (
                "Faire le signalement",
                _p("Par une demande sur le portail, catégorie « Accès aux soins »."),
            ),
        ],
        "pieces": [
            "Coordonnées de la personne et numéro de sécurité sociale",
            "Description courte du soin reporté",
        ],
        "faq": [
            (
                "Combien de temps dure l'accompagnement ?",
                _p("Le temps nécessaire : quelques semaines à quelques mois selon les soins."),
            ),
            (
                "Le partenaire est-il informé de la suite ?",
                _p("Il reçoit une réponse sur sa demande ; le détail médical reste confidentiel."),
            ),
        ],
    },
    {
        "theme": "prevention",
        "slug": "examen-de-prevention-en-sante",
        "titre": "L'examen de prévention en santé",
        "resume": "Un bilan de santé gratuit proposé par les centres d'examens de santé, en particulier aux personnes éloignées du soin.",
        "texte": _p(
            "L'examen de prévention en santé est un bilan complet, gratuit, réalisé dans un centre d'examens de santé de l'assurance maladie.",
            "Il est adapté à l'âge et à la situation de la personne et peut déboucher sur une orientation vers un médecin traitant.",
        ),
        "a_retenir": _p(
            "Les personnes en situation de précarité sont prioritaires. Le partenaire peut prendre rendez-vous avec elles."
        ),
        "public": _p(
            "Les assurés de plus de 16 ans, en priorité les personnes éloignées du système de soins."
        ),
        "etapes": [
            (
                "Proposer l'examen",
                _p("Présenter le bilan comme un moment pour faire le point, sans avance de frais."),
            ),
            ("Prendre rendez-vous", _p("Auprès du centre d'examens de santé le plus proche.")),
            (
                "Préparer la venue",
                _p("Venir à jeun, avec la carte Vitale et les derniers résultats d'analyse."),
            ),
        ],
        "pieces": ["Carte Vitale ou attestation de droits", "Carnet de vaccination, si possible"],
        "faq": [
            (
                "L'examen remplace-t-il une consultation chez le médecin ?",
                _p("Non : il la complète, et les résultats sont envoyés au médecin traitant."),
            ),
            ("Combien de temps dure-t-il ?", _p("Une demi-journée environ.")),
        ],
    },
]

FLASH_INFOS = [
    # slug, title, days ago, importance, themes, partner types, départements, summary, body
    (
        "nouveau-formulaire-css",
        "Nouvelle version du formulaire de demande de CSS",
        5,
        "importante",
        ["complementaire-sante-solidaire"],
        [],
        [],
        "La version 07 du formulaire remplace la précédente : l'ancienne reste acceptée jusqu'à la fin du trimestre.",
        "Utilisez désormais la version 07, disponible dans la bibliothèque de formulaires. Les dossiers déposés avec l'ancienne version restent traités jusqu'à la fin du trimestre.",
    ),
    (
        "fermeture-accueil-tours",
        "Fermeture exceptionnelle de l'accueil de Tours",
        12,
        "normale",
        [],
        [],
        ["37"],
        "L'accueil de Tours sera fermé un jeudi après-midi pour formation des équipes.",
        "Les rendez-vous sont reportés. La messagerie du portail reste disponible pour les demandes urgentes.",
    ),
    (
        "appli-carte-vitale",
        "L'application carte Vitale s'étend",
        20,
        "normale",
        ["carte-vitale"],
        [],
        [],
        "Davantage d'assurés peuvent activer l'application carte Vitale sur leur téléphone.",
        "Une fiche pas à pas aide les agents à accompagner l'activation avec la pièce d'identité de l'assuré.",
    ),
    (
        "delais-ame-41",
        "Délais de traitement des demandes d'AME en Loir-et-Cher",
        28,
        "normale",
        ["ame"],
        [],
        ["41"],
        "Les délais s'allongent temporairement : vérifiez que les dossiers sont complets avant le dépôt.",
        "Un dossier complet dès le dépôt évite un nouveau rendez-vous. Reportez-vous à la liste des pièces de la fiche AME.",
    ),
    (
        "campagne-vaccination-grippe",
        "Campagne de vaccination contre la grippe",
        40,
        "normale",
        ["prevention"],
        [],
        [],
        "Les bons de prise en charge sont envoyés aux personnes concernées.",
        "Rappelez aux personnes à risque qu'elles peuvent se faire vacciner en pharmacie sans avance de frais.",
    ),
    (
        "messagerie-experts-horaires",
        "Délais de réponse de la messagerie experts",
        55,
        "importante",
        [],
        [],
        [],
        # Worded from the settings that compute deadlines: the demo never contradicts them.
        lambda: (
            "Les experts répondent aux demandes urgentes sous "
            f"{promesses.delai_reponse('urgente')} et aux autres demandes sous "
            f"{promesses.delai_reponse('normale')}."
        ),
        "Indiquez clairement l'urgence dans vos demandes : les situations de rupture de droits sont traitées en priorité.",
    ),
    (
        "ccas-webinaire-css",
        "Webinaire CSS réservé aux CCAS",
        70,
        "normale",
        ["complementaire-sante-solidaire"],
        ["ccas_cias"],
        [],
        "Un temps d'échange sur les renouvellements de CSS est proposé aux agents de CCAS.",
        "Inscription depuis l'agenda du portail. Les questions peuvent être envoyées à l'avance.",
    ),
    (
        "ij-attestation-salaire",
        "Indemnités journalières : attestation de salaire en ligne",
        85,
        "normale",
        ["indemnites-journalieres"],
        [],
        [],
        "Les employeurs transmettent l'attestation de salaire en ligne : les délais de paiement raccourcissent.",
        "Si un assuré n'est pas payé après trois semaines, vérifiez d'abord que l'employeur a bien transmis l'attestation.",
    ),
    (
        "medecin-traitant-28",
        "Patients sans médecin traitant en Eure-et-Loir",
        100,
        "normale",
        ["medecin-traitant"],
        [],
        ["28"],
        "Un dispositif d'accompagnement est renforcé pour les patients en affection de longue durée.",
        "Signalez les situations via une demande « Médecin traitant » sur le portail.",
    ),
    (
        "france-services-permanence",
        "Permanences CPAM dans les France Services",
        120,
        "normale",
        [],
        ["france_services"],
        ["37", "41"],
        "Le calendrier des permanences du semestre est disponible.",
        "Chaque France Services reçoit la date de sa prochaine permanence par son référent.",
    ),
    (
        "renoncement-soins-bilan",
        "Renoncement aux soins : bilan de l'année",
        145,
        "normale",
        ["acces-aux-soins"],
        [],
        [],
        "Plus de la moitié des personnes accompagnées ont réalisé leurs soins dans l'année.",
        "Merci aux partenaires pour leurs signalements : ils restent la première source de repérage.",
    ),
    (
        "reste-a-charge-optique",
        "100 % santé : rappel pour l'optique et le dentaire",
        170,
        "normale",
        ["frais-de-sante"],
        [],
        [],
        "Certaines lunettes et prothèses dentaires sont remboursées intégralement avec une complémentaire.",
        "Conseillez aux assurés de demander un devis présentant l'offre sans reste à charge.",
    ),
]

RENCONTRES = [
    # slug, title, days from today, hour, duration (h), place, link, audience, description
    (
        "reunion-partenaires-37-printemps",
        "Réunion des partenaires d'Indre-et-Loire",
        -60,
        14,
        2,
        "CPAM d'Indre-et-Loire, salle du conseil, Tours",
        "",
        "Référents et agents des structures partenaires du 37",
        "<p>Bilan du semestre, actualités réglementaires et échanges sur les situations complexes.</p>",
    ),
    (
        "webinaire-ame-retour",
        "Webinaire : les demandes d'AME",
        -25,
        10,
        1,
        "",
        "https://webinaire.exemple.fr/ame",
        "Agents France Services du 37, du 41 et du 28",
        "<p>Les conditions, les pièces et les erreurs fréquentes dans les dossiers d'AME.</p>",
    ),
    (
        "webinaire-css-renouvellement",
        "Webinaire : renouveler la Complémentaire santé solidaire",
        21,
        10,
        1,
        "",
        "https://webinaire.exemple.fr/css",
        "Agents de CCAS et de France Services",
        "<p>Anticiper le renouvellement et éviter les ruptures de droits. Questions en direct.</p>",
    ),
    (
        "rencontre-partenaires-41",
        "Rencontre des partenaires du Loir-et-Cher",
        45,
        9,
        3,
        "Maison des associations, Blois",
        "",
        "Toutes les structures partenaires du 41",
        "<p>Présentation du portail, temps d'échange avec les experts et ateliers par thème.</p>",
    ),
]

# Registration on the portal: slug -> (places, types of structures, départements); the others
# are display-only. The CSS webinar has some demo members registered (not the demo agent, who
# can register); the Loir-et-Cher meeting is not offered to the demo agent's structure (37).
INSCRIPTIONS_RENCONTRES = {
    "webinaire-css-renouvellement": (100, ["ccas_cias", "france_services"], []),
    "rencontre-partenaires-41": (40, [], ["41"]),
}


# Helpers ----------------------------------------------------------------------------------------


def _inscrire_aux_rencontres(agenda, comptes) -> None:
    """Demo members (not the demo agent) registered to the CSS webinar, written directly (no
    e-mail); idempotent by rencontre and person."""
    webinaire = (
        RencontrePage.objects.child_of(agenda).filter(slug="webinaire-css-renouvellement").first()
    )
    if webinaire is None or webinaire.capacite is None:
        return
    agent_demo = comptes.get(roles.AGENT_PARTENAIRE)
    adhesions = (
        Adhesion.objects.filter(active=True, utilisateur__email__endswith="demo.solidaires.fr")
        .exclude(utilisateur=agent_demo)
        .select_related("utilisateur", "partenaire")
        .order_by("utilisateur__email")
    )
    vus = set()
    for adhesion in adhesions:
        if adhesion.utilisateur_id in vus or not webinaire.vise(adhesion.partenaire):
            continue
        vus.add(adhesion.utilisateur_id)
        InscriptionRencontre.objects.get_or_create(
            rencontre=webinaire,
            agent=adhesion.utilisateur,
            defaults={"partenaire": adhesion.partenaire, "etat": InscriptionRencontre.Etat.INSCRIT},
        )
        if len(vus) == 3:
            break


def _enfant(parent, modele, slug, themes=None, **champs):
    """The child page with this slug under `parent`, created live when absent (no signal)."""
    existante = parent.get_children().filter(slug=slug).first()
    if existante is not None:
        return existante.specific
    publie_le = champs.pop("publie_le", None) or timezone.now()
    page = modele(
        slug=slug,
        live=True,
        first_published_at=publie_le,
        last_published_at=publie_le,
        **champs,
    )
    if themes:
        page.themes.set(themes)  # a ParentalManyToManyField, written with the page
    parent.add_child(instance=page)
    return page


def _collection_formulaires():
    existante = Collection.objects.filter(name=NOM_COLLECTION_FORMULAIRES).first()
    return existante or Collection.get_first_root_node().add_child(name=NOM_COLLECTION_FORMULAIRES)


def _formulaires(themes) -> dict[str, Formulaire]:
    Document = get_document_model()
    collection = _collection_formulaires()
    par_reference = {}
    for reference, titre, theme, version, date_version, fichier, _ in FORMULAIRES:
        formulaire = Formulaire.objects.filter(reference=reference).first()
        if formulaire is None:
            titre_document = f"{titre} ({reference})"
            document = Document.objects.filter(title=titre_document, collection=collection).first()
            if document is None:
                document = Document(title=titre_document, collection=collection)
                document.file = ContentFile(
                    pdf_simple(
                        [
                            titre,
                            reference,
                            f"Version {version} du {date_courte(date_version)}",
                            "Document de démonstration - Solidaires et partenaires.",
                            "Nom, prénom : ........................................",
                            "Numéro de sécurité sociale : .........................",
                            "Date et signature : ..................................",
                        ],
                    ),
                    name=fichier,
                )
                document._set_document_file_metadata()
                document.save()
            formulaire = Formulaire.objects.create(
                titre=titre,
                document=document,
                theme=themes[theme],
                reference=reference,
                version=version,
                date_version=date_version,
            )
        par_reference[reference] = formulaire
    for reference, *_, remplace_par in FORMULAIRES:
        formulaire = par_reference[reference]
        if remplace_par and formulaire.remplace_par_id is None:
            formulaire.remplace_par = par_reference[remplace_par]
            formulaire.save(update_fields=["remplace_par"])
    return par_reference


def _corps_fiche(fiche, categorie, document):
    corps = [
        {"type": "texte", "value": fiche["texte"]},
        {"type": "a_retenir", "value": {"titre": "À retenir", "texte": fiche["a_retenir"]}},
        {"type": "public", "value": {"titre": "Qui est concerné ?", "texte": fiche["public"]}},
        {
            "type": "etapes",
            "value": {
                "titre": "Les étapes",
                "etapes": [{"titre": t, "texte": d} for t, d in fiche["etapes"]],
            },
        },
        {"type": "pieces", "value": {"titre": "Documents à fournir", "pieces": fiche["pieces"]}},
        {
            "type": "faq",
            "value": {
                "titre": "Questions fréquentes",
                "questions": [{"question": q, "reponse": r} for q, r in fiche["faq"]],
            },
        },
        {
            "type": "formulaire",
            "value": {"document": document.pk, "libelle": fiche.get("libelle_formulaire", "")},
        },
        {
            "type": "bouton_demande",
            "value": {"categorie": categorie, "libelle": "Faire une demande"},
        },
    ]
    return corps


# Entry point ------------------------------------------------------------------------------------


def creer(comptes):
    accueil = HomePage.objects.get()
    aujourdhui = timezone.localdate()
    maintenant = timezone.now()

    themes = {}
    for ordre, (slug, nom, _, _) in enumerate(THEMES, start=1):
        themes[slug] = Theme.objects.get_or_create(
            slug=slug, defaults={"nom": nom, "ordre": ordre}
        )[0]
    formulaires = _formulaires(themes)
    formulaire_defaut = formulaires["Cerfa n° 15763*03"]
    responsable = comptes.get(roles.EDITEUR)

    # Themes and reference sheets.
    categories = {slug: categorie for slug, _, categorie, _ in THEMES}
    thematiques = {}
    for slug, nom, _, intro in THEMES:
        thematiques[slug] = _enfant(
            accueil, ThematiquePage, slug, title=nom, theme=themes[slug], intro=intro
        )
    for n, fiche in enumerate(FICHES):
        formulaire = formulaires.get(FORMULAIRE_PAR_THEME.get(fiche["theme"]), formulaire_defaut)
        if fiche.get("ancienne"):
            revisee_le = aujourdhui - timedelta(days=400 + 30 * n)
        else:
            revisee_le = aujourdhui - timedelta(days=10 + 7 * n)
        _enfant(
            thematiques[fiche["theme"]],
            FichePratiquePage,
            fiche["slug"],
            title=fiche["titre"],
            resume=fiche["resume"],
            corps=_corps_fiche(fiche, categories[fiche["theme"]], formulaire.document),
            responsable=responsable,
            revisee_le=revisee_le,
            publie_le=timezone.make_aware(datetime.combine(revisee_le, time(9, 30))),
        )

    # Forms library.
    _enfant(
        accueil,
        FormulairesPage,
        "formulaires",
        title="Bibliothèque de formulaires",
        intro="Les formulaires Cerfa et CPAM à jour, classés par thème. Une version remplacée reste consultable ; utilisez de préférence la version en vigueur.",
    )

    # Flash infos.
    index = _enfant(
        accueil,
        FlashInfoIndexPage,
        "actualites",
        title="Flash infos",
        intro="Les informations à connaître pour accompagner les assurés, publiées par la CPAM.",
    )
    for (
        slug,
        titre,
        jours,
        importance,
        slugs_themes,
        types,
        departements,
        resume,
        corps,
    ) in FLASH_INFOS:
        jour = aujourdhui - timedelta(days=jours)
        texte_resume = resume() if callable(resume) else resume
        flash = _enfant(
            index,
            FlashInfoPage,
            slug,
            title=titre,
            date=jour,
            resume=texte_resume,
            corps=[{"type": "texte", "value": _p(corps)}],
            importance=importance,
            types_partenaires=types,
            departements=departements,
            publie_le=timezone.make_aware(datetime.combine(jour, time(8, 0))),
            themes=[themes[s] for s in slugs_themes],
        )
        if callable(resume) and (flash.title, flash.resume) != (titre, texte_resume):
            flash.draft_title = titre
            # A text worded from the settings follows them when the demo is loaded again.
            flash.title, flash.resume = titre, texte_resume
            flash.save(update_fields=["title", "draft_title", "resume"])

    # Agenda.
    agenda = _enfant(
        accueil,
        AgendaPage,
        "agenda",
        title="Agenda des rencontres",
        intro="Réunions de partenaires et webinaires organisés par la CPAM.",
    )
    for slug, titre, jours, heure, duree, lieu, lien, public, description in RENCONTRES:
        debut = timezone.make_aware(
            datetime.combine(aujourdhui + timedelta(days=jours), time(heure))
        )
        _enfant(
            agenda,
            RencontrePage,
            slug,
            title=titre,
            debut=debut,
            fin=debut + timedelta(hours=duree),
            lieu=lieu,
            lien=lien,
            public=public,
            description=description,
            publie_le=min(maintenant, debut - timedelta(days=30)),
            **dict(
                zip(
                    ("capacite", "types_partenaires", "departements"),
                    INSCRIPTIONS_RENCONTRES.get(slug, (None, [], [])),
                    strict=True,
                )
            ),
        )
    _inscrire_aux_rencontres(agenda, comptes)

    _enfant(accueil, RecherchePage, "recherche", title="Rechercher")
    _enfant(
        accueil,
        PageSimple,
        "aide",
        title="Utiliser le portail",
        publique=False,
        corps=[
            {
                "type": "texte",
                "value": "<h2>Trouver une information</h2>"
                + _p(
                    "Les fiches pratiques sont classées par thème depuis l'accueil. La recherche, en haut de l'accueil, parcourt les fiches, les flash infos et les formulaires.",
                    "Chaque fiche indique sa date de mise à jour : en cas de doute sur une règle, fiez-vous à la plus récente.",
                )
                + "<h2>Saisir un expert</h2>"
                + _p(
                    "Le bouton « Faire une demande » en bas d'une fiche ouvre le formulaire de demande avec la bonne catégorie. Décrivez la situation sans données médicales et joignez les pièces utiles.",
                )
                + "<h2>Rester informé</h2>"
                + _p(
                    "Les flash infos importantes restent en tête de l'accueil jusqu'à leur lecture. Vous choisissez les e-mails que vous recevez depuis la page <a href=\"/compte/notifications/\">Notifications</a> de votre compte.",
                ),
            },
            {
                "type": "a_retenir",
                "value": {
                    "titre": "À retenir",
                    "texte": _p(
                        "Ne transmettez jamais de données de santé par la messagerie : seules les informations administratives utiles au traitement de la demande."
                    ),
                },
            },
        ],
    )
