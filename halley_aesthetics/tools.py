"""Helpers shared by the addon's models."""


def lock_rows(records):
    """Lock ``records``' rows until the transaction ends (SELECT ... FOR UPDATE),
    then drop their cached values so they are read again under the lock.

    Every RPC call runs in REPEATABLE READ: if a concurrent transaction changed
    one of these rows and committed, this fails with a serialization error and
    Odoo replays the request, which then sees the new values. That failure is
    expected, so it is not logged as a "bad query".
    """
    if records:
        records.env.cr.execute(
            f'SELECT id FROM "{records._table}" WHERE id IN %s ORDER BY id FOR UPDATE',
            [tuple(records.ids)],
            log_exceptions=False,
        )
        records.invalidate_recordset()
