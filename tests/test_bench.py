"""The benchmark's own arithmetic: percentiles, the result table, the TOTP of the load accounts."""

import math

from django_otp.oath import totp

from bench import charge, comptes


def test_centile_interpole_entre_les_rangs():
    valeurs = [0.5, 0.1, 0.4, 0.2, 0.3]
    assert charge.centile(valeurs, 50) == 0.3
    assert charge.centile(valeurs, 0) == 0.1
    assert charge.centile(valeurs, 100) == 0.5
    assert math.isclose(charge.centile(valeurs, 95), 0.48)
    assert math.isclose(charge.centile(list(range(1, 101)), 99), 99.01)
    assert math.isnan(charge.centile([], 95))


def test_tableau_une_ligne_par_endpoint_avec_le_rapport_au_plancher():
    mesures = charge.Mesures()
    for duree in (0.010, 0.020, 0.030, 0.040):
        mesures.noter("page", duree, ok=True)
    mesures.noter("page", 0.050, ok=False)
    for _ in range(10):
        mesures.noter("plancher", 0.005, ok=True)
    lignes = charge.lignes(
        mesures,
        duree=5,
        seuls={"page": 25.0, "plancher": 100.0},
        plancher="plancher",
        requetes_sql={"page": 12, "plancher": 3},
        ordre=["page", "plancher", "absent"],
    )
    page, plancher, absent = lignes
    assert (page.rps_melange, page.p50, page.erreurs, page.ratio) == (1.0, 30.0, 1, 0.25)
    assert plancher.ratio == 1.0
    assert absent.erreurs == 1  # an endpoint never answered counts as failed

    texte = charge.tableau(lignes).splitlines()
    assert texte[0].startswith("| endpoint | req/s (mix) | p50 ms | p95 ms | p99 ms | errors |")
    assert texte[2] == "| page | 1.0 | 30 | 48 | 50 | 1 | 12 | 25.0 | 25% |"
    assert texte[3] == "| plancher | 2.0 | 5 | 5 | 5 | 0 | 3 | 100.0 | 100% |"


def test_code_totp_des_comptes_de_charge():
    adresse = comptes.email("agent", 0)
    cle = bytes.fromhex(comptes.cle_totp(adresse))
    assert len(cle) == 20
    attendus = {f"{totp(cle, drift=d):06d}" for d in (-1, 0, 1)}
    assert comptes.code_totp(adresse) in attendus
