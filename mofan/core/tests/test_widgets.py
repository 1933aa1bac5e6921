from django import forms

from mofan.core.screens import FastSelect, bootstrapify


class F(forms.Form):
    kind = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & 乙"), ("b", "<丙>")], required=False)
    grouped = forms.ChoiceField(choices=[("组一", [("x", "X")])], required=False)


def test_fast_select_renders_escaped_options_and_keeps_the_choice():
    form = F({"kind": "b"})
    bootstrapify(form.fields)
    assert isinstance(form.fields["kind"].widget, FastSelect)
    html = str(form["kind"])
    assert '<option value="b" selected>&lt;丙&gt;</option>' in html
    assert '<option value="a">甲 &amp; 乙</option>' in html
    assert 'class="form-select"' in html and 'name="kind"' in html


def test_grouped_choices_fall_back_to_djangos_rendering():
    form = F({})
    bootstrapify(form.fields)
    assert '<optgroup label="组一">' in str(form["grouped"])


def test_model_choices_render_the_same_as_django(world):
    from mofan.orgs.models import Org

    field = forms.ModelChoiceField(queryset=Org.objects.all())
    plain = forms.Select(choices=field.choices).render("org", world.section.pk)
    fast = FastSelect(choices=field.choices).render("org", world.section.pk)

    def options(html):
        import re

        return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)

    assert options(fast) == options(plain) and len(options(fast)) == Org.objects.count() + 1


def test_empty_choices_read_in_chinese(world):
    client = world.client("admin")
    listing = client.get("/orgs/people/").content.decode()
    assert '<option value="">全部</option>' in listing and "---------" not in listing
    form = client.get("/orgs/people/new/").content.decode()
    assert '<option value="">请选择</option>' in form and "---------" not in form
