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


def test_whole_object_is_decoded_entirely() -> None:
    assert decode_prefix("naïve 😀".encode(), cut=False) == ("naïve 😀", len("naïve 😀".encode()))


def test_incomplete_character_at_the_real_end_is_invalid() -> None:
    with pytest.raises(TaskFailure, match="not UTF-8 text") as failure:
        decode_prefix("x😀".encode()[:-1], cut=False)
    assert failure.value.result_code == "PermanentFailure"


def test_invalid_byte_inside_a_cut_prefix_is_still_invalid() -> None:
    with pytest.raises(TaskFailure, match=r"invalid byte 0xff at offset 1"):
        decode_prefix(b"a\xffbc", cut=True)


def test_nul_byte_means_binary() -> None:
    with pytest.raises(TaskFailure, match=r"binary content \(NUL byte at offset 2\)"):
        decode_prefix(b"ab\x00cd", cut=True)


def test_byte_order_mark_is_not_text() -> None:
    assert decode_prefix("\ufeffhello".encode(), cut=False) == ("hello", 8)


def test_short_text_is_one_document() -> None:
    assert split_documents("Hello there.") == ["Hello there."]


def test_documents_respect_the_byte_limit_and_rejoin_to_the_text() -> None:
    text = ("Ünïcödé wörds everywhere 😀 and more. " * 600).strip()
    documents = split_documents(text)
    assert len(documents) > 1
    assert all(len(doc.encode()) <= DOCUMENT_BYTES for doc in documents)
    assert "".join(documents) == text
    assert all(doc.endswith(" ") for doc in documents[:-1])


def test_text_without_whitespace_is_cut_on_character_boundaries() -> None:
    text = "€" * 4000  # 12,000 bytes, no whitespace
    documents = split_documents(text)
    assert [len(doc.encode()) for doc in documents] == [4998, 4998, 2004]
    assert "".join(documents) == text


def test_blank_documents_are_dropped() -> None:
    text = "a" * 10 + " " * 12_000 + "b"
    assert split_documents(text) == ["a" * 10 + " " * 4990, " " * 2010 + "b"]  # the all-blank middle is gone
