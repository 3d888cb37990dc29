"""All 463 messages of ../shared/mail-corpus parse into an InboundMessage or a Skip, and match the sources."""

from __future__ import annotations

import pytest

from channels.email import ParseOptions, parse
from helpdesk.domain.inbound import InboundMessage, Skip
from tests.email.corpus import CORPUS, UPSTREAM_SLIPS, Expected, load, squash

pytestmark = pytest.mark.skipif(
    not (CORPUS / "INDEX.tsv").is_file(), reason=f"mail corpus not found at {CORPUS} (shared/ is beside the repo)"
)


@pytest.fixture(scope="module")
def results() -> list[tuple[Expected, InboundMessage | Skip]]:
    """Every corpus message parsed once (none may raise)."""
    out = []
    for expected in load():
        raw = (CORPUS / expected.path).read_bytes()
        out.append((expected, parse(raw, ParseOptions(ours=frozenset({"desk@chamber.test"})))))
    return out


def test_every_corpus_message_becomes_an_inbound_message_or_a_skip(results: list) -> None:
    assert len(results) == 463
    assert all(isinstance(r, InboundMessage | Skip) for _, r in results)
    tickets = sum(isinstance(r, InboundMessage) for _, r in results)
    assert 250 <= tickets <= 330, tickets  # the rest are bounces, lists and auto-replies


def test_no_text_leaving_the_parser_holds_a_surrogate_or_nul(results: list) -> None:
    for expected, r in results:
        texts = [r.subject or "", r.sender_address] + ([r.text, r.sender_name or ""] if isinstance(r, InboundMessage) else [])
        texts += [a.filename for a in getattr(r, "attachments", ())]
        for text in texts:
            assert "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text), expected.path


def test_subjects_and_senders_match_the_sources_expectations_strictly(results: list) -> None:
    mismatches = []
    for expected, r in results:
        if expected.path in UPSTREAM_SLIPS:
            continue
        if expected.subject is not None and squash(expected.subject) != squash(r.subject):
            mismatches.append((expected.path, "subject", expected.subject, r.subject))
        if expected.address and expected.address != r.sender_address:
            mismatches.append((expected.path, "from", expected.address, r.sender_address))
        name = getattr(r, "sender_name", None)
        if expected.display_name and isinstance(r, InboundMessage) and squash(expected.display_name) != squash(name):
            mismatches.append((expected.path, "name", expected.display_name, name))
    assert mismatches == []


def test_bounce_corpus_messages_are_all_skipped(results: list) -> None:
    bounces = [(e, r) for e, r in results if e.source == "flufl-bounce"]
    kept = [e.path for e, r in bounces if isinstance(r, InboundMessage)]
    assert len(kept) <= len(bounces) // 10, kept  # a few are plain-text bounces from odd MTAs


def test_bodies_match_the_sources_loosely(results: list) -> None:
    checked = hits = 0
    for expected, r in results:
        if not isinstance(r, InboundMessage):
            continue
        for snippet in expected.text_contains:
            first = squash(snippet.strip().split("\n")[0])[:40]
            checked += 1
            hits += first in squash(r.text)
    assert checked and hits / checked >= 0.75, (hits, checked)
