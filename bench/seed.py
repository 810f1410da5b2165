"""Seed a dedicated database with 100x the yearly volume (a few thousand rows with --scale quick).

    DJANGO_SETTINGS_MODULE=portail.settings DATABASE_URL=postgres://.../solidaires_bench \
        python -m bench.seed --scale full

Starts from the demo data (`seed_demo`: role groups, categories, the CMS tree, teams, sessions),
then adds the volume with bulk inserts: `bulk_create` in batches, rows cloned from a demo row so
that a field added to a model later is filled with the demo value, and COPY for the messages.
Wagtail pages go through treebeard's `add_child` (correct paths, search index), one by one.

Open demandes past their 75 % threshold or deadline are stamped as already reminded, and closed
demandes past retention as already anonymised, except the last day: the SLA sweep and the
nightly retention job then measure a steady-state run (what the 5-minute and nightly schedules
find), not a first-ever catch-up.
"""

import argparse
import itertools
import os
import random
import time
from datetime import timedelta

SCALES = {
    "full": {
        "structures": 2000,
        "agents": 10_000,
        "experts": 300,
        "equipes": 12,
        "regles": 5000,
        "demandes": 300_000,
        "messages": 1_500_000,
        "ouvertes": 100_000,
        "pages": 1000,
        "sessions": 100,
        "inscriptions": 5000,
    },
    "quick": {
        "structures": 40,
        "agents": 400,
        "experts": 20,
        "equipes": 3,
        "regles": 200,
        "demandes": 3000,
        "messages": 15_000,
        "ouvertes": 1000,
        "pages": 20,
        "sessions": 10,
        "inscriptions": 200,
    },
}
LOT = 5000
MESSAGES_FIL = 50  # the thread the "demande detail" endpoint opens
SWEEP_A_TRAITER = 50  # demandes the SLA sweep finds newly due (one 5-minute run's worth)


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
    import django

    django.setup()


class Chrono:
    def __init__(self):
        self.debut = self.etape = time.perf_counter()

    def __call__(self, libelle: str, lignes: int | None = None):
        maintenant = time.perf_counter()
        texte = f"  {libelle:<38} {maintenant - self.etape:7.1f} s"
        if lignes is not None:
            texte += f"  ({lignes:,} lignes)".replace(",", " ")
        print(texte, flush=True)
        self.etape = maintenant

    def total(self) -> float:
        return time.perf_counter() - self.debut


def _champs(instance, exclus=()) -> dict:
    """The concrete field values of a row, to clone it (primary key excluded)."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key and f.attname not in exclus
    }


def _par_lots(modele, objets, taille=LOT) -> int:
    n = 0
    iterateur = iter(objets)
    while lot := list(itertools.islice(iterateur, taille)):
        modele.objects.bulk_create(lot, batch_size=taille)
        n += len(lot)
    return n


def nir(hasard: random.Random) -> str:
    from portail.identifiants import nir_avec_cle

    numero = (
        f"{hasard.choice('12')}{hasard.randint(40, 99):02d}{hasard.randint(1, 12):02d}"
        f"{hasard.choice(['37', '41', '28', '36', '45', '18'])}"
        f"{hasard.randint(1, 999):03d}{hasard.randint(1, 999):03d}"
    )
    return nir_avec_cle(numero)


def siret(n: int) -> str:
    """Distinct for each n below 10 million; the SIREN starts with 9 (see `deja_seede`)."""
    from portail.identifiants import siren_avec_cle, siret_avec_cle

    return siret_avec_cle(siren_avec_cle(f"9{n:07d}") + "0001")


def deja_seede() -> bool:
    from conventions.models import Partenaire

    return Partenaire.objects.filter(siret__startswith="9").exists()


def seeder(scale: str) -> None:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench import comptes
    from conventions.models import Adhesion, Convention, Partenaire
    from conventions.services.adhesions import adhesion_creer
    from demandes.models import Categorie, Demande, Equipe, Expert, Message, RegleRoutage
    from formations.models import Inscription, Session
    from portail import roles
    from portail.models import Utilisateur

    v = SCALES[scale]
    hasard = random.Random(2026)  # noqa: S311 (reproducible data, not security)
    chrono = Chrono()
    maintenant = timezone.now()
    aujourdhui = timezone.localdate()
    print(f"Seed « {scale} » dans {connection.settings_dict['NAME']}", flush=True)

    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    chrono("données de démonstration (seed_demo)")

    groupes = {g.name: g for g in Group.objects.all()}
    hache = make_password(comptes.MOT_DE_PASSE)
    categories = list(Categorie.objects.filter(active=True))
    UG = Utilisateur.groups.through

    # Structures and conventions in force ---------------------------------------------------
    types = [t for t, _ in Partenaire.Type.choices]
    departements = [f"{d:02d}" for d in range(1, 96) if d != 20]
    gabarit_p = Partenaire.objects.order_by("pk").first()
    with transaction.atomic():
        _par_lots(
            Partenaire,
            (
                Partenaire(
                    **{
                        **_champs(gabarit_p),
                        "nom": f"Structure de charge {i:05d}",
                        "type": types[i % len(types)],
                        "siret": siret(i),
                        "departement": departements[i % len(departements)],
                        "numero_label_france_services": f"FS-B-{i:05d}",
                        "itinerant": False,
                        "cree_le": maintenant,
                    }
                )
                for i in range(v["structures"])
            ),
        )
        partenaires = list(Partenaire.objects.filter(siret__startswith="9").order_by("pk"))
        gabarit_c = Convention.objects.filter(statut=Convention.Statut.EN_VIGUEUR).first()
        _par_lots(
            Convention,
            (
                Convention(
                    **{
                        **_champs(gabarit_c),
                        "numero": f"CB-{p.pk:08d}",
                        "partenaire_id": p.pk,
                        "statut": Convention.Statut.EN_VIGUEUR,
                        "date_effet": aujourdhui - timedelta(days=200),
                        "date_fin": aujourdhui + timedelta(days=900),
                        "rappel_j60_le": None,
                        "rappel_j30_le": None,
                    }
                )
                for p in partenaires
            ),
        )
    chrono("structures et conventions", 2 * len(partenaires))

    # Agents: users, group, membership (one référent per 5) ---------------------------------
    with transaction.atomic():
        _par_lots(
            Utilisateur,
            (
                Utilisateur(
                    email=f"agent{i}@{comptes.DOMAINE}",
                    first_name="Agent",
                    last_name=f"N{i:05d}",
                    password=hache,
                    date_joined=maintenant,
                )
                for i in range(v["agents"])
            ),
        )
        agents = list(
            Utilisateur.objects.filter(email__startswith="agent", email__endswith=comptes.DOMAINE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        agents_par_structure: dict[int, list[int]] = {}
        adhesions = []
        for i, pk in enumerate(agents):
            p = partenaires[i % len(partenaires)]
            agents_par_structure.setdefault(p.pk, []).append(pk)
            role = Adhesion.Role.REFERENT if i < len(partenaires) else Adhesion.Role.AGENT
            adhesions.append(Adhesion(utilisateur_id=pk, partenaire_id=p.pk, role=role))
        _par_lots(Adhesion, adhesions)
        _par_lots(
            UG, (UG(utilisateur_id=pk, group=groupes[roles.AGENT_PARTENAIRE]) for pk in agents)
        )
    chrono("agents, rattachements, groupes", 3 * len(agents))

    # Teams and experts -----------------------------------------------------------------------
    with transaction.atomic():
        Equipe.objects.bulk_create(
            [Equipe(nom=f"Plateforme de charge {i:02d}") for i in range(v["equipes"])]
        )
        equipes = list(Equipe.objects.filter(nom__startswith="Plateforme de charge"))
        _par_lots(
            Utilisateur,
            (
                Utilisateur(
                    email=f"expert{i}@{comptes.DOMAINE}",
                    first_name="Expert",
                    last_name=f"N{i:04d}",
                    password=hache,
                    date_joined=maintenant,
                )
                for i in range(v["experts"])
            ),
        )
        pk_experts = list(
            Utilisateur.objects.filter(email__startswith="expert", email__endswith=comptes.DOMAINE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        UG.objects.bulk_create(
            [UG(utilisateur_id=pk, group=groupes[roles.EXPERT_CPAM]) for pk in pk_experts]
        )
        Expert.objects.bulk_create(
            [
                Expert(utilisateur_id=pk, equipe=equipes[i % len(equipes)])
                for i, pk in enumerate(pk_experts)
            ]
        )
        experts = list(Expert.objects.filter(utilisateur_id__in=pk_experts).order_by("pk"))
    chrono("équipes et experts", len(experts))

    # Virtual users of the load: real services, confirmed TOTP devices ------------------------
    charge = {}
    with transaction.atomic():
        for role, adresse in comptes.tous():
            rang = int(adresse.split("@")[0].rsplit("-", 1)[1])
            u = Utilisateur.objects.create(
                email=adresse, first_name=role.capitalize(), last_name=f"Charge {rang}"
            )
            u.password = hache
            u.save(update_fields=["password"])
            TOTPDevice.objects.create(
                user=u, name="Application", key=comptes.cle_totp(adresse), confirmed=True
            )
            if role in ("agent", "referent"):
                p = partenaires[rang if role == "agent" else comptes.AGENTS + rang]
                adhesion_creer(utilisateur=u, partenaire=p, role=role)
                charge[adresse] = (u, p)
            elif role == "expert":
                u.groups.add(groupes[roles.EXPERT_CPAM])
                charge[adresse] = (u, Expert.objects.create(utilisateur=u, equipe=equipes[0]))
            else:
                u.groups.add(groupes[roles.SUPERVISEUR_CPAM])
                for e in equipes:
                    e.superviseurs.add(u)
                charge[adresse] = (u, None)
    experts_charge = [charge[comptes.email("expert", i)][1] for i in range(comptes.EXPERTS)]
    chrono("comptes de la charge (TOTP)", len(charge))

    # Routing rules: every category of the load structures to the load experts, then
    # département rules, then structure rules up to the volume -------------------------------
    regles = []
    structures_charge = [charge[a][1] for r, a in comptes.tous() if r in ("agent", "referent")]
    for i, p in enumerate(structures_charge):
        for c in categories:
            regles.append((p.pk, "", c, experts_charge[i % len(experts_charge)]))
    pris = set(RegleRoutage.objects.filter(active=True).values_list("categorie_id", "departement"))
    for d in departements:
        for c in categories:
            if (c.pk, d) not in pris and len(regles) < v["regles"] // 10:
                regles.append((None, d, c, None))
    autres = (p for p in partenaires if p not in structures_charge)
    for p, c in itertools.product(autres, categories):
        if len(regles) >= v["regles"]:
            break
        regles.append((p.pk, "", c, None))
    _par_lots(
        RegleRoutage,
        (
            RegleRoutage(
                code=f"{'S' + str(p) if p else 'D' + d}-{c.code}-B",
                categorie=c,
                partenaire_id=p,
                departement=d,
                titulaire=titulaire or hasard.choice(experts),
                suppleant=hasard.choice(experts),
            )
            for p, d, c, titulaire in regles
        ),
    )
    chrono("règles de routage", len(regles))

    # Demandes ------------------------------------------------------------------------------
    gabarit_d = Demande.objects.order_by("pk").first()
    base = _champs(gabarit_d, exclus=("reference",))
    conservation = timedelta(days=round(settings.DEMANDES_CONSERVATION_MOIS * 365 / 12))
    equipe_de = {e.pk: e.equipe_id for e in experts + experts_charge}
    speciales = []  # (partenaire, auteur, expert): threads of 50 messages for the load
    for i in range(comptes.AGENTS):
        u, p = charge[comptes.email("agent", i)]
        speciales.append((p.pk, u.pk, experts_charge[i % len(experts_charge)], "fil"))
    for i in range(comptes.EXPERTS):
        u, p = charge[comptes.email("agent", i % comptes.AGENTS)]
        speciales.append((p.pk, u.pk, experts_charge[i], "reponse"))

    def demande(i: int) -> Demande:
        if i < len(speciales):
            p, auteur, expert, _ = speciales[i]
            statut, cree = Demande.Statut.EN_COURS, maintenant - timedelta(hours=2)
        else:
            p = partenaires[i % len(partenaires)].pk
            auteurs = agents_par_structure.get(p) or agents
            auteur = auteurs[i % len(auteurs)]
            expert = experts[i % len(experts)] if i % 50 else None
            if i < v["ouvertes"]:
                statut = (
                    Demande.Statut.NOUVELLE,
                    Demande.Statut.EN_COURS,
                    Demande.Statut.EN_ATTENTE,
                )[i % 3]
                cree = maintenant - timedelta(minutes=hasard.randint(10, 30 * 24 * 60))
            elif i < v["ouvertes"] + v["demandes"] // 30:
                statut = Demande.Statut.RESOLUE
                cree = maintenant - timedelta(minutes=hasard.randint(2 * 24 * 60, 14 * 24 * 60))
            else:
                statut = Demande.Statut.CLOTUREE
                cree = maintenant - timedelta(minutes=hasard.randint(20 * 24 * 60, 730 * 24 * 60))
        equipe = equipe_de[expert.pk] if expert else equipes[i % len(equipes)].pk
        echeance = cree + timedelta(days=2)
        seuil = cree + timedelta(hours=36)
        repondue = None if statut == Demande.Statut.NOUVELLE else cree + timedelta(hours=3)
        d = Demande(
            **{
                **base,
                "reference": f"B-{i:07d}",
                "partenaire_id": p,
                "auteur_id": auteur,
                "consentement_par_id": auteur,
                "consentement_le": cree,
                "categorie_id": categories[i % len(categories)].pk,
                "urgence": Demande.Urgence.URGENTE if i % 7 == 0 else Demande.Urgence.NORMALE,
                "objet": f"Demande de charge {i}",
                "nir": nir(hasard),
                "statut": statut,
                "issue": "",
                "equipe_id": equipe,
                "expert_id": expert.pk if expert else None,
                "cree_le": cree,
                "modifiee_le": cree + timedelta(hours=3),
                "delai_accorde": 1080,
                "echeance": echeance,
                "seuil_alerte": seuil,
                "repondue_le": repondue,
                "delai_reponse": 180 if repondue else None,
                "en_attente_depuis": None,
                "relance_partenaire_a": None,
                "resolue_le": None,
                "cloturee_le": None,
                "reouvertures": 0,
                "preavis_retention_le": None,
                "anonymisee_le": None,
                "alerte_envoyee_le": None,
                "escalade_le": None,
                "relance_envoyee_le": None,
                "nouveau_pour_partenaire": False,
                "nouveau_pour_cpam": statut == Demande.Statut.NOUVELLE,
            }
        )
        if statut == Demande.Statut.EN_ATTENTE:
            d.en_attente_depuis = cree + timedelta(hours=3)
            d.relance_partenaire_a = d.en_attente_depuis + timedelta(days=7)
            if d.relance_partenaire_a <= maintenant:
                d.relance_envoyee_le = d.relance_partenaire_a
        # Already reminded by earlier sweeps, except one 5-minute run's worth.
        if statut == Demande.Statut.NOUVELLE and i >= SWEEP_A_TRAITER + len(speciales):
            if seuil <= maintenant:
                d.alerte_envoyee_le = seuil
            if echeance <= maintenant:
                d.escalade_le = echeance
        if statut in (Demande.Statut.RESOLUE, Demande.Statut.CLOTUREE):
            d.issue = Demande.Issue.DROITS_OUVERTS
            d.resolue_le = cree + timedelta(days=1)
            d.nouveau_pour_cpam = False
        if statut == Demande.Statut.CLOTUREE:
            d.cloturee_le = d.resolue_le + timedelta(days=15)
            # Past retention: anonymised by earlier nights, except the last day.
            if d.cloturee_le < maintenant - conservation - timedelta(days=1):
                d.anonymisee_le = d.cloturee_le + conservation
                d.nir = d.nom = d.prenom = ""
                d.date_naissance = None
                d.objet = "[Demande anonymisée]"
            if d.cloturee_le < maintenant - conservation + timedelta(days=14):
                d.preavis_retention_le = d.cloturee_le + conservation - timedelta(days=15)
        return d

    with transaction.atomic():
        n = _par_lots(Demande, (demande(i) for i in range(v["demandes"])))
    chrono("demandes", n)

    # Messages by COPY: 50 on the load threads, the rest spread evenly ----------------------
    ids = list(
        Demande.objects.filter(reference__startswith="B-")
        .order_by("reference")
        .values_list("pk", "auteur_id", "cree_le", "expert_id")
    )
    u_expert = {e.pk: e.utilisateur_id for e in experts + experts_charge}
    reste = v["messages"] - MESSAGES_FIL * len(speciales)
    par_demande, extra = divmod(reste, len(ids) - len(speciales))
    corps = (
        "Bonjour, je vous transmets les éléments du dossier : justificatif de domicile, "
        "attestation de ressources et avis d'imposition. Merci de votre retour rapide. "
    )
    n = 0
    with transaction.atomic(), connection.cursor() as curseur:
        sql = (
            f"COPY {Message._meta.db_table} (demande_id, auteur_id, cote, type, corps, cree_le) "
            "FROM STDIN"
        )
        with curseur.cursor.copy(sql) as copie:
            for rang, (pk, auteur, cree, expert) in enumerate(ids):
                if rang < len(speciales):
                    nombre = MESSAGES_FIL
                else:
                    nombre = par_demande + (1 if rang - len(speciales) < extra else 0)
                for k in range(nombre):
                    cpam = k % 2 == 1 and expert is not None
                    copie.write_row(
                        (
                            pk,
                            u_expert[expert] if cpam else auteur,
                            "cpam" if cpam else "partenaire",
                            "message",
                            corps,
                            cree + timedelta(minutes=k),
                        )
                    )
                    n += 1
    chrono("messages (COPY)", n)

    # CMS pages: sheets under the sections, flash infos under their index -------------------
    from cms.models import FichePratiquePage, FlashInfoIndexPage, FlashInfoPage, ThematiquePage

    gabarits = [
        (FichePratiquePage.objects.live().first(), list(ThematiquePage.objects.live())),
        (FlashInfoPage.objects.live().first(), [FlashInfoIndexPage.objects.live().first()]),
    ]
    n = 0
    for i in range(v["pages"]):
        gabarit, parents = gabarits[i % 2]
        modele = type(gabarit)
        propres = {
            f.attname: getattr(gabarit, f.attname)
            for f in modele._meta.local_concrete_fields
            if not f.primary_key and not f.is_relation
        }
        page = modele(
            title=f"{gabarit.title} ({i})",
            slug=f"{gabarit.slug}-charge-{i}",
            live=True,
            first_published_at=maintenant - timedelta(days=i % 700),
            last_published_at=maintenant - timedelta(days=i % 700),
            **propres,
        )
        parents[i % len(parents)].add_child(instance=page)
        n += 1
    chrono("pages Wagtail (add_child)", n)

    # Training sessions and registrations -----------------------------------------------------
    gabarit_s = Session.objects.filter(debut__gt=maintenant).order_by("debut").first()
    with transaction.atomic():
        nouvelles = Session.objects.bulk_create(
            [
                Session(
                    **{
                        **_champs(gabarit_s),
                        "titre": f"{gabarit_s.titre} ({i})",
                        "capacite": 60,
                        "debut": gabarit_s.debut + timedelta(days=i % 90),
                        "fin": gabarit_s.fin + timedelta(days=i % 90),
                    }
                )
                for i in range(v["sessions"])
            ]
        )
        gabarit_i = Inscription.objects.order_by("pk").first()
        inscriptions = []
        for i, pk in enumerate(agents[: v["inscriptions"]]):
            s = nouvelles[i % len(nouvelles)]
            inscriptions.append(
                Inscription(
                    **{
                        **_champs(gabarit_i),
                        "session_id": s.pk,
                        "agent_id": pk,
                        "partenaire_id": partenaires[i % len(partenaires)].pk,
                        "campagne_id": s.campagne_id,
                        "programme_id": s.programme_id,
                        "etat": Inscription.Etat.INSCRIT,
                        "inscrit_par_id": None,
                        "demandee_le": maintenant,
                        "inscrit_le": maintenant,
                        "annulee_le": None,
                        "presence_le": None,
                        "rappel_j7_le": None,
                        "rappel_j1_le": None,
                    }
                )
            )
        _par_lots(Inscription, inscriptions)
    chrono("sessions et inscriptions", len(nouvelles) + len(inscriptions))

    # VACUUM too, not only ANALYZE: a freshly loaded table has no visibility map, so PostgreSQL
    # cannot answer from an index alone (the inbox's structure filter: 31 ms instead of 5 ms)
    # until autovacuum passes, which it does in production and may never do on a bench server.
    with connection.cursor() as curseur:
        curseur.execute("VACUUM (ANALYZE)")
    chrono("VACUUM ANALYZE")
    print(f"  {'total':<38} {chrono.total():7.1f} s", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args(argv)
    _setup()
    if deja_seede():
        print("Base déjà peuplée : rien à faire.")
        return
    seeder(args.scale)


if __name__ == "__main__":
    main()
