import re

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """等保 2.0 password complexity: at least three of upper, lower, digit, symbol."""

    def validate(self, password, user=None):
        classes = [r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。", code="password_complexity")

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、特殊符号中的至少三类。"
