// The expert's demande screen, progressive enhancement of the answer form (it works without
// this script: « Insérer » and « Enregistrer le brouillon » then post the form, which comes back
// with nothing lost).
// - a canned reply is inserted at the cursor (at the end if the answer was never focused), with
//   the text the server rendered in its <template>; the insertion is announced (role=status);
// - the answer is kept as a draft on the server as the expert types (debounced), and when they
//   leave the page; never after the answer is sent.

// Each save is a journalled write on the demande: one after a pause in typing, not one per key.
const ATTENTE_BROUILLON_MS = 3000;

function annoncer(zone, texte) {
  if (!zone) return;
  // Emptied first, so that the same sentence twice in a row is read again.
  zone.textContent = "";
  window.setTimeout(() => {
    zone.textContent = texte;
  }, 50);
}

function inserer(zoneTexte, texte, auCurseur) {
  const actuel = zoneTexte.value;
  if (!auCurseur) {
    const debut = actuel.trimEnd();
    zoneTexte.value = debut ? `${debut}\n\n${texte}` : texte;
    zoneTexte.setSelectionRange(zoneTexte.value.length, zoneTexte.value.length);
    return;
  }
  // A paragraph of its own, as the server's insertion (a blank line around it).
  const avant = actuel.slice(0, zoneTexte.selectionStart);
  const apres = actuel.slice(zoneTexte.selectionEnd);
  const debut = avant && !avant.endsWith("\n") ? "\n\n" : "";
  const fin = apres && !apres.startsWith("\n") ? "\n\n" : "";
  zoneTexte.setRangeText(
    debut + texte + fin,
    zoneTexte.selectionStart,
    zoneTexte.selectionEnd,
    "end",
  );
  zoneTexte.setSelectionRange(
    zoneTexte.selectionEnd - fin.length,
    zoneTexte.selectionEnd - fin.length,
  );
}

function reponsesTypes(form, zoneTexte, annonce) {
  const bouton = form.querySelector("[data-inserer-reponse-type]");
  const choix = form.querySelector("select[name='reponse_type']");
  if (!bouton || !choix) return;
  let curseurPlace = false;
  zoneTexte.addEventListener("focus", () => {
    curseurPlace = true;
  });
  bouton.addEventListener("click", (evenement) => {
    evenement.preventDefault();
    const option = choix.selectedOptions[0];
    const modele = choix.value
      ? form.querySelector(`template[data-reponse-type="${CSS.escape(choix.value)}"]`)
      : null;
    if (!modele) {
      annoncer(annonce, bouton.dataset.annonceAucune);
      choix.focus();
      return;
    }
    inserer(zoneTexte, modele.content.textContent, curseurPlace);
    curseurPlace = true;
    zoneTexte.focus();
    zoneTexte.dispatchEvent(new Event("input", { bubbles: true }));
    annoncer(annonce, bouton.dataset.annonce.replace("%(titre)s", option.textContent.trim()));
  });
}

function brouillon(form, zoneTexte, annonce) {
  const url = form.dataset.urlBrouillon;
  const etat = form.querySelector("[data-etat-brouillon]");
  const jeton = form.querySelector("input[name='csrfmiddlewaretoken']");
  const bouton = form.querySelector("[data-enregistrer-brouillon]");
  if (!url || !jeton) return;
  let minuterie = null;
  let enregistre = zoneTexte.value;
  let envoye = false;

  const enregistrer = (surDepart = false) => {
    window.clearTimeout(minuterie);
    minuterie = null;
    const texte = zoneTexte.value;
    if (envoye || texte === enregistre) return Promise.resolve();
    const donnees = new FormData();
    donnees.append("csrfmiddlewaretoken", jeton.value);
    donnees.append(zoneTexte.name, texte);
    // The server drops a draft that arrives after this screen's answer was sent.
    const dernier = form.querySelector("input[name$='dernier_message']");
    if (dernier) donnees.append(dernier.name, dernier.value);
    const requete = fetch(url, {
      method: "POST",
      body: donnees,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      keepalive: surDepart,
    });
    if (surDepart) return Promise.resolve();
    return requete
      .then((reponse) => reponse.json().then((corps) => ({ ok: reponse.ok, corps })))
      .then(({ ok, corps }) => {
        if (ok) {
          enregistre = texte;
          if (etat) {
            etat.hidden = false;
            etat.textContent = corps.message;
          }
        } else {
          annoncer(annonce, corps.erreur);
        }
      })
      .catch(() => {
        if (etat) {
          etat.hidden = false;
          etat.textContent = form.dataset.brouillonHorsLigne;
        }
      });
  };

  zoneTexte.addEventListener("input", () => {
    window.clearTimeout(minuterie);
    minuterie = window.setTimeout(enregistrer, ATTENTE_BROUILLON_MS);
  });
  if (bouton) {
    bouton.addEventListener("click", (evenement) => {
      evenement.preventDefault();
      enregistrer().then(() => {
        if (etat && !etat.hidden) annoncer(annonce, etat.textContent);
      });
    });
  }
  form.addEventListener("submit", (evenement) => {
    // The answer is sent (or the form posted without script): no draft may follow it.
    if (!evenement.defaultPrevented) {
      envoye = true;
      window.clearTimeout(minuterie);
    }
  });
  window.addEventListener("pagehide", () => enregistrer(true));
}

document.querySelectorAll("form[data-reponse]").forEach((form) => {
  const zoneTexte = form.querySelector("textarea");
  const annonce = form.querySelector("[data-zone-annonce]");
  if (!zoneTexte) return;
  reponsesTypes(form, zoneTexte, annonce);
  brouillon(form, zoneTexte, annonce);
});
