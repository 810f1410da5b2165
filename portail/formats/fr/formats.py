"""Django's French formats with the portal's one time format, "9 h 00" (see portail/dates.py):
what Django or Wagtail format on their own (a datetime column of a back-office list, a
`{{ value|date }}` without format) says the time as the portal's own pages do. Only the display
formats change; the input formats stay Django's."""

TIME_FORMAT = r"G \h i"
DATETIME_FORMAT = r"j F Y à G \h i"
SHORT_DATETIME_FORMAT = r"d/m/Y à G \h i"
