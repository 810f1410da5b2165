"""The inline scripts that Wagtail 7.4 still writes into admin pages, and only those, run.

The back-office's script policy is the portal's (`script-src 'self'`): no inline script, no
inline event handler. Wagtail itself still writes a few inline scripts that call its own
initialisers with data:

- the date, time and date-time pickers (`wagtailadmin/widgets/date_input.html`, ...):
  `initDateChooser("id", {...});`;
- the chooser widgets rendered by Python (`BaseChooser.render`, `AdminTaskChooser`):
  `new SnippetChooser("id", {...});`, `createTaskChooser("id");`;
- inline panels (`wagtailadmin/panels/inline_panel.html`, used by the workflow editor):
  `(function() { var panel = new InlinePanel(JSON.parse("...")); })();`.

Their text depends on the field (its id, the chooser's URL), so a hash fixed in the settings
cannot list them, and widgets are rendered without the request, so an overridden template
cannot print the nonce. Instead, each admin HTML response is read once: a `<script>` without
attributes whose whole text is one of these calls, with arguments that are JSON data (a field
id, an options object), receives the response's nonce; any other inline script is left as it
is, and the browser refuses it. A script slipped into a page by an injection therefore never
runs, unless it is exactly a call of one of Wagtail's initialisers with plain data, which runs
no code of the attacker's.

The nonce (rather than a hash) also covers the copies that an inline panel makes of its empty
form's scripts when a child is added: jQuery keeps the nonce of the script it copies, while the
copy's text (its index) differs. Scripts inside modal responses (JSON) are not given a nonce:
Wagtail 7.4 writes none there.
"""

import json
import re

#: Wagtail's initialisers that an inline script may call, with plain data as arguments.
APPELS_AUTORISES = frozenset(
    {
        "initDateChooser",
        "initTimeChooser",
        "initDateTimeChooser",
        "createTaskChooser",
        "new PageChooser",
        "new DocumentChooser",
        "new ImageChooser",
        "new SnippetChooser",
    }
)
PANNEAUX_AUTORISES = frozenset({"InlinePanel", "MultipleChooserPanel"})

# A <script> start tag with no attribute at all (Wagtail's), its text, its end tag.
SCRIPT_EN_LIGNE = re.compile(r"<script>(?P<texte>.*?)</script>", re.DOTALL)
APPEL = re.compile(r"\s*(?P<appel>(?:new )?[A-Za-z]+)\((?P<arguments>.*)\);\s*", re.DOTALL)
PANNEAU = re.compile(
    r"\s*\(function\(\) \{\s*var panel = new (?P<panneau>[A-Za-z]+)"
    r'\(JSON\.parse\("(?P<options>[^"\\]*(?:\\.[^"\\]*)*)"\)\);\s*\}\)\(\);\s*',
    re.DOTALL,
)
ID_CHAMP = re.compile(r"[\w-]+")


def _donnees(texte: str):
    """The JSON value written in this text, or None when it is not JSON (hence not plain data)."""
    try:
        return json.loads(texte)
    except ValueError:
        return None


def script_wagtail_reconnu(texte: str) -> bool:
    """True when the whole text of an inline script is a call of one of Wagtail's initialisers
    with a field id and JSON options (data only: JSON cannot express code)."""
    appel = APPEL.fullmatch(texte)
    if appel and appel["appel"] in APPELS_AUTORISES:
        arguments = _donnees(f"[{appel['arguments']}]")
        return bool(
            arguments
            and isinstance(arguments[0], str)
            and ID_CHAMP.fullmatch(arguments[0])
            and all(isinstance(option, dict) for option in arguments[1:])
        )
    panneau = PANNEAU.fullmatch(texte)
    if panneau and panneau["panneau"] in PANNEAUX_AUTORISES:
        # escapejs output: a JavaScript string of \u escapes, which JSON reads the same way.
        options = _donnees(f'"{panneau["options"]}"')
        return isinstance(options, str) and isinstance(_donnees(options), dict)
    return False


def scripts_wagtail_marquer(*, html: str, nonce: str) -> tuple[str, int]:
    """The page with the response's nonce on each inline script of Wagtail's that is recognised,
    and how many were marked; every other inline script is left without a nonce (refused)."""
    marques = 0

    def marquer(script: re.Match) -> str:
        nonlocal marques
        if not script_wagtail_reconnu(script["texte"]):
            return script[0]
        marques += 1
        return f'<script nonce="{nonce}">{script["texte"]}</script>'

    return SCRIPT_EN_LIGNE.sub(marquer, html), marques
