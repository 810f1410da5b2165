"""A minimal PDF writer for generated demo documents (no dependency needed)."""


def pdf_simple(lignes: list[str]) -> bytes:
    """A one-page PDF 1.4 showing some lines of text (Helvetica, WinAnsi encoding)."""

    def echapper(texte: str) -> bytes:
        brut = texte.encode("cp1252", errors="replace")
        return brut.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    flux = (
        b"BT /F1 11 Tf 16 TL 60 790 Td "
        + b" ".join(b"(" + echapper(ligne) + b") '" for ligne in lignes)
        + b" ET"
    )
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
    ]
    return pdf_objets(objets)


def pdf_objets(objets: list[bytes], version: bytes = b"1.4") -> bytes:
    """A PDF file made of these objects (numbered from 1; object 1 is the catalogue), with its
    cross-reference table and trailer."""
    document = bytearray(b"%PDF-" + version + b"\n")
    positions = []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(document))
        document += b"%d 0 obj\n" % numero + objet + b"\nendobj\n"
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    document += b"".join(b"%010d 00000 n \n" % position for position in positions)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        xref,
    )
    return bytes(document)
