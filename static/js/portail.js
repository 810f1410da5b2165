// Progressive enhancement only: every page works without this script.
// After a rejected form, move focus to the error summary so that screen readers announce it
// and keyboard users start from the list of errors (RGAA 11.10, 11.11). Done again after load:
// when the page URL carries a fragment (#contenu from the skip link), the browser moves focus
// to that target once the page is loaded.
function focaliserResumeErreurs() {
  const resume = document.getElementById("erreurs-resume");
  if (resume) {
    resume.focus();
  }
}
document.addEventListener("DOMContentLoaded", focaliserResumeErreurs);
window.addEventListener("load", () => setTimeout(focaliserResumeErreurs, 0));

// Main menu: its <details> open and close without this script (keyboard included); this adds
// Escape to close, one submenu open at a time, submenus closing when the focus or a click
// leaves them on wide screens, and the menu bar for browsers without ::details-content.
function menuPrincipal() {
  const menu = document.querySelector("[data-menu]");
  if (!menu) {
    return;
  }
  const large = window.matchMedia("(min-width: 48em)");
  if (!CSS.supports("selector(::details-content)")) {
    const suivre = () => {
      menu.open = large.matches;
    };
    suivre();
    large.addEventListener("change", suivre);
  }
  const sousMenus = [...menu.querySelectorAll("[data-sous-menu]")];
  for (const sousMenu of sousMenus) {
    sousMenu.addEventListener("toggle", () => {
      if (sousMenu.open) {
        sousMenus.filter((autre) => autre !== sousMenu).forEach((autre) => { autre.open = false; });
      }
    });
    sousMenu.addEventListener("focusout", (evenement) => {
      if (large.matches && !sousMenu.contains(evenement.relatedTarget)) {
        sousMenu.open = false;
      }
    });
  }
  document.addEventListener("keydown", (evenement) => {
    if (evenement.key !== "Escape") {
      return;
    }
    const ouvert = sousMenus.find((sousMenu) => sousMenu.open) || (menu.open && !large.matches ? menu : null);
    if (ouvert) {
      ouvert.open = false;
      ouvert.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", (evenement) => {
    if (large.matches) {
      sousMenus.filter((sousMenu) => sousMenu.open && !sousMenu.contains(evenement.target))
        .forEach((sousMenu) => { sousMenu.open = false; });
    }
  });
}
document.addEventListener("DOMContentLoaded", menuPrincipal);
