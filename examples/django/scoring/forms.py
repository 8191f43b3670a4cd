"""The upload form: only a small UTF-8 .py file gets as far as the jail."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


class UploadForm(forms.Form):
    """One file defining ``score(values)``; ``cleaned_data["code"]`` is its text."""

    code = forms.FileField(label="Scoring function (.py)")

    def clean_code(self) -> str:
        upload = self.cleaned_data["code"]
        limit = settings.SCORING_MAX_UPLOAD_BYTES
        if not upload.name.lower().endswith(".py"):
            raise ValidationError("Upload a Python file (.py), not %(name)s.", params={"name": upload.name})
        # upload.size is what the client declared; read one byte more than
        # the limit to know for sure.
        data = upload.read(limit + 1)
        if upload.size > limit or len(data) > limit:
            raise ValidationError("The file is over the limit of %(limit)d bytes.", params={"limit": limit})
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValidationError("The file is not UTF-8 text (byte %(pos)d).", params={"pos": e.start})
