"""What every invoicing document shares: append-only rows that only the back office sees."""

from aftersales.accounts.choices import Role
from aftersales.core.ledger import AppendOnlyError
from aftersales.core.querysets import RestrictedQuerySet

# Who reads invoices, credit notes and receivables; who issues them.
READ_ROLES = frozenset({Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN, Role.SUPERVISOR, Role.AGENT})
WRITE_ROLES = frozenset({Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN})


def back_office_rule(queryset, user, action):
    """Desk staff read the company's invoicing documents; accountants, service managers and
    administrators also issue them. Technicians, dealers and customers see none."""
    roles = READ_ROLES if action == "view" else WRITE_ROLES
    if user.is_superuser or user.role in roles:
        return queryset
    return queryset.none()


class DocumentQuerySet(RestrictedQuerySet):
    """Issued documents are never changed: the ORM refuses bulk updates and deletes (the
    migration's triggers refuse them in the database as well)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class DocumentMixin:
    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
