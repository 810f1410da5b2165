"""The partner side of demandes: list, new demande, thread, files.

Every view but the file download runs behind the access rule for the messaging service and
finds demandes through `selectors.demandes_visibles_partenaire`: whoever may not see a demande
gets 404, CPAM staff included (they work in the back-office). Writes happen on POST only.
"""
