"""Bytes to text: UTF-8 decoding of a possibly cut prefix, and splitting into Comprehend-sized documents."""

from __future__ import annotations

import codecs

from batch_sentiment.failures import permanent

# Comprehend's per-document limit is 5,000 bytes of UTF-8 (not characters). Head mode reads exactly this.
DOCUMENT_BYTES = 5_000
_BOM = "\ufeff"
_WHITESPACE = b" \t\n\r\f\v"


def decode_prefix(data: bytes, *, cut: bool) -> tuple[str, int]:
    """Decode `data` as UTF-8; return the text and how many bytes of `data` it covers.

    `cut` means `data` is a prefix of a longer object: a character split by the range is dropped
    rather than treated as invalid. NUL bytes or invalid UTF-8 mean the object is not text.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise permanent(f"binary content (NUL byte at offset {nul}): this function analyses UTF-8 text; "
                        "remove binary objects from the manifest")
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        text = decoder.decode(data, final=not cut)
    except UnicodeDecodeError as error:
        raise permanent(f"not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start}): "
                        "re-encode the object as UTF-8 or remove it from the manifest") from None
    pending, _ = decoder.getstate()
    return text.removeprefix(_BOM), len(data) - len(pending)


def split_documents(text: str, limit: int = DOCUMENT_BYTES) -> list[str]:
    """Split `text` into pieces of at most `limit` UTF-8 bytes, none of them blank.

    Cuts fall on a whitespace boundary in the second half of a window when there is one, otherwise
    on a character boundary, so no word is cut in two unless it is longer than half a document.
    """
    if limit < 4:  # one UTF-8 character can take 4 bytes
        raise ValueError(f"document limit {limit} is below one character's maximum size")
    data = text.encode("utf-8")
    pieces: list[str] = []
    start = 0
    while start < len(data):
        end = _cut_point(data, start, limit)
        piece = data[start:end].decode("utf-8")
        if piece.strip():
            pieces.append(piece)
        start = end
    return pieces


def _cut_point(data: bytes, start: int, limit: int) -> int:
    end = start + limit
    if end >= len(data):
        return len(data)
    while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: `end` would split a character
        end -= 1
    space = max(data.rfind(bytes([c]), start + limit // 2, end) for c in _WHITESPACE)
    return space + 1 if space >= 0 else end
