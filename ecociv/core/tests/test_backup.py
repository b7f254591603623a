from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_is_verified_by_restoring_it(tmp_path, world):
    out = StringIO()
    call_command("backup", "--out", str(tmp_path), "--verify", stdout=out)
    text = out.getvalue()
    assert "备份完成" in text and "恢复校验通过" in text
    assert list(tmp_path.glob("ecociv-*.json.gz"))
