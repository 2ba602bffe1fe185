"""One exception handler maps the services' refusals to 400s, whichever API view raised them."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework.test import APIClient

from content.api.errors import error_detail

from .factories import DealFactory


def test_field_errors_keep_their_fields_and_the_rest_is_non_field_errors():
    error = ValidationError({"close_date": ["A won deal needs a close date."], NON_FIELD_ERRORS: ["Both."]})
    assert error_detail(error) == {"close_date": ["A won deal needs a close date."], "non_field_errors": ["Both."]}


def test_an_error_about_no_field_is_one_detail_sentence():
    assert error_detail(ValidationError(["Too late.", "Ask marketing."])) == {"detail": "Too late. Ask marketing."}


@pytest.mark.django_db
def test_a_service_refusal_reaches_the_client_as_a_400_naming_the_field(manager):
    api = APIClient()
    api.force_authenticate(manager)
    DealFactory(crm_id="ERR-1")
    response = api.put("/api/v1/deals/ERR-1/", {"status": "won"}, format="json")
    assert response.status_code == 400
    assert "close_date" in response.json()
