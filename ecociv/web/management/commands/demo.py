from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from ecociv.core.system import operator
from ecociv.standards.models import Standard
from ecociv.web.demo import build_demo


class Command(BaseCommand):
    help = "生成演示数据（虚构的青川省云溪市及三个县区，可重复运行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="as_user", help="记入审计的操作用户，默认 system")
        parser.add_argument("--quiet", action="store_true", help="不显示账户列表")

    def handle(self, *args, **opts):
        if not Standard.objects.filter(code="national-2019").exists():
            call_command("standards", "load", stdout=self.stdout)
        bar = tqdm(total=1, desc="生成演示数据", unit="项", disable=opts["quiet"], leave=False)

        def progress(done, total):
            bar.total = total
            bar.n = done
            if done % 20 == 0 or done == total:
                bar.refresh()

        result = build_demo(by=operator(opts.get("as_user")), progress=progress)
        bar.close()
        c = result["created"]
        self.stdout.write(f"演示数据：新增区划 {c['regions']}，部门 {c['departments']}，用户 {c['users']}，指标数值 {c['values']}")
        if not opts["quiet"]:
            self.stdout.write(f"演示账户（密码均为 {result['password']}）：")
            for username, role, region in result["accounts"]:
                self.stdout.write(f"  {username:<20} {role:<8} {region}")
