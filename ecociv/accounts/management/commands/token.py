"""`ecociv token create USERNAME [--scope read|write] [--days N]` prints the new token alone on its
last line; `ecociv token list USERNAME`; `ecociv token revoke ID`. Audited as the system account."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ecociv.accounts import tokens
from ecociv.accounts.models import ApiToken, TokenScope, User
from ecociv.core.system import system_user


class Command(BaseCommand):
    help = "API 令牌：create 创建（最后一行只输出令牌）、list 列出、revoke 吊销"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("create", help="为用户创建 API 令牌")
        c.add_argument("username")
        c.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        c.add_argument("--days", type=int, default=None, help="有效天数（默认 API_TOKEN_DAYS）")
        c.add_argument("--name", default="命令行创建")
        ls = sub.add_parser("list", help="列出用户的令牌")
        ls.add_argument("username")
        r = sub.add_parser("revoke", help="吊销令牌")
        r.add_argument("token_id", type=int)

    def handle(self, *args, action, **opts):
        by = system_user()
        if action == "create":
            user = User.objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"用户“{opts['username']}”不存在")
            try:
                tok, raw = tokens.create_token(user, by=by, name=opts["name"], scope=opts["scope"], days=opts["days"])
            except tokens.TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已为 {user.username} 创建{tok.get_scope_display()}令牌（编号 {tok.pk}，"
                              f"{tok.expires_at:%Y-%m-%d} 到期）。令牌只显示这一次：")
            self.stdout.write(raw)
        elif action == "list":
            for tok in ApiToken.objects.filter(user__username=opts["username"]):
                state = "已吊销" if tok.revoked_at else ("有效" if tok.active else "已过期")
                self.stdout.write(f"{tok.pk}\t{tok.name}\t{tok.get_scope_display()}\t{state}\t"
                                  f"到期 {tok.expires_at:%Y-%m-%d}\t最近使用 {tok.last_used_at or '—'}")
        else:
            tok = ApiToken.objects.select_related("user").filter(pk=opts["token_id"]).first()
            if tok is None:
                raise CommandError(f"令牌 {opts['token_id']} 不存在")
            tokens.revoke_token(tok, by=by, reason="命令行吊销")
            self.stdout.write(f"令牌 {tok.pk}（{tok.user.username}）已吊销")
