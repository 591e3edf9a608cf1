"""The parts search on the technician's job page (PT-1): what fits the job's product model, then
what fits any model; "show parts for every model" adds the rest."""

import pytest
from django.urls import reverse

from aftersales.customers.tests.factories import ProductModelFactory
from aftersales.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db


def search(client, job, **params):
    response = client.get(reverse("field:part_search", args=[job.pk]), params,
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_search_shows_parts_that_fit_the_jobs_model_first(client, on_site, cast):
    model = on_site.installed_product.model
    other = ProductModelFactory(code="CXW-200", name="油烟机")
    fitting = PartFactory(code="IGN-20", name="点火针")
    fitting.fits.add(model)
    PartFactory(code="IGN-ANY", name="通用点火针")  # lists no model: fits any
    elsewhere = PartFactory(code="IGN-HOOD", name="油烟机点火针")
    elsewhere.fits.add(other)
    client.force_login(cast.technician)

    body = search(client, on_site, q="点火针")
    assert body.index("IGN-20") < body.index("IGN-ANY")
    assert "IGN-HOOD" not in body
    assert "data-show-all" in body and "all=1" in body

    body = search(client, on_site, q="点火针", all="1")
    assert body.index("IGN-20") < body.index("IGN-ANY") < body.index("IGN-HOOD")
    assert "data-other-model" in body and "data-show-all" not in body

    # by the model: the hood's code finds its part when every model is shown
    assert "IGN-HOOD" not in search(client, on_site, q="cxw")
    assert "IGN-HOOD" in search(client, on_site, q="cxw", all="1")
    # the job's own model code finds what fits it
    assert "IGN-20" in search(client, on_site, q=model.code)


def test_nothing_fits_says_so_and_offers_every_model(client, on_site, cast):
    elsewhere = PartFactory(code="MOT-200", name="电机")
    elsewhere.fits.add(ProductModelFactory(code="CXW-201"))
    client.force_login(cast.technician)
    body = search(client, on_site, q="电机")
    assert "MOT-200" not in body and "data-show-all" in body
    assert "MOT-200" in search(client, on_site, q="电机", all="1")
