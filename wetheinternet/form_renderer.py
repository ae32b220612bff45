"""How every product form is rendered: one project template for a form and one for a field
(``templates/forms/``), so that the lobby, the dialogue pages and the sign-in page label, help and
report errors the same way. The admin keeps its own templates."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """``{{ form }}`` and ``{{ field.as_field_group }}`` use ``templates/forms/``."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
