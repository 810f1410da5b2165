"""The CPAM back-office of the messaging service, in the Wagtail admin.

- `referentiel`: categories, teams, experts, absences, routing rules and canned replies, as
  ModelViewSets grouped under "Messagerie" (registered in `demandes/wagtail_hooks.py`);
- `boite`: the experts' and superviseurs' inbox;
- `demande`: the demande screen and the actions on it (reply, note, request for information,
  resolution, reassignment), each one through its service.
"""
