import pytest


@pytest.fixture
def demo(db):
    """The demo world of `make run` (青川省 → 云溪市 → three counties, every role)."""
    from ecociv.conftest import ensure_standards
    from ecociv.core.system import system_user
    from ecociv.web.demo import DEMO_PASSWORD, build_demo

    ensure_standards()
    build_demo(by=system_user())
    return DEMO_PASSWORD
