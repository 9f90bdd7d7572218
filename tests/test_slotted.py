"""The model's frozen dataclasses with slots unpickle through quick_pickling's
``__setstate__`` (the memo reads back hundreds of thousands of them per build)."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from annotarium import dates, diagnostics, model
from annotarium.diagnostics import Location
from annotarium.model import Mention, Quote, Selector
from annotarium.pipeline import check_archive


def slotted_frozen_classes() -> list[type]:
    return [value for module in (model, diagnostics, dates) for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == module.__name__
            and dataclasses.is_dataclass(value) and "__slots__" in vars(value)
            and value.__dataclass_params__.frozen]  # type: ignore[attr-defined]


def test_every_frozen_slotted_class_has_the_quick_pickling() -> None:
    classes = slotted_frozen_classes()
    assert len(classes) >= 15  # the model's many small values: spans, mentions, locations
    for cls in classes:
        for name in ("__getstate__", "__setstate__"):
            assert getattr(cls, name).__qualname__ == f"{cls.__qualname__}.{name}", cls


def test_the_pickled_state_is_that_of_dataclasses() -> None:
    """Memo files keep their layout: the state is dataclasses' own (a list of the fields'
    values), so the same objects pickle to the same bytes."""
    import dataclasses as dc

    where = Location(Path("a.yaml"), 3, 5)
    quote = Quote("q1", Selector("words", suffix="."), where, speaker="kim")
    for value in (quote, where, quote.selector):
        state = value.__getstate__()  # type: ignore[attr-defined]
        assert state == [getattr(value, f.name) for f in dc.fields(value)]
        assert type(state) is list


def test_a_loaded_archive_unpickles_equal(sample_archive: Path) -> None:
    result = check_archive(sample_archive)
    assert result.memo is not None
    loaded = [entry.result for entry in result.memo.entries.values()]
    assert loaded and all(item is not None for item in loaded)
    for item in loaded:
        article, spans, _found, problems = item  # type: ignore[misc]
        again = pickle.loads(pickle.dumps((article, spans, problems)))
        assert again == (article, spans, problems)
        assert [span.annotation.kind for span in again[1]] == \
            [span.annotation.kind for span in spans]


def test_fields_set_at_init_survive_a_round_trip() -> None:
    where = Location(Path("content/articles/a.yaml"), 3, 5)
    mention = Mention("m1", Selector("Seoul", prefix="in "), where, entity="place", ref="seoul")
    quote = Quote("q1", Selector("words"), where, speaker="kim", quote_kind="partial")
    for value in (mention, quote, where):
        again = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == value and type(again) is type(value)
    assert pickle.loads(pickle.dumps(mention)).kind == "place"  # set by __post_init__


def test_a_state_too_short_for_the_class_is_refused() -> None:
    """Another layout's pickle must fail (the memo then loads the article again), not
    leave fields unset as dataclasses' own __setstate__ would."""
    blank = object.__new__(Mention)
    with pytest.raises(IndexError):
        blank.__setstate__(("m1",))  # type: ignore[attr-defined]


def test_the_layout_digest_follows_the_model_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotarium import slotted

    before = slotted.layout_digest()
    layouts = dict(slotted._LAYOUTS)
    name = "annotarium.model.Mention"
    assert layouts[name][-3:] == ("entity", "ref", "auto")
    layouts[name] = (*layouts[name][:-2], "auto", "ref")  # two fields swapped
    monkeypatch.setattr(slotted, "_LAYOUTS", layouts)
    monkeypatch.setattr(slotted, "_DIGEST", [-1, ""])
    assert slotted.layout_digest() != before
