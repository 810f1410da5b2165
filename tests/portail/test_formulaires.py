"""Shared form pieces."""

from django import forms
from pytest_django.asserts import assertHTMLEqual

from portail.formulaires import SelectLeger

CHOIX = [
    ("", "Toutes"),
    ("12", "Maison France Services <Amboise> & co"),
    ("7", 'Centre social "Les Tilleuls"'),
    ("Groupe", [("a", "Option A"), ("b", "Option B")]),
]


def test_liste_legere_identique_a_celle_de_django():
    attrs = {"id": "id_structure", "aria-describedby": "aide"}
    for valeur in ("", "12", "b", "inconnue"):
        assertHTMLEqual(
            SelectLeger(choices=CHOIX).render("structure", valeur, attrs),
            forms.Select(choices=CHOIX).render("structure", valeur, attrs),
        )


def test_liste_legere_echappe_les_libelles():
    html = SelectLeger(choices=CHOIX).render("structure", "12")
    assert "&lt;Amboise&gt; &amp; co" in html
    assert "<Amboise>" not in html
    assert '<option value="12" selected>' in html
