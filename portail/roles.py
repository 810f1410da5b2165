"""Role groups, created by migration `0002_groupes_roles`."""

AGENT_PARTENAIRE = "Agent partenaire"
REFERENT_PARTENAIRE = "Référent partenaire"
EXPERT_CPAM = "Expert CPAM"
SUPERVISEUR_CPAM = "Superviseur CPAM"
EDITEUR = "Éditeur"
FORMATEUR = "Formateur"

TOUS = [AGENT_PARTENAIRE, REFERENT_PARTENAIRE, EXPERT_CPAM, SUPERVISEUR_CPAM, EDITEUR, FORMATEUR]
# Roles that work in the back-office (Wagtail admin).
PERSONNEL_CPAM = [EXPERT_CPAM, SUPERVISEUR_CPAM, EDITEUR, FORMATEUR]
