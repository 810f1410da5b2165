// Progressive enhancement of the demande forms: every form works without this script.
// - category-specific questions shown only for the chosen category;
// - name, first name and birth date shown only when the NIR is unknown;
// - "très urgente" announces the phone line (live region) instead of letting the agent write;
// - a form is sent once, even on a double click.
(function () {
  "use strict";

  function afficher(element, visible) {
    element.hidden = !visible;
  }

  function categories(form) {
    const blocs = form.querySelectorAll("[data-si-categorie]");
    if (!blocs.length) return;
    const mettreAJour = function () {
      const choisie = form.querySelector("input[data-champs]:checked");
      const champs = choisie ? choisie.dataset.champs : "";
      blocs.forEach(function (bloc) {
        afficher(bloc, bloc.dataset.siCategorie === champs);
      });
    };
    form.querySelectorAll("input[data-champs]").forEach(function (radio) {
      radio.addEventListener("change", mettreAJour);
    });
    mettreAJour();
  }

  function nirInconnu(form) {
    const identite = form.querySelector("[data-si-nir-inconnu]");
    const caseInconnu = form.querySelector("input[name='nir_inconnu']");
    if (!identite || !caseInconnu) return;
    // Fields with an error stay visible whatever the box says.
    const enErreur = identite.querySelector("[aria-invalid='true']") !== null;
    const mettreAJour = function () {
      afficher(identite, caseInconnu.checked || enErreur);
    };
    caseInconnu.addEventListener("change", mettreAJour);
    mettreAJour();
  }

  function tresUrgente(form) {
    const zone = form.querySelector("[data-annonce-tres-urgente]");
    const modele = form.querySelector("template[data-modele-tres-urgente]");
    if (!zone || !modele) return;
    const mettreAJour = function () {
      const choisie = form.querySelector("input[name='urgence']:checked");
      zone.replaceChildren();
      if (choisie && choisie.value === "tres_urgente") {
        zone.appendChild(modele.content.cloneNode(true));
      }
    };
    form.querySelectorAll("input[name='urgence']").forEach(function (radio) {
      radio.addEventListener("change", mettreAJour);
    });
  }

  function envoiUnique(form) {
    form.addEventListener("submit", function (evenement) {
      if (form.dataset.envoye) {
        evenement.preventDefault();
        return;
      }
      form.dataset.envoye = "oui";
      form.querySelectorAll("button[type='submit']").forEach(function (bouton) {
        bouton.setAttribute("aria-disabled", "true");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      categories(form);
      nirInconnu(form);
      tresUrgente(form);
      if (form.hasAttribute("data-envoi-unique")) envoiUnique(form);
    });
  });
})();
