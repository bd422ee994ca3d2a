"""Monthly citizen-case performance statistics: the figures the commission reports to the mayor.

`stats` computes them in the database, `sentences` writes the annual-report sentences, `charts`
draws them (SVG for the page, PNG for Word), `exports` builds the XLSX and DOCX downloads and
`views` serves the scoped pages.
"""
