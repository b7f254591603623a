import pytest

# A county summary in the shape of the seeds: the region (甲县, in the fixture world) and the
# year are named in the text, one figure maps to an indicator, one is masked.
SUMMARY = (
    "甲县2023年生态文明建设工作总结\n\n"
    "2023年，甲县深入推进生态文明建设示范县创建。\n"
    "全县空气质量优良天数比例达到94.5%，较上年提高2.1个百分点。森林覆盖率达到63.2%。\n"
    "全年争取生态环保专项资金1.35亿元，甲县财政配套投入**万元。\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # Uploaded documents and evidence go to a throwaway directory, not var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def summary_bytes():
    return SUMMARY.encode("utf-8")
