"""Business-time arithmetic: Monday–Friday 8:30–17:30 Paris, French public holidays computed."""

from datetime import date, datetime

import pytest

from demandes.calendrier import (
    PARIS,
    ajouter_minutes_ouvrees,
    est_jour_ouvre,
    jours_feries,
    jours_ouvres,
    minutes_ouvrees_entre,
    paques,
)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "annee, attendu",
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_paques_calcule(annee, attendu):
    assert paques(annee) == attendu


def test_jours_feries_mobiles_calcules_2026():
    feries = jours_feries(2026)
    assert date(2026, 4, 6) in feries  # lundi de Pâques
    assert date(2026, 5, 14) in feries  # Ascension
    assert date(2026, 5, 25) in feries  # lundi de Pentecôte
    assert date(2026, 7, 14) in feries and date(2026, 11, 11) in feries
    assert len(feries) == 11
    assert not est_jour_ouvre(date(2026, 5, 14))
    assert est_jour_ouvre(date(2026, 5, 13))


def test_quatre_heures_ouvrees_dans_la_journee():
    assert ajouter_minutes_ouvrees(paris(2026, 11, 24, 9, 0), 240) == paris(2026, 11, 24, 13, 0)


def test_le_delai_deborde_sur_le_lendemain_matin():
    # Tuesday 16:00 + 4 h: 1 h 30 on Tuesday, 2 h 30 on Wednesday from 8:30.
    assert ajouter_minutes_ouvrees(paris(2026, 11, 24, 16, 0), 240) == paris(2026, 11, 25, 11, 0)


def test_un_delai_qui_finit_a_la_fermeture_finit_a_17h30():
    assert ajouter_minutes_ouvrees(paris(2026, 11, 24, 8, 30), 540) == paris(2026, 11, 24, 17, 30)


def test_a_travers_un_week_end():
    # Friday 15:00 + 4 h: 2 h 30 on Friday, then Monday 8:30 + 1 h 30.
    vendredi = paris(2026, 11, 27, 15, 0)
    assert ajouter_minutes_ouvrees(vendredi, 240) == paris(2026, 11, 30, 10, 0)
    assert minutes_ouvrees_entre(vendredi, paris(2026, 11, 30, 10, 0)) == 240


def test_envoyee_un_samedi_le_delai_part_du_lundi_8h30():
    assert ajouter_minutes_ouvrees(paris(2026, 11, 28, 11, 0), 60) == paris(2026, 11, 30, 9, 30)


def test_envoyee_la_nuit_le_delai_part_de_l_ouverture():
    assert ajouter_minutes_ouvrees(paris(2026, 11, 24, 6, 0), 30) == paris(2026, 11, 24, 9, 0)
    assert ajouter_minutes_ouvrees(paris(2026, 11, 24, 20, 0), 30) == paris(2026, 11, 25, 9, 0)


def test_a_travers_un_jour_ferie_et_un_pont():
    # Wednesday 13 May 2026, 16:30 + 2 business days: Ascension (Thursday 14) is off,
    # Friday 15 and Monday 18 count.
    mercredi = paris(2026, 5, 13, 16, 30)
    echeance = ajouter_minutes_ouvrees(mercredi, 2 * 540)
    assert echeance == paris(2026, 5, 18, 16, 30)
    assert minutes_ouvrees_entre(mercredi, echeance) == 1080


def test_lundi_de_paques_et_week_end_precedent():
    # Friday 3 April 2026 17:00 + 1 h: weekend and Easter Monday skipped → Tuesday 9:00.
    assert ajouter_minutes_ouvrees(paris(2026, 4, 3, 17, 0), 60) == paris(2026, 4, 7, 9, 0)


def test_minutes_entre_sur_plusieurs_semaines_compte_les_feries():
    # From Monday 2 Nov 2026 8:30 to Monday 16 Nov 8:30: 10 weekdays minus 11 November.
    assert minutes_ouvrees_entre(paris(2026, 11, 2, 8, 30), paris(2026, 11, 16, 8, 30)) == 9 * 540


def test_minutes_entre_negatif_si_la_fin_precede():
    assert minutes_ouvrees_entre(paris(2026, 11, 24, 12, 0), paris(2026, 11, 24, 10, 0)) == -120


def test_ajouter_puis_mesurer_est_coherent_sur_une_annee():
    debut = paris(2026, 1, 2, 10, 15)
    for minutes in (1, 59, 240, 539, 540, 1080, 5 * 540, 20 * 540 + 17):
        assert minutes_ouvrees_entre(debut, ajouter_minutes_ouvrees(debut, minutes)) == minutes


def test_fuseau_utc_accepte():
    from datetime import UTC

    # 7:00 UTC in winter is 8:00 in Paris: count starts at 8:30 Paris.
    assert ajouter_minutes_ouvrees(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), 30) == paris(
        2026, 11, 24, 9, 0
    )


@pytest.mark.parametrize(
    "minutes, libelle",
    [(240, "4 h ouvrées"), (540, "1 jour ouvré"), (1080, "2 jours ouvrés"), (90, "1 h 30 ouvrées")],
)
def test_delais_lisibles(minutes, libelle):
    assert jours_ouvres(minutes) == libelle
