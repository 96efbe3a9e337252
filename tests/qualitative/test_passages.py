"""Sentence ranges, marked segments and finding a coding's passage again."""

from types import SimpleNamespace

from qualitative.passages import passage_in, segments, sentences

TEXT = "Clear handouts. I pace; I plan!\nNew line here?  Yes"


def test_sentences_split_at_stops_semicolons_and_lines():
    assert [TEXT[s:e] for s, e in sentences(TEXT)] == [
        "Clear handouts.",
        "I pace;",
        "I plan!",
        "New line here?",
        "Yes",
    ]
    assert sentences("") == []


def test_segments_carry_the_codes_of_overlapping_marks():
    got = segments("abcdef", [(0, 4, "A"), (2, 6, "B")])
    assert [(s.text, s.labels) for s in got] == [("ab", ("A",)), ("cd", ("A", "B")), ("ef", ("B",))]


def test_a_passage_is_found_again_after_the_text_changed():
    coding = SimpleNamespace(start=0, end=6, quote="I pace")
    assert passage_in("I pace; I plan", coding) == (0, 6)
    assert passage_in("[name]: I pace", coding) == (8, 14)
    assert passage_in("gone", coding) == (0, 4)
    assert passage_in("whole", SimpleNamespace(start=None, end=None, quote="")) == (0, 5)
