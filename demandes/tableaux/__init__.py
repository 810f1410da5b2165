"""Dashboards of the partnership: figures for superviseurs (all structures, one département) and
for a référent (their own structure), as numbers, accessible SVG charts, CSV and XLSX.

- `selectors`: the aggregations, run by the database (a constant number of queries);
- `graphiques`: server-rendered SVG bar charts;
- `exports`: the same figures as tables, CSV and XLSX;
- `views`, `forms`, `urls`, `hooks`: the back-office screen, the référent's page, the exports.
"""
