"""The ``control`` filter that every form template renders its fields with."""

from __future__ import annotations

from django import forms

from xuncha.core.templatetags.xuncha import control


class Choices(forms.Form):
    colours = forms.MultipleChoiceField(
        choices=[("R", "红"), ("G", "绿")], widget=forms.CheckboxSelectMultiple, required=True
    )
    name = forms.CharField()


def test_a_list_of_checkboxes_puts_the_bootstrap_class_on_the_boxes_not_on_their_wrapper() -> None:
    """Django renders a widget's class on the wrapping div too: with ``form-check-input`` the wrapper became a 1em box
    whose options spilled over the fields below it (the work plan's focus could not be ticked in a browser)."""
    html = control(Choices(initial={"colours": ["G"]})["colours"])
    assert html.startswith('<div id="id_colours"><div class="form-check">')
    assert html.count('class="form-check-input"') == 2
    assert '<label class="form-check-label" for="id_colours_1">绿</label>' in html
    assert 'value="G" id="id_colours_1" checked' in html


def test_a_refused_list_of_checkboxes_marks_its_boxes_invalid() -> None:
    form = Choices(data={"name": "x"})
    assert not form.is_valid()
    assert control(form["colours"]).count('class="form-check-input is-invalid"') == 2


def test_other_fields_keep_their_classes() -> None:
    assert 'class="form-control"' in control(Choices()["name"])
