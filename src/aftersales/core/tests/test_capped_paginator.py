import pytest

from aftersales.core.models import DocumentCounter
from aftersales.core.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


def test_counts_up_to_the_cap():
    DocumentCounter.objects.bulk_create(DocumentCounter(doc_type=f"t{i}", period="2611") for i in range(30))
    small = CappedPaginator(DocumentCounter.objects.order_by("pk"), 10)
    small.cap = 100
    assert (small.count, small.capped, small.num_pages) == (30, False, 3)
    big = CappedPaginator(DocumentCounter.objects.order_by("pk"), 10)
    big.cap = 25
    assert (big.count, big.capped, big.num_pages) == (25, True, 3)
    assert len(big.page(3).object_list) == 5
