"""Every write of the entry workflow, one module per concept. Each action is atomic, checks
permission, and writes an audit row (the per-value history page reads those rows back, so a
value's history is exactly its audit trail):

- `tasks`: 填报任务 — which indicators a region fills, creating and assigning tasks, work items;
- `values`: what is typed or imported, through the one writer (`entry.writer`);
- `evidence`: 佐证材料 files (content-checked, stored by sha256);
- `review`: submit, approve (maker-checker, override), return and reopen.

The checks of a value or a task (`findings_for`, `task_findings`) are reads: `entry.checks`.
"""
