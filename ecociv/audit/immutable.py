"""Audit rows are append-only in the database itself (issue 15, must-hold 10).

The admin, the API and the pages offer no way to change or delete an audit row, but a bug, a
cascade or a future code path could still issue the SQL. So the database refuses it: a trigger on
each audit table raises on UPDATE and DELETE, on SQLite and on PostgreSQL alike, whoever asks and
whatever role the user has. The error is an IntegrityError on both.

Tables:
- `audit_auditlog` — every write of the platform (who, what, when, before/after): nothing changes.
- `axes_accesslog` — the login audit (django-axes: each sign-in, address, browser). Axes fills in
  `logout_time` once at sign-out; that single change (NULL → a time, nothing else) is allowed.

Emptying a whole table is not a row change: PostgreSQL's TRUNCATE fires no row trigger, and is what
`flush` and `ecociv restore` (replacing the whole database from a backup) use there; both run on
the server by its administrator, outside every role of the application. On SQLite a flush deletes
row by row and is refused; the test suite's teardown (conftest.py, never loaded by the platform)
drops the triggers around its flush and puts them back."""
from __future__ import annotations

# table → the one column that may be filled in once (None: no change at all)
APPEND_ONLY = {"audit_auditlog": None, "axes_accesslog": "logout_time"}
MESSAGE = "审计记录不可修改或删除"


def _sqlite_columns(cursor, table: str) -> list[str]:
    cursor.execute(f"PRAGMA table_info({table})")
    return [row[1] for row in cursor.fetchall()]


def install(connection) -> None:
    """Create the triggers (idempotent). Run by the audit migration and after every migrate."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for table, fill_once in APPEND_ONLY.items():
                cur.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{table}）'); END")
                when = ""
                if fill_once:
                    same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in _sqlite_columns(cur, table) if c != fill_once)
                    when = (f'WHEN NOT ({same} AND (OLD."{fill_once}" IS NULL '
                            f'OR NEW."{fill_once}" IS OLD."{fill_once}"))')
                # Rebuilt every time (after every migrate): its WHEN lists the table's columns as
                # they are now, so a column a later migration adds is covered too.
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cur.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {when} "
                            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{table}）'); END")
        elif connection.vendor == "postgresql":
            cur.execute(f"""
                CREATE OR REPLACE FUNCTION ecociv_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE col text := NULLIF(TG_ARGV[0], '');
                BEGIN
                  IF TG_OP = 'UPDATE' AND col IS NOT NULL
                     AND (to_jsonb(NEW) - col) = (to_jsonb(OLD) - col)
                     AND (to_jsonb(OLD) -> col = 'null'::jsonb OR to_jsonb(OLD) -> col = to_jsonb(NEW) -> col) THEN
                    RETURN NEW;
                  END IF;
                  RAISE EXCEPTION '{MESSAGE}（%）', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
                END $$""")
            for table, fill_once in APPEND_ONLY.items():
                cur.execute(f"DROP TRIGGER IF EXISTS ecociv_append_only ON {table}")
                cur.execute(f"CREATE TRIGGER ecociv_append_only BEFORE UPDATE OR DELETE ON {table} "
                            f"FOR EACH ROW EXECUTE FUNCTION ecociv_append_only('{fill_once or ''}')")
        else:  # another backend has no trigger here: say so rather than pretend
            raise NotImplementedError(f"审计表只读触发器未实现：{connection.vendor}")


def uninstall(connection) -> None:
    """Drop the triggers: the migration's reverse, and the test suite's SQLite flush."""
    with connection.cursor() as cur:
        for table in APPEND_ONLY:
            if connection.vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            elif connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS ecociv_append_only ON {table}")
        if connection.vendor == "postgresql":
            cur.execute("DROP FUNCTION IF EXISTS ecociv_append_only()")
