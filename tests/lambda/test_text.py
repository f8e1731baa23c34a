"""UTF-8 decoding of cut prefixes and splitting into Comprehend-sized documents."""

from __future__ import annotations

import pytest

from batch_sentiment.failures import TaskFailure
from batch_sentiment.text import DOCUMENT_BYTES, decode_prefix, split_documents


@pytest.mark.parametrize("character", ["é", "€", "😀"])
def test_cut_character_at_the_end_of_a_prefix_is_dropped(character: str) -> None:
    data = ("ab" + character).encode()
    for cut_at in range(3, len(data)):
        text, consumed = decode_prefix(data[:cut_at], cut=True)
        assert (text, consumed) == ("ab", 2)


@pytest.mark.parametrize(("data", "text", "consumed"), [
    ("naïve 😀".encode(), "naïve 😀", len("naïve 😀".encode())),  # a whole object is decoded entirely
    ("\ufeffhello".encode(), "hello", 8),  # a byte order mark is not text
])
def test_a_whole_object_is_decoded(data: bytes, text: str, consumed: int) -> None:
    assert decode_prefix(data, cut=False) == (text, consumed)


@pytest.mark.parametrize(("data", "cut", "message"), [
    ("x😀".encode()[:-1], False, "not UTF-8 text"),  # an incomplete character at the real end is invalid
    (b"a\xffbc", True, r"invalid byte 0xff at offset 1"),  # an invalid byte inside a cut prefix is still invalid
    (b"ab\x00cd", True, r"binary content \(NUL byte at offset 2\)"),  # a NUL byte means binary
])
def test_what_is_not_utf8_text_fails_the_task_permanently(data: bytes, cut: bool, message: str) -> None:
    with pytest.raises(TaskFailure, match=message) as failure:
        decode_prefix(data, cut=cut)
    assert failure.value.result_code == "PermanentFailure"


def test_documents_respect_the_byte_limit_and_rejoin_to_the_text() -> None:
    text = ("Ünïcödé wörds everywhere 😀 and more. " * 600).strip()
    documents = split_documents(text)
    assert len(documents) > 1
    assert all(len(doc.encode()) <= DOCUMENT_BYTES for doc in documents)
    assert "".join(documents) == text
    assert all(doc.endswith(" ") for doc in documents[:-1])


@pytest.mark.parametrize(("text", "documents"), [
    ("Hello there.", ["Hello there."]),
    ("€" * 4000, ["€" * 1666, "€" * 1666, "€" * 668]),  # 4,998 + 4,998 + 2,004 bytes, each cut between characters
    ("a" * 10 + " " * 12_000 + "b", ["a" * 10 + " " * 4990, " " * 2010 + "b"]),  # the all-blank middle is gone
], ids=["short-text-is-one-document", "no-whitespace-cut-on-characters", "blank-documents-dropped"])
def test_split_documents(text: str, documents: list[str]) -> None:
    assert split_documents(text) == documents
