"""Business-time arithmetic: Monday–Friday 8:30–17:30 local time, the public holidays of the
team's territory (from the `holidays` library)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from demandes.calendrier import (
    PARIS,
    Territoire,
    ajouter_minutes_ouvrees,
    est_jour_ouvre,
    jours_feries,
    jours_ouvres,
    minutes_ouvrees_entre,
)

ALSACE_MOSELLE = Territoire.ALSACE_MOSELLE


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "dimanche_de_paques",
    [date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)],
)
def test_fetes_mobiles_calees_sur_paques(dimanche_de_paques):
    feries = jours_feries(dimanche_de_paques.year)
    assert dimanche_de_paques + timedelta(days=1) in feries  # lundi de Pâques
    assert dimanche_de_paques + timedelta(days=39) in feries  # Ascension
    assert dimanche_de_paques + timedelta(days=50) in feries  # lundi de Pentecôte
    assert dimanche_de_paques - timedelta(days=2) not in feries  # Vendredi saint : pas ici


def test_jours_feries_mobiles_calcules_2026():
    feries = jours_feries(2026)
    assert date(2026, 4, 6) in feries  # lundi de Pâques
    assert date(2026, 5, 14) in feries  # Ascension
    assert date(2026, 5, 25) in feries  # lundi de Pentecôte
    assert date(2026, 7, 14) in feries and date(2026, 11, 11) in feries
    assert len(feries) == 11
    assert not est_jour_ouvre(date(2026, 5, 14))
    assert est_jour_ouvre(date(2026, 5, 13))


# Territories ------------------------------------------------------------------------------------


def test_alsace_moselle_deux_jours_feries_de_plus():
    vendredi_saint, saint_etienne = date(2026, 4, 3), date(2025, 12, 26)
    for jour in (vendredi_saint, saint_etienne):
        assert est_jour_ouvre(jour)
        assert est_jour_ouvre(jour, Territoire.METROPOLE)
        assert not est_jour_ouvre(jour, ALSACE_MOSELLE)
    assert jours_feries(2026, ALSACE_MOSELLE) - jours_feries(2026) == {
        date(2026, 4, 3),
        date(2026, 12, 26),
    }


def test_delai_a_travers_le_vendredi_saint():
    # Thursday 2 April 2026, 16:30 + 1 business day.
    jeudi = paris(2026, 4, 2, 16, 30)
    # Metropolitan France: Good Friday is worked.
    assert ajouter_minutes_ouvrees(jeudi, 540) == paris(2026, 4, 3, 16, 30)
    # Alsace-Moselle: Good Friday, the weekend and Easter Monday are off → Tuesday 7 April.
    echeance = ajouter_minutes_ouvrees(jeudi, 540, territoire=ALSACE_MOSELLE)
    assert echeance == paris(2026, 4, 7, 16, 30)
    assert minutes_ouvrees_entre(jeudi, echeance, territoire=ALSACE_MOSELLE) == 540
    assert minutes_ouvrees_entre(jeudi, echeance) == 2 * 540


def test_delai_a_travers_la_saint_etienne():
    # Wednesday 24 December 2025, 17:00 + 1 business day; Christmas is off everywhere.
    veille = paris(2025, 12, 24, 17, 0)
    assert ajouter_minutes_ouvrees(veille, 540) == paris(2025, 12, 26, 17, 0)
    assert ajouter_minutes_ouvrees(veille, 540, territoire=ALSACE_MOSELLE) == paris(
        2025, 12, 29, 17, 0
    )


@pytest.mark.parametrize(
    "territoire, jour",
    [
        (Territoire.GUADELOUPE, date(2026, 5, 27)),
        (Territoire.MARTINIQUE, date(2026, 5, 22)),
        (Territoire.GUYANE, date(2026, 6, 10)),
        (Territoire.REUNION, date(2027, 12, 20)),
        (Territoire.MAYOTTE, date(2026, 4, 27)),
    ],
)
def test_abolition_de_l_esclavage_outre_mer(territoire, jour):
    assert est_jour_ouvre(jour)  # a weekday, worked in metropolitan France
    assert not est_jour_ouvre(jour, territoire)
    assert jour in jours_feries(jour.year, territoire)
    assert jour not in jours_feries(jour.year)
    assert jour not in jours_feries(jour.year, ALSACE_MOSELLE)


def test_outre_mer_heures_d_ouverture_locales_et_jour_ferie():
    fort_de_france = ZoneInfo("America/Martinique")
    # Thursday 21 May 2026, 17:00 in Fort-de-France (23:00 in Paris) + 1 h: Friday 22 May is
    # the abolition of slavery in Martinique, Monday 25 is Whit Monday, so the count resumes
    # on Tuesday 26 at 8:30 local time, 14:30 in Paris.
    jeudi_soir = datetime(2026, 5, 21, 17, 0, tzinfo=fort_de_france)
    echeance = ajouter_minutes_ouvrees(jeudi_soir, 60, territoire=Territoire.MARTINIQUE)
    assert echeance == datetime(2026, 5, 26, 9, 0, tzinfo=fort_de_france)
    assert echeance == paris(2026, 5, 26, 15, 0)
    # The same instant for a metropolitan team: 23:00 in Paris, Friday 22 is worked.
    assert ajouter_minutes_ouvrees(jeudi_soir, 60) == paris(2026, 5, 22, 9, 30)


def test_calendrier_des_jours_feries_en_cache_par_annee_et_territoire():
    jours_feries.cache_clear()
    for _ in range(3):
        minutes_ouvrees_entre(paris(2026, 1, 2, 9), paris(2026, 12, 30, 9))
        minutes_ouvrees_entre(paris(2026, 1, 2, 9), paris(2026, 12, 30, 9), territoire="guyane")
    assert jours_feries.cache_info().misses == 2


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
    [
        (240, "4 h ouvrées"),
        (540, "1 jour ouvré"),
        (1080, "2 jours ouvrés"),
        (90, "1 h 30 ouvrées"),
        (60, "1 h ouvrée"),
        (30, "30 min ouvrées"),
        (1, "1 min ouvrée"),
    ],
)
def test_delais_lisibles(minutes, libelle):
    assert jours_ouvres(minutes) == libelle
