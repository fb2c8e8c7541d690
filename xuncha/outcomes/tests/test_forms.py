"""Each yuan is counted once: an item's form says that money recovered in a clue's handling belongs to the clue."""

from __future__ import annotations

from xuncha.outcomes.forms import OutcomeForm, VillageOutcomeForm


def test_the_items_forms_say_where_a_clues_money_is_recorded() -> None:
    for form in (OutcomeForm(), VillageOutcomeForm()):
        assert "counted once" in str(form.fields["amount_recovered"].help_text)


def test_the_clues_form_does_not() -> None:
    assert OutcomeForm(on_clue=True).fields["amount_recovered"].help_text == ""
